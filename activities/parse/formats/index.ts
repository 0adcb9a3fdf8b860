import { basename, extname } from 'node:path';
import { csv } from './csv';
import { jsonl } from './jsonl';
import type { SourceFormat } from './sourceFormat';
import { text } from './text';
import { workorders } from './workorders';
import { NonRetryableError } from '../../common/failures';
import { SourceSpec } from '../sourceSpec';

/**
 * The source formats' registry: a format is one module (formats/<format>.ts, a SourceFormat with every part - one
 * without its scan does not compile) and one entry here, under the name a source spec's `format` gives. Detection,
 * the scan, the chunk parser and stage one's segmentation read it.
 */
export const FORMATS = {
  csv,
  jsonl,
  text,
  workorders,
} as const satisfies Record<string, SourceFormat>;

export type SourceFormatName = keyof typeof FORMATS;
/** the registered formats' names, in registry order */
export const FORMAT_NAMES = Object.keys(FORMATS) as SourceFormatName[];
const isFormat = (name: string): name is SourceFormatName => Object.hasOwn(FORMATS, name);

/** A format by its name. Fail-closed: a name the registry does not know is a clear, non-retryable error. */
export function formatOf(name: string): SourceFormat {
  if (!isFormat(name))
    throw new NonRetryableError('InvalidConfig', `unknown source format "${name}": one of ${FORMAT_NAMES.join(', ')}`);
  return FORMATS[name];
}

/** A source spec whose format is a registered one (**contract**: source config files, `forge parse --format`). */
export const RegisteredSourceSpec = SourceSpec.superRefine((s, ctx) => {
  if (!isFormat(s.format))
    ctx.addIssue({ code: 'custom', path: ['format'], message: `one of ${FORMAT_NAMES.join(', ')}` });
});

/** How a user names a file's format when detection cannot: each format's extensions, --format, a source config. */
export function formatHint(): string {
  const exts = FORMAT_NAMES.map((n) => {
    const d = FORMATS[n].detect;
    const all = [...(d.extensions ?? []), ...(d.fallbackExtensions ?? [])];
    return all.length ? `${all.join('/')} (${n})` : null;
  }).filter((x) => x !== null);
  return `use ${exts.join(', ')}, --format ${FORMAT_NAMES.join('|')}, or a source config`;
}

/**
 * Choose a format from the file name and its first lines: an extension that decides alone, else the first line
 * (after blanks and # comments) in registry order, else an extension that names a format when nothing else did.
 * Returns null when it cannot tell.
 */
export function detectFormat(path: string, head: string): SourceFormatName | null {
  // a rotated log keeps its format: app.log.1, app.log-20261205
  const ext = extname(basename(path).replace(/(\.\d+|-\d{8})$/, '')).toLowerCase();
  const formats = FORMAT_NAMES.map((n) => [n, FORMATS[n] as SourceFormat] as const);
  const by = (test: (f: SourceFormat) => boolean | undefined) => formats.find(([, f]) => test(f))?.[0] ?? null;
  const first = head.split(/\r?\n/).find((l) => l.trim() !== '' && !l.trimStart().startsWith('#')) ?? '';
  return (
    by((f) => f.detect.extensions?.includes(ext)) ??
    by((f) => f.detect.firstLine?.(first)) ??
    by((f) => f.detect.fallbackExtensions?.includes(ext))
  );
}
