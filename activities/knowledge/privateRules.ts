import { exponentialMechanism, laplaceMargin, noisyCount, PRIVACY_SPLIT, type Rand, secureRandom } from './privacy';
import { FisherTest, wilsonInterval } from './stats';
import { type Condition, covers, type RuleData, type RuleShape, tidy } from './thresholdRules';

/**
 * Threshold rules mined with differential privacy (`privacy.epsilon`): every step that reads the data is a
 * mechanism of privacy.ts, so what the rules release - which conditions, which thresholds, how many rows -
 * is epsilon-DP for one outcome, whatever the data (one row added or removed).
 *
 * Sequential covering as in thresholdRules.ts, with private steps:
 * 1. the outcome's rows with and without it, as one noisy histogram (`PRIVACY_SPLIT.totals`);
 * 2. each rule grows in up to two steps; a step draws one candidate by the exponential mechanism among
 *    every condition `x > t` / `x < t` (t on a grid of `grid` points between the parameter's bounds) and,
 *    after the first, "stop". A candidate's utility is a x TP - b x FP over the rows left, with
 *    a = min(1, N / P) and b = min(1, P / N) from the noisy totals: Youden's J scaled to sensitivity 1,
 *    so a condition scores when it covers outcome rows at more than the base rate. Shapes: single,
 *    interval (two conditions on one parameter), conjunction (two parameters);
 * 3. the rule's covered rows with and without the outcome, over all rows, as one noisy histogram;
 * 4. acceptance on those noisy counts, made conservative by the noise (95 % margin: positives lowered,
 *    misses raised): support, lift and a one-sided Fisher test (Bonferroni over `maxRules`) - computed
 *    from released values only, so it costs nothing more;
 * 5. the rule's rows leave, and the next rule is grown on the rest; a rule failing acceptance ends the
 *    outcome (its unspent budget is not used).
 * Thresholds need bounds that do not come from the data (`privacy.bounds`); a parameter without them
 * takes its observed range, which is not private, and is reported (`bounds_from_data`), as diffprivlib
 * warns. Categories are not conditions here: their values are read from the data.
 */

export interface PrivateMineOptions {
  /** epsilon for this outcome */
  epsilon: number;
  /** rules per outcome at most: the selection and count budgets are split evenly among them */
  maxRules: number;
  /** threshold candidates per parameter */
  grid: number;
  /** fewest covered rows (noisy), lift, significance and fewest outcome rows (noisy) */
  minSupport: number;
  minLift: number;
  alpha: number;
  minPositives: number;
  /** public bounds per parameter; others take the data's range (not private, reported) */
  bounds: Record<string, [number, number]>;
}

export interface PrivateRule {
  shape: RuleShape;
  /** noisy counts over all rows: covered with the outcome, covered without */
  tp: number;
  fp: number;
  /** from the noisy counts, lowered by the noise margin */
  p_value: number;
  ci: [number, number];
}

export interface PrivateMineResult {
  /** noisy rows with and without the outcome */
  positives: number;
  negatives: number;
  rules: PrivateRule[];
  /** privately chosen rules that failed acceptance on their noisy counts */
  set_aside: { shape: RuleShape; reason: string }[];
  /** candidates each growth step drew from */
  tested: number;
  /** parameters whose thresholds were placed in the data's own range */
  bounds_from_data: string[];
  /** Laplace scale of each released rule count */
  noise_scale: number;
}

type Cand = { cond: Condition | null; u: number };

