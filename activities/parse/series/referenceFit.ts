import type { SampleBatch } from '../records';
import type { UnitFit } from './referenceReport';
import { rowsOf, statistics, type UnitModel } from './unitMonitor';

/**
 * Does a reference of normal operation describe the data it is to calibrate? Before a reference's floors and
 * monitor are used for a unit (asset), the data's first hour (`FIT_SPAN_MS`, at least `FIT_MIN_ROWS` rows) is
 * compared with it: each tag's share of readings outside the reference's envelope (its range, widened by that range
 * on each side) and the share of complete rows whose T² or SPE is over the unit's limits. A reference recorded at
 * another operating point (levels several times those of the data) puts nearly every row outside; normal operation
 * at the reference's point puts almost none. A unit with any tag, or its monitor, over `FIT_MAX_OUTSIDE` is not
 * calibrated on the reference: it falls back to its own baseline, as without one. Pure (no I/O).
 */
export const FIT_SPAN_MS = 3600 * 1000;
export const FIT_MIN_ROWS = 30;
/** over this share of the first hour outside the reference, the reference does not describe the unit */
export const FIT_MAX_OUTSIDE = 0.5;

/** A tag's range over the reference. */
export interface Envelope {
  min: number;
  max: number;
}

const share = (k: number, n: number) => (n ? Number((k / n).toFixed(3)) : 0);

/** Each asset's first hour of readings (at least FIT_MIN_ROWS rows), from batches in time order. */
export class FirstHour {
  private readonly seen = new Map<string, { start: number; rows: number; batches: SampleBatch[]; done: boolean }>();

  /** Keep the rows of a batch that fall in its asset's first hour (or its first FIT_MIN_ROWS rows). */
  add(b: SampleBatch): void {
    const s = this.seen.get(b.asset) ?? { start: b.times[0], rows: 0, batches: [], done: false };
    this.seen.set(b.asset, s);
    if (s.done) return;
    let k = 0;
    while (k < b.lines.length && (s.rows + k < FIT_MIN_ROWS || b.times[k] - s.start < FIT_SPAN_MS)) k++;
    if (k) s.batches.push(k === b.lines.length ? b : sliceBatch(b, k));
    s.rows += k;
    if (k < b.lines.length) s.done = true;
  }

  /** Every asset in `assets` has its first hour. */
  complete(assets: Iterable<string>): boolean {
    for (const a of assets) if (!this.seen.get(a)?.done) return false;
    return true;
  }

  batches(asset: string): SampleBatch[] {
    return this.seen.get(asset)?.batches ?? [];
  }
}

/** A batch's first `k` rows. */
function sliceBatch(b: SampleBatch, k: number): SampleBatch {
  const cut = <T>(xs: Record<string, T[]>) =>
    Object.fromEntries(Object.entries(xs).map(([t, v]) => [t, v.slice(0, k)]));
  return { ...b, lines: b.lines.slice(0, k), times: b.times.slice(0, k), values: cut(b.values), labels: cut(b.labels) };
}

/**
 * The fit of one unit: its tags' readings over the data's first hour against the reference's envelopes, and its
 * monitor's statistics on the same rows. A unit the data does not have is reported as not compared (0 rows) and
 * kept: nothing of it is monitored.
 */
export function unitFit(
  asset: string,
  envelopes: Readonly<Record<string, Envelope>>,
  model: UnitModel | undefined,
  first: readonly SampleBatch[],
  monitor: string,
): UnitFit {
  let worst: string | null = null,
    outside = 0,
    rows = 0;
  for (const [tag, env] of Object.entries(envelopes).sort(([a], [b]) => a.localeCompare(b))) {
    const width = Math.max(env.max - env.min, 1e-6 * Math.max(1, Math.abs(env.max), Math.abs(env.min)));
    let n = 0,
      out = 0;
    for (const b of first)
      for (const v of b.values[tag] ?? []) {
        if (!Number.isFinite(v)) continue;
        n++;
        if (v < env.min - width || v > env.max + width) out++;
      }
    rows = Math.max(rows, n);
    if (n && share(out, n) > outside) {
      outside = share(out, n);
      worst = tag;
    }
  }
  let overLimit: number | null = null;
  if (model) {
    const { rows: complete } = rowsOf(first, asset, model.tags);
    const over = complete.filter((r) => {
      const s = statistics(model, r);
      return s.T2 > model.limits.T2 || s.SPE > model.limits.SPE;
    }).length;
    overLimit = share(over, complete.length);
  }
  const reasons: string[] = [];
  if (outside > FIT_MAX_OUTSIDE)
    reasons.push(`${Math.round(100 * outside)} % of ${worst}'s first-hour readings lie outside the reference's range`);
  if (overLimit !== null && overLimit > FIT_MAX_OUTSIDE)
    reasons.push(`${Math.round(100 * overLimit)} % of the first hour's rows are over the monitor's limits`);
  return {
    asset,
    used: reasons.length === 0,
    rows,
    worst_tag: worst,
    outside,
    over_limit: overLimit,
    reason: reasons.length ? `the reference does not describe the data: ${reasons.join('; ')}` : null,
    monitor,
  };
}
