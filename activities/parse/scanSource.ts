import { stat } from 'node:fs/promises';
import { readLineBlocks, type ChunkRef, type LineBlock } from './chunks';
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
): Promise<SourceModel> {
  const ctx = new ParseContext(opts);
  const scan = formatOf(spec.format).scan(ctx, spec, opts);
  const chunks: ChunkRef[] = [];
  let chunkStart = 0;
  let chunkFirstLine = 1;
  let offset = 0;
  let lines = 0;
  let lastText = '';
  for await (const block of blocks) {
    scan.block(block);
    lastText = block.text;
    lines = block.firstLine - 1 + block.newlines + (block.text.endsWith('\n') || block.text === '' ? 0 : 1);
    offset = block.next;
    if (offset - chunkStart >= opts.chunkBytes) {
      chunks.push({ index: chunks.length, start: chunkStart, end: offset, firstLine: chunkFirstLine });
      chunkStart = offset;
      chunkFirstLine = block.firstLine + block.newlines;
    }
  }
  // a file still being written ends in a half-written line: read up to its last complete line
  if (offset > 0 && !lastText.endsWith('\n') && opts.growing && (await opts.growing(offset))) {
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
    bytes: offset,
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

/** Scan blocks are a quarter of a chunk: chunks end where blocks end, so they land within ~25 % of the target. */
export const scanBlockBytes = (chunkBytes: number) => Math.max(1024, Math.min(1 << 20, Math.floor(chunkBytes / 4)));

/**
 * Scan a source file. A text log is scanned with its chunks prepared into `outDir` (preparedScan.ts: each line
 * masked once, on `prepare`'s threads); other formats, or without `outDir`, in one pass here.
 */
export async function scanSource(
  path: string,
  spec: SourceSpec,
  opts: ScanOptions & { outDir?: string; prepare?: (job: PrepareJob) => Promise<PreparedChunk>; parallel?: number },
): Promise<SourceModel> {
  const { outDir } = opts;
  if (formatOf(spec.format).prepares && outDir)
    return scanPrepared(path, spec, { growing: grownPast(path), ...opts, outDir });
  const { size, mtime } = await stat(path);
  return scanBlocks(readLineBlocks(path, 0, size, 1, scanBlockBytes(opts.chunkBytes), opts.maxLineBytes), path, spec, {
    year: mtime.getUTCFullYear(),
    growing: grownPast(path),
    ...opts,
  });
}

/** Whether a file is now larger than `bytes`. */
export const grownPast = (path: string) => async (bytes: number) => (await stat(path)).size > bytes;
