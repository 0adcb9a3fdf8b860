import { open, readFile, stat, writeFile, mkdir } from 'node:fs/promises';
import { basename, dirname, join, resolve } from 'node:path';
import { z } from 'zod';
import { NonRetryableError } from '../common/failures';
import type { LineBlock, LinePosition } from './chunks';
import { detectFormat, formatHint, RegisteredSourceSpec, type SourceFormatName } from './formats';
import { parseBlocksInMemory } from './parseChunk';
import { describeIssues } from '../common/issues';
import type { ParseOptions, ParseResult } from './parseResult';
import { scanBlocks } from './scanSource';
import { SourceModel } from './sourceModel';
import type { SourceSpec } from './sourceSpec';

/** An input of a run: the data file, the name used in provenance, and how to read it. */
export interface InputRef {
  path: string;
  name: string;
  spec: SourceSpec;
  /** where reading ends: the file's size, or (an incremental run) the end of its last complete line */
  bytes: number;
  /** where reading starts (an incremental run: after what earlier runs read); the file's start when not given */
  from?: LinePosition;
  /** an incremental run: the model of the same source in the previous version, whose template ids go on */
  previousModel?: string;
}

/** A source config file: a SourceSpec plus the data file's `path` (relative to the config file). */
const SourceConfigFile = z.object({ path: z.string() }).passthrough();

async function readSourceConfig(path: string): Promise<{ dataPath: string; spec: SourceSpec }> {
  let value: unknown;
  try {
    value = JSON.parse(await readFile(path, 'utf8'));
  } catch (e) {
    throw new NonRetryableError('InvalidConfig', `${path}: not a readable source config (${(e as Error).message})`);
  }
  const file = SourceConfigFile.safeParse(value);
  if (!file.success)
    throw new NonRetryableError('InvalidConfig', `${path}: a source config needs "path" (the data file) and "format"`);
  const { path: data, ...rest } = file.data;
  const spec = RegisteredSourceSpec.safeParse(rest);
  if (!spec.success) throw new NonRetryableError('InvalidConfig', `${path}: ${describeIssues(spec.error, '(root)')}`);
  const reference = spec.data.csv.reference;
  if (reference !== undefined) {
    const at = resolve(dirname(path), reference);
    if (!(await stat(at).catch(() => null))?.isFile())
      throw new NonRetryableError('InputNotFound', `${path}: csv.reference: reference file not found: ${at}`);
    spec.data.csv.reference = at;
  }
  return { dataPath: resolve(dirname(path), data), spec: spec.data };
}

/**
 * Resolve one input: a data file (format detected, or `format`), or a `.json` source config naming one.
 * Checks the data file exists; a missing one is a clear, non-retryable error.
 */
export async function describeInput(p: string, format?: SourceFormatName): Promise<InputRef> {
  let path = resolve(p);
  let spec: SourceSpec | null = null;
  const st0 = await stat(path).catch(() => null);
  if (!st0) throw new NonRetryableError('InputNotFound', `input file not found: ${path}`);
  if (path.endsWith('.json') && st0.isFile()) {
    const cfg = await readSourceConfig(path);
    path = cfg.dataPath;
    spec = cfg.spec;
  }
  const st = await stat(path).catch(() => null);
  if (!st) throw new NonRetryableError('InputNotFound', `input file not found: ${path}`);
  if (!st.isFile()) throw new NonRetryableError('InputNotFound', `input is not a file: ${path}`);
  const fh = await open(path);
  const buf = Buffer.alloc(4096);
  const { bytesRead } = await fh.read(buf, 0, buf.length, 0).finally(() => fh.close());
  const head = buf.subarray(0, bytesRead);
  const encoding = utf16(head);
  if (encoding)
    throw new NonRetryableError(
      'UnreadableSource',
      `${path} is ${encoding} text: Forge reads UTF-8 (convert it first, e.g. iconv -f ${encoding} -t UTF-8)`,
    );
  if (!spec) {
    let fmt: SourceFormatName | null = format ?? null;
    if (!fmt) fmt = detectFormat(path, head.toString('utf8'));
    if (!fmt) throw new NonRetryableError('UnreadableSource', `cannot tell the format of ${path}: ${formatHint()}`);
    spec = RegisteredSourceSpec.parse({ format: fmt });
  }
  return { path, name: basename(path), spec, bytes: st.size };
}

