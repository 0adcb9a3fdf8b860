import Papa from 'papaparse';
import { isNameField } from '../pii';
import { parseInstant } from '../timestamps';
import type { ParseContext, SourceParser } from '../parseResult';
import { SampleBatchBuilder } from '../sampleBatch';
import type { SourceSpec } from '../sourceSpec';
import { eachLine } from './lines';

const UNIT_IN_HEADER = /^(.*?)\s*[([]\s*([^)\]]+?)\s*[)\]]$/;
const TIME_COLUMNS = /^(timestamp|time|datetime|ts|date_time|时间)$/i;
const ASSET_COLUMNS = /^(machine|asset|equipment|unit|device|line|设备)$/i;

/** The range of ECMAScript dates: +-100,000,000 days from 1970. */
const MAX_TIME_MS = 8.64e15;

export interface Column {
  name: string;
  unit: string | null;
}

export function parseHeaderCell(cell: string): Column {
  const m = UNIT_IN_HEADER.exec(cell.trim());
  return m ? { name: m[1].trim(), unit: m[2] } : { name: cell.trim(), unit: null };
}

export function sniffDelimiter(headerLine: string): string {
  if (headerLine.includes('\t')) return '\t';
  if (headerLine.includes(',')) return ',';
  if (headerLine.includes(';')) return ';';
  return 'whitespace';
}

/** The column names of a table's header line (delimiter as configured, or sniffed). */
export function splitHeader(headerLine: string, spec: SourceSpec): string[] {
  return splitCells(headerLine, spec.csv.delimiter ?? sniffDelimiter(headerLine)).map((c) => parseHeaderCell(c).name);
}

function splitCells(text: string, delimiter: string): string[] {
  if (delimiter === 'whitespace') return text.trim().split(/\s+/);
  return (Papa.parse<string[]>(text.replace(/^\uFEFF/, ''), { delimiter }).data[0] ?? []).map((c) => c.trim());
}

/**
 * Call `fn` with the cells of every row of a block of whole lines, and the row's line number; blank lines are
 * skipped. Parsed by Papa Parse (RFC 4180 quoting). A block without quotes has one row per line and goes
 * through Papa's core parser (`Papa.Parser`, its fast mode: no per-row copy); with quotes a row may span
 * lines, so rows are placed by the parser's cursor.
 *
 * A quote opened on a line and never closed, or closed only on a later line into a row that does not fit
 * (not `expectedCells` cells, or the next line is a whole row of its own), ends at its line: that line alone
 * goes to `onBad` and parsing starts again on the next line. A real multi-line quoted cell (the row fits) is
 * one row.
 */
export function eachCsvRow(
  text: string,
  delimiter: string,
  firstLine: number,
  fn: (cells: string[], line: number) => void,
  onBad: (line: number, raw: string, reason: string) => void = () => undefined,
  expectedCells: number | null = null,
): void {
  const keep = (cells: string[], line: number) => {
    if (cells.length === 1 && cells[0].trim() === '') return; // a blank line
    for (let i = 0; i < cells.length; i++) cells[i] = cells[i].trim();
    fn(cells, line);
  };
  if (!text.includes('"')) {
    const rows: string[][] = new Papa.Parser({ delimiter, newline: '\n' }).parse(text, 0, false).data;
    for (let i = 0; i < rows.length; i++) keep(rows[i], firstLine + i); // trim() also drops a line's \r
    return;
  }
  let line = firstLine;
  let rest: string | null = text;
  while (rest) {
    const part: string = rest;
    rest = null;
    let at = 0;
    Papa.parse<string[]>(part, {
      delimiter,
      newline: '\n',
      step: (r, parser) => {
        if (rest !== null) return;
        let eol = part.indexOf('\n', at);
        if (eol < 0) eol = part.length;
        const end = r.meta.cursor; // just past the row's newline
        const unclosed = r.errors.some((e) => e.code === 'MissingQuotes');
        if (unclosed || (end > eol + 1 && !fitsAcrossLines(part, eol, r.data, delimiter, expectedCells))) {
          onBad(
            line,
            part.slice(at, eol).replace(/\r$/, ''),
            unclosed
              ? 'unbalanced quote: a quoted cell opened on this line is never closed'
              : 'unbalanced quote: a quoted cell opened on this line closes only in a later row',
          );
          line++;
          rest = part.slice(eol + 1);
          parser.abort();
          return;
        }
        keep(r.data, line);
        for (let i = at; i < end; i++) if (part.charCodeAt(i) === 10) line++;
        at = end;
      },
    });
  }
}

