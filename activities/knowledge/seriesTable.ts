import type { OperationRecord, SampleRecord } from '../parse/records';
import { deriveColumns, formulaInputs } from './derivedQuantities';
import { bump } from './factParts';
import type { ParameterSpec } from './graphSnapshot';
import type { GraphIndex } from './linking';
import { conversion } from './units';

/**
 * The time-series samples of one asset as a table joined with the graph: one row per instant, one
 * column per graph parameter (readings converted to the parameter's unit, NaN where a row has none),
 * the graph's derived quantities computed from them, and the text labels (quality, defect, ...).
 * Wide exports give one row per line; long ones (one tag per line) are merged by time.
 */
export interface SeriesTable {
  asset: string;
  n: number;
  /** provenance of each row: `sources[sourceOf[i]]:lines[i]` (the first line that gave the row) */
  sources: string[];
  sourceOf: number[];
  lines: number[];
  times: number[];
  /** parameter id -> values in the parameter's unit */
  columns: Map<string, number[]>;
  /** parameters computed from a graph formula rather than read */
  derived: Set<string>;
  /** label column -> values ("" where a row has none) */
  labels: Map<string, string[]>;
}

export const rowSource = (t: SeriesTable, i: number) => `${t.sources[t.sourceOf[i]]}:${t.lines[i]}`;

type Link = { spec: ParameterSpec; convert: (v: number) => number } | { reason: string };

/**
 * Builds one table per asset from sample rows and batches, added one record at a time (record files can
 * be streamed: a batch is not kept once its rows are in the table). Readings that cannot be joined with
 * a parameter are counted in `unlinked` by reason (one per reading), never dropped silently.
 */
export class SeriesTableBuilder {
  private readonly tables = new Map<string, SeriesTable & { at: Map<number, number> }>();
  private readonly links = new Map<string, Link>();
  private readonly sourceIds = new Map<string, number>();

  constructor(
    private readonly index: GraphIndex,
    private readonly unlinked: Record<string, number>,
  ) {}

  /** Add a record: samples (rows or batches) go into their asset's table, other kinds are ignored. */
  add(r: OperationRecord | SampleRecord): void {
    if (r.kind === 'samples') {
      const tags = Object.keys(r.values).map((tag) => ({ tag, link: this.linkOf(tag, r.units[tag]) }));
      for (const { link } of tags) if ('reason' in link) bump(this.unlinked, link.reason, r.lines.length);
      const linked = tags.filter(
        (x): x is { tag: string; link: Extract<Link, { spec: ParameterSpec }> } => 'spec' in x.link,
      );
      const labelNames = Object.keys(r.labels);
      for (let i = 0; i < r.lines.length; i++) {
        this.put(
          r.asset,
          r.source,
          r.lines[i],
          r.times[i],
          linked.map(({ tag, link }) => [link.spec.id, link.convert(r.values[tag][i])]),
          labelNames.filter((k) => r.labels[k][i] !== '').map((k) => [k, r.labels[k][i]]),
        );
      }
    } else if (r.kind === 'sample') {
      const values: [string, number][] = [];
      for (const [tag, m] of Object.entries(r.values)) {
        const link = this.linkOf(tag, m.unit);
        if ('reason' in link) bump(this.unlinked, link.reason);
        else values.push([link.spec.id, link.convert(m.value)]);
      }
      this.put(r.asset, r.source, r.line, Date.parse(r.ts), values, Object.entries(r.labels));
    }
  }

  /** The tables, by asset, with the graph's derived quantities computed. */
  finish(): SeriesTable[] {
    const formulas = this.index.graph.parameters
      .filter((p) => p.formula)
      .map((p) => ({ id: p.id, formula: p.formula! }));
    const out: SeriesTable[] = [];
    for (const t of [...this.tables.values()].sort((a, b) => a.asset.localeCompare(b.asset))) {
      for (const col of t.columns.values()) pad(col, t.n, NaN);
      for (const col of t.labels.values()) pad(col, t.n, '');
      addDerived(t, formulas);
      const { at: _at, ...table } = t;
      table.sources = [...this.sourceIds.keys()];
      out.push(table);
    }
    return out;
  }

