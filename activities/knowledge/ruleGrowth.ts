import { countTrue, FisherTest, foilGain, gTest, split } from './stats';
import type { Cut } from './ruleCuts';
import {
  type CategoryCondition,
  type Condition,
  describeRule,
  holds,
  inCategory,
  type MineResult,
  type RuleData,
  type RuleShape,
} from './ruleShapes';

/**
 * Growing and pruning one rule (RIPPER's grow and prune, thresholdRules.ts): conditions added on the discovery
 * half by FOIL gain while significant, then dropped on the validation half unless more precise than the rule
 * without them.
 */
/** A rule while it grows: every condition holds, and the category when there is one. */
export interface Body {
  conditions: Condition[];
  category: CategoryCondition | null;
}

/** G-test (log-likelihood ratio) a growing condition must reach on the discovery half: p < 0.001 at 1 df. */
const G_MIN = 10.83;
/** alternatives: other conditions whose FOIL gain is at least this share of the chosen one's */
const NEAR = 0.95;

export function shapeOf(b: Body): RuleShape | null {
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

export const bodyHolds = (b: Body, data: RuleData, i: number) =>
  (!b.category || inCategory(b.category, data, i)) && b.conditions.every((c) => holds(c, data, i));

const label = (b: Body) => describeRule(shapeOf(b)!);

/** What growing and pruning a rule read: the rows, the columns and categories, the cut, the test. */
export interface Miner {
  data: RuleData;
  names: readonly string[];
  columns: readonly string[];
  values: ReadonlyMap<string, readonly string[]>;
  /** the best cut of `f` over `rows` on side `op`, by FOIL gain, with its G on those rows */
  cutOf: (f: string, rows: readonly number[], op: '>' | '<', tail?: number) => Cut | null;
  minTail: number;
  fisher: FisherTest;
  alpha: number;
  setAside: MineResult['set_aside'];
}

export function growRule(
  m: Miner,
  rows: readonly number[],
  banned: ReadonlySet<string>,
): { body: Body; alternatives: string[]; first: string } | null {
  const { data, names, columns, values } = m;
  const y = data.outcome;
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
          const cut = m.cutOf(f, cover, op);
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
          if (inside.length < m.minTail || k === 0) continue;
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
}

/** drop every condition that does not make the rule more precise on the validation half */
export function pruneRule(m: Miner, grown: Body, rows: readonly number[]): Body {
  const { data } = m;
  const y = data.outcome;
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
      const p = m.fisher.oneSided(
        split((i) => ('feature' in part ? holds(part, data, i) : inCategory(part, data, i)), y, within),
      );
      if (p > m.alpha) {
        const whole = shapeOf(body),
          rest = shapeOf(parent);
        if (whole && rest)
          m.setAside.push({
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
}