/**
 * May a row that a quoted cell carried past its first line (ending at `eol`) stand as one row? Only when it has
 * the expected cells and the line after the first is not a whole row of its own.
 */
function fitsAcrossLines(
  text: string,
  eol: number,
  cells: readonly string[],
  delimiter: string,
  expected: number | null,
): boolean {
  if (expected === null) return true;
  if (cells.length !== expected) return false;
  let next = text.indexOf('\n', eol + 1);
  if (next < 0) next = text.length;
  const alone = Papa.parse<string[]>(text.slice(eol + 1, next).replace(/\r$/, ''), { delimiter, newline: '\n' });
  return !(alone.errors.length === 0 && alone.data.length === 1 && alone.data[0].length === expected);
}

/** Column names made unique: a repeated name gets `_2`, `_3`... (never two columns under one name). */
export function uniqueNames(names: readonly string[]): { names: string[]; renamed: string[] } {
  const seen = new Map<string, number>();
  const renamed: string[] = [];
  const out = names.map((n) => {
    const k = (seen.get(n) ?? 0) + 1;
    seen.set(n, k);
    if (k === 1) return n;
    let alt = `${n}_${k}`;
    while (names.includes(alt)) alt += '_';
    renamed.push(`a second column "${n}" is read as "${alt}"`);
    return alt;
  });
  return { names: out, renamed };
}

/**
 * What each column of a table is: a key (time, asset, a long table's tag/value/unit), a reading, a label, or ignored
 * (`csv.ignore`). In a wide table a column is a reading when it has a unit (header or spec) or a `csv.tags` entry
 * and is not declared in `csv.labels`; the scan gives numeric columns without a unit a `csv.tags` entry
 * (parsers/csvColumns.ts).
 */
export function columnRoles(
  columns: readonly Column[],
  csv: SourceSpec['csv'],
  tsCol: number,
  assetCol: number,
  long: { tag: number; value: number; unit: number } | null,
): ('key' | 'reading' | 'label' | 'ignore')[] {
  return columns.map((c, i) => {
    if (i === tsCol || i === assetCol) return 'key';
    if (long) return i === long.tag || i === long.value || i === long.unit ? 'key' : 'label';
    if (csv.ignore.includes(c.name)) return 'ignore';
    if (csv.labels.includes(c.name)) return 'label';
    return c.unit !== null || csv.tags[c.name] !== undefined ? 'reading' : 'label';
  });
}

/**
 * A time-series table, wide (one column per tag, the unit in the header as `melt_temp (degC)` or from the
 * spec) or long (`timestamp, tag, value[, unit]` rows). Rows with a bad time, a wrong number of cells or a
 * non-numeric reading are quarantined; name columns are masked as names, other text columns as free text.
 */
export class CsvSeriesParser implements SourceParser {
  readonly columns: Column[];
  readonly delimiter: string;
  /** the time column (-1: rows are numbered, `timeFormat: index`) */
  readonly tsCol: number;
  private readonly assetCol: number;
  /** wide tables: the reading columns, their tags (parameters) and units */
  private readonly readings: number[];
  private readonly wideTags: string[];
  private readonly wideUnits: string[];
  /** the text columns kept as labels */
  private readonly labelCols: number[];
  private readonly labelNames: string[];
  private readonly start: number;
  private readonly labelIsName: boolean[];
  private readonly batches = new Map<string, SampleBatchBuilder>();
  /** per-row work arrays, copied into the batch */
  private readonly scratch: { values: number[]; labels: string[] };
  private readonly long: { tag: number; value: number; unit: number } | null;
  private readonly csv: SourceSpec['csv'];
  /** each column's role, in header order */
  readonly roles: ('key' | 'reading' | 'label' | 'ignore')[];

