import { wilsonInterval } from './stats';

/**
 * Threshold rules: the cut points at which an outcome (defect, failure, alarm) becomes much more likely,
 * found from the data alone - single conditions (`x > a`, `x < a`), bands (`x < a or x > b`) and
 * conjunctions of two conditions.
 *
 * Honest statistics by sample splitting: cut points are searched on one half of the rows (even
 * positions), and every candidate is tested on the other half (odd positions), one-sided Fisher exact
 * test; the p-values of all candidates tried are controlled together with Benjamini-Hochberg. A rule
 * must also reach `minLift` and `minSupport`, and add as much to the stronger rules kept before it
 * (the same lift, significant after Bonferroni, on the validation rows they do not cover), so that a parameter correlated with a real cause does not
 * become a second fact. A rule that separates the outcome (almost) perfectly restates it and is set
 * aside with a reason.
 */

export type Condition = { feature: string; op: '>' | '<'; threshold: number };
export type RuleShape =
  | { kind: 'single'; condition: Condition }
  | { kind: 'band'; feature: string; below: number; above: number }
  | { kind: 'conjunction'; conditions: [Condition, Condition] };

export interface RuleEvidence {
  /** rows the rule covers / with the outcome, over all rows */
  support: number;
  positives: number;
  /** P(outcome | rule), P(outcome | not rule), lift = confidence / base rate */
  confidence: number;
  rest_rate: number;
  lift: number;
  /** 95 % Wilson interval of the confidence */
  ci: [number, number];
  /** share of all outcomes the rule covers */
  recall: number;
  /** validation half: one-sided Fisher p-value and Benjamini-Hochberg q-value */
  p_value: number;
  q_value: number;
}

export interface MinedRule { shape: RuleShape; evidence: RuleEvidence; rows: number[] }

export interface MineOptions {
  /** fewest rows a rule covers (in all rows) */
  minSupport: number;
  minLift: number;
  /** false discovery rate */
  alpha: number;
  /** a rule covering at least this share of outcomes at this confidence restates the outcome */
  restateShare: number;
}
export const DEFAULT_MINE_OPTIONS: MineOptions = { minSupport: 20, minLift: 2, alpha: 0.05, restateShare: 0.98 };

export interface MineResult { rules: MinedRule[]; tested: number; set_aside: { shape: RuleShape; reason: string }[] }

/** Rows by column: `features[name][i]` (NaN when missing) and `outcome[i]`. */
export interface RuleData { features: Record<string, ArrayLike<number>>; outcome: ArrayLike<boolean> }

export function describeRule(s: RuleShape): string {
  const c = (x: Condition) => `${x.feature} ${x.op} ${x.threshold}`;
  if (s.kind === 'single') return c(s.condition);
  if (s.kind === 'band') return `${s.feature} < ${s.below} or ${s.feature} > ${s.above}`;
  return `${c(s.conditions[0])} and ${c(s.conditions[1])}`;
}

export function covers(s: RuleShape, data: RuleData, i: number): boolean {
  if (s.kind === 'single') return holds(s.condition, data, i);
  if (s.kind === 'band') {
    const v = data.features[s.feature][i];
    return v < s.below || v > s.above;
  }
  return holds(s.conditions[0], data, i) && holds(s.conditions[1], data, i);
}

