/**
 * A text log's chunk in two halves, so that each line is split, timed and masked once: `prepareChunk` runs
 * during the scan (a thread per chunk) and writes what every record needs but its template to
 * `prepared/<source>.<NNNNN>.txt`, handing the masked messages to the miner; once the source's templates are
 * mined, `finishPreparedChunk` matches each message and writes the chunk's records and quarantined lines -
 * the same bytes the chunk pass writes from the raw lines (a test checks it).
 *
 * A prepared file holds one line per record (`R` head, fields, masked values, the masked message's number in the
 * chunk and, where it first appears, its tokens: `\u0001` apart - head and fields are JSON, which escapes it, the
 * values are written so that none holds it (`maskedText`), and the tokens come last), one per quarantined line
 * (`Q` and its JSON), and the chunk's counts last (`E`).
 */
import { closeSync, openSync, writeSync } from 'node:fs';
import { mkdir, rename, rm, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { readLineBlocks, type ChunkRef } from './chunks';
import { FORMATS } from './formats';
import { chunkFiles, JsonLines, parseChunkToFiles, type ChunkOutput } from './parseChunk';
import { ParseContext, type ParseOptions } from './parseResult';
import type { PiiCounts } from './pii';
import { eachLine } from './parsers/lines';
import { eventJson, TextLogParser, type EventParts } from './parsers/textLog';
import type { SourceModel, SourceTime } from './sourceModel';
import type { SourceSpec } from './sourceSpec';
import { TemplateMatcher } from './templates/templateModel';

export const preparedFile = (outDir: string, source: string, index: number) =>
  join(outDir, 'prepared', `${source}.${String(index).padStart(5, '0')}.txt`);

export interface PrepareJob {
  path: string;
  spec: SourceSpec;
  time: SourceTime | null;
  chunk: ChunkRef;
  outDir: string;
  opts: ParseOptions;
}

export interface PreparedChunk {
  /**
   * the chunk's distinct masked messages, in order of first appearance: tokens a space apart (strings apart, not
   * one text: one message outside Latin-1 would make every message of the text, and each template, two-byte)
   */
  messages: string[];
  /** the masked message of each of the chunk's records, in order: its index in `messages` */
  order: Uint32Array;
  /** keyed digests of the names the chunk's lines revealed */
  digests: string[];
}

const SEP = '\u0001';

/** Write all of `text` (a write may take part of it). */
function writeAll(fd: number, text: string | Buffer): void {
  const bytes = typeof text === 'string' ? Buffer.from(text) : text;
  for (let at = 0; at < bytes.length; ) at += writeSync(fd, bytes, at);
}

/** The first half of a text chunk (see above): its prepared file, and its masked messages for the miner. */
export async function prepareChunk(job: PrepareJob): Promise<PreparedChunk> {
  const { chunk, opts } = job;
  const ctx = new ParseContext(opts);
  const parser = new TextLogParser(ctx, job.spec, null, job.time);
  // masked messages repeat (107 distinct in OpenStack's 2,000 lines): the miner splits each once, not per record
  const distinct = new Map<string, number>();
  const order: number[] = [];
  const path = preparedFile(job.outDir, opts.source, chunk.index);
  await mkdir(join(job.outDir, 'prepared'), { recursive: true });
  // written synchronously: on a thread of its own, a write to the page cache costs less than a trip through
  // libuv's pool, during which the thread would wait
  const out = openSync(path, 'w');
  const lines = new JsonLines();
  try {
    const blocks = readLineBlocks(
      job.path,
      chunk.start,
      chunk.end,
      chunk.firstLine,
      FORMATS.text.blockBytes,
      opts.maxLineBytes,
      'sync',
      true,
    );
    for await (const block of blocks) {
      ctx.rejectRaw(block.rejected);
      eachLine(block.text, block.firstLine, (raw, line) =>
        ctx.guard(line, raw, () => {
          const p = parser.parts(raw, line);
          if (!p) return;
          const seen = distinct.get(p.message);
          const at = seen ?? distinct.size;
          if (seen === undefined) distinct.set(p.message, at);
          order.push(at);
          // (a message's tokens once: its later records name it by number)
          const message = seen === undefined ? `${at}${SEP}${p.message}` : `${at}`;
          ctx.acceptJson(`R${p.head}${SEP}${p.fields}${SEP}${maskedText(p.masked)}${SEP}${message}`);
        }),
      );
      const { records, quarantine } = ctx.take();
      const q = quarantine.map((e) => `Q${JSON.stringify(e)}`);
      if (records.length || q.length) writeAll(out, lines.encode([...records, ...q]));
    }
    writeAll(out, `E${JSON.stringify({ counts: ctx.counts, pii: ctx.mask.counts })}\n`);
  } finally {
    closeSync(out);
  }
  return { messages: [...distinct.keys()], order: Uint32Array.from(order), digests: ctx.mask.knownNameDigests() };
}

const VALUE_SEP = '\u0002';
const SEPARATORS = /[\u0001\u0002]/;
const plain = (values: readonly string[]) => values.every((v) => !SEPARATORS.test(v));

/**
 * A message's masked values in a prepared line: `V` and the values `\u0002` apart (on OpenStack's lines written in
 * 127 ns against JSON's 326, read back by a split in 106 against JSON.parse's 182), or `J` and their JSON when a
 * value holds either separator.
 */
function maskedText(values: readonly string[]): string {
  return plain(values) ? `V${values.join(VALUE_SEP)}` : `J${JSON.stringify(values)}`;
}

/** The masked values back from `maskedText`. */
function maskedValues(text: string): string[] {
  if (text[0] === 'J') return JSON.parse(text.slice(1)) as string[];
  return text.length === 1 ? [] : text.slice(1).split(VALUE_SEP);
}

/**
 * A record line of a prepared file back as the parts of its event; `messages`, the chunk's masked messages by
 * number, grows as they first appear (in number order, as they were numbered).
 */
function readParts(line: string, messages: string[]): EventParts {
  const a = line.indexOf(SEP);
  const b = line.indexOf(SEP, a + 1);
  const c = line.indexOf(SEP, b + 1);
  const d = line.indexOf(SEP, c + 1);
  if (d >= 0) messages.push(line.slice(d + 1));
  const at = Number(line.slice(c + 1, d >= 0 ? d : line.length));
  if (!(at < messages.length)) throw new Error(`a prepared record names message ${at}, not seen before`);
  return {
    head: line.slice(1, a),
    fields: line.slice(a + 1, b),
    masked: maskedValues(line.slice(b + 1, c)),
    message: messages[at],
  };
}

/** Is a chunk's prepared file there to finish (a source whose scan prepared its chunks)? */
export async function isPrepared(model: SourceModel, outDir: string, index: number): Promise<boolean> {
  if (!model.prepared || !model.templates) return false;
  return (await stat(preparedFile(outDir, model.source, index)).catch(() => null)) !== null;
}

/**
 * The second half: the chunk's records (each message matched against the mined templates) and quarantined
 * lines, written as the chunk pass writes them (`.partial`, then renamed); the prepared file is removed.
 */
export async function finishPreparedChunk(args: {
  model: SourceModel;
  chunk: ChunkRef;
  outDir: string;
}): Promise<ChunkOutput> {
  const { model, chunk, outDir } = args;
  const matcher = new TemplateMatcher(model.templates!);
  const from = preparedFile(outDir, model.source, chunk.index);
  const final = chunkFiles(outDir, model.source, chunk.index);
  const partial = { records: `${final.records}.partial`, quarantine: `${final.quarantine}.partial` };
  await mkdir(join(outDir, 'records'), { recursive: true });
  await mkdir(join(outDir, 'quarantine'), { recursive: true });
  const files = { records: openSync(partial.records, 'w'), quarantine: openSync(partial.quarantine, 'w') };
  const encoded = { records: new JsonLines(), quarantine: new JsonLines() };
  let totals: { counts: ChunkOutput['counts']; pii: PiiCounts } | null = null;
  const messages: string[] = [];
  try {
    const { size } = await stat(from);
    const text = FORMATS.text.blockBytes;
    for await (const block of readLineBlocks(from, 0, size, 1, text, Number.MAX_SAFE_INTEGER, 'sync', true)) {
      const records: string[] = [];
      const quarantine: string[] = [];
      eachLine(block.text, block.firstLine, (line) => {
        if (line[0] === 'R') records.push(eventJson(readParts(line, messages), matcher));
        else if (line[0] === 'Q') quarantine.push(line.slice(1));
        else if (line[0] === 'E') totals = JSON.parse(line.slice(1)) as typeof totals;
      });
      if (records.length) writeAll(files.records, encoded.records.encode(records));
      if (quarantine.length) writeAll(files.quarantine, encoded.quarantine.encode(quarantine));
    }
  } finally {
    closeSync(files.records);
    closeSync(files.quarantine);
  }
  if (!totals) throw new Error(`${from} ends early: the scan that wrote it did not finish`);
  const { counts, pii } = totals as { counts: ChunkOutput['counts']; pii: PiiCounts };
  await rename(partial.records, final.records);
  await rename(partial.quarantine, final.quarantine);
  await rm(from, { force: true });
  return { recordsPath: final.records, quarantinePath: final.quarantine, counts, pii };
}

/**
 * A chunk's pass: the second half of a prepared chunk, or the whole parse from the raw lines (a source the scan
 * did not prepare, a prepared file gone, an attempt resuming from its progress) - the same output either way.
 */
export async function runChunk(args: Parameters<typeof parseChunkToFiles>[0]): Promise<ChunkOutput> {
  if (!args.resume && (await isPrepared(args.model, args.outDir, args.chunk.index))) {
    try {
      return await finishPreparedChunk(args);
    } catch {
      // a prepared file cut short (a full disk while the scan wrote it) or unreadable: the raw lines decide
    }
  }
  const out = await parseChunkToFiles(args);
  await rm(preparedFile(args.outDir, args.model.source, args.chunk.index), { force: true });
  return out;
}
