/**
 * A unit's own band, for a unit no reference monitors (no reference, or one that does not describe the unit, or one
 * too short for a PCA monitor): each tag's mean and standard deviation over the unit's first `baseline` rows - the
 * stretch its tags' first baselines come from, taken as normal operation as they are - the standard deviation at its
 * upper WANDER_CONFIDENCE bound for the stretch's effectively independent readings. A row with any tag further from
 * its mean than `limit` of those standard deviations is over the band; the limit is the normal quantile that leaves
 * `falseEventsPerWeek` rows a week over it across the unit's watched tags (Bonferroni, so tags that move together
 * only make it stricter). Unlike a tag's change detector, which re-baselines after a change and says it once, the
 * band keeps its first baseline: a unit that stays off its normal level stays in one anomaly episode (unitMonitor.ts)
 * until it is back, and a tag that swings wider than normal opens one episode per swing.
 * Beside each single row, the band watches each tag's exponentially weighted mean square off its mean (EWMS,
 * meanSquare.ts), over about the last 9 rows: a level held off, a tag swinging or sticking either way, noise grown
 * wider - none of which a single row may show beyond the band's limit. Its limit per tag is at the band's rate shared
 * over the tags it watches, for readings as alike as the tag's may be; a tag too slow for one is watched by the row
 * only. The statistic is the largest tag's EWMS as a share of its limit (limit 1).
 * Tags the stretch cannot vouch for are not watched by their level, and the note names them: a constant
 * (piecewise-constant) tag, whose setpoint changes are events already, and a tag whose readings stay alike for so many
 * rows that the stretch holds fewer than MIN_READINGS independent ones (its slow wander would pass for a fault). Such a
 * slow tag is watched by its steps instead - each reading less the one before, which no slow wander moves - through
 * their EWMS off zero: noise grown wider, a tag sticking or swinging, lifts it (`steps`). Not a tag whose readings are
 * held (an analyser's, updated every few rows: more than HELD_SHARE of its steps are zero), nor one whose steps are
 * themselves too alike to hold MIN_READINGS independent ones.
 */
import { z } from 'zod';
import { chiSquareQuantile, normalQuantile, samplingInterval, WANDER_CONFIDENCE, WEEK_MS } from './wanderFloor';
import { integratedTime, span } from './independentReadings';
import { EWMS_WEIGHT, squaresLimit } from './meanSquare';
import { FROZEN_SHARE, frozenRuns, holdsReadings } from './frozenReadings';

/**
 * independent readings a watched tag's stretch must hold: below it the bound on its standard deviation is loose,
 * and a stretch of a slowly wandering tag underestimates how alike its readings are (measured on AR(1) readings at
 * coefficient 0.99: 100 rows, 10 h after them, no false episode with 20, seven with 10)
 */
export const MIN_READINGS = 20;

/** a slow tag with more than this share of steps exactly zero holds its readings: its steps are not watched */
export const HELD_SHARE = 0.05;

/**
 * A trained band: the watched tags, and per tag its mean, its standard deviation's upper bound and its EWMS limit
 * (`ms`, in squared sd); `steps`: the slow tags watched by their steps, with the steps' standard deviation's upper
 * bound and EWMS limit; `frozen`: per tag it reads (bandTags), the run of repeated readings that makes it frozen
 * (frozenReadings.ts; null: not watched); the limits: a row's in sd, the EWMS's and the frozen runs' as a share of
 * each tag's. A band carried from a version before the EWMS has no `ms` and watches single rows only.
 */
export const BandModel = z
  .object({
    method: z.literal('band'),
    asset: z.string(),
    tags: z.array(z.string()),
    mean: z.array(z.number()),
    sd: z.array(z.number().positive()),
    ms: z.array(z.number().positive().nullable()).optional(),
    steps: z
      .object({ tags: z.array(z.string()), sd: z.array(z.number().positive()), ms: z.array(z.number().positive()) })
      .optional(),
    frozen: z.array(z.number().int().positive().nullable()).optional(),
    limits: z.object({
      band: z.number().positive(),
      EWMS: z.literal(1).optional(),
      frozen: z.literal(1).optional(),
    }),
  })
  .refine((m) => !m.steps || m.ms, 'a band that watches steps has mean square limits (ms)')
  .refine(
    (m) => !m.frozen || (m.frozen.length === m.tags.length + (m.steps?.tags.length ?? 0) && m.limits.frozen === 1),
    'a band that watches frozen readings has a run per tag it reads and its limit',
  );
