/**
 * A multivariate monitor per unit (asset): PCA on the unit's tags over a reference of normal operation (standardised;
 * the components that explain `EXPLAINED` of the variance), then on every complete row of the monitored data
 * Hotelling's T² on those components and SPE (the squared residual off them). A statistic above its limit for `PERSIST`
 * rows in a row is an anomaly episode, dated to the first of them, ending when it is under its limit again (for
 * `PERSIST` rows and `OFF_DELAY_MS`), naming the tags that contribute most. Limits are calibrated on the reference to
 * one false anomaly per `falseEventsPerWeek`: that quantile of the reference (just above its largest value when it is
 * shorter than the quantile needs), and at least the normal-theory limit at that rate, widened for the reference's
 * effectively independent rows; a reference with too few of them trains no monitor (`trainUnitModel`). (MacGregor &
 * Kourti 1995; Box 1954 for SPE; contributions as in Westerhuis et al. 2000.) A band (bandMonitor.ts) watches beside
 * it, trained on the same reference; a unit without a reference that describes it is watched by its own band from its
 * first rows. Both give the same episodes.
 */
// mathjs (already a dependency, for graph formulas) gives the eigen-decomposition; loaded only when a unit is trained
import type { AnomalyRecord, SampleBatch } from '../records';
import { chiSquareQuantile, samplingInterval, WANDER_CONFIDENCE, WEEK_MS } from './segmentSeries';
import { isoInstant } from '../timestamps';
import { bandContributions, bandStatistic, bandTags, type BandModel } from './bandMonitor';
import { MeanSquares } from './meanSquare';
import { FrozenReadings } from './frozenReadings';
import { integratedTime, span } from './independentReadings';

export const EXPLAINED = 0.9;
/** rows in a row above a limit that make an anomaly */
export const PERSIST = 3;
/**
 * an episode ends once its statistic has been under its limit for PERSIST rows and at least this long (ms): an
 * off-delay, as alarm management asks of a chattering alarm (ISA-18.2's 15-60 s), so a fault that hovers about the
 * limit at a reading a second stays one episode instead of a new one every few seconds
 */
export const OFF_DELAY_MS = 60_000;
/** a limit stands this far above the reference value it is set from */
const MARGIN = 1.05;
/** tags named per anomaly */
const TOP = 3;

export interface UnitModel {
  method: 'pca';
  asset: string;
  tags: string[];
  mean: number[];
  sd: number[];
  loadings: number[][];
  variances: number[];
  limits: { T2: number; SPE: number };
}

/** What watches a unit: PCA on a reference (this file), or the unit's own band from its first rows (bandMonitor.ts). */
export type MonitorModel = UnitModel | BandModel;
export type Statistic = AnomalyRecord['statistic'];

export interface UnitAnomaly {
  kind: 'anomaly';
  source: string;
  asset: string;
  statistic: Statistic;
  value: number;
  limit: number;
  onset_line: number;
  onset: string;
  detected_line: number;
  detected_at: string;
  /** the episode's last row over the limit; ended: false when it was still over at the data's end */
  end_line: number;
  end: string;
  ended: boolean;
  contributions: { tag: string; share: number }[];
}

/** Rows (tag values in `tags` order) of complete readings in the batches of one asset. */
export function rowsOf(
  batches: readonly SampleBatch[],
  asset: string,
  tags: readonly string[],
): { rows: number[][]; times: number[] } {
  const rows: number[][] = [],
    times: number[] = [];
  for (const b of batches) {
    if (b.asset !== asset) continue;
    for (let i = 0; i < b.lines.length; i++) {
      const row = tags.map((t) => b.values[t]?.[i] ?? NaN);
      if (row.every(Number.isFinite)) {
        rows.push(row);
        times.push(b.times[i]);
      }
    }
  }
  return { rows, times };
}

/** A unit's monitor as trained on a reference, or null with the reason; `note` says which, with the figures. */
export interface TrainedUnit {
  model: UnitModel | null;
  note: string;
}

/**
 * A monitor needs this many effectively independent reference rows (rows / the median tag's integrated time):
 * its covariance has more rows than tags, and its limits' uncertainty stays within a factor of about two.
 */
export const minEffectiveRows = (tags: number) => Math.max(30, 2 * tags);