/** UTF-16 text, told by its byte-order mark or by NUL bytes beside ASCII: its name, or null. */
function utf16(head: Buffer): 'UTF-16LE' | 'UTF-16BE' | null {
  if (head[0] === 0xff && head[1] === 0xfe) return 'UTF-16LE';
  if (head[0] === 0xfe && head[1] === 0xff) return 'UTF-16BE';
  if (head.length >= 8) {
    let even = 0,
      odd = 0;
    for (let i = 0; i + 1 < head.length; i += 2) {
      if (head[i] === 0) even++;
      if (head[i + 1] === 0) odd++;
    }
    const pairs = head.length >> 1;
    if (odd > pairs * 0.4 && even === 0) return 'UTF-16LE';
    if (even > pairs * 0.4 && odd === 0) return 'UTF-16BE';
  }
  return null;
}

/** Describe all inputs of a run; names must differ, since provenance is `file:line`. */
export async function describeInputs(paths: readonly string[], format?: SourceFormatName): Promise<InputRef[]> {
  const refs: InputRef[] = [];
  for (const p of paths) refs.push(await describeInput(p, format));
  return distinctNames(refs);
}

/**
 * A run's inputs, refused (naming both, and `advice` when given) when two share a name: provenance is `file:line`
 * and a source's records and model are filed by its name.
 */
export function distinctNames(refs: InputRef[], advice = ''): InputRef[] {
  for (const ref of refs) {
    // the first input of the name: a later one with it is the twin
    const twin = refs.find((r) => r.name === ref.name)!;
    if (twin !== ref)
      throw new NonRetryableError(
        'InputNotFound',
        `two inputs share the name ${ref.name} (${twin.path} and ${ref.path}); provenance is file:line, so ` +
          `names must differ${advice}`,
      );
  }
  return refs;
}

export const modelPath = (outDir: string, source: string) => join(outDir, 'models', `${source}.json`);
/** what a table's reference of normal operation calibrated (series/segmentSource.ts), beside its model */
export const calibrationPath = (outDir: string, source: string) => join(outDir, 'models', `${source}.calibration.json`);
/** the calibration file beside a model file of the same run (a scheduled version's previous model of the source) */
export const calibrationBeside = (modelFile: string, source: string) =>
  calibrationPath(dirname(dirname(modelFile)), source);

export async function writeModel(outDir: string, model: SourceModel): Promise<string> {
  const path = modelPath(outDir, model.source);
  await mkdir(dirname(path), { recursive: true });
  await writeFile(path, JSON.stringify(model));
  return path;
}

export async function readModel(path: string): Promise<SourceModel> {
  return SourceModel.parse(JSON.parse(await readFile(path, 'utf8')));
}

/** Parse a whole source held in memory, as scan + chunks would: for tests and small inputs. */
export async function parseSourceText(
  spec: SourceSpec | SourceFormatName,
  text: string,
  opts: ParseOptions,
): Promise<ParseResult> {
  const s = typeof spec === 'string' ? RegisteredSourceSpec.parse({ format: spec }) : spec;
  const block: LineBlock = {
    text,
    firstLine: 1,
    newlines: (text.match(/\n/g) ?? []).length,
    next: Buffer.byteLength(text),
  };
  let model: SourceModel;
  try {
    model = await scanBlocks([block], '<memory>', s, { ...opts, chunkBytes: Number.MAX_SAFE_INTEGER });
    return parseBlocksInMemory(model, [block], opts);
  } catch (e) {
    if (e instanceof NonRetryableError) throw e;
    throw new NonRetryableError('UnreadableSource', (e as Error).message);
  }
}
