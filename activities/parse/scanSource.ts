import { stat } from 'node:fs/promises';
import {
  FILE_START,
  firstLineBlock,
  readLineBlocks,
  type ChunkRef,
  type LineBlock,
  type LinePosition,
  type LineRange,
} from './chunks';
import { formatOf } from './formats';
import type { ScanOptions } from './formats/sourceFormat';
import { ParseContext } from './parseResult';
import type { SourceModel } from './sourceModel';
import type { SourceSpec } from './sourceSpec';
import { naiveTimeNote } from './sourceTime';
import { scanPrepared } from './preparedScan';
import type { PrepareJob, PreparedChunk } from './preparedChunk';

/**
 * One pass over a source: plan its chunks, learn the names in it (as keyed digests) and mine the
 * templates of a text log from its masked messages. Memory: one block, the templates, the digests.
 */
export async function scanBlocks(
  blocks: AsyncIterable<LineBlock> | Iterable<LineBlock>,
  path: string,
  spec: SourceSpec,
  opts: ScanOptions,
  from: ScanStart = {},
): Promise<SourceModel> {
  const ctx = new ParseContext(opts);
  const scan = formatOf(spec.format).scan(ctx, spec, opts);
  // a table read from a later line learns its header from the file's first line (not a line of this read)
  if (from.header) scan.block(from.header);
  const start = from.at ?? FILE_START;
  const chunks: ChunkRef[] = [];
  let chunkStart = start.byte;
  let chunkFirstLine = start.line;
  let offset = start.byte;
  let lines = 0;
  let lastText = '';
  for await (const block of blocks) {
    scan.block(block);
    lastText = block.text;
    lines = block.firstLine - start.line + block.newlines + (block.text.endsWith('\n') || block.text === '' ? 0 : 1);
    offset = block.next;
    if (offset - chunkStart >= opts.chunkBytes) {
      chunks.push({ index: chunks.length, start: chunkStart, end: offset, firstLine: chunkFirstLine });
      chunkStart = offset;
      chunkFirstLine = block.firstLine + block.newlines;
    }
  }
  // a file still being written ends in a half-written line: read up to its last complete line
  if (offset > start.byte && !lastText.endsWith('\n') && opts.growing && (await opts.growing(offset))) {
    const nl = lastText.lastIndexOf('\n');
    offset -= Buffer.byteLength(lastText.slice(nl + 1));
    lines -= 1;
  }
  if (offset > chunkStart)
    chunks.push({ index: chunks.length, start: chunkStart, end: offset, firstLine: chunkFirstLine });
  const found = scan.finish();
  return {
    source: opts.source,
    path,
    spec: found.spec,
    bytes: offset - start.byte,
    lines,
    chunks,
    headerLine: found.headerLine,
    templates: found.templates,
    time: found.time,
    nameDigests: ctx.mask.knownNameDigests(),
    keyCheck: ctx.mask.keyCheck(),
    notes: [...found.notes, ...naiveTimeNote(found.naive, opts.timezone)],
    prepared: false,
  };
}

/** Where a scan starts: a line of the file (an incremental read), and the file's first line when that is a header. */
export interface ScanStart {
  at?: LinePosition;
  header?: LineBlock;
}

/** Scan blocks are a quarter of a chunk: chunks end where blocks end, so they land within ~25 % of the target. */
export const scanBlockBytes = (chunkBytes: number) => Math.max(1024, Math.min(1 << 20, Math.floor(chunkBytes / 4)));

/**
 * Scan a source file. A text log is scanned with its chunks prepared into `outDir` (preparedScan.ts: each line
 * masked once, on `prepare`'s threads); other formats, or without `outDir`, in one pass here.
 */
export async function scanSource(
  path: string,
  spec: SourceSpec,
  opts: ScanOptions & {
    outDir?: string;
    prepare?: (job: PrepareJob) => Promise<PreparedChunk>;
    parallel?: number;
    range?: LineRange;
  },
): Promise<SourceModel> {
  const { outDir } = opts;
  if (formatOf(spec.format).prepares && outDir)
    return scanPrepared(path, spec, { growing: grownPast(path), ...opts, outDir });
  const { size, mtime } = await stat(path);
  const from = opts.range?.from ?? FILE_START;
  const blocks = readLineBlocks(
    path,
    from.byte,
    opts.range?.end ?? size,
    from.line,
    scanBlockBytes(opts.chunkBytes),
    opts.maxLineBytes,
  );
  const start = await scanStart(path, spec, opts.range?.from, opts.maxLineBytes);
  return scanBlocks(blocks, path, spec, { year: mtime.getUTCFullYear(), growing: grownPast(path), ...opts }, start);
}

/**
 * Where a scan from `from` starts: that line, and the file's first line when the format reads a header there (an
 * incremental read of a table). Nothing to add for a read from the file's start.
 */
async function scanStart(
  path: string,
  spec: SourceSpec,
  from: LinePosition | undefined,
  maxLineBytes?: number,
): Promise<ScanStart> {
  if (!from || from.byte === 0) return {};
  const header = formatOf(spec.format).header?.(spec) ? await firstLineBlock(path, maxLineBytes) : null;
  return { at: from, ...(header ? { header } : {}) };
}

/** Whether a file is now larger than `bytes`. */
export const grownPast = (path: string) => async (bytes: number) => (await stat(path)).size > bytes;
