import type { LineBlock } from '../chunks';
import type { ParseContext } from '../parseResult';
import { isNameField } from '../pii';
import { typedFindings } from '../pii/typedPii';
import { CsvSeriesParser, eachCsvRow, sniffDelimiter, splitHeader, uniqueNames } from '../parsers/csvSeries';
import { COLUMN_SAMPLE, decideColumns, describeColumns } from '../parsers/csvColumns';
import { eachLine } from '../parsers/lines';
import type { SourceSpec } from '../sourceSpec';
import { isNaiveIso } from '../sourceTime';
import { PARSE_BLOCK_BYTES, type SourceFormat } from './sourceFormat';

/**
 * A table of time series, wide or long (parsers/csvSeries.ts). Its scan learns no names - a table's names live in
 * name columns, masked by their role in every chunk - but keeps the header line and decides the columns of a wide
 * table from its first rows.
 */
export const csv: SourceFormat = {
  detect: { extensions: ['.csv', '.tsv'] },
  header: (spec) => spec.csv.headerRow,
  series: true,
  blockBytes: PARSE_BLOCK_BYTES,
  prepares: false,
  scan: (ctx, spec) => {
    let headerLine: string | null = null;
    const sample: string[][] = [];
    return {
      block: (block) => {
        if (block.firstLine === 1 && spec.csv.headerRow) headerLine = ctx.mask.text(firstLineOf(block.text));
        if (spec.csv.layout === 'wide' && sample.length < COLUMN_SAMPLE) sampleRows(block, spec, headerLine, sample);
      },
      finish: () => {
        if (spec.csv.headerRow && headerLine === null) headerLine = '';
        const table = tableParser(ctx, spec, headerLine);
        const columns = table ? tableColumns(ctx, spec, table, sample) : { spec, notes: [] };
        return {
          spec: columns.spec,
          headerLine,
          templates: null,
          time: null,
          naive: naiveTable(spec, table, sample),
          notes: [...(headerLine ? uniqueNames(splitHeader(headerLine, spec)).renamed : []), ...columns.notes],
        };
      },
    };
  },
  parser: (model, ctx) => new CsvSeriesParser(ctx, model.spec, model.headerLine),
};

function firstLineOf(text: string): string {
  const nl = text.indexOf('\n');
  return (nl < 0 ? text : text.slice(0, nl)).replace(/\r$/, '');
}

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
