import Papa from 'papaparse';
import type { SampleRecord } from '../records';
import { isNameField } from '../pii';
import { parseTimestamp } from '../timestamps';
import { recordId, type ParseContext, type SourceParser } from '../parseResult';
import type { SourceSpec } from '../sourceSpec';
import { eachLine } from './lines';

const UNIT_IN_HEADER = /^(.*?)\s*[([]\s*([^)\]]+?)\s*[)\]]$/;
const TIME_COLUMNS = /^(timestamp|time|datetime|ts|date_time|时间)$/i;
const ASSET_COLUMNS = /^(machine|asset|equipment|unit|device|line|设备)$/i;

export interface Column { name: string; unit: string | null }

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

function splitCells(text: string, delimiter: string): string[] {
  if (delimiter === 'whitespace') return text.trim().split(/\s+/);
  return (Papa.parse<string[]>(text.replace(/^\uFEFF/, ''), { delimiter }).data[0] ?? []).map((c) => c.trim());
}

/**
 * Rows of a block of whole lines with their line numbers, parsed by Papa Parse (RFC 4180 quoting). A block
 * without quotes has one row per line; with quotes, a row may span lines, so rows are placed by the
 * parser's cursor.
 */
export function csvRows(text: string, delimiter: string, firstLine: number): { cells: string[]; line: number }[] {
  const rows: { cells: string[]; line: number }[] = [];
  const keep = (cells: string[], line: number) => {
    if (cells.length === 1 && cells[0].trim() === '') return; // a blank line
    rows.push({ cells: cells.map((c) => c.trim()), line });
  };
  if (!text.includes('"')) {
    Papa.parse<string[]>(text, { delimiter, newline: '\n' }).data.forEach((cells, i) => keep(cells.length && cells[cells.length - 1].endsWith('\r') ? [...cells.slice(0, -1), cells[cells.length - 1].slice(0, -1)] : cells, firstLine + i));
    return rows;
  }
  let line = firstLine;
  let at = 0;
  Papa.parse<string[]>(text, {
    delimiter, newline: '\n',
    step: (r) => {
      keep(r.data, line);
      const end = r.meta.cursor;
      for (let i = at; i < end; i++) if (text.charCodeAt(i) === 10) line++;
      if (text.charCodeAt(end) === 10) line++;
      at = end + 1;
    },
  });
  return rows;
}

/**
 * A time-series table, wide (one column per tag, the unit in the header as `melt_temp (degC)` or from the
 * spec) or long (`timestamp, tag, value[, unit]` rows). Rows with a bad time, a wrong number of cells or a
 * non-numeric reading are quarantined; name columns are masked as names, other text columns as free text.
 */
export class CsvSeriesParser implements SourceParser {
  private readonly columns: Column[];
  private readonly delimiter: string;
  private readonly tsCol: number;
  private readonly assetCol: number;
  private readonly numeric: boolean[];
  private readonly key: string[];
  private readonly long: { tag: number; value: number; unit: number } | null;
  private readonly csv: SourceSpec['csv'];

  constructor(private readonly ctx: ParseContext, spec: SourceSpec, headerLine: string | null) {
    const csv = (this.csv = spec.csv);
    const source = ctx.opts.source;
    this.delimiter = csv.delimiter ?? sniffDelimiter(headerLine ?? '');
    const names = csv.headerRow ? splitCells(headerLine ?? '', this.delimiter) : csv.columns;
    if (!names || names.length === 0) throw new Error(`${source}: no column names (the first line is empty, or set csv.columns)`);
    this.columns = names.map(parseHeaderCell).map((c) => ({ name: c.name, unit: csv.tags[c.name]?.unit ?? c.unit }));
    const find = (wanted: string | undefined, auto: RegExp) => (wanted !== undefined ? this.columns.findIndex((c) => c.name === wanted) : this.columns.findIndex((c) => auto.test(c.name)));
    this.tsCol = csv.timeFormat === 'index' ? -1 : find(csv.timestamp, TIME_COLUMNS);
    if (csv.timeFormat !== 'index' && this.tsCol < 0) {
      throw new Error(`${source}: no timestamp column${csv.timestamp ? ` "${csv.timestamp}"` : ' (expected one of timestamp, time, datetime, ts; or set csv.timestamp)'} in header "${(headerLine ?? '').trim()}"`);
    }
    this.assetCol = find(csv.asset, ASSET_COLUMNS);
    if (csv.layout === 'long') {
      const at = (n: string) => this.columns.findIndex((c) => c.name === n);
      this.long = { tag: at(csv.long.tag), value: at(csv.long.value), unit: csv.long.unit ? at(csv.long.unit) : -1 };
      if (this.long.tag < 0 || this.long.value < 0) throw new Error(`${source}: a long table needs columns "${csv.long.tag}" and "${csv.long.value}"`);
    } else this.long = null;
    // wide tables: a column is a reading when it has a unit (header or spec) or a spec entry
    this.numeric = this.columns.map((c, i) => i !== this.tsCol && i !== this.assetCol && (c.unit !== null || csv.tags[c.name] !== undefined));
    this.key = this.columns.map((c) => csv.tags[c.name]?.parameter ?? c.name);
  }

