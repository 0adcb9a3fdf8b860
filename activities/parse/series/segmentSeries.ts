/**
 * Time series -> operation records. Each (asset, tag) series is watched with a two-sided CUSUM on values
 * standardised by a robust baseline (median, MAD); a crossing is a change (a mean shift, or a setpoint
 * change for a piecewise-constant tag), dated back to where the CUSUM last left zero. After a change the
 * series re-baselines (a transition window) and is watched again (a steady window). State columns
 * (status, mode, alarm flags) give a state-change event whenever their value changes. Streaming: memory is
 * a baseline buffer and a few sums per series, whatever the length of the series.
 */
import { z } from 'zod';
import { median, type Point, Window, type WindowStats } from './seriesWindow';

export type { WindowStats } from './seriesWindow';
import { blockMeans, floorOfBlocks, samplingInterval, WanderLearner } from './wanderFloor';
import { isoInstant } from '../timestamps';

export {
  chiSquareQuantile,
  normalQuantile,
  samplingInterval,
  WANDER_CONFIDENCE,
  wanderFloor,
  WEEK_MS,
} from './wanderFloor';
export interface SeriesOptions {
  /** samples that establish the first baseline (the noise level) */
  baseline: number;
  /** samples that establish the new level after a change (short, so that a return is seen too) */
  rebaseline: number;
  /** CUSUM slack and threshold, in baseline standard deviations */
  k: number;
  h: number;
  /**
   * the smallest shift of the mean, in first-baseline standard deviations, that is a change; a smaller
   * CUSUM crossing is slow drift of normal operation: the baseline follows it, and no event is raised
   */
  minShift: number;
  /** false change events per tag and week that calibration on a reference of normal operation allows */
  falseEventsPerWeek: number;
  /**
   * per tag, the smallest shift of the mean (in the tag's unit) that is a change: calibrated on a
   * reference of normal operation (calibrate.ts); a tag without one uses `minShift` alone
   */
  shiftFloor?: Readonly<Record<string, number>>;
  /** a standard deviation below this share of |mean| (or absolute 1e-9) is a piecewise-constant tag */
  constantTolerance: number;
}
export const DEFAULT_SERIES_OPTIONS: SeriesOptions = {
  baseline: 100,
  rebaseline: 20,
  k: 1,
  h: 12,
  minShift: 2,
  falseEventsPerWeek: 1,
  constantTolerance: 1e-6,
};

/** One reading; `t` is its time in epoch milliseconds (UTC). */
export interface SeriesSample {
  source: string;
  line: number;
  t: number;
  asset: string;
  tag: string;
  unit: string;
  value: number;
}
/** The series a reading belongs to. */
export type SeriesKey = Pick<SeriesSample, 'source' | 'asset' | 'tag' | 'unit'>;

export type SeriesEvent =
  | {
      kind: 'window';
      state: 'steady' | 'transition';
      source: string;
      asset: string;
      tag: string;
      unit: string;
      first_line: number;
      last_line: number;
      start: string;
      end: string;
      stats: WindowStats;
    }
  | {
      kind: 'change';
      change: 'mean_shift' | 'setpoint';
      direction: 'up' | 'down';
      source: string;
      asset: string;
      tag: string;
      unit: string;
      onset_line: number;
      onset: string;
      detected_line: number;
      detected_at: string;
      before: number;
      after: number;
      delay_samples: number;
    }
  | { kind: 'state'; source: string; asset: string; tag: string; line: number; ts: string; from: string; to: string };

/**
 * What a series' detector knows of normal operation once its first baseline is in: the level it watches (`mu`, the
 * last one it settled on), its noise (`sigma`), the first baseline's noise and shift floor, and whether it is
 * piecewise-constant. A scheduled version carries it from the version before (series/watchCarry.ts), so the next
 * version watches from its first reading instead of taking its own first rows as normal.
 */
export const SeriesState = z.object({
  mu: z.number(),
  sigma: z.number().positive(),
  sigma0: z.number().positive(),
  floor: z.number().nonnegative(),
  constant: z.boolean(),
});
export type SeriesState = z.infer<typeof SeriesState>;

class Series {
  private phase: 'baseline' | 'watch' = 'baseline';
  private buffer: Point[] = [];
  private mu = 0;
  private sigma = 1;
  private sigma0: number | null = null;
  private floor = 0;
  /** the floor learned on while the series has not changed since its first baseline (none from a reference) */
  private wander: WanderLearner | null = null;
  private constant = false;
  private up = 0;
  private down = 0;
  /** samples since the CUSUM last stood at zero: the candidates for a change's onset */
  private pending: Point[] = [];
  /**
   * where in `pending` the upward and the downward sum last left zero: a crossing's samples start there (Page's
   * estimate of the onset), so the other side's earlier samples do not dilute the new level
   */
  private upFrom = 0;
  private downFrom = 0;
  private window: Window | null = null;
  private afterChange = false;

  constructor(
    private readonly key: SeriesKey,
    private readonly opts: SeriesOptions,
    private readonly emit: (e: SeriesEvent) => void,
  ) {}

