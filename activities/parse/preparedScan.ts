import { rm, stat } from 'node:fs/promises';
import { eachNewline, FILE_START, readLineBlocks, type ChunkRef, type LinePosition, type LineRange } from './chunks';
import { prepareChunk, preparedFile, type PrepareJob, type PreparedChunk } from './preparedChunk';
import { PiiMasker } from './pii';
import { eachLine } from './parsers/lines';
import type { ParseOptions } from './parseResult';
import type { SourceModel } from './sourceModel';
import type { SourceSpec } from './sourceSpec';
import { naiveText, naiveTimeNote, sourceTime, TIME_SAMPLE } from './sourceTime';
import { compileLogFormat, matchLogFormat } from './templates/logFormat';
import { Drain } from './templates/drain';
import { EnumerationCounter } from './templates/enumerations';
import { drainOptions, freezeTemplates } from './templates/templateModel';

const READ = 1 << 20;

/**
 * A file's chunks: byte ranges of at most about `target` bytes that end after a newline, numbered by their first
 * line, as many as a multiple of `parallel`. A file still being written (`growing`) ends at its last complete line.
 */
export async function planChunks(
  path: string,
  target: number,
  growing?: (bytes: number) => Promise<boolean>,
  parallel = 1,
  range?: LineRange,
): Promise<{ chunks: ChunkRef[]; bytes: number; lines: number }> {
  const from = range?.from ?? FILE_START;
  const end = range?.end ?? (await stat(path)).size;
  const size = end - from.byte;
  // as many chunks as the target size gives, rounded up to a multiple of the threads that take them (15 chunks on
  // 2 threads keep one thread busy alone for the last one)
  const least = Math.max(1, Math.ceil(size / target));
  const count = least > 1 ? Math.ceil(least / parallel) * parallel : 1;
  const chunkBytes = Math.min(target, Math.max(1, Math.ceil(size / count)));
  const chunks: ChunkRef[] = [];
  let newlines = 0;
  let lastNewline = from.byte - 1; // offset just after the last newline seen
  let start = from.byte;
  let startLine = from.line;
  await eachNewline(path, from.byte, end, (after) => {
    newlines++;
    lastNewline = after;
    if (lastNewline - start >= chunkBytes) {
      chunks.push({ index: chunks.length, start, end: lastNewline, firstLine: startLine });
      start = lastNewline;
      startLine = from.line + newlines;
    }
  });
  let bytes = end;
  let lines = newlines + (end > lastNewline && size > 0 ? 1 : 0);
  // a file still being written ends in a half-written line: read up to its last complete line
  if (size > 0 && lastNewline < end && growing && (await growing(end))) {
    bytes = Math.max(from.byte, lastNewline);
    lines = newlines;
  }
  if (bytes > start) chunks.push({ index: chunks.length, start, end: bytes, firstLine: startLine });
  return { chunks, bytes: bytes - from.byte, lines };
}

/** The header fields of a text log's first lines that have its header format, to detect its time format. */
async function timeSample(path: string, spec: SourceSpec, from: LinePosition, end: number, maxLineBytes?: number) {
  const format = compileLogFormat(spec.text.header);
  const sample: Record<string, string>[] = [];
  for await (const block of readLineBlocks(path, from.byte, end, from.line, READ, maxLineBytes)) {
    eachLine(block.text, block.firstLine, (raw) => {
      if (sample.length >= TIME_SAMPLE) return;
      const fields = matchLogFormat(format, raw);
      if (fields) sample.push(fields);
    });
    if (sample.length >= TIME_SAMPLE) break;
  }
  return { fields: format.fields, sample };
}

/**
 * The scan of a text log with its chunks prepared (preparedChunk.ts): the chunk plan, the time format from the
 * first lines, then every chunk prepared at once (`prepare`: on threads, or here) while the miner takes their
 * masked messages in line order, as the one-pass scan mines them. The model says whether the prepared files
 * can be finished: not when a chunk found names (they were masked bare in it only after it found them, and
 * not at all in the others): the chunk pass then parses those raw lines again, with every name.
 */
export async function scanPrepared(
  path: string,
  spec: SourceSpec,
  opts: ParseOptions & {
    chunkBytes: number;
    year?: number;
    growing?: (bytes: number) => Promise<boolean>;
    outDir: string;
    prepare?: (job: PrepareJob) => Promise<PreparedChunk>;
    /** how many chunks `prepare` takes at once (its threads) */
    parallel?: number;
    /** an incremental read: from a line of the file to a byte offset (the file's start and size when not given) */
    range?: LineRange;
  },
): Promise<SourceModel> {
  const { range } = opts;
  const plan = await planChunks(path, opts.chunkBytes, opts.growing, opts.prepare ? (opts.parallel ?? 1) : 1, range);
  const from = range?.from ?? FILE_START;
  const head = await timeSample(path, spec, from, from.byte + plan.bytes, opts.maxLineBytes);
  const year = opts.year ?? (await stat(path)).mtime.getUTCFullYear();
  const time = sourceTime(spec, head.fields, head.sample, { ...opts, year });
  // (one chunk is prepared here: a thread would cost its start and do nothing at the same time)
  const prepare = plan.chunks.length > 1 && opts.prepare ? opts.prepare : prepareChunk;
  const {
    chunkBytes: _,
    growing: __,
    year: ___,
    outDir,
    prepare: ____,
    parallel: _____,
    range: ______,
    ...parseOpts
  } = opts;
  const pending: (Promise<PreparedChunk> | null)[] = plan.chunks.map((chunk) =>
    prepare({ path, spec, time, chunk, outDir, opts: parseOpts }),
  );
  for (const p of pending) p!.catch(() => undefined); // each is awaited below; one failing must not go unhandled
  const drain = new Drain(drainOptions(spec.text.miner));
  const enumerations = new EnumerationCounter();
  const digests = new Set<string>();
  for (let i = 0; i < pending.length; i++) {
    const { messages, order, digests: found } = await pending[i]!;
    pending[i] = null; // its messages are mined below: not kept until the last chunk is
    const distinct = messages.map((m) => (m === '' ? [] : m.split(' ')));
    // (the miner copies what it keeps of a message's tokens: records alike share one array)
    for (const k of order) enumerations.observe(drain.addTokens(distinct[k]).id, distinct[k]);
    for (const d of found) digests.add(d);
  }
  // prepared chunks stand when no name was learned beyond those known before the scan (an earlier version's)
  const known = new Set(opts.knownNames ?? []);
  const prepared = [...digests].every((d) => known.has(d));
  if (!prepared)
    await Promise.all(plan.chunks.map((c) => rm(preparedFile(outDir, opts.source, c.index), { force: true })));
  return {
    source: opts.source,
    path,
    spec,
    bytes: plan.bytes,
    lines: plan.lines,
    chunks: plan.chunks,
    headerLine: null,
    templates: freezeTemplates(drain, spec.text.miner, enumerations),
    time,
    nameDigests: [...digests].sort(),
    keyCheck: new PiiMasker(opts.pii).keyCheck(),
    notes: naiveTimeNote(naiveText(time, head.sample), opts.timezone),
    prepared,
  };
}
