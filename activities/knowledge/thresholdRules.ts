import { FisherTest, wilsonInterval } from './stats';

/**
 * Threshold rules: the conditions under which an outcome (defect, failure, alarm) becomes much more
 * likely, found from the data alone. Shapes: a single threshold (`x > a`), an interval inside or outside
 * [a, b], two conditions together (on two parameters), any of these within one category of a text column
 * (variant, shift, lot) - thresholds per category - and a category alone. Derived quantities (power,
 * differences) are columns like any other, computed by the caller from the graph's formulas.
 *
 * Sequential covering (RIPPER's grow / prune / cover, with honest statistics by sample splitting):
 * - grow, on the discovery half (even rows): start from everything, add the condition with the largest
 *   FOIL gain (positives kept x gain in log precision), while it is significant there (G-test);
 * - prune, on the validation half (odd rows): drop every condition that does not make the rule more
 *   precise than its parent without it there (one-sided Fisher test within the rows the rest keeps);
 * - accept, on the validation half: the rule raises the rate on the rows earlier rules leave (one-sided
 *   Fisher, Bonferroni over `maxRules`), with `minLift` and `minSupport` over all rows;
 * - cover: the rows it covers leave both halves, and the next rule is grown on what is left;
 * - a rule failing validation is set aside and growth starts again without its first condition, `RETRIES`
 *   times at most (the discovery half may favour a proxy), counted in the Bonferroni bound.
 * A rule within a category is tried in every other category of its column (thresholds per variant), cut and
 * tested on all the rows left there, Bonferroni over the cuts it could have taken (the kept rule fixed its
 * form; halves would split a small category's few outcomes to nothing). Two
 * one-sided rules on one parameter become one rule outside [a, b]. A deterministic rule is kept and
 * marked exact: restating the outcome means reading the outcome's own column, which the caller never
 * passes. Every candidate ends kept or set aside with its reason; near-equivalent alternatives are named.
 */

export type Condition = { feature: string; op: '>' | '<'; threshold: number };
/** rows whose text column `column` holds `value` */
export type CategoryCondition = { column: string; value: string };
export type RuleShape =
  | { kind: 'single'; condition: Condition; category?: CategoryCondition }
  /** outside [below, above]: x < below or x > above */
  | { kind: 'band'; feature: string; below: number; above: number; category?: CategoryCondition }
  /** inside: above < x < below */
  | { kind: 'interval'; feature: string; above: number; below: number; category?: CategoryCondition }
  | { kind: 'conjunction'; conditions: [Condition, Condition]; category?: CategoryCondition }
  | { kind: 'category'; category: CategoryCondition };

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
  /** validation half: one-sided Fisher p-value and Benjamini-Hochberg q-value over every rule tested */
  p_value: number;
  q_value: number;
  /** no covered row without the outcome: a deterministic rule */
  exact: boolean;
}

export interface MinedRule {
  shape: RuleShape;
  evidence: RuleEvidence;
  rows: number[];
  /** rules nearly as good as this one when it was chosen (other parameters or cuts): not kept, named */
  alternatives: string[];
}

export interface MineOptions {
  /** fewest rows a rule covers (in all rows) */
  minSupport: number;
  minLift: number;
  /** significance of a rule on the validation half (Bonferroni over `maxRules`) and of a pruned condition */
  alpha: number;
  /** rules per outcome at most */
  maxRules: number;
}
export const DEFAULT_MINE_OPTIONS: MineOptions = { minSupport: 20, minLift: 2, alpha: 0.05, maxRules: 12 };

export interface MineResult {
  rules: MinedRule[];
  tested: number;
  set_aside: { shape: RuleShape; reason: string }[];
}

/**
 * Rows by column: `features[name][i]` (NaN when missing), `categories[column][i]` ('' when missing) and
 * `outcome[i]`. The outcome's own column, and columns derived from it, must not be among them.
 */
export interface RuleData {
  features: Record<string, ArrayLike<number>>;
  categories?: Record<string, ArrayLike<string>>;
  outcome: ArrayLike<boolean>;
}