  constructor(
    private readonly ctx: ParseContext,
    spec: SourceSpec,
    headerLine: string | null,
  ) {
    const csv = (this.csv = spec.csv);
    const source = ctx.opts.source;
    this.delimiter = csv.delimiter ?? sniffDelimiter(headerLine ?? '');
    const names = csv.headerRow ? splitCells(headerLine ?? '', this.delimiter) : csv.columns;
    if (!names || names.length === 0)
      throw new Error(`${source}: no column names (the first line is empty, or set csv.columns)`);
    const parsed = names.map(parseHeaderCell);
    const unique = uniqueNames(parsed.map((c) => c.name)).names;
    this.columns = parsed.map((c, i) => ({ name: unique[i], unit: csv.tags[unique[i]]?.unit ?? c.unit }));
    const find = (wanted: string | undefined, auto: RegExp) =>
      wanted !== undefined
        ? this.columns.findIndex((c) => c.name === wanted)
        : this.columns.findIndex((c) => auto.test(c.name));
    this.tsCol = csv.timeFormat === 'index' ? -1 : find(csv.timestamp, TIME_COLUMNS);
    if (csv.timeFormat !== 'index' && this.tsCol < 0) {
      throw new Error(
        `${source}: no timestamp ` +
          `column` +
          (csv.timestamp
            ? ` "${csv.timestamp}"`
            : ' (expected one of timestamp, time, datetime, ts; or set csv.timestamp)') +
          ` in header "${(headerLine ?? '').trim()}"`,
      );
    }
    this.assetCol = find(csv.asset, ASSET_COLUMNS);
    if (csv.layout === 'long') {
      const at = (n: string) => this.columns.findIndex((c) => c.name === n);
      this.long = { tag: at(csv.long.tag), value: at(csv.long.value), unit: csv.long.unit ? at(csv.long.unit) : -1 };
      if (this.long.tag < 0 || this.long.value < 0)
        throw new Error(`${source}: a long table needs columns "${csv.long.tag}" and "${csv.long.value}"`);
    } else this.long = null;
    const role = (this.roles = columnRoles(this.columns, csv, this.tsCol, this.assetCol, this.long));
    this.readings = role.flatMap((r, i) => (r === 'reading' ? [i] : []));
    this.wideTags = this.readings.map((i) => csv.tags[this.columns[i].name]?.parameter ?? this.columns[i].name);
    this.wideUnits = this.readings.map((i) => this.columns[i].unit ?? '');
    this.labelCols = role.flatMap((r, i) => (r === 'label' ? [i] : []));
    this.labelNames = this.labelCols.map((i) => this.columns[i].name);
    this.labelIsName = this.labelNames.map(isNameField);
    this.scratch = { values: this.long ? [0] : this.readings.map(() => 0), labels: this.labelCols.map(() => '') };
    this.start = csv.timeFormat === 'index' ? Date.parse(csv.start) : 0;
  }

  block(text: string, firstLine: number): void {
    const csv = this.csv;
    const ctx = this.ctx;
    const row = (cells: string[], line: number) =>
      line === 1 && csv.headerRow
        ? undefined
        : ctx.guard(
            line,
            () => this.maskedRow(cells),
            () => this.row(cells, line),
          );
    if (this.delimiter === 'whitespace') eachLine(text, firstLine, (raw, line) => row(raw.trim().split(/\s+/), line));
    else {
      eachCsvRow(
        firstLine === 1 ? text.replace(/^\uFEFF/, '') : text,
        this.delimiter,
        firstLine,
        row,
        (line, raw, reason) => {
          ctx.line();
          ctx.quarantine(line, raw, reason);
        },
        this.columns.length,
      );
    }
    for (const b of this.batches.values()) this.ctx.acceptChecked(b.record(this.ctx.opts.source), b.lines.length);
    this.batches.clear();
  }

  /** The block's batch for an asset (and, in a long table, a tag and unit). */
  private batch(key: string, asset: string, tags: readonly string[], units: readonly string[]): SampleBatchBuilder {
    let b = this.batches.get(key);
    if (!b) this.batches.set(key, (b = new SampleBatchBuilder(asset, tags, units, this.labelNames)));
    return b;
  }

