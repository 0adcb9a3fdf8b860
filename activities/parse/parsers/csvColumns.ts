/**
 * What each column of a wide table is, decided once per source at the scan from its first rows: a reading (a
 * series), a label (kept as text beside the readings: states, flags, ids, names), or ignored. A column with a unit
 * (in its header, or in `csv.tags`) or a `csv.tags` entry is a reading; `csv.labels` and `csv.ignore` declare
 * columns; any other column is a reading when its sampled cells are all numbers, except 0/1 flags (two integer
 * values at most) and monotonic ids (integers rising every row), which are labels like text columns. Pure.
 */

/** rows of a table sampled to decide its columns */
export const COLUMN_SAMPLE = 500;

export interface ColumnRoles {
  /** numeric columns without a unit, read as readings of unknown unit */
  unitless: string[];
  /** columns read as labels (text), and why, by column */
  labels: Record<string, string>;
  ignored: string[];
}

/**
 * The roles of the columns `names` (keys - time, asset, a long table's columns - left out by the caller) that have
 * neither a unit nor a `csv.tags` entry, from sampled rows of cells (whole rows only). A column `personal` (named
 * for a person or an id, or holding personal data) stays a label whatever it holds.
 */
export function decideColumns(
  names: readonly { name: string; index: number; declared: 'label' | 'ignore' | null; personal: boolean }[],
  rows: readonly string[][],
): ColumnRoles {
  const out: ColumnRoles = { unitless: [], labels: {}, ignored: [] };
  for (const { name, index, declared, personal } of names) {
    if (declared === 'ignore') {
      out.ignored.push(name);
      continue;
    }
    if (declared === 'label') {
      out.labels[name] = 'declared in csv.labels';
      continue;
    }
    if (personal) {
      out.labels[name] = 'a name, an id or personal data';
      continue;
    }
    const cells = rows.map((r) => r[index] ?? '').filter((c) => c !== '');
    const why = labelReason(cells);
    if (why) out.labels[name] = why;
    else out.unitless.push(name);
  }
  return out;
}

/** Why a column of these (non-empty) cells is a label, or null for a reading. */
function labelReason(cells: readonly string[]): string | null {
  if (cells.length === 0) return 'no value in the first rows';
  const values = cells.map(Number);
  if (cells.some((c, i) => !/^[-+]?(\d+\.?\d*|\.\d+)([eE][-+]?\d+)?$/.test(c.trim()) || !Number.isFinite(values[i])))
    return 'text';
  const integers = values.every(Number.isInteger);
  if (integers && new Set(values).size <= 2) return 'a flag (two values)';
  if (integers && values.length > 2 && values.every((v, i) => i === 0 || v > values[i - 1]))
    return 'an id or counter (integers rising every row)';
  return null;
}

/** The notes a scan leaves for the user: one per unitless column, and which columns became series and labels. */
export function describeColumns(roles: ColumnRoles, readings: readonly string[]): string[] {
  return [
    ...roles.unitless.map(
      (c) =>
        `column "${c}" has no unit (in its header as "${c} (unit)" or in csv.tags): read as a series of unknown unit`,
    ),
    `columns: series ${readings.join(', ') || 'none'}; labels ${
      Object.entries(roles.labels)
        .map(([c, why]) => `${c} (${why})`)
        .join(', ') || 'none'
    }${roles.ignored.length ? `; ignored ${roles.ignored.join(', ')}` : ''}`,
  ];
}