  /** Start watching from what an earlier stretch of the series established (its first baseline is in). */
  resume(s: SeriesState): void {
    this.mu = s.mu;
    this.sigma = s.sigma;
    this.sigma0 = s.sigma0;
    this.floor = s.floor;
    this.constant = s.constant;
    this.phase = 'watch';
    this.window = new Window('steady');
  }

  /**
   * What it knows of normal operation, or null before its first baseline is in. Re-baselining after a change, the
   * level is the mean of the readings since the change's onset (the next version re-baselines no further).
   */
  state(): SeriesState | null {
    if (this.sigma0 === null) return null;
    const mu =
      this.phase === 'baseline' && this.buffer.length
        ? this.buffer.reduce((a, b) => a + b.value, 0) / this.buffer.length
        : this.mu;
    return { mu, sigma: this.sigma, sigma0: this.sigma0, floor: this.floor, constant: this.constant };
  }

  /** One reading; a point object is made only when it must be kept (baseline, pending). */
  push(line: number, t: number, value: number): void {
    if (this.phase === 'baseline') {
      this.buffer.push({ line, t, value });
      if (this.buffer.length >= this.baselineLength()) this.establish();
      return;
    }
    if (this.constant) {
      if (value !== this.mu) {
        const p = { line, t, value };
        return this.change(p, [p], 'setpoint', value > this.mu ? 'up' : 'down');
      }
      this.window!.add(line, t, value);
      return;
    }
    if (this.wander) {
      const floor = this.wander.push(value);
      if (floor !== null) this.floor = floor;
    }
    const z = (value - this.mu) / this.sigma;
    this.up = Math.max(0, this.up + z - this.opts.k);
    this.down = Math.max(0, this.down - z - this.opts.k);
    if (this.up === 0 && this.down === 0) {
      for (const p of this.pending) this.window!.addPoint(p);
      this.pending = [];
      this.upFrom = this.downFrom = 0;
      this.window!.add(line, t, value);
      return;
    }
    const s = { line, t, value };
    this.pending.push(s);
    if (this.up === 0) this.upFrom = this.pending.length;
    if (this.down === 0) this.downFrom = this.pending.length;
    if (this.up > this.opts.h || this.down > this.opts.h) {
      const upward = this.up > this.opts.h;
      const from = upward ? this.upFrom : this.downFrom;
      const since = this.pending.slice(from);
      const after = since.reduce((a, p) => a + p.value, 0) / since.length;
      if (Math.abs(after - this.mu) >= Math.max(this.opts.minShift * this.sigma0!, this.floor)) {
        for (const p of this.pending.slice(0, from)) this.window!.addPoint(p);
        return this.change(s, since, 'mean_shift', upward ? 'up' : 'down');
      }
      // drift: follow it
      this.mu = after;
      this.up = 0;
      this.down = 0;
      for (const p of this.pending) this.window!.addPoint(p);
      this.pending = [];
      this.upFrom = this.downFrom = 0;
    } else if (this.pending.length > 10_000) {
      for (const p of this.pending.splice(0, 5_000)) this.window!.addPoint(p);
      this.upFrom = Math.max(0, this.upFrom - 5_000);
      this.downFrom = Math.max(0, this.downFrom - 5_000);
    }
  }

  finish(): void {
    if (this.phase === 'baseline' && this.buffer.length) {
      const w = new Window(this.afterChange ? 'transition' : 'steady');
      for (const b of this.buffer) w.addPoint(b);
      this.close(w);
      return;
    }
    if (this.window) {
      for (const p of this.pending) this.window.addPoint(p);
      this.close(this.window);
    }
  }

  private baselineLength(): number {
    return this.afterChange ? Math.min(this.opts.rebaseline, this.opts.baseline) : this.opts.baseline;
  }

  private establish(): void {
    const values = this.buffer.map((b) => b.value);
    const mu = median(values);
    const mad = median(values.map((v) => Math.abs(v - mu))) * 1.4826;
    const spread = Math.max(...values) - Math.min(...values);
    this.mu = mu;
    this.constant = spread <= Math.max(1e-9, Math.abs(mu) * this.opts.constantTolerance);
    // the noise level: the larger of the robust (MAD) and the plain standard deviation - the plain one
    // carries the slow wander of a process variable, which is normal operation, not a change.
    // The first baseline sets it; later ones may not make the watch more sensitive than that.
    const mean = values.reduce((a, b) => a + b, 0) / values.length;
    const sd = Math.sqrt(values.reduce((a, v) => a + (v - mean) ** 2, 0) / values.length);
    const sigma = Math.max(mad, sd, spread / 6, 1e-9);
    if (this.sigma0 === null) {
      this.sigma0 = sigma;
      const calibrated = this.opts.shiftFloor?.[this.key.tag];
      if (calibrated !== undefined) this.floor = calibrated;
      else {
        // how far normal operation wanders, from the first baseline; learned on while the series does not change
        const means = blockMeans(values, this.opts.rebaseline);
        const dt = samplingInterval(this.buffer.map((b) => b.t));
        this.floor = floorOfBlocks(means, dt, this.opts);
        this.wander = new WanderLearner(means, dt, this.opts);
      }
    }
    this.sigma = Math.max(sigma, this.sigma0);
    const w = new Window(this.afterChange ? 'transition' : 'steady');
    for (const b of this.buffer) w.addPoint(b);
    this.buffer = [];
    if (this.afterChange) {
      this.close(w);
      this.window = new Window('steady');
    } else this.window = w;
    this.phase = 'watch';
    this.up = 0;
    this.down = 0;
  }

