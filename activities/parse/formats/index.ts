import { extname } from 'node:path';
import { csv } from './csv';
import { jsonl } from './jsonl';
import type { SourceFormat } from './sourceFormat';
import { text } from './text';
import { workorders } from './workorders';
import type { SourceFormatName } from '../sourceSpec';

/**
 * The source formats' registry: a format is one module (formats/<format>.ts, a SourceFormat with every part) and one
 * entry here, typed over the source spec's `format` names (sourceSpec.ts) - a name without an entry, or an entry
 * without a name, does not compile. Detection, the scan, the chunk parser and stage one's segmentation read it.
 */
export const FORMATS: { readonly [F in SourceFormatName]: SourceFormat } = { csv, jsonl, text, workorders };

/**
 * Choose a format from the file name and its first lines: an extension that decides alone, else the first line
 * (after blanks and # comments) in registry order, else an extension that names a format when nothing else did.
 * Returns null when it cannot tell.
 */
export function detectFormat(path: string, head: string): SourceFormatName | null {
  const ext = extname(path).toLowerCase();
  const formats = Object.entries(FORMATS) as [SourceFormatName, SourceFormat][];
  const by = (test: (f: SourceFormat) => boolean | undefined) => formats.find(([, f]) => test(f))?.[0] ?? null;
  const first = head.split(/\r?\n/).find((l) => l.trim() !== '' && !l.trimStart().startsWith('#')) ?? '';
  return (
    by((f) => f.detect.extensions?.includes(ext)) ??
    by((f) => f.detect.firstLine?.(first)) ??
    by((f) => f.detect.fallbackExtensions?.includes(ext))
  );
}