/** A rule while it grows: every condition holds, and the category when there is one. */
interface Body {
  conditions: Condition[];
  category: CategoryCondition | null;
}

/** G-test (log-likelihood ratio) a growing condition must reach on the discovery half: p < 0.001 at 1 df. */
const G_MIN = 10.83;
/** a rule sharing at least this share of its rows with rules kept before restates them */
const OVERLAP = 0.5;
/** fewest rows of a rule cut in another category of a kept rule's column (thresholds per variant) */
const FAMILY_SUPPORT = 2;
/**
 * rules that fail validation, each followed by a new growth from another first condition; the test's Bonferroni counts
 * them
 */
const RETRIES = 2;
/** alternatives: other conditions whose FOIL gain is at least this share of the chosen one's */
const NEAR = 0.95;

function shapeOf(b: Body): RuleShape | null {
  const cat = b.category ? { category: b.category } : {};
  const c = b.conditions;
  if (c.length === 0) return b.category ? { kind: 'category', category: b.category } : null;
  if (c.length === 1) return { kind: 'single', condition: c[0], ...cat };
  if (c[0].feature === c[1].feature) {
    const lo = c.find((x) => x.op === '>')!,
      hi = c.find((x) => x.op === '<')!;
    return { kind: 'interval', feature: lo.feature, above: lo.threshold, below: hi.threshold, ...cat };
  }
  return {
    kind: 'conjunction',
    conditions: [...c].sort((a, b) => a.feature.localeCompare(b.feature)) as [Condition, Condition],
    ...cat,
  };
}

export function describeRule(s: RuleShape): string {
  const c = (x: Condition) => `${x.feature} ${x.op} ${x.threshold}`;
  const body =
    s.kind === 'single'
      ? c(s.condition)
      : s.kind === 'band'
        ? s.category
          ? `(${s.feature} < ${s.below} or ${s.feature} > ${s.above})`
          : `${s.feature} < ${s.below} or ${s.feature} > ${s.above}`
        : s.kind === 'interval'
          ? `${s.above} < ${s.feature} < ${s.below}`
          : s.kind === 'conjunction'
            ? `${c(s.conditions[0])} and ${c(s.conditions[1])}`
            : '';
  return [s.category ? `${s.category.column} = ${s.category.value}` : '', body].filter(Boolean).join(' and ');
}

const holds = (c: Condition, data: RuleData, i: number) => {
  const v = data.features[c.feature][i];
  return c.op === '>' ? v > c.threshold : v < c.threshold;
};
const inCategory = (c: CategoryCondition, data: RuleData, i: number) => data.categories?.[c.column]?.[i] === c.value;
const bodyHolds = (b: Body, data: RuleData, i: number) =>
  (!b.category || inCategory(b.category, data, i)) && b.conditions.every((c) => holds(c, data, i));

export function covers(s: RuleShape, data: RuleData, i: number): boolean {
  if (s.category && !inCategory(s.category, data, i)) return false;
  switch (s.kind) {
    case 'single':
      return holds(s.condition, data, i);
    case 'band': {
      const v = data.features[s.feature][i];
      return v < s.below || v > s.above;
    }
    case 'interval': {
      const v = data.features[s.feature][i];
      return v > s.above && v < s.below;
    }
    case 'conjunction':
      return holds(s.conditions[0], data, i) && holds(s.conditions[1], data, i);
    case 'category':
      return true;
  }
}