  private linkOf(tag: string, unit: string): Link {
    const key = `${tag}\u0000${unit}`;
    let l = this.links.get(key);
    if (!l) {
      const spec = this.index.parameter(tag);
      if (!spec) l = { reason: `no graph parameter for tag "${tag}"` };
      else if (spec.formula) l = { reason: `tag "${tag}" is ${spec.id}, which the graph computes from a formula` };
      else {
        const c = conversion(unit, spec.unit);
        l = c.ok
          ? { spec, convert: c.convert }
          : { reason: `unit "${unit}" of tag "${tag}" does not convert to ${spec.id} (${spec.unit}): ${c.reason}` };
      }
      this.links.set(key, l);
    }
    return l;
  }

  private tableOf(asset: string) {
    let t = this.tables.get(asset);
    if (!t)
      this.tables.set(
        asset,
        (t = {
          asset,
          n: 0,
          sources: [],
          sourceOf: [],
          lines: [],
          times: [],
          columns: new Map(),
          derived: new Set(),
          labels: new Map(),
          at: new Map(),
        }),
      );
    return t;
  }

  /** One instant of one asset: `values` already linked; a row is reused when it has none of these columns yet. */
  private put(
    asset: string,
    source: string,
    line: number,
    time: number,
    values: [string, number][],
    labels: [string, string][],
  ): void {
    const t = this.tableOf(asset);
    let row = t.at.get(time);
    if (row === undefined || values.some(([id]) => Number.isFinite(t.columns.get(id)?.[row!] ?? NaN))) {
      row = t.n++;
      t.at.set(time, row);
      let s = this.sourceIds.get(source);
      if (s === undefined) this.sourceIds.set(source, (s = this.sourceIds.size));
      t.sourceOf.push(s);
      t.lines.push(line);
      t.times.push(time);
    }
    for (const [id, v] of values) columnOf(t.columns, id, t.n)[row] = v;
    for (const [name, v] of labels) {
      const col = labelOf(t.labels, name, t.n);
      if (col[row] === '') col[row] = v;
    }
  }
}

/** One table per asset from sample rows and batches (see `SeriesTableBuilder`). */
export function buildSeriesTables(
  records: Iterable<OperationRecord | SampleRecord>,
  index: GraphIndex,
  unlinked: Record<string, number>,
): SeriesTable[] {
  const builder = new SeriesTableBuilder(index, unlinked);
  for (const r of records) builder.add(r);
  return builder.finish();
}

/** Compute the graph's derived quantities whose inputs the table has (a read column of the same id wins). */
function addDerived(t: SeriesTable, formulas: { id: string; formula: string }[]): void {
  const usable = formulas.filter((f) => !t.columns.has(f.id));
  // drop formulas whose inputs are neither columns nor other usable formulas, until none is dropped
  for (let changed = true; changed; ) {
    changed = false;
    const names = new Set([...t.columns.keys(), ...usable.map((f) => f.id)]);
    for (let k = usable.length - 1; k >= 0; k--) {
      if (formulaInputs(usable[k]).some((s) => !names.has(s))) {
        usable.splice(k, 1);
        changed = true;
      }
    }
  }
  if (!usable.length) return;
  const derived = deriveColumns(Object.fromEntries(t.columns), usable);
  for (const [id, col] of Object.entries(derived)) {
    t.columns.set(id, Array.from(col));
    t.derived.add(id);
  }
}

function columnOf(columns: Map<string, number[]>, id: string, n: number): number[] {
  let c = columns.get(id);
  if (!c) columns.set(id, (c = []));
  pad(c, n, NaN);
  return c;
}
function labelOf(labels: Map<string, string[]>, name: string, n: number): string[] {
  let c = labels.get(name);
  if (!c) labels.set(name, (c = []));
  pad(c, n, '');
  return c;
}
function pad<T>(col: T[], n: number, fill: T): void {
  while (col.length < n) col.push(fill);
}
