import { benjaminiHochberg, countTrue, FisherTest, split } from './stats';
import {
  type CategoryCondition,
  type Condition,
  covers,
  describeRule,
  inCategory,
  type MinedRule,
  type MineResult,
  type RuleData,
  type RuleEvidence,
  type RuleShape,
  tidy,
} from './ruleShapes';
import { bestCut, evidenceOf, mergeBands, resolution } from './ruleCuts';
import { type Body, bodyHolds, growRule, type Miner, pruneRule, shapeOf } from './ruleGrowth';

export { benjaminiHochberg, covers, describeRule, tidy };
export type { CategoryCondition, Condition, MinedRule, MineResult, RuleData, RuleEvidence, RuleShape };

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

/** a rule sharing at least this share of its rows with rules kept before restates them */
const OVERLAP = 0.5;
/** fewest rows of a rule cut in another category of a kept rule's column (thresholds per variant) */
const FAMILY_SUPPORT = 2;
/**
 * rules that fail validation, each followed by a new growth from another first condition; the test's Bonferroni counts
 * them
 */
const RETRIES = 2;
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
  const miner: Miner = { data, names, columns, values, cutOf, minTail, fisher, alpha: opts.alpha, setAside };

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
    const grown = growRule(miner, discovery, banned);
    if (!grown) break;
    const body = pruneRule(miner, grown.body, validation);
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

const round = (x: number) => Number(x.toFixed(4));