/** Mine threshold rules. Deterministic: the same data give the same rules. */
export function mineThresholdRules(data: RuleData, opts: MineOptions = DEFAULT_MINE_OPTIONS): MineResult {
  const n = data.outcome.length;
  const names = Object.keys(data.features).sort();
  const all = Array.from({ length: n }, (_, i) => i);
  const discovery = all.filter((i) => i % 2 === 0);
  const validation = all.filter((i) => i % 2 === 1);
  const fisher = new FisherTest(n);
  const minTail = Math.max(3, Math.floor(opts.minSupport / 2));
  const steps = Object.fromEntries(names.map((f) => [f, resolution(data.features[f], discovery)]));
  const cut = (f: string, rows: readonly number[], op: '>' | '<') => bestCut(data, f, rows, op, minTail, steps[f]);

  // candidates from the discovery half
  const candidates: RuleShape[] = [];
  const singles = new Map<string, { high: Condition | null; low: Condition | null; best: Condition | null }>();
  for (const f of names) {
    const high = cut(f, discovery, '>');
    const low = cut(f, discovery, '<');
    const best = [high, low].filter((x): x is Cut => !!x).sort((a, b) => b.g - a.g)[0] ?? null;
    singles.set(f, { high: high?.condition ?? null, low: low?.condition ?? null, best: best?.condition ?? null });
    if (high) candidates.push({ kind: 'single', condition: high.condition });
    if (low) candidates.push({ kind: 'single', condition: low.condition });
    if (high && low && low.condition.threshold < high.condition.threshold) candidates.push({ kind: 'band', feature: f, below: low.condition.threshold, above: high.condition.threshold });
  }
  const seenPairs = new Set<string>();
  for (const f of names) {
    const first = singles.get(f)!.best;
    if (!first) continue;
    const inF = discovery.filter((i) => holds(first, data, i));
    for (const g of names) {
      if (g === f) continue;
      const second = [cut(g, inF, '>'), cut(g, inF, '<')].filter((x): x is Cut => !!x).sort((a, b) => b.g - a.g)[0];
      if (!second) continue;
      // refine the first cut among the rows the second condition keeps
      const inG = discovery.filter((i) => holds(second.condition, data, i));
      const refined = cut(f, inG, first.op)?.condition ?? first;
      const pair = [refined, second.condition].sort((a, b) => a.feature.localeCompare(b.feature)) as [Condition, Condition];
      const key = pair.map((c) => `${c.feature}${c.op}`).join('&');
      if (seenPairs.has(key)) continue;
      seenPairs.add(key);
      candidates.push({ kind: 'conjunction', conditions: pair });
    }
  }

  // test every candidate on the validation half; Benjamini-Hochberg over all of them
  const tested = candidates.map((shape) => ({ shape, p: validationP(shape, data, validation, fisher) }));
  const q = benjaminiHochberg(tested.map((t) => t.p));
  const positivesAll = countTrue(data.outcome, all);
  const setAside: MineResult['set_aside'] = [];
  const accepted: MinedRule[] = [];
  // every candidate ends kept or set aside with its reason: failed validation, too small, too weak, ...
  const withQ = tested.map((t, k) => ({ ...t, q: q[k] }));
  for (const t of withQ) if (t.q > opts.alpha) setAside.push({ shape: t.shape, reason: `failed validation: q = ${t.q.toPrecision(2)} > ${opts.alpha} on the validation half` });
  const significant = withQ.filter((t) => t.q <= opts.alpha).map((t) => ({ ...t, ev: evidenceOf(t.shape, data, all, positivesAll, t.p, t.q) }));
  for (const t of significant) {
    const { support, lift } = t.ev.evidence;
    if (support < opts.minSupport) setAside.push({ shape: t.shape, reason: `below support: covers ${support} rows, fewer than ${opts.minSupport}` });
    else if (lift < opts.minLift) setAside.push({ shape: t.shape, reason: `too weak: lift ${round(lift)} under ${opts.minLift}` });
  }
  const ranked = significant
    .filter((t) => t.ev.evidence.support >= opts.minSupport && t.ev.evidence.lift >= opts.minLift)
    .sort((a, b) => a.p - b.p || b.ev.evidence.lift - a.ev.evidence.lift || describeRule(a.shape).localeCompare(describeRule(b.shape)));
  for (const t of ranked) {
    const { evidence, rows } = t.ev;
    if (evidence.recall >= opts.restateShare && evidence.confidence >= opts.restateShare) {
      setAside.push({ shape: t.shape, reason: `separates the outcome almost perfectly (recall ${round(evidence.recall)}, confidence ${round(evidence.confidence)}): it restates the outcome` });
      continue;
    }
    // does it add to the rules kept so far? test it on the validation rows none of them covers
    // (Bonferroni over the ranked candidates: each of them gets this test)
    if (accepted.length) {
      const uncovered = validation.filter((i) => !accepted.some((r) => covers(r.shape, data, i)));
      const counts = split(t.shape, data, uncovered);
      const p = fisher.oneSided(counts);
      const [a, m, k, all] = counts;
      const lift = m && k ? (a / m) / (k / all) : 0;
      if (p > opts.alpha / ranked.length || lift < opts.minLift) {
        setAside.push({ shape: t.shape, reason: `explained by the stronger rules (${accepted.map((r) => describeRule(r.shape)).join('; ')}): on the rows they leave, lift ${lift.toFixed(2)}, p = ${p.toPrecision(2)}` });
        continue;
      }
    }
    accepted.push({ shape: t.shape, evidence, rows });
  }
  return { rules: accepted, tested: tested.length, set_aside: setAside };
}

interface Cut { condition: Condition; g: number }

/**
 * The cut of feature `f` over `rows` that best separates a high-rate tail (`op` side) from the rest:
 * the largest log-likelihood ratio (G) of two rates, with at least `minTail` rows on each side and a
 * tail rate above the rest. The threshold is the midpoint between the neighbouring values, rounded to
 * the feature's resolution `step` (people write 245, not 244.956; the evidence is counted at the rounded value).
 */
function bestCut(data: RuleData, f: string, rows: readonly number[], op: '>' | '<', minTail: number, step: number): Cut | null {
  const x = data.features[f];
  const pts = rows.filter((i) => Number.isFinite(x[i])).map((i) => ({ v: x[i], y: data.outcome[i] ? 1 : 0 }));
  if (pts.length < 2 * minTail) return null;
  pts.sort((a, b) => (op === '>' ? b.v - a.v : a.v - b.v)); // the tail first
  const total = pts.length;
  const K = pts.reduce((a, p) => a + p.y, 0);
  if (K === 0) return null;
  let best: Cut | null = null;
  let k = 0;
  for (let m = 1; m < total; m++) {
    k += pts[m - 1].y;
    if (pts[m].v === pts[m - 1].v) continue; // cut only between distinct values
    if (m < minTail || total - m < minTail) continue;
    const rateTail = k / m, rateRest = (K - k) / (total - m);
    if (rateTail <= rateRest) continue;
    const g = logLik(k, m) + logLik(K - k, total - m) - logLik(K, total);
    if (!best || g > best.g) best = { condition: { feature: f, op, threshold: tidy(Math.round((pts[m - 1].v + pts[m].v) / 2 / step) * step) }, g };
  }
  return best;
}

