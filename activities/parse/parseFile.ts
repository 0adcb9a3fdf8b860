import { open, readFile, stat } from 'node:fs/promises';
import { basename, join, resolve } from 'node:path';
import { sha256File, toJsonl, writeFileAtomic } from '../common/files';
import type { RunConfig } from '../run/config';
import type { InputRef, ParseSummary } from '../run/contracts';
import type { NonRetryable } from '../run/errors';
import { detectFormat } from './detectFormat';
import { parseSourceText } from './parseSource';
import type { SourceFormat } from './records';

/** A problem with the input itself: retrying cannot fix it. `type` is the failure type the run reports. */
export class InputError extends Error {
  constructor(readonly type: NonRetryable, message: string) {
    super(message);
  }
}

async function countLines(path: string): Promise<number> {
  let n = 0;
  let last = 10;
  const fh = await open(path);
  try {
    for await (const chunk of fh.createReadStream()) {
      const buf = chunk as Buffer;
      for (let i = 0; i < buf.length; i++) if (buf[i] === 10) n++;
      if (buf.length) last = buf[buf.length - 1];
    }
  } finally {
    await fh.close();
  }
  return last === 10 ? n : n + 1;
}

/** Check one input exists, tell its format (or take the one given), hash it and count its lines. */
export async function describeInput(p: string, format?: SourceFormat): Promise<InputRef> {
  const path = resolve(p);
  const st = await stat(path).catch(() => null);
  if (!st) throw new InputError('InputNotFound', `input file not found: ${path}`);
  if (!st.isFile()) throw new InputError('InputNotFound', `input is not a file: ${path}`);
  let fmt = format ?? null;
  if (!fmt) {
    const fh = await open(path);
    const head = Buffer.alloc(4096);
    const { bytesRead } = await fh.read(head, 0, head.length, 0).finally(() => fh.close());
    fmt = detectFormat(path, head.subarray(0, bytesRead).toString('utf8'));
  }
  if (!fmt) throw new InputError('UnreadableSource', `cannot tell the format of ${path}: use .csv/.tsv (time series), .jsonl (events), .log/.txt (text log or work orders), or --format`);
  return { path, name: basename(path), format: fmt, sha256: await sha256File(path), bytes: st.size, lines: await countLines(path) };
}

/** Describe all inputs of a run; names must differ, since provenance is `file:line`. */
export async function describeInputs(paths: readonly string[], format?: SourceFormat): Promise<InputRef[]> {
  const refs: InputRef[] = [];
  for (const p of paths) {
    const ref = await describeInput(p, format);
    const twin = refs.find((r) => r.name === ref.name);
    if (twin) throw new InputError('InputNotFound', `two inputs share the name ${ref.name} (${twin.path} and ${ref.path}); provenance is file:line, so names must differ`);
    refs.push(ref);
  }
  return refs;
}

/** Parse one source and write `records/<name>.jsonl` and `quarantine/<name>.jsonl` under `outDir`. */
export async function parseFileToDir(source: InputRef, outDir: string, config: RunConfig): Promise<ParseSummary> {
  const text = await readFile(source.path, 'utf8').catch((e: Error) => { throw new InputError('InputNotFound', `cannot read ${source.path}: ${e.message}`); });
  let result;
  try {
    result = parseSourceText(source.format, text, { source: source.name, timezone: config.timezone, pii: config.pii });
  } catch (e) {
    throw new InputError('UnreadableSource', (e as Error).message);
  }
  const recordsPath = join(outDir, 'records', `${source.name}.jsonl`);
  const quarantinePath = join(outDir, 'quarantine', `${source.name}.jsonl`);
  await writeFileAtomic(recordsPath, toJsonl(result.records));
  await writeFileAtomic(quarantinePath, toJsonl(result.quarantine));
  return {
    source: source.name, lines: result.lines, records: result.records.length, quarantined: result.quarantine.length,
    pii: result.pii, recordsPath, quarantinePath,
  };
}