/**
 * Train a unit's model on reference rows. None with fewer than 3 tags or 5 rows per tag, nor when the rows hold
 * too few independent readings to promise the false-anomaly rate (`minEffectiveRows`): the note says how long a
 * reference would need to be.
 */
export function trainUnitModel(
  asset: string,
  tags: readonly string[],
  rows: readonly number[][],
  times: readonly number[],
  falseEventsPerWeek: number,
): TrainedUnit {
  const n = rows.length,
    p = tags.length;
  if (p < 3) return { model: null, note: `no monitor: ${p} tag(s), a monitor needs 3` };
  if (n < 5 * p) return { model: null, note: `no monitor: ${n} complete rows for ${p} tags, it needs ${5 * p}` };
  const mean = tags.map((_, j) => rows.reduce((a, r) => a + r[j], 0) / n);
  const sd = mean.map((m, j) => Math.sqrt(rows.reduce((a, r) => a + (r[j] - m) ** 2, 0) / (n - 1)));
  const live = sd.map((s) => s > 1e-12);
  const z = rows.map((r) => r.map((v, j) => (live[j] ? (v - mean[j]) / sd[j] : 0)));
  const cov = Array.from({ length: p }, (_, a) =>
    Array.from({ length: p }, (_, b) => z.reduce((s, r) => s + r[a] * r[b], 0) / (n - 1)),
  );
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const { eigs } = require('mathjs') as typeof import('mathjs', { with: { 'resolution-mode': 'require' }});
  const { eigenvectors } = eigs(cov) as unknown as { eigenvectors: { value: number; vector: number[] }[] };
  const pairs = eigenvectors
    .map((e) => ({ value: Number(e.value), vector: Array.from(e.vector as unknown as number[], Number) }))
    .filter((e) => e.value > 1e-9)
    .sort((a, b) => b.value - a.value);
  const total = pairs.reduce((a, e) => a + e.value, 0);
  let kept = 0,
    sum = 0;
  while (kept < pairs.length && sum < EXPLAINED * total) sum += pairs[kept++].value;
  // readings alike for tau rows say less than n rows would: the limits' uncertainty goes with n / tau
  const taus = tags.map((_, j) => integratedTime(z.map((r) => r[j]))).sort((a, b) => a - b);
  const tau = taus[Math.floor(taus.length / 2)];
  const effective = n / tau;
  const dt = samplingInterval(times);
  const need = minEffectiveRows(p);
  if (effective < need)
    return {
      model: null,
      note:
        `no monitor: ${n} rows (${span(n * dt)}) hold about ${Math.round(effective)} independent readings ` +
        `(readings stay alike for about ${Math.round(tau)} rows), too few to promise ${falseEventsPerWeek} false ` +
        `anomaly a week; a reference of at least ${span(Math.ceil(need * tau) * dt)} (${Math.ceil(need * tau)} rows) ` +
        'of normal operation would',
    };
  const model: UnitModel = {
    method: 'pca',
    asset,
    tags: [...tags],
    mean,
    sd: sd.map((s) => (s > 1e-12 ? s : 1)),
    loadings: pairs.slice(0, kept).map((e) => e.vector),
    variances: pairs.slice(0, kept).map((e) => e.value),
    limits: { T2: Infinity, SPE: Infinity },
  };
  // the limits: one false anomaly per falseEventsPerWeek, as a quantile of the reference - or above its largest
  // value - and at least the normal-theory limit at that rate (T²: chi-square with the kept components' degrees of
  // freedom; SPE: Box's g chi-square with h), its scale taken at the upper WANDER_CONFIDENCE bound that the
  // effective rows allow, so a short reference does not promise a rate it cannot know
  const q = dt > 0 ? Math.min(0.01, (falseEventsPerWeek * dt) / WEEK_MS) : 0.01;
  const empirical = (xs: number[]) => {
    const s = xs.sort((a, b) => a - b);
    const k = Math.floor((1 - q) * n);
    return k >= n - 1 ? s[n - 1] * MARGIN : s[k];
  };
  const df = Math.max(1, Math.floor(effective) - 1);
  const scale = df / chiSquareQuantile(1 - WANDER_CONFIDENCE, df);
  const reference = rows.map((r) => statistics(model, r));
  const spe = reference.map((x) => x.SPE);
  const m = spe.reduce((a, v) => a + v, 0) / n;
  const v = spe.reduce((a, x) => a + (x - m) ** 2, 0) / (n - 1);
  const box = v > 0 ? (v / (2 * m)) * chiSquareQuantile(1 - q, Math.max(1, (2 * m * m) / v)) : 0;
  model.limits = {
    T2: Math.max(empirical(reference.map((x) => x.T2)), chiSquareQuantile(1 - q, kept) * scale),
    SPE: Math.max(empirical(spe), box * scale),
  };
  return {
    model,
    note:
      `monitor on ${p} tags, ${kept} components; limits T² ${model.limits.T2.toPrecision(4)}, SPE ` +
      `${model.limits.SPE.toPrecision(4)} from ${n} rows (${span(n * dt)}, about ${Math.round(effective)} independent)`,
  };
}

