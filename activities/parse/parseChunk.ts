import { mkdir, open, rename, stat, truncate, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { formatOf } from './formats';
import { readLineBlocks, type ChunkRef, type LineBlock } from './chunks';
import { ParseContext, type ParseOptions, type ParseResult, type SourceParser } from './parseResult';
import type { PiiCounts } from './pii';
import type { OperationRecord } from './records';
import type { SourceModel } from './sourceModel';

export const createParser = (model: SourceModel, ctx: ParseContext): SourceParser =>
  formatOf(model.spec.format).parser(model, ctx);

/** Where a chunk got to: enough to resume it, after a crash, with output identical to an undisturbed run. */
export interface ChunkProgress {
  offset: number;
  line: number;
  recordsBytes: number;
  quarantineBytes: number;
  counts: { lines: number; records: number; quarantined: number; untimed: number };
  pii: PiiCounts;
  digests: string[];
}

export interface ChunkOutput {
  recordsPath: string;
  quarantinePath: string;
  counts: ChunkProgress['counts'];
  pii: PiiCounts;
}

/** A format's block size (formats/<format>.ts). */
export const blockBytesOf = (format: string) => formatOf(format).blockBytes;

export const chunkFiles = (outDir: string, source: string, index: number) => {
  const n = String(index).padStart(5, '0');
  return {
    records: join(outDir, 'records', `${source}.${n}.jsonl`),
    quarantine: join(outDir, 'quarantine', `${source}.${n}.jsonl`),
  };
};

/** Where segmentation writes a table source's windows, changes and state events. */
export const seriesFile = (outDir: string, source: string) => join(outDir, 'records', `${source}.series.jsonl`);

/** A parsed source's record files, in order: one per chunk, then its series file when it was segmented. */
export function sourceRecordFiles(outDir: string, p: { source: string; chunks: number; series?: unknown }): string[] {
  const files = Array.from({ length: p.chunks }, (_, i) => chunkFiles(outDir, p.source, i).records);
  return p.series ? [...files, seriesFile(outDir, p.source)] : files;
}

/**
 * Records as JSON lines, UTF-8 (a string is a JSON line already; the length is the bytes written, for resuming),
 * encoded into one buffer kept from call to call: no joined string, no fresh buffer per block (a block's lines
 * joined and encoded cost a copy of the block and new pages to fault in, twice per block).
 */
export class JsonLines {
  private buf = Buffer.allocUnsafe(1 << 16);

  /** The lines (a string each, or a value to write as JSON), each ended by a newline: valid until the next call. */
  encode(xs: readonly unknown[]): Buffer {
    const lines = xs.map((x) => (typeof x === 'string' ? x : JSON.stringify(x)));
    let most = 0; // a UTF-16 unit is at most 3 bytes of UTF-8
    for (const l of lines) most += 3 * l.length + 1;
    if (most > this.buf.length) this.buf = Buffer.allocUnsafe(Math.max(most, 2 * this.buf.length));
    let at = 0;
    for (const l of lines) {
      at += this.buf.write(l, at);
      this.buf[at++] = 10;
    }
    return this.buf.subarray(0, at);
  }
}

/**
 * Parse one chunk into `records/<source>.<NNNNN>.jsonl` and `quarantine/<source>.<NNNNN>.jsonl`, block by
 * block, appending to `.partial` files and reporting progress after each block. Given the last progress
 * of an interrupted attempt, it truncates the partial files to that point and goes on from there.
 */
export async function parseChunkToFiles(args: {
  model: SourceModel;
  chunk: ChunkRef;
  outDir: string;
  opts: ParseOptions;
  resume?: ChunkProgress | null;
  onProgress?: (p: ChunkProgress) => void;
  blockBytes?: number;
}): Promise<ChunkOutput> {
  const { model, chunk, outDir } = args;
  const final = chunkFiles(outDir, model.source, chunk.index);
  const partial = { records: `${final.records}.partial`, quarantine: `${final.quarantine}.partial` };
  await mkdir(join(outDir, 'records'), { recursive: true });
  await mkdir(join(outDir, 'quarantine'), { recursive: true });
  let resume = args.resume ?? null;
  if (resume) {
    const sizes = await Promise.all(
      [partial.records, partial.quarantine].map((p) =>
        stat(p).then(
          (s) => s.size,
          () => -1,
        ),
      ),
    );
    // the partial output is gone: start over
    if (sizes[0] < resume.recordsBytes || sizes[1] < resume.quarantineBytes) resume = null;
  }
  if (resume) {
    await truncate(partial.records, resume.recordsBytes);
    await truncate(partial.quarantine, resume.quarantineBytes);
  } else {
    await writeFile(partial.records, '');
    await writeFile(partial.quarantine, '');
  }
  const ctx = new ParseContext({ ...args.opts, knownNames: [...model.nameDigests, ...(resume?.digests ?? [])] });
  if (model.keyCheck && model.keyCheck !== ctx.mask.keyCheck()) {
    throw new Error(
      `${model.source} was scanned under another personal-data key: give every worker the same FORGE_PII_KEY`,
    );
  }
  if (resume) {
    Object.assign(ctx.counts, resume.counts);
    Object.assign(ctx.mask.counts, resume.pii);
  }
  const parser = createParser(model, ctx);
  const scanned = new Set(model.nameDigests);
  const files = { records: await open(partial.records, 'a'), quarantine: await open(partial.quarantine, 'a') };
  const encoded = { records: new JsonLines(), quarantine: new JsonLines() };
  try {
    let bytes = { records: resume?.recordsBytes ?? 0, quarantine: resume?.quarantineBytes ?? 0 };
    const blocks = prefetch(
      readLineBlocks(
        model.path,
        resume?.offset ?? chunk.start,
        chunk.end,
        resume?.line ?? chunk.firstLine,
        args.blockBytes ?? blockBytesOf(model.spec.format),
        args.opts.maxLineBytes,
        'async',
        formatOf(model.spec.format).prepares,
      ),
    );
    for await (const block of blocks) {
      ctx.rejectRaw(block.rejected);
      parser.block(block.text, block.firstLine);
      const out = ctx.take();
      const r = encoded.records.encode(out.records);
      const q = encoded.quarantine.encode(out.quarantine);
      if (r.length) await files.records.write(r);
      if (q.length) await files.quarantine.write(q);
      bytes = { records: bytes.records + r.length, quarantine: bytes.quarantine + q.length };
      args.onProgress?.({
        offset: block.next,
        line: block.firstLine + block.newlines,
        recordsBytes: bytes.records,
        quarantineBytes: bytes.quarantine,
        counts: { ...ctx.counts },
        pii: { ...ctx.mask.counts },
        digests: ctx.mask.knownNameDigests().filter((d) => !scanned.has(d)),
      });
    }
  } finally {
    await files.records.close();
    await files.quarantine.close();
  }
  await rename(partial.records, final.records);
  await rename(partial.quarantine, final.quarantine);
  return {
    recordsPath: final.records,
    quarantinePath: final.quarantine,
    counts: { ...ctx.counts },
    pii: { ...ctx.mask.counts },
  };
}

/** Read the next block while the current one is parsed and written. */
async function* prefetch<T>(it: AsyncGenerator<T>): AsyncGenerator<T> {
  let next = it.next();
  try {
    for (;;) {
      const r = await next;
      if (r.done) return;
      next = it.next();
      yield r.value;
    }
  } finally {
    await next.catch(() => undefined);
    await it.return(undefined); // close the file, also when the consumer stops early
  }
}

/** Parse a whole source held in memory (tests, small inputs): scan, then one chunk. */
export function parseBlocksInMemory(model: SourceModel, blocks: LineBlock[], opts: ParseOptions): ParseResult {
  const ctx = new ParseContext({ ...opts, knownNames: model.nameDigests });
  const parser = createParser(model, ctx);
  for (const b of blocks) {
    ctx.rejectRaw(b.rejected);
    parser.block(b.text, b.firstLine);
  }
  const { records, quarantine } = ctx.take();
  return {
    records: records.map((r) => (typeof r === 'string' ? (JSON.parse(r) as OperationRecord) : r)),
    quarantine,
    lines: ctx.counts.lines,
    pii: { ...ctx.mask.counts },
  };
}
