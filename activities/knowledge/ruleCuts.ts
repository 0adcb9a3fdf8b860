import { countTrue, foilGain, gTest, wilsonInterval } from './stats';
import {
  type Condition,
  covers,
  describeRule,
  type MineResult,
  type RuleData,
  type RuleEvidence,
  type RuleShape,
  tidy,
} from './ruleShapes';

/**
 * The parts of the rule miner (thresholdRules.ts) that work on one rule: where a threshold is cut, at what
 * step, the evidence of a rule over all rows, and two one-sided rules merged into one outside [a, b].
 */
export interface Cut {
  condition: Condition;
  gain: number;
  g: number;
}

/**
 * The cut of feature `f` over `rows` whose `op` side has the largest FOIL gain, with at least `minTail`
 * rows on it. The threshold is the midpoint between the neighbouring values, rounded to the feature's
 * resolution `step` (people write 245, not 244.956).
 */
export function bestCut(
  data: RuleData,
  f: string,
  rows: readonly number[],
  op: '>' | '<',
  minTail: number,
  step: number,
): Cut | null {
  const x = data.features[f];
  const pts = rows.filter((i) => Number.isFinite(x[i])).map((i) => ({ v: x[i], y: data.outcome[i] ? 1 : 0 }));
  if (pts.length < minTail + 1) return null;
  pts.sort((a, b) => (op === '>' ? b.v - a.v : a.v - b.v)); // the tail first
  const total = pts.length;
  const K = pts.reduce((a, p) => a + p.y, 0);
  if (K === 0) return null;
  let best: { m: number; k: number; gain: number } | null = null;
  let k = 0;
  for (let m = 1; m < total; m++) {
    k += pts[m - 1].y;
    if (pts[m].v === pts[m - 1].v || m < minTail) continue; // cut only between distinct values
    const gain = foilGain(k, m, K, total);
    if (gain > 0 && (!best || gain > best.gain)) best = { m, k, gain };
  }
  if (!best) return null;
  const threshold = tidy(Math.round((pts[best.m - 1].v + pts[best.m].v) / 2 / step) * step);
  return { condition: { feature: f, op, threshold }, gain: best.gain, g: gTest(best.k, best.m, K, total) };
}

/** A round step for a feature's thresholds: the power of ten at or below 1/200 of its range (30 degC -> 0.1). */
export function resolution(x: ArrayLike<number>, rows: readonly number[]): number {
  let lo = Infinity,
    hi = -Infinity;
  for (const i of rows) {
    const v = x[i];
    if (v < lo) lo = v;
    if (v > hi) hi = v;
  }
  const range = hi - lo;
  return range > 0 && Number.isFinite(range) ? 10 ** Math.floor(Math.log10(range / 200)) : 1;
}

export function evidenceOf(
  s: RuleShape,
  data: RuleData,
  rows: readonly number[],
  positives: number,
  p: number,
  q: number,
): { evidence: RuleEvidence; rows: number[] } {
  const hit = rows.filter((i) => covers(s, data, i));
  const a = countTrue(data.outcome, hit);
  const n = rows.length;
  const confidence = hit.length ? a / hit.length : 0;
  const restN = n - hit.length;
  const [lo, hi] = wilsonInterval(a, hit.length);
  return {
    rows: hit,
    evidence: {
      support: hit.length,
      positives: a,
      confidence: round(confidence),
      rest_rate: round(restN ? (positives - a) / restN : 0),
      lift: round(positives ? confidence / (positives / n) : 0),
      ci: [round(lo), round(hi)],
      recall: round(positives ? a / positives : 0),
      p_value: Number(p.toPrecision(3)),
      q_value: Number(q.toPrecision(3)),
      exact: hit.length > 0 && a === hit.length,
    },
  };
}

/** Two one-sided rules on one parameter (and category), low below high, are one rule outside [low, high]. */
export function mergeBands(kept: { shape: RuleShape; p: number; alternatives: string[] }[]) {
  const rules: { shape: RuleShape; p: number; alternatives: string[]; parts: RuleShape[] }[] = kept.map((k) => ({
    ...k,
    parts: [],
  }));
  const setAside: MineResult['set_aside'] = [];
  for (let a = 0; a < rules.length; a++) {
    const A = rules[a].shape;
    if (A.kind !== 'single') continue;
    for (let b = a + 1; b < rules.length; b++) {
      const B = rules[b].shape;
      if (B.kind !== 'single' || B.condition.feature !== A.condition.feature || B.condition.op === A.condition.op)
        continue;
      if (A.category?.column !== B.category?.column || A.category?.value !== B.category?.value) continue;
      const low = A.condition.op === '<' ? A : B,
        high = A.condition.op === '<' ? B : A;
      if (low.condition.threshold >= high.condition.threshold) continue;
      const band: RuleShape = {
        kind: 'band',
        feature: A.condition.feature,
        below: low.condition.threshold,
        above: high.condition.threshold,
        ...(A.category ? { category: A.category } : {}),
      };
      for (const s of [A, B])
        setAside.push({ shape: s, reason: `one side of ${describeRule(band)}: kept as that rule` });
      rules[a] = {
        shape: band,
        p: Math.max(rules[a].p, rules[b].p),
        alternatives: [...rules[a].alternatives, ...rules[b].alternatives],
        parts: [A, B],
      };
      rules.splice(b, 1);
      break;
    }
  }
  return { rules, setAside };
}

const round = (x: number) => Number(x.toFixed(4));