/** A round step for a feature's thresholds: the power of ten at or below 1/200 of its range (30 degC -> 0.1). */
function resolution(x: ArrayLike<number>, rows: readonly number[]): number {
  let lo = Infinity, hi = -Infinity;
  for (const i of rows) {
    const v = x[i];
    if (v < lo) lo = v;
    if (v > hi) hi = v;
  }
  const range = hi - lo;
  return range > 0 && Number.isFinite(range) ? 10 ** Math.floor(Math.log10(range / 200)) : 1;
}

function logLik(k: number, n: number): number {
  const term = (a: number) => (a > 0 ? a * Math.log(a / n) : 0);
  return term(k) + term(n - k);
}

function holds(c: Condition, data: RuleData, i: number): boolean {
  const v = data.features[c.feature][i];
  return c.op === '>' ? v > c.threshold : v < c.threshold;
}

/** Contingency counts of a rule over rows: [covered with outcome, covered, outcome in all, all]. */
function split(s: RuleShape, data: RuleData, rows: readonly number[]): [number, number, number, number] {
  let a = 0, m = 0, k = 0;
  for (const i of rows) {
    const y = data.outcome[i];
    if (y) k++;
    if (covers(s, data, i)) {
      m++;
      if (y) a++;
    }
  }
  return [a, m, k, rows.length];
}

/**
 * The validation p-value of a rule. A conjunction must beat each of its conditions alone: within the
 * rows one condition keeps, the other must still raise the rate; its p-value is the larger of the two.
 */
function validationP(s: RuleShape, data: RuleData, rows: readonly number[], fisher: FisherTest): number {
  if (s.kind !== 'conjunction') return fisher.oneSided(split(s, data, rows));
  const [c1, c2] = s.conditions;
  const within = (c: Condition) => rows.filter((i) => holds(c, data, i));
  return Math.max(fisher.oneSided(split({ kind: 'single', condition: c2 }, data, within(c1))), fisher.oneSided(split({ kind: 'single', condition: c1 }, data, within(c2))));
}

function evidenceOf(s: RuleShape, data: RuleData, rows: readonly number[], positives: number, p: number, q: number): { evidence: RuleEvidence; rows: number[] } {
  const hit = rows.filter((i) => covers(s, data, i));
  const a = countTrue(data.outcome, hit);
  const n = rows.length;
  const confidence = hit.length ? a / hit.length : 0;
  const restN = n - hit.length;
  const [lo, hi] = wilsonInterval(a, hit.length);
  return {
    rows: hit,
    evidence: {
      support: hit.length, positives: a, confidence: round(confidence), rest_rate: round(restN ? (positives - a) / restN : 0),
      lift: round(positives ? confidence / (positives / n) : 0), ci: [round(lo), round(hi)], recall: round(positives ? a / positives : 0),
      p_value: Number(p.toPrecision(3)), q_value: Number(q.toPrecision(3)),
    },
  };
}

function countTrue(y: ArrayLike<boolean>, rows: readonly number[]): number {
  let k = 0;
  for (const i of rows) if (y[i]) k++;
  return k;
}

/** One-sided Fisher exact test (is the covered rate higher?) from log-factorials. */
class FisherTest {
  private readonly lf: Float64Array;
  constructor(maxN: number) {
    this.lf = new Float64Array(maxN + 2);
    for (let i = 2; i < this.lf.length; i++) this.lf[i] = this.lf[i - 1] + Math.log(i);
  }
  /** P(X >= a) for X hypergeometric: `m` rows drawn from `N` with `K` positives. */
  oneSided([a, m, K, N]: [number, number, number, number]): number {
    if (m === 0 || K === 0) return 1;
    const lf = this.lf;
    const lc = (n: number, k: number) => lf[n] - lf[k] - lf[n - k];
    const denom = lc(N, m);
    let p = 0;
    for (let x = a; x <= Math.min(m, K); x++) p += Math.exp(lc(K, x) + lc(N - K, m - x) - denom);
    return Math.min(1, p);
  }
}

/** Benjamini-Hochberg adjusted q-values, in the order given. */
export function benjaminiHochberg(p: readonly number[]): number[] {
  const order = p.map((v, i) => [v, i] as const).sort((a, b) => a[0] - b[0]);
  const q = new Array<number>(p.length);
  let min = 1;
  for (let r = order.length - 1; r >= 0; r--) {
    const [v, i] = order[r];
    min = Math.min(min, (v * order.length) / (r + 1));
    q[i] = min;
  }
  return q;
}

const round = (x: number) => Number(x.toFixed(4));
/** Six significant digits: thresholds and differences as people write them, without float noise. */
export const tidy = (x: number) => Number(x.toPrecision(6));