  block(text: string, firstLine: number): void {
    const csv = this.csv;
    const rows = this.delimiter === 'whitespace' ? [] as { cells: string[]; line: number }[] : csvRows(firstLine === 1 ? text.replace(/^\uFEFF/, '') : text, this.delimiter, firstLine);
    if (this.delimiter === 'whitespace') eachLine(text, firstLine, (raw, line) => rows.push({ cells: raw.trim().split(/\s+/), line }));
    for (const { cells, line } of rows) {
      if (line === 1 && csv.headerRow) continue;
      this.row(cells, line);
    }
  }

  private row(cells: string[], line: number): void {
    const { ctx, columns, csv } = this;
    const source = ctx.opts.source;
    // a quarantined row keeps its text, masked cell by cell with the columns' roles
    const raw = () => cells
      .map((c, i) => (i < columns.length && isNameField(columns[i].name) && c !== '' ? ctx.mask.nameField(c) : ctx.mask.text(c)))
      .map((c) => (/[",\n]/.test(c) ? `"${c.replace(/"/g, '""')}"` : c)).join(this.delimiter === 'whitespace' ? ' ' : this.delimiter);
    ctx.line();
    if (cells.length !== columns.length) return ctx.quarantine(line, raw(), `expected ${columns.length} columns, found ${cells.length}`);
    const ts = this.time(cells, line);
    if (!ts) return ctx.quarantine(line, raw(), `invalid timestamp "${cells[this.tsCol]}" in column ${columns[this.tsCol].name}`);
    const values: Record<string, { value: number; unit: string }> = {};
    const labels: Record<string, string> = {};
    let bad: string | null = null;
    if (this.long) {
      const { tag, value, unit } = this.long;
      const v = cells[value] === '' ? NaN : Number(cells[value]);
      const name = cells[tag];
      if (!name) bad = `empty tag in column ${columns[tag].name}`;
      else if (!Number.isFinite(v)) bad = `non-numeric value "${cells[value]}" in column ${columns[value].name}`;
      else values[csv.tags[name]?.parameter ?? name] = { value: v, unit: (unit >= 0 ? cells[unit] : '') || csv.tags[name]?.unit || '' };
    }
    columns.forEach((col, i) => {
      if (i === this.tsCol || i === this.assetCol || (this.long && (i === this.long.tag || i === this.long.value || i === this.long.unit))) return;
      const cell = cells[i];
      if (!this.long && this.numeric[i]) {
        const v = cell === '' ? NaN : Number(cell);
        if (!Number.isFinite(v)) bad ??= `non-numeric value "${cell}" in column ${col.name}`;
        else values[this.key[i]] = { value: v, unit: col.unit ?? '' };
      } else if (cell !== '') {
        labels[col.name] = isNameField(col.name) ? ctx.mask.nameField(cell) : ctx.mask.text(cell);
      }
    });
    if (bad) return ctx.quarantine(line, raw(), bad);
    const asset = this.assetCol >= 0 ? cells[this.assetCol] : (csv.assetValue ?? source);
    if (!asset) return ctx.quarantine(line, raw(), `empty asset in column ${columns[this.assetCol].name}`);
    const record: SampleRecord = { kind: 'sample', id: recordId(source, line), source, line, ts, asset, values, labels };
    ctx.acceptChecked(record);
  }

  private time(cells: string[], line: number): string | null {
    const csv = this.csv;
    if (csv.timeFormat === 'index') {
      const index = line - (csv.headerRow ? 2 : 1);
      return new Date(Date.parse(csv.start) + index * csv.intervalSeconds * 1000).toISOString();
    }
    const cell = cells[this.tsCol];
    if (csv.timeFormat === 'epoch_s' || csv.timeFormat === 'epoch_ms') {
      const n = Number(cell);
      if (cell === '' || !Number.isFinite(n)) return null;
      return new Date(csv.timeFormat === 'epoch_s' ? n * 1000 : n).toISOString();
    }
    return parseTimestamp(cell, this.ctx.opts.timezone);
  }
}