/** T² and SPE of one row, and each tag's contribution to them. */
export function statistics(
  m: UnitModel,
  row: readonly number[],
): { T2: number; SPE: number; t2c: number[]; spec: number[] } {
  const z = row.map((v, j) => (v - m.mean[j]) / m.sd[j]);
  const scores = m.loadings.map((w) => w.reduce((s, x, j) => s + x * z[j], 0));
  const T2 = scores.reduce((a, t, k) => a + (t * t) / m.variances[k], 0);
  const fitted = z.map((_, j) => m.loadings.reduce((s, w, k) => s + w[j] * scores[k], 0));
  const spec = z.map((v, j) => (v - fitted[j]) ** 2);
  const t2c = z.map((v, j) => v * m.loadings.reduce((s, w, k) => s + (scores[k] / m.variances[k]) * w[j], 0));
  return { T2, SPE: spec.reduce((a, v) => a + v, 0), t2c, spec };
}

/**
 * Each statistic of a row that its model watches, with its limit and each tag's contribution (worked out only for
 * a row over its limit: the band is watched on every row of every unit without a reference); `ewms`: the band's
 * EWMS after the row, when it has one.
 */
function watched(
  m: MonitorModel,
  row: readonly number[],
  ewms: { value: number; of: MeanSquares } | null,
  held: { value: number; of: FrozenReadings } | null,
): { stat: Statistic; value: number; limit: number; contrib: () => number[] }[] {
  if (m.method === 'band') {
    // the row's largest |z|: worked out with the EWMS when the band has one
    const band = { stat: 'band' as const, value: ewms ? ewms.of.largest : bandStatistic(m, row), limit: m.limits.band };
    return [
      { ...band, contrib: () => bandContributions(m, row) },
      ...(ewms ? [{ stat: 'EWMS' as const, value: ewms.value, limit: 1, contrib: ewms.of.contributions }] : []),
      ...(held ? [{ stat: 'frozen' as const, value: held.value, limit: 1, contrib: held.of.contributions }] : []),
    ];
  }
  const s = statistics(m, row);
  return [
    { stat: 'T2', value: s.T2, limit: m.limits.T2, contrib: () => s.t2c.map((c) => Math.max(0, c)) },
    { stat: 'SPE', value: s.SPE, limit: m.limits.SPE, contrib: () => s.spec },
  ];
}

/** An excursion of one statistic being watched: from its first row over the limit. */
interface Excursion {
  onsetLine: number;
  onsetT: number;
  /** rows over the limit in a row so far (until detected), and rows under it in a row since the last over */
  over: number;
  under: number;
  detected: { line: number; t: number } | null;
  last: { line: number; t: number };
  max: number;
  contrib: number[];
}

/**
 * Watches one unit's rows in time order. A statistic over its limit for PERSIST rows in a row opens an anomaly
 * episode (dated to the first of them, detected at the last); the episode ends at its last row over the limit once
 * PERSIST rows in a row are under it again and OFF_DELAY_MS has passed since, and is emitted then - with its end,
 * peak and the tags that contributed most over the whole episode - and the monitor re-arms: a second excursion is a
 * second episode. `finish` emits an episode still open at the data's end (`ended: false` when still over).
 */
export class UnitMonitor {
  private run: Partial<Record<Statistic, Excursion>> = {};
  private source = '';
  /** a band's running EWMS (none for PCA, nor for a band carried from before it) */
  private readonly squares: MeanSquares | null;
  /** a band's runs of repeated readings (none for PCA, nor for a band carried from before them) */
  private readonly frozen: FrozenReadings | null;
  /** the tags a row holds, in order: a band's slow tags watched by their steps come last */
  readonly tags: readonly string[];