export type BandModel = z.infer<typeof BandModel>;

/** The tags a band reads, in the order of the rows it is fed: those watched by their level, then by their steps. */
export const bandTags = (m: BandModel): string[] => [...m.tags, ...(m.steps?.tags ?? [])];

/** A band as trained, or null, with a note that says which tags it watches, from what, and which not and why. */
export interface TrainedBand {
  model: BandModel | null;
  note: string;
}

/**
 * Train a unit's band on its first rows - or a reference's (`stretch` names them in the note): `rows` hold the values
 * of `tags` (NaN: not read), `times` their epoch ms.
 */
export function trainBand(
  asset: string,
  tags: readonly string[],
  rows: readonly (readonly number[])[],
  times: readonly number[],
  falseEventsPerWeek: number,
  stretch = 'the first',
): TrainedBand {
  // each with its steps in the stretch, for the frozen-readings watch
  const watched: (Watched & { diffs: number[] })[] = [],
    stepping: (Watched & { diffs: number[] })[] = [];
  const constant: string[] = [],
    alike: string[] = [];
  tags.forEach((tag, j) => {
    const xs = rows.map((r) => r[j]).filter(Number.isFinite);
    const n = xs.length;
    if (n < MIN_READINGS) return alike.push(tag);
    const mean = xs.reduce((a, v) => a + v, 0) / n;
    const sd = Math.sqrt(xs.reduce((a, v) => a + (v - mean) ** 2, 0) / (n - 1));
    if (!(sd > Math.max(1e-9, 1e-6 * Math.abs(mean)))) return constant.push(tag);
    const diffs = stepsOf(rows, j);
    const level = vouched(tag, xs, mean, sd, n - 1);
    if (level) return watched.push({ ...level, diffs });
    const spread = Math.sqrt(diffs.reduce((a, d) => a + d * d, 0) / diffs.length);
    const step = !holdsReadings(diffs, HELD_SHARE) && spread > 0 && vouched(tag, diffs, 0, spread, diffs.length);
    if (step) return stepping.push({ ...step, diffs });
    alike.push(tag);
  });
  const dt = samplingInterval(times);
  // the rate a row, less the frozen-readings watch's share
  const rate = Math.min(0.01, (falseEventsPerWeek * dt) / WEEK_MS);
  const q = rate * (1 - FROZEN_SHARE);
  // a tag's EWMS is watched when its readings (or a slow tag's steps) hold MIN_READINGS independent ones at the upper
  // bound of how alike they are (null: single rows only; a slow tag's steps without one are not watched)
  const share = q / (watched.length + stepping.length);
  const steps = stepping.flatMap((w) => {
    const ms = dt > 0 ? squaresLimit(w.tau, w.n, share, MIN_READINGS) : null;
    return ms === null ? (alike.push(w.tag), []) : [{ ...w, ms }];
  });
  const left = [
    constant.length ? `${constant.length} constant (${constant.join(', ')})` : '',
    alike.length ? `${alike.length} alike for too many rows (${alike.join(', ')})` : '',
  ].filter(Boolean);
  const from = `${rows.length} rows (${span(rows.length * dt)})`;
  const not = left.length ? `; not watched: ${left.join('; ')}` : '';
  if (!(dt > 0) || !(watched.length + steps.length))
    return {
      model: null,
      note: `no band: ${dt > 0 ? 'no tag to watch' : 'no sampling interval'} in ${stretch} ${from}${not}`,
    };
  const limit = normalQuantile(1 - q / (2 * Math.max(1, watched.length)));
  const ms = watched.map((w) => squaresLimit(w.tau, w.n, share, MIN_READINGS));
  const onMs = ms.filter((x): x is number => x !== null);
  const onSteps = steps.map((w) => w.ms);
  const frozen = frozenRuns(
    [...watched, ...steps].map((w) => w.diffs),
    rate * FROZEN_SHARE,
    HELD_SHARE,
  );
  const onFrozen = frozen.filter((x): x is number => x !== null);
  return {
    model: {
      method: 'band',
      asset,
      tags: watched.map((w) => w.tag),
      mean: watched.map((w) => w.mean),
      sd: watched.map((w) => w.sd),
      ...(onMs.length || steps.length ? { ms } : {}),
      ...(steps.length
        ? { steps: { tags: steps.map((w) => w.tag), sd: steps.map((w) => w.sd), ms: steps.map((w) => w.ms) } }
        : {}),
      ...(onFrozen.length ? { frozen } : {}),
      limits: {
        band: limit,
        ...(onMs.length || steps.length ? { EWMS: 1 as const } : {}),
        ...(onFrozen.length ? { frozen: 1 as const } : {}),
      },
    },
    note:
      `band on ${watched.length} of ${tags.length} tags from ${stretch} ${from}: ` +
      (watched.length ? `${limit.toFixed(2)} sd a row, ` : '') +
      (onMs.length
        ? `the mean square over about ${Math.round((2 - EWMS_WEIGHT) / EWMS_WEIGHT)} rows of ${onMs.length} ` +
          `${Math.min(...onMs).toFixed(1)}-${Math.max(...onMs).toFixed(1)} sd²`
        : watched.length
          ? 'no mean square (no tag quick enough)'
          : 'none by its level') +
      (steps.length
        ? `; ${steps.length} slow tags by their steps' mean square (${steps.map((w) => w.tag).join(', ')}) ` +
          `${Math.min(...onSteps).toFixed(1)}-${Math.max(...onSteps).toFixed(1)} sd²`
        : '') +
      (onFrozen.length
        ? `; ${onFrozen.length} tags frozen after ` +
          `${[...new Set([Math.min(...onFrozen), Math.max(...onFrozen)])].join('-')} repeated readings`
        : '') +
      not,
  };
}