export function minePrivateRules(
  data: RuleData,
  opts: PrivateMineOptions,
  rand: Rand = secureRandom,
): PrivateMineResult {
  const y = data.outcome;
  const names = Object.keys(data.features).sort();
  const all = Array.from({ length: y.length }, (_, i) => i);
  const eps = opts.epsilon;
  const countEps = (eps * PRIVACY_SPLIT.counts) / opts.maxRules;
  const stepEps = (eps * PRIVACY_SPLIT.selection) / opts.maxRules / 2;
  const totalsEps = eps * PRIVACY_SPLIT.totals;
  let truePos = 0;
  for (const i of all) if (y[i]) truePos++;
  // one histogram: each row is in one of its two cells
  const positives = noisyCount(truePos, totalsEps, rand);
  const negatives = noisyCount(all.length - truePos, totalsEps, rand);
  const result: PrivateMineResult = {
    positives,
    negatives,
    rules: [],
    set_aside: [],
    tested: 0,
    bounds_from_data: [],
    noise_scale: tidy(1 / countEps),
  };
  if (positives < opts.minPositives || negatives < 1) return result;
  const a = Math.min(1, negatives / positives),
    b = Math.min(1, positives / negatives);

  const grids: Record<string, number[]> = {};
  for (const f of names) {
    let [lo, hi] = opts.bounds[f] ?? [Infinity, -Infinity];
    if (!opts.bounds[f]) {
      for (const v of Array.from(data.features[f]))
        if (Number.isFinite(v)) {
          lo = Math.min(lo, v);
          hi = Math.max(hi, v);
        }
      result.bounds_from_data.push(f);
    }
    if (hi > lo)
      grids[f] = Array.from({ length: opts.grid }, (_, j) => tidy(lo + ((hi - lo) * (j + 1)) / (opts.grid + 1)));
  }
  const features = names.filter((f) => grids[f]);
  result.tested = features.length * 2 * opts.grid + 1;
  const margin = laplaceMargin(1 / countEps);
  let rows = all;

  for (let r = 0; r < opts.maxRules && rows.length; r++) {
    const body: Condition[] = [];
    let inBody = rows;
    for (let step = 0; step < 2; step++) {
      const cands: Cand[] = step ? [{ cond: null, u: utility(inBody, y, a, b) }] : [];
      for (const f of features) cands.push(...conditionCandidates(data.features[f], f, grids[f], inBody, y, a, b));
      const pick =
        cands[
          exponentialMechanism(
            cands.map((c) => c.u),
            stepEps,
            1,
            rand,
          )
        ];
      if (!pick.cond) break;
      body.push(pick.cond);
      inBody = inBody.filter((i) => holds(pick.cond!, data.features[pick.cond!.feature][i]));
    }
    const shape = shapeOf(body);
    const covered = all.filter((i) => covers(shape, data, i));
    let tp0 = 0;
    for (const i of covered) if (y[i]) tp0++;
    const tp = noisyCount(tp0, countEps, rand),
      fp = noisyCount(covered.length - tp0, countEps, rand);
    // conservative: the positives as low and the misses as high as the noise plausibly makes them
    const tpLo = Math.max(0, Math.floor(tp - margin)),
      fpHi = Math.ceil(fp + margin);
    const n = positives + negatives,
      support = tpLo + fpHi;
    const N = Math.max(n, support),
      K = Math.max(positives, tpLo);
    const p = support ? new FisherTest(N).oneSided([tpLo, support, K, N]) : 1;
    const lift = support ? tpLo / support / (positives / n) : 0;
    const reason =
      tp + fp < opts.minSupport
        ? `below support: ${tp + fp} rows (noisy) < ${opts.minSupport}`
        : lift < opts.minLift
          ? `failed validation: lift ${tidy(lift)} on noise-lowered counts < ${opts.minLift}`
          : p >= opts.alpha / opts.maxRules
            ? `failed validation: p ${p.toPrecision(3)} on noise-lowered counts >= ${opts.alpha / opts.maxRules}`
            : null;
    if (reason) {
      result.set_aside.push({ shape, reason });
      break;
    }
    // the confidence's interval widened by the noise: lowest with fewest positives and most misses, highest the other
    // way
    const tpHi = Math.ceil(tp + margin),
      fpLo = Math.max(0, Math.floor(fp - margin));
    const ci: [number, number] = [tidy(wilsonInterval(tpLo, support)[0]), tidy(wilsonInterval(tpHi, tpHi + fpLo)[1])];
    result.rules.push({ shape, tp, fp, p_value: Number(p.toPrecision(3)), ci });
    const kept = new Set(covered);
    rows = rows.filter((i) => !kept.has(i));
  }
  return result;
}

const holds = (c: Condition, v: number) => (c.op === '>' ? v > c.threshold : v < c.threshold);

function utility(rows: readonly number[], y: ArrayLike<boolean>, a: number, b: number): number {
  let u = 0;
  for (const i of rows) u += y[i] ? a : -b;
  return u;
}

/**
 * Every grid condition on one parameter with its utility over `rows`, by cumulative counts (one pass); exported for the
 * sensitivity test.
 */
export function conditionCandidates(
  x: ArrayLike<number>,
  feature: string,
  grid: readonly number[],
  rows: readonly number[],
  y: ArrayLike<boolean>,
  a: number,
  b: number,
): Cand[] {
  const g = grid.length;
  const strictlyAbove = new Float64Array(g + 1); // bucket k: rows with exactly k grid points strictly below x
  const atOrAbove = new Float64Array(g + 1); // bucket k: rows with exactly k grid points at or below x
  for (const i of rows) {
    const v = x[i];
    if (!Number.isFinite(v)) continue;
    const w = y[i] ? a : -b;
    strictlyAbove[pointsBelow(grid, v, false)] += w;
    atOrAbove[pointsBelow(grid, v, true)] += w;
  }
  const out: Cand[] = [];
  // x > grid[j] iff more than j grid points lie strictly below x
  let acc = 0;
  const gt = new Float64Array(g);
  for (let k = g; k >= 1; k--) {
    acc += strictlyAbove[k];
    gt[k - 1] = acc;
  }
  // x < grid[j] iff at most j grid points lie at or below x
  acc = 0;
  const lt = new Float64Array(g);
  for (let k = 0; k < g; k++) {
    acc += atOrAbove[k];
    lt[k] = acc;
  }
  for (let j = 0; j < g; j++) {
    out.push({ cond: { feature, op: '>', threshold: grid[j] }, u: gt[j] });
    out.push({ cond: { feature, op: '<', threshold: grid[j] }, u: lt[j] });
  }
  return out;
}

/** grid points below v (`orEqual`: at or below) - the grid is sorted */
function pointsBelow(grid: readonly number[], v: number, orEqual: boolean): number {
  let lo = 0,
    hi = grid.length;
  while (lo < hi) {
    const m = (lo + hi) >> 1;
    if (grid[m] < v || (orEqual && grid[m] === v)) lo = m + 1;
    else hi = m;
  }
  return lo;
}

function shapeOf(c: Condition[]): RuleShape {
  if (c.length === 1) return { kind: 'single', condition: c[0] };
  if (c[0].feature === c[1].feature && c[0].op !== c[1].op) {
    const lo = c.find((x) => x.op === '>')!,
      hi = c.find((x) => x.op === '<')!;
    return { kind: 'interval', feature: lo.feature, above: lo.threshold, below: hi.threshold };
  }
  if (c[0].feature === c[1].feature) {
    // two thresholds on one side: the tighter one holds both
    const tight =
      c[0].op === '>' ? (c[0].threshold > c[1].threshold ? c[0] : c[1]) : c[0].threshold < c[1].threshold ? c[0] : c[1];
    return { kind: 'single', condition: tight };
  }
  return {
    kind: 'conjunction',
    conditions: [...c].sort((p, q) => p.feature.localeCompare(q.feature)) as [Condition, Condition],
  };
}