/** Mine the rules of one outcome. Deterministic: the same data give the same rules. */
export function mineThresholdRules(data: RuleData, opts: MineOptions = DEFAULT_MINE_OPTIONS): MineResult {
  const y = data.outcome;
  const n = y.length;
  const names = Object.keys(data.features).sort();
  const columns = Object.keys(data.categories ?? {}).sort();
  const values = new Map(
    columns.map((c) => [c, [...new Set(Array.from(data.categories![c]))].filter((v) => v !== '').sort()]),
  );
  const all = Array.from({ length: n }, (_, i) => i);
  let discovery = all.filter((i) => i % 2 === 0);
  let validation = all.filter((i) => i % 2 === 1);
  const positivesAll = countTrue(y, all);
  const fisher = new FisherTest(n);
  const minTail = Math.max(3, Math.floor(opts.minSupport / 2));
  const steps = Object.fromEntries(names.map((f) => [f, resolution(data.features[f], discovery)]));
  const setAside: MineResult['set_aside'] = [];
  const tested: { shape: RuleShape; p: number }[] = [];
  const kept: { shape: RuleShape; p: number; alternatives: string[] }[] = [];

  /** the best cut of `f` over `rows` on side `op`, by FOIL gain, with its G on those rows */
  const cutOf = (f: string, rows: readonly number[], op: '>' | '<', tail = minTail) =>
    bestCut(data, f, rows, op, tail, steps[f]);

  const grow = (
    rows: readonly number[],
    banned: ReadonlySet<string>,
  ): { body: Body; alternatives: string[]; first: string } | null => {
    const body: Body = { conditions: [], category: null };
    const alternatives: string[] = [];
    let first = '';
    let cover = rows;
    for (let step = 0; step < 3; step++) {
      const P = countTrue(y, cover);
      if (P < 3 || P === cover.length) break; // a few outcomes left can still make a rule: support and the test decide
      const options: { add: Body; gain: number; g: number }[] = [];
      if (body.conditions.length < 2) {
        for (const f of names)
          for (const op of ['>', '<'] as const) {
            if (body.conditions.some((c) => c.feature === f && c.op === op) || (step === 0 && banned.has(`${f} ${op}`)))
              continue;
            const cut = cutOf(f, cover, op);
            if (cut) options.push({ add: { conditions: [cut.condition], category: null }, gain: cut.gain, g: cut.g });
          }
      }
      if (!body.category) {
        for (const column of columns)
          for (const value of values.get(column)!) {
            const cat = { column, value };
            if (step === 0 && banned.has(`${column} = ${value}`)) continue;
            const inside = cover.filter((i) => inCategory(cat, data, i));
            const k = countTrue(y, inside);
            if (inside.length < minTail || k === 0) continue;
            options.push({
              add: { conditions: [], category: cat },
              gain: foilGain(k, inside.length, P, cover.length),
              g: gTest(k, inside.length, P, cover.length),
            });
          }
      }
      options.sort((a, b) => b.gain - a.gain || label(a.add).localeCompare(label(b.add)));
      const best = options[0];
      if (!best || best.gain <= 0 || best.g < G_MIN) break;
      const next = {
        conditions: [...body.conditions, ...best.add.conditions],
        category: body.category ?? best.add.category,
      };
      if (step === 0)
        first = best.add.category
          ? `${best.add.category.column} = ${best.add.category.value}`
          : `${best.add.conditions[0].feature} ${best.add.conditions[0].op}`;
      for (const o of options.slice(1)) {
        if (o.gain < NEAR * best.gain) break;
        const alt = shapeOf({
          conditions: [...body.conditions, ...o.add.conditions],
          category: body.category ?? o.add.category,
        });
        if (alt) alternatives.push(describeRule(alt));
      }
      body.conditions = next.conditions;
      body.category = next.category;
      cover = cover.filter((i) => bodyHolds(body, data, i));
    }
    return body.conditions.length || body.category ? { body, alternatives, first } : null;
  };

  /** drop every condition that does not make the rule more precise on the validation half */
  const prune = (grown: Body, rows: readonly number[]): Body => {
    const body: Body = { conditions: [...grown.conditions], category: grown.category };
    for (let again = true; again; ) {
      again = false;
      const parts: (Condition | CategoryCondition)[] = [...body.conditions, ...(body.category ? [body.category] : [])];
      if (parts.length < 2) break;
      for (const part of parts) {
        const parent: Body =
          'feature' in part
            ? { conditions: body.conditions.filter((c) => c !== part), category: body.category }
            : { conditions: body.conditions, category: null };
        const within = rows.filter((i) => bodyHolds(parent, data, i));
        const p = fisher.oneSided(
          split((i) => ('feature' in part ? holds(part, data, i) : inCategory(part, data, i)), y, within),
        );
        if (p > opts.alpha) {
          const whole = shapeOf(body),
            rest = shapeOf(parent);
          if (whole && rest)
            setAside.push({
              shape: whole,
              reason:
                `not more precise than its parent (${describeRule(rest)}) on the validation half: ` +
                `p = ${p.toPrecision(2)}`,
            });
          Object.assign(body, parent);
          again = true;
          break;
        }
      }
    }
    return body;
  };

  /**
   * a rule's test on the validation rows earlier rules leave (or on `rows`, Bonferroni over the `tries`
   * cuts its thresholds could have taken there); the reason when it fails
   */
  const judge = (
    shape: RuleShape,
    minSupport = opts.minSupport,
    rows: readonly number[] = validation,
    tries = 1,
  ): { p: number; reason: string | null } => {
    const p = Math.min(1, tries * fisher.oneSided(split((i) => covers(shape, data, i), y, rows)));
    tested.push({ shape, p });
    let support = 0,
      hits = 0;
    for (const i of all)
      if (covers(shape, data, i)) {
        support++;
        if (y[i]) hits++;
      }
    const lift = support && positivesAll ? hits / support / (positivesAll / n) : 0;
    const bound = opts.alpha / (opts.maxRules + RETRIES);
    if (p > bound)
      return {
        p,
        reason:
          `failed validation: ` +
          `p = ${p.toPrecision(2)} > ${bound.toPrecision(2)} on the ` +
          `${rows === validation ? 'validation rows' : `rows, over ${tries} possible cuts,`} earlier rules leave`,
      };
    if (support < minSupport) return { p, reason: `below support: covers ${support} rows, fewer than ${minSupport}` };
    if (lift < opts.minLift) return { p, reason: `too weak: lift ${round(lift)} under ${opts.minLift}` };
    return { p, reason: null };
  };

  /** the rows a rule covers leave both halves: the next rule is grown on what is left */
  const cover = (shape: RuleShape) => {
    discovery = discovery.filter((i) => !covers(shape, data, i));
    validation = validation.filter((i) => !covers(shape, data, i));
  };
  const keep = (shape: RuleShape, p: number, alternatives: string[]) => {
    kept.push({ shape, p, alternatives });
    cover(shape);
  };
  /** the share of a rule's rows (all rows) that kept rules already cover */
  const overlap = (shape: RuleShape) => {
    let mine = 0,
      shared = 0;
    for (const i of all)
      if (covers(shape, data, i)) {
        mine++;
        if (kept.some((k) => covers(k.shape, data, i))) shared++;
      }
    return mine ? shared / mine : 0;
  };

  const banned = new Set<string>();
  for (let round = 0; kept.length < opts.maxRules && round < 3 * opts.maxRules; round++) {
    const grown = grow(discovery, banned);
    if (!grown) break;
    const body = prune(grown.body, validation);
    const shape = shapeOf(body);
    if (!shape) break;
    const verdict = judge(shape);
    if (verdict.reason) {
      setAside.push({ shape, reason: verdict.reason });
      // the discovery half may have favoured a proxy (strain for tool wear): grow again from another start
      if (banned.size >= RETRIES) break;
      banned.add(grown.first);
      continue;
    }
    // a rule that mostly restates one kept before (the edge of an interval found again) is no new fact
    const shared = overlap(shape);
    if (shared >= OVERLAP) {
      setAside.push({ shape, reason: `restates kept rules: ${Math.round(100 * shared)} % of its rows are theirs` });
      cover(shape);
      continue;
    }
    keep(shape, verdict.p, grown.alternatives);
    // thresholds per category: the same conditions, cut anew, in every other category of the column. The
    // kept rule fixed the form, so a sibling needs no discovery half: a small category may hold only a few
    // outcomes, which halves would split to nothing. Its cuts are chosen on all the rows left in the
    // category and tested there, Bonferroni over every cut they could have taken (distinct values per
    // condition), with only FAMILY_SUPPORT rows
    if (body.category && body.conditions.length) {
      const left = [...discovery, ...validation].sort((a, b) => a - b);
      for (const value of values.get(body.category.column)!) {
        if (value === body.category.value) continue;
        const category = { column: body.category.column, value };
        const sibling: Body = { conditions: [], category };
        let tries = 1;
        for (const c of body.conditions) {
          const rows = left.filter((i) => bodyHolds(sibling, data, i));
          tries *= new Set(rows.map((i) => data.features[c.feature][i])).size;
          const cut = cutOf(c.feature, rows, c.op, 2);
          if (cut) sibling.conditions.push(cut.condition);
        }
        const s = sibling.conditions.length === body.conditions.length ? shapeOf(sibling) : null;
        if (!s) continue;
        const v = judge(
          s,
          FAMILY_SUPPORT,
          left.filter((i) => inCategory(category, data, i)),
          tries,
        );
        if (v.reason) setAside.push({ shape: s, reason: v.reason });
        else keep(s, v.p, []);
      }
    }
  }

  const merged = mergeBands(kept);
  for (const m of merged.setAside) setAside.push(m);
  const q = benjaminiHochberg(tested.map((t) => t.p));
  const qOf = (shape: RuleShape) => Math.max(...tested.flatMap((t, k) => (t.shape === shape ? [q[k]] : [])), 0);
  const rules = merged.rules.map((r) => {
    const ev = evidenceOf(
      r.shape,
      data,
      all,
      positivesAll,
      r.p,
      r.parts.length ? Math.max(...r.parts.map(qOf)) : qOf(r.shape),
    );
    return { shape: r.shape, evidence: ev.evidence, rows: ev.rows, alternatives: r.alternatives };
  });
  return { rules, tested: tested.length, set_aside: setAside };
}