  private row(cells: string[], line: number): void {
    const { ctx, columns, csv } = this;
    ctx.line();
    if (cells.length !== columns.length)
      return this.reject(cells, line, `expected ${columns.length} columns, found ${cells.length}`);
    const t = this.time(cells, line);
    if (t === null)
      return this.reject(cells, line, `invalid timestamp "${cells[this.tsCol]}" in column ${columns[this.tsCol].name}`);
    const values = this.scratch.values;
    let tag = '',
      unit = '';
    if (this.long) {
      const { value } = this.long;
      const v = cells[value] === '' ? NaN : Number(cells[value]);
      const name = cells[this.long.tag];
      if (!name) return this.reject(cells, line, `empty tag in column ${columns[this.long.tag].name}`);
      if (!Number.isFinite(v))
        return this.reject(cells, line, `non-numeric value "${cells[value]}" in column ${columns[value].name}`);
      // tags and units are cells too: masked (table cells repeat, so the column memo makes this cheap)
      tag = csv.tags[name]?.parameter ?? ctx.mask.cell(this.labelCols.length, name, false);
      unit =
        (this.long.unit >= 0 && cells[this.long.unit]
          ? ctx.mask.cell(this.labelCols.length + 1, cells[this.long.unit], false)
          : '') ||
        csv.tags[name]?.unit ||
        '';
      values[0] = v;
    } else {
      const readings = this.readings;
      for (let j = 0; j < readings.length; j++) {
        const cell = cells[readings[j]];
        const v = cell === '' ? NaN : Number(cell);
        if (!Number.isFinite(v))
          return this.reject(cells, line, `non-numeric value "${cell}" in column ${columns[readings[j]].name}`);
        values[j] = v;
      }
    }
    const asset = this.assetCol >= 0 ? cells[this.assetCol] : (csv.assetValue ?? ctx.opts.source);
    if (!asset) return this.reject(cells, line, `empty asset in column ${columns[this.assetCol].name}`);
    const labels = this.scratch.labels;
    for (let k = 0; k < this.labelCols.length; k++) {
      const cell = cells[this.labelCols[k]];
      labels[k] = cell === '' ? '' : ctx.mask.cell(k, cell, this.labelIsName[k]);
    }
    const b = this.long
      ? this.batch(`${asset}\u0000${tag}\u0000${unit}`, asset, [tag], [unit])
      : this.batch(asset, asset, this.wideTags, this.wideUnits);
    b.push(line, t, values, labels);
  }

  private reject(cells: string[], line: number, reason: string): void {
    this.ctx.quarantine(line, this.maskedRow(cells), reason);
  }

  /** A quarantined row keeps its text, masked cell by cell with the columns' roles. */
  private maskedRow(cells: string[]): string {
    const { ctx, columns } = this;
    return cells
      .map((c, i) =>
        i < columns.length && isNameField(columns[i].name) && c !== '' ? ctx.mask.nameField(c) : ctx.mask.text(c),
      )
      .map((c) => (/[",\n]/.test(c) ? `"${c.replace(/"/g, '""')}"` : c))
      .join(this.delimiter === 'whitespace' ? ' ' : this.delimiter);
  }

  /** The row's time, epoch milliseconds, or null when the cell is not a valid time. */
  private time(cells: string[], line: number): number | null {
    const csv = this.csv;
    if (csv.timeFormat === 'index') return this.start + (line - (csv.headerRow ? 2 : 1)) * csv.intervalSeconds * 1000;
    const cell = cells[this.tsCol];
    if (csv.timeFormat === 'epoch_s' || csv.timeFormat === 'epoch_ms') {
      const n = Number(cell);
      if (cell === '' || !Number.isFinite(n)) return null;
      const ms = csv.timeFormat === 'epoch_s' ? n * 1000 : n;
      return Math.abs(ms) <= MAX_TIME_MS ? ms : null;
    }
    return parseInstant(cell, this.ctx.opts.timezone);
  }
}