  private change(at: Point, since: Point[], change: 'mean_shift' | 'setpoint', direction: 'up' | 'down'): void {
    this.wander = null; // what follows a change is not the normal operation the floor was learned on
    const onset = since[0];
    const after = since.reduce((a, p) => a + p.value, 0) / since.length;
    if (this.window && this.window.n > 0) this.close(this.window);
    this.emit({
      kind: 'change',
      change,
      direction,
      ...this.key,
      onset_line: onset.line,
      onset: isoInstant(onset.t),
      detected_line: at.line,
      detected_at: isoInstant(at.t),
      before: Number(this.mu.toPrecision(6)),
      after: Number(after.toPrecision(6)),
      delay_samples: since.length - 1,
    });
    // the samples since the onset start the next baseline
    this.window = null;
    this.pending = [];
    this.upFrom = this.downFrom = 0;
    this.phase = 'baseline';
    this.afterChange = true;
    this.buffer = [...since];
    if (this.buffer.length >= this.baselineLength()) this.establish();
  }

  private close(w: Window): void {
    if (w.n === 0) return; // a series that ended right after re-baselining: nothing to report
    this.emit({
      kind: 'window',
      state: w.state,
      ...this.key,
      first_line: w.firstLine,
      last_line: w.lastLine,
      start: isoInstant(w.start),
      end: isoInstant(w.end),
      stats: w.stats(),
    });
  }
}

const STATE_COLUMN = /^(state|status|mode|alarm|running|run|fault|状态|报警|模式)(_.*)?$/i;

/** A text column whose changes are state events (status, mode, alarm flags). */
export const isStateColumn = (column: string): boolean => STATE_COLUMN.test(column);

/** Watches every series of a source; feed samples in time order per series. */
export class SeriesSegmenter {
  private readonly series = new Map<string, Series>();
  private readonly states = new Map<string, string>();

  constructor(
    private readonly opts: SeriesOptions,
    private readonly emit: (e: SeriesEvent) => void,
    /** per asset and tag, what an earlier stretch of the series established (a scheduled version's predecessor) */
    private readonly carried: Readonly<Record<string, Readonly<Record<string, SeriesState>>>> = {},
  ) {}

  /**
   * Per asset and tag, what each series knows of normal operation (those whose first baseline is in); a carried
   * series this stretch did not read is handed on as it came.
   */
  seriesStates(): Record<string, Record<string, SeriesState>> {
    const out: Record<string, Record<string, SeriesState>> = {};
    for (const [asset, tags] of Object.entries(this.carried)) out[asset] = { ...tags };
    for (const [key, series] of this.series) {
      const state = series.state();
      const [asset, tag] = key.split('\u0000');
      if (state) (out[asset] ??= {})[tag] = state;
    }
    return out;
  }

  push(s: SeriesSample): void {
    this.seriesOf(s).push(s.line, s.t, s.value);
  }

  /** Readings of one series in time order: row `i` is line `lines[i]` at `times[i]` (epoch ms). */
  pushColumn(key: SeriesKey, lines: readonly number[], times: readonly number[], values: readonly number[]): void {
    const series = this.seriesOf(key);
    for (let i = 0; i < lines.length; i++) series.push(lines[i], times[i], values[i]);
  }

  /** A series is named by asset and tag; the first reading gives its source and unit. */
  private seriesOf(k: SeriesKey): Series {
    const key = `${k.asset}\u0000${k.tag}`;
    let series = this.series.get(key);
    if (!series) {
      series = new Series({ source: k.source, asset: k.asset, tag: k.tag, unit: k.unit }, this.opts, this.emit);
      const carried = this.carried[k.asset]?.[k.tag];
      if (carried) series.resume(carried);
      this.series.set(key, series);
    }
    return series;
  }

  /** A text label of a sample: a state column emits an event when its value changes. */
  label(s: { source: string; line: number; t: number; asset: string }, column: string, value: string): void {
    if (!isStateColumn(column)) return;
    const key = `${s.asset}\u0000${column}`;
    const prev = this.states.get(key);
    if (prev !== undefined && prev !== value)
      this.emit({
        kind: 'state',
        source: s.source,
        asset: s.asset,
        tag: column,
        line: s.line,
        ts: isoInstant(s.t),
        from: prev,
        to: value,
      });
    this.states.set(key, value);
  }

  finish(): void {
    for (const s of this.series.values()) s.finish();
  }
}