/** Two one-sided rules on one parameter (and category), low below high, are one rule outside [low, high]. */
function mergeBands(kept: { shape: RuleShape; p: number; alternatives: string[] }[]) {
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

const label = (b: Body) => describeRule(shapeOf(b)!);

/** FOIL gain of keeping `k` of `m` rows from a cover with `K` positives in `N` rows. */
function foilGain(k: number, m: number, K: number, N: number): number {
  return k > 0 ? k * (Math.log(k / m) - Math.log(K / N)) : 0;
}

/** G-test statistic of a 2 x 2 table: `k` of `m` rows against `K` of `N`. */
function gTest(k: number, m: number, K: number, N: number): number {
  return 2 * (logLik(k, m) + logLik(K - k, N - m) - logLik(K, N));
}

interface Cut {
  condition: Condition;
  gain: number;
  g: number;
}

/**
 * The cut of feature `f` over `rows` whose `op` side has the largest FOIL gain, with at least `minTail`
 * rows on it. The threshold is the midpoint between the neighbouring values, rounded to the feature's
 * resolution `step` (people write 245, not 244.956).
 */
function bestCut(
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
function resolution(x: ArrayLike<number>, rows: readonly number[]): number {
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

function logLik(k: number, n: number): number {
  const term = (a: number) => (a > 0 ? a * Math.log(a / n) : 0);
  return term(k) + term(n - k);
}

/** Contingency counts over rows: [marked with outcome, marked, outcome in all, all]. */
function split(
  mark: (i: number) => boolean,
  y: ArrayLike<boolean>,
  rows: readonly number[],
): [number, number, number, number] {
  let a = 0,
    m = 0,
    k = 0;
  for (const i of rows) {
    if (y[i]) k++;
    if (mark(i)) {
      m++;
      if (y[i]) a++;
    }
  }
  return [a, m, k, rows.length];
}

function evidenceOf(
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

function countTrue(y: ArrayLike<boolean>, rows: readonly number[]): number {
  let k = 0;
  for (const i of rows) if (y[i]) k++;
  return k;
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