  constructor(
    readonly model: MonitorModel,
    private readonly emit: (a: UnitAnomaly) => void,
  ) {
    this.tags = model.method === 'band' ? bandTags(model) : model.tags;
    this.squares =
      model.method === 'band' && model.ms
        ? new MeanSquares(
            model.mean,
            [...model.sd, ...(model.steps?.sd ?? [])],
            [...model.ms, ...(model.steps?.ms ?? [])],
            PERSIST,
          )
        : null;
    this.frozen = model.method === 'band' && model.frozen ? new FrozenReadings(model.frozen) : null;
  }

  /**
   * One row of the unit's tags (in `tags` order), from `source` at `line`, time `t` (epoch ms). PCA needs every tag
   * read; the band watches the tags that were (a slow tag's step: when it was read in the row before too).
   */
  push(source: string, line: number, t: number, row: readonly number[]): void {
    const m = this.model;
    const squares = this.squares;
    // a row not read: nothing to watch, and no slow tag's step across it
    if (m.method === 'pca' ? !row.every(Number.isFinite) : !row.some(Number.isFinite)) return void squares?.push(row);
    const ewms = squares ? squares.push(row) : 0;
    const frozen = this.frozen;
    const held = frozen ? frozen.push(line, t, row) : 0;
    // most rows of a band: inside it, nothing open - nothing more to do
    if (m.method === 'band' && !this.run.band && !this.run.EWMS && !this.run.frozen && !(ewms > 1) && !(held > 1))
      if (!((squares ? squares.largest : bandStatistic(m, row)) > m.limits.band)) return;
    this.source = source;
    for (const { stat, value, limit, contrib: contributions } of watched(
      m,
      row,
      squares && { value: ewms, of: squares },
      frozen && { value: held, of: frozen },
    )) {
      const r = this.run[stat];
      if (value <= limit) {
        if (!r) continue;
        if (!r.detected)
          delete this.run[stat]; // shorter than PERSIST rows: a blip, not an anomaly
        else if (++r.under >= PERSIST && t - r.last.t >= OFF_DELAY_MS) this.close(stat, limit, true);
        continue;
      }
      const contrib = contributions();
      // a frozen tag's episode starts at the first reading of its run
      const onset = stat === 'frozen' && frozen ? frozen.since(line, t) : { line, t };
      const e = (this.run[stat] ??= {
        onsetLine: onset.line,
        onsetT: onset.t,
        over: 0,
        under: 0,
        detected: null,
        last: { line, t },
        max: 0,
        contrib: contrib.map(() => 0),
      });
      e.over++;
      e.under = 0;
      e.last = { line, t };
      e.max = Math.max(e.max, value);
      contrib.forEach((c, j) => (e.contrib[j] += c));
      if (!e.detected && e.over >= PERSIST) e.detected = { line, t };
    }
  }

  /**
   * The data's end: an episode still open is emitted, as not ended when its statistic was still over the limit (not
   * when it was under it for PERSIST rows, in its off-delay).
   */
  finish(): void {
    for (const [stat, limit] of Object.entries(this.model.limits) as [Statistic, number][]) {
      const r = this.run[stat];
      if (r?.detected) this.close(stat, limit, r.under >= PERSIST);
    }
    this.run = {};
  }

  private close(stat: Statistic, limit: number, ended: boolean): void {
    const e = this.run[stat];
    delete this.run[stat];
    if (!e?.detected) return;
    const total = e.contrib.reduce((a, c) => a + c, 0) || 1;
    const contributions = e.contrib
      .map((c, j) => ({ tag: this.tags[j], share: Number((c / total).toFixed(3)) }))
      .filter((c) => c.share > 0) // a tag that added nothing did not contribute
      .sort((a, b) => b.share - a.share || a.tag.localeCompare(b.tag))
      .slice(0, TOP);
    this.emit({
      kind: 'anomaly',
      source: this.source,
      asset: this.model.asset,
      statistic: stat,
      value: Number(e.max.toPrecision(6)),
      limit: Number(limit.toPrecision(6)),
      onset_line: e.onsetLine,
      onset: isoInstant(e.onsetT),
      detected_line: e.detected.line,
      detected_at: isoInstant(e.detected.t),
      end_line: e.last.line,
      end: isoInstant(e.last.t),
      ended,
      contributions,
    });
  }
}
