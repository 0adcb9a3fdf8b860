import { stat } from 'node:fs/promises';
import { readLineBlocks, type ChunkRef, type LineBlock } from './chunks';
import { ParseContext, type ParseOptions } from './parseResult';
import { isNameField } from './pii';
import { typedFindings } from './pii/typedPii';
import { TextLogParser } from './parsers/textLog';
import { CsvSeriesParser, eachCsvRow, sniffDelimiter, splitHeader, uniqueNames } from './parsers/csvSeries';
import { COLUMN_SAMPLE, decideColumns, describeColumns } from './parsers/csvColumns';
import { eachLine } from './parsers/lines';
import { keyValue, workOrderCells } from './parsers/workOrders';
import type { SourceModel } from './sourceModel';
import type { SourceSpec } from './sourceSpec';
import { Drain } from './templates/drain';
import { drainOptions, freezeTemplates } from './templates/templateModel';
import { EnumerationCounter } from './templates/enumerations';
import { isNaiveIso, naiveText, naiveTimeNote, sourceTime, TIME_SAMPLE } from './sourceTime';
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
  const sample: string[][] = [];
  for await (const block of blocks) {
    if (block.firstLine === 1 && spec.format === 'csv' && spec.csv.headerRow)
      headerLine = ctx.mask.text(firstLineOf(block.text));
    if (spec.format === 'csv' && spec.csv.layout === 'wide' && sample.length < COLUMN_SAMPLE)
      sampleRows(block, spec, headerLine, sample);
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
  const table = spec.format === 'csv' ? tableParser(ctx, spec, headerLine) : null;
  const columns = table ? tableColumns(ctx, spec, table, sample) : { spec, notes: [] };
  const time = text ? sourceTime(spec, text.headerFields, timeSample, opts) : null;
  const naive = spec.format === 'csv' ? naiveTable(spec, table, sample) : naiveText(time, timeSample);
  return {
    source: opts.source,
    path,
    spec: columns.spec,
    bytes: offset,
    lines,
    chunks,
    headerLine,
    templates: drain ? freezeTemplates(drain, spec.text.miner, enumerations) : null,
    time,
    nameDigests: ctx.mask.knownNameDigests(),
    keyCheck: ctx.mask.keyCheck(),
    notes: [
      ...(spec.format === 'csv' && headerLine ? uniqueNames(splitHeader(headerLine, spec)).renamed : []),
      ...columns.notes,
      ...naiveTimeNote(naive, opts.timezone),
    ],
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
        for (const cell of workOrderCells(raw)) {
          const kv = keyValue(cell);
          if (kv && isNameField(kv.key)) ctx.mask.nameField(kv.value);
          else ctx.mask.text(cell);
        }
        return;
      }
      case 'csv':
        return; // learns nothing: a table's names live in name columns, masked by their role in every chunk
      default: {
        // a format added to SourceSpec without its name learning here does not compile
        const unlearned: never = spec.format;
        throw new Error(`no name learning for format ${String(unlearned)}`);
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

/** Rows of cells from a block of a wide table (its header line left out), until COLUMN_SAMPLE are kept. */
function sampleRows(block: LineBlock, spec: SourceSpec, headerLine: string | null, into: string[][]): void {
  const delimiter = spec.csv.delimiter ?? sniffDelimiter(headerLine ?? '');
  const keep = (cells: string[], line: number) => {
    if (into.length < COLUMN_SAMPLE && !(line === 1 && spec.csv.headerRow)) into.push(cells);
  };
  if (delimiter === 'whitespace')
    eachLine(block.text, block.firstLine, (raw, line) => keep(raw.trim().split(/\s+/), line));
  else eachCsvRow(block.text.replace(/^\uFEFF/, ''), delimiter, block.firstLine, keep);
}

/** The table's parser as every chunk builds it, or null when it refuses the header (the chunk pass says why). */
function tableParser(ctx: ParseContext, spec: SourceSpec, headerLine: string | null): CsvSeriesParser | null {
  try {
    return new CsvSeriesParser(ctx, spec, headerLine);
  } catch {
    return null;
  }
}

/** a column named for personal data is never read as a series, whatever it holds */
const PERSONAL_COLUMN = new RegExp(
  String.raw`(^|[^a-z])(id|ids|no|number|phone|tel|mobile|fax|e?mail|badge|card|employee|staff|worker|user|account` +
    String.raw`|ssn|passport)([^a-z]|$)|工号|编号|电话|手机|身份证|邮箱|卡号`,
  'i',
);

/**
 * A wide table's columns decided from its first rows (parsers/csvColumns.ts): numeric columns without a unit
 * become readings of unknown unit (a `csv.tags` entry in the source's spec, which every chunk then reads), others
 * stay labels; the notes say which. A column named for a person or an id, a name column, or one whose sampled
 * cells hold personal data the masker finds by pattern (phones, ID numbers, cards, emails, the site's employee
 * ids) stays a label. A table whose header the parser refuses is left to the
 * chunk pass, which quarantines or fails with the reason (`tableParser`).
 */
function tableColumns(
  ctx: Pick<ParseContext, 'opts'>,
  spec: SourceSpec,
  parser: CsvSeriesParser,
  rows: readonly string[][],
): { spec: SourceSpec; notes: string[] } {
  if (spec.csv.layout !== 'wide') return { spec, notes: [] };
  const siteIds = ctx.opts.pii.employeeIdPatterns.map((p) => new RegExp(p, 'g'));
  const whole = rows.filter((r) => r.length === parser.columns.length);
  const candidates = parser.columns.flatMap((c, index) => {
    if (parser.roles[index] !== 'label' && parser.roles[index] !== 'ignore') return [];
    const declared = parser.roles[index] === 'ignore' ? 'ignore' : spec.csv.labels.includes(c.name) ? 'label' : null;
    const personal =
      isNameField(c.name) ||
      PERSONAL_COLUMN.test(c.name) ||
      whole.some((r) => r[index] !== '' && typedFindings(r[index], siteIds).length > 0);
    return [{ name: c.name, index, declared, personal } as const];
  });
  const roles = decideColumns(candidates, whole);
  const tags = { ...spec.csv.tags, ...Object.fromEntries(roles.unitless.map((n) => [n, {}])) };
  const readings = parser.columns.filter((c, i) => parser.roles[i] === 'reading' || roles.unitless.includes(c.name));
  return {
    spec: roles.unitless.length ? { ...spec, csv: { ...spec.csv, tags } } : spec,
    notes: describeColumns(
      roles,
      readings.map((c) => c.name),
    ),
  };
}

/** The time column of a table whose sampled ISO times carry no UTC offset, or null (`naiveTimeNote`). */
function naiveTable(spec: SourceSpec, table: CsvSeriesParser | null, rows: readonly string[][]): string | null {
  if (!table || table.tsCol < 0 || spec.csv.timeFormat !== 'iso') return null;
  const cells = rows.map((r) => r[table.tsCol]?.trim() ?? '');
  return cells.some(isNaiveIso) ? `in column ${table.columns[table.tsCol].name}` : null;
}
