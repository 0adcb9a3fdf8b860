import { parse } from 'csv-parse/sync';
import { SampleRecord } from './records';
import { isNameField } from './pii';
import { parseTimestamp } from './timestamps';
import { ParseContext, recordId, type ParseOptions, type ParseResult } from './parseResult';

const UNIT_IN_HEADER = /^(.*?)\s*[([]\s*([^)\]]+?)\s*[)\]]$/;
const TIME_COLUMNS = /^(timestamp|time|datetime|ts|date_time|时间)$/i;
const ASSET_COLUMNS = /^(machine|asset|equipment|unit|device|line|设备)$/i;

interface Column { name: string; unit: string | null }

export function parseHeaderCell(cell: string): Column {
  const m = UNIT_IN_HEADER.exec(cell.trim());
  return m ? { name: m[1].trim(), unit: m[2] } : { name: cell.trim(), unit: null };
}

/**
 * A wide time-series table: a timestamp column, an asset column, numeric columns whose header carries the
 * unit (`melt_temp (degC)`), and text columns kept as labels. Rows with a bad timestamp, a wrong number of
 * cells or a non-numeric reading are quarantined; name columns are masked.
 */
export function parseCsvSeries(text: string, opts: ParseOptions): ParseResult {
  const ctx = new ParseContext(opts);
  const delimiter = sniffDelimiter(text);
  let rows: { record: string[]; info: { lines: number }; raw: string }[];
  try {
    rows = parse(text, { delimiter, info: true, raw: true, relax_column_count: true, relax_quotes: true, skip_empty_lines: true, bom: true, trim: true }) as unknown as typeof rows;
  } catch (e) {
    throw new Error(`${opts.source}: not a readable CSV table (${(e as Error).message})`);
  }
  if (rows.length === 0) return ctx.finish();
  const header = rows[0].record.map(parseHeaderCell);
  const tsCol = header.findIndex((c) => TIME_COLUMNS.test(c.name));
  const assetCol = header.findIndex((c) => ASSET_COLUMNS.test(c.name));
  if (tsCol < 0) throw new Error(`${opts.source}: no timestamp column (expected one of timestamp, time, datetime, ts) in header "${rows[0].raw.trim()}"`);
  const numeric = header.map((c, i) => c.unit !== null && i !== tsCol && i !== assetCol);

  // A quarantined row keeps its text, masked cell by cell with the header's column roles (name columns
  // as names), so that a row rejected before its labels were read leaks nothing either.
  const maskedRaw = (cells: string[]) => cells
    .map((c, i) => (i < header.length && isNameField(header[i].name) && c !== '' ? ctx.mask.nameField(c) : ctx.mask.text(c)))
    .map((c) => (/[",\n]/.test(c) ? `"${c.replace(/"/g, '""')}"` : c)).join(delimiter);
  for (const row of rows.slice(1)) {
    const line = row.info.lines;
    const raw = () => maskedRaw(row.record);
    ctx.line();
    if (row.record.length !== header.length) {
      ctx.quarantine(line, raw(), `expected ${header.length} columns, found ${row.record.length}`);
      continue;
    }
    const ts = parseTimestamp(row.record[tsCol], opts.timezone);
    if (!ts) {
      ctx.quarantine(line, raw(), `invalid timestamp "${row.record[tsCol]}" in column ${header[tsCol].name}`);
      continue;
    }
    const values: Record<string, { value: number; unit: string }> = {};
    const labels: Record<string, string> = {};
    let bad: string | null = null;
    header.forEach((col, i) => {
      if (i === tsCol || i === assetCol) return;
      const cell = row.record[i];
      if (numeric[i]) {
        const v = cell === '' ? NaN : Number(cell);
        if (!Number.isFinite(v)) bad ??= `non-numeric value "${cell}" in column ${col.name}`;
        else values[col.name] = { value: v, unit: col.unit! };
      } else if (cell !== '') {
        labels[col.name] = isNameField(col.name) ? ctx.mask.nameField(cell) : ctx.mask.text(cell);
      }
    });
    if (bad) {
      ctx.quarantine(line, raw(), bad);
      continue;
    }
    const asset = assetCol >= 0 ? row.record[assetCol] : opts.source;
    const candidate = { kind: 'sample', id: recordId(opts.source, line), source: opts.source, line, ts, asset, values, labels };
    ctx.accept(SampleRecord, candidate, line, raw);
  }
  return ctx.finish();
}

function sniffDelimiter(text: string): string {
  const first = text.slice(0, text.indexOf('\n') >>> 0 || text.length);
  if (first.includes('\t')) return '\t';
  if (!first.includes(',') && first.includes(';')) return ';';
  return ',';
}
