import { stat } from 'node:fs/promises';
import { readLineBlocks, type ChunkRef, type LineBlock } from './chunks';
import { ParseContext, type ParseOptions } from './parseResult';
import { isNameField } from './pii';
import { TextLogParser } from './parsers/textLog';
import { splitHeader, uniqueNames } from './parsers/csvSeries';
import { eachLine } from './parsers/lines';
import type { SourceModel } from './sourceModel';
import type { SourceSpec } from './sourceSpec';
import { Drain } from './templates/drain';
import { drainOptions, freezeTemplates } from './templates/templateModel';
import { EnumerationCounter } from './templates/enumerations';
import { sourceTime, TIME_SAMPLE } from './sourceTime';
import { scanPrepared } from './preparedScan';
import type { PrepareJob, PreparedChunk } from './preparedChunk';

export interface ScanOptions extends ParseOptions {
  /** target size of a chunk; chunks end on line boundaries */
  chunkBytes: number;
  /**
   * the year of times written without one, unless the source config sets it (scanSource: the file's modification year)
   */
  year?: number;
  /** whether the file has grown past `bytes` since the scan began (then its unfinished last line is left out) */
  growing?: (bytes: number) => Promise<boolean>;
}

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
  const drain = spec.format === 'text' ? new Drain(drainOptions(spec.text.miner)) : null;
  const enumerations = new EnumerationCounter();
  const text = spec.format === 'text' ? new TextLogParser(ctx, spec, null, null) : null;
  const timeSample: Record<string, string>[] = [];
  const chunks: ChunkRef[] = [];
  let chunkStart = 0;
  let chunkFirstLine = 1;
  let offset = 0;
  let lines = 0;
  let headerLine: string | null = null;
  let lastText = '';
  for await (const block of blocks) {
    if (block.firstLine === 1 && spec.format === 'csv' && spec.csv.headerRow)
      headerLine = ctx.mask.text(firstLineOf(block.text));
    // a line the scan cannot learn from is left to the chunk pass, which quarantines it with the reason
    if (spec.format !== 'csv')
      eachLine(block.text, block.firstLine, (raw) => {
        try {
          learn(raw);
        } catch {
          /* see above */
        }
      });
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
  if (spec.format === 'csv' && spec.csv.headerRow && headerLine === null) headerLine = '';
  return {
    source: opts.source,
    path,
    spec,
    bytes: offset,
    lines,
    chunks,
    headerLine,
    templates: drain ? freezeTemplates(drain, spec.text.miner, enumerations) : null,
    time: text ? sourceTime(spec, text.headerFields, timeSample, opts) : null,
    nameDigests: ctx.mask.knownNameDigests(),
    keyCheck: ctx.mask.keyCheck(),
    notes: spec.format === 'csv' && headerLine ? uniqueNames(splitHeader(headerLine, spec)).renamed : [],
    prepared: false,
  };

  // (a CSV source learns nothing here: its names live in name columns, masked by their role in every chunk)
  function learn(raw: string): void {
    switch (spec.format) {
      case 'text': {
        const fields = text!.split(raw);
        if (!fields) return;
        const { cluster, message } = drain!.add(ctx.mask.text(fields.Content));
        enumerations.observe(cluster.id, message.tokens);
        if (timeSample.length < TIME_SAMPLE) timeSample.push(fields);
        return;
      }
      case 'jsonl': {
        try {
          const v = JSON.parse(raw) as Record<string, unknown>;
          for (const x of Object.values(v)) if (typeof x === 'string') ctx.mask.text(x);
        } catch {
          /* quarantined by the chunk pass */
        }
        return;
      }
      case 'workorders': {
        if (raw.trimStart().startsWith('#')) return;
        for (const cell of raw.split('|')) {
          const kv = /^([^:：]+)[:：]\s*(.*)$/s.exec(cell.trim());
          if (kv && isNameField(kv[1])) ctx.mask.nameField(kv[2]);
          else ctx.mask.text(cell);
        }
        return;
      }
    }
  }
}

function firstLineOf(text: string): string {
  const nl = text.indexOf('\n');
  return (nl < 0 ? text : text.slice(0, nl)).replace(/\r$/, '');
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
  if (spec.format === 'text' && outDir) return scanPrepared(path, spec, { growing: grownPast(path), ...opts, outDir });
  const { size, mtime } = await stat(path);
  return scanBlocks(readLineBlocks(path, 0, size, 1, scanBlockBytes(opts.chunkBytes), opts.maxLineBytes), path, spec, {
    year: mtime.getUTCFullYear(),
    growing: grownPast(path),
    ...opts,
  });
}

/** Whether a file is now larger than `bytes`. */
export const grownPast = (path: string) => async (bytes: number) => (await stat(path)).size > bytes;