/** A tag (or its steps) as the stretch vouches for it: mean, sd at its upper bound, how alike, how many readings. */
interface Watched {
  tag: string;
  mean: number;
  sd: number;
  tau: number;
  n: number;
}

/**
 * Readings `xs` about `mean`, spread `sd` over `df` degrees of freedom were they independent, when they hold
 * MIN_READINGS independent ones: their sd at its upper WANDER_CONFIDENCE bound for those; else null.
 */
function vouched(tag: string, xs: readonly number[], mean: number, sd: number, df: number): Watched | null {
  const n = xs.length;
  if (n < MIN_READINGS) return null;
  const tau = Math.max(integratedTime(xs), lagOneTime(xs, mean));
  const independent = Math.floor(n / tau) - (n - df);
  if (independent < MIN_READINGS - 1) return null;
  return { tag, mean, sd: sd * Math.sqrt(independent / chiSquareQuantile(1 - WANDER_CONFIDENCE, independent)), tau, n };
}

/** A tag's steps in the stretch: each reading less the one before, where both were read. */
function stepsOf(rows: readonly (readonly number[])[], j: number): number[] {
  const out: number[] = [];
  for (let i = 1; i < rows.length; i++) {
    const d = rows[i][j] - rows[i - 1][j];
    if (Number.isFinite(d)) out.push(d);
  }
  return out;
}

/**
 * The integrated time of an AR(1) process with the readings' lag-one autocorrelation r, (1 + r) / (1 - r): on a
 * hundred rows the lag-one correlation is steadier than the sum of Sokal's window, which can miss most of a slow
 * process's memory (an AR(1) at 0.9, true time 19, read as 1.6 on one seed's first 100 rows).
 */
function lagOneTime(xs: readonly number[], mean: number): number {
  let c0 = 0,
    c1 = 0;
  for (let i = 0; i < xs.length; i++) {
    c0 += (xs[i] - mean) ** 2;
    if (i) c1 += (xs[i] - mean) * (xs[i - 1] - mean);
  }
  const r = Math.min(0.999, c1 / c0);
  return r > 0 ? (1 + r) / (1 - r) : 1;
}

/** How far a row is off the band: its largest |z| over the tags read that it watches by their level. */
export function bandStatistic(m: BandModel, row: readonly number[]): number {
  let value = 0;
  for (let j = 0; j < m.tags.length; j++) {
    const z = Math.abs(row[j] - m.mean[j]) / m.sd[j];
    if (z > value) value = z; // NaN, a tag not read, is never greater
  }
  return value;
}

/** Each tag's z² in a row (0 when not read, or watched by its steps): its share of an episode. */
export const bandContributions = (m: BandModel, row: readonly number[]): number[] =>
  row.map((v, j) => (j < m.tags.length && Number.isFinite(v) ? ((v - m.mean[j]) / m.sd[j]) ** 2 : 0));
