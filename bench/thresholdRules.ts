/**
 * Threshold-rule mining on records with planted rules (bench/lib/plantedRules.ts): prints, per planted
 * rule, whether it was recovered and the error of its thresholds, and the facts that match no planted
 * rule (spurious). The derived quantity (screw power) is computed from its graph formula, not given.
 *   npx ts-node --transpile-only bench/thresholdRules.ts [--rows N] [--seeds K]
 */
import { deriveColumns } from '../activities/knowledge/derivedQuantities';
import { describeRule, mineThresholdRules, type Condition, type MinedRule, type RuleShape } from '../activities/knowledge/thresholdRules';
import { PLANTED, POWER_FORMULA, plantedShots } from './lib/plantedRules';

const args = process.argv.slice(2);
const num = (k: string, d: number) => (args.includes(k) ? Number(args[args.indexOf(k) + 1]) : d);

/** Relative threshold errors when `found` has the planted shape (same features and sides), else null. */
export function thresholdErrors(planted: RuleShape, found: RuleShape): number[] | null {
  const rel = (a: number, b: number) => Math.abs(a - b) / Math.abs(b);
  const same = (a: Condition, b: Condition) => a.feature === b.feature && a.op === b.op;
  if (planted.kind === 'single' && found.kind === 'single') return same(planted.condition, found.condition) ? [rel(found.condition.threshold, planted.condition.threshold)] : null;
  if (planted.kind === 'band' && found.kind === 'band') return planted.feature === found.feature ? [rel(found.below, planted.below), rel(found.above, planted.above)] : null;
  if (planted.kind === 'conjunction' && found.kind === 'conjunction') {
    const [p1, p2] = planted.conditions;
    for (const [f1, f2] of [found.conditions, [found.conditions[1], found.conditions[0]]]) {
      if (same(p1, f1) && same(p2, f2)) return [rel(f1.threshold, p1.threshold), rel(f2.threshold, p2.threshold)];
    }
  }
  return null;
}

function features(s: RuleShape): string[] {
  return s.kind === 'single' ? [s.condition.feature] : s.kind === 'band' || s.kind === 'interval' ? [s.feature] : s.kind === 'conjunction' ? s.conditions.map((c) => c.feature) : [];
}

function main(): void {
  const rows = num('--rows', 60_000);
  const seeds = num('--seeds', 3);
  console.log(`planted rules, ${rows} rows per data set, ${seeds} seeds; goal: every rule within 5 % of its thresholds, spurious facts <= 5 %`);
  let recoveredAll = 0, plantedAll = 0, spuriousAll = 0, factsAll = 0;
  for (let seed = 1; seed <= seeds; seed++) {
    const { columns, outcome } = plantedShots(rows, seed);
    const derived = deriveColumns(columns, [POWER_FORMULA]);
    const t0 = performance.now();
    const res = mineThresholdRules({ features: { ...columns, ...derived }, outcome });
    const ms = performance.now() - t0;
    const positives = outcome.filter(Boolean).length;
    console.log(`seed ${seed}: ${(100 * positives / rows).toFixed(1)} % positives, ${res.tested} candidates tested, ${res.rules.length} facts, ${res.set_aside.length} set aside, ${ms.toFixed(0)} ms`);
    const matched = new Set<MinedRule>();
    for (const p of PLANTED) {
      const hits = res.rules.map((r) => ({ r, err: thresholdErrors(p.shape, r.shape) })).filter((h): h is { r: MinedRule; err: number[] } => h.err !== null);
      hits.forEach((h) => matched.add(h.r));
      const best = hits.sort((a, b) => Math.max(...a.err) - Math.max(...b.err))[0];
      const ok = best !== undefined && Math.max(...best.err) <= 0.05;
      plantedAll++;
      if (ok) recoveredAll++;
      console.log(`  ${ok ? 'recovered' : 'MISSED   '} ${p.name}: ${best ? `${describeRule(best.r.shape)} (threshold error ${best.err.map((e) => `${(100 * e).toFixed(2)} %`).join(', ')}; lift ${best.r.evidence.lift}, q ${best.r.evidence.q_value})` : 'no fact of that shape'}`);
    }
    // a fact on the planted features in another shape is a near miss, not noise; any other fact is spurious
    const plantedFeatures = new Set(PLANTED.flatMap((p) => features(p.shape)));
    const spurious = res.rules.filter((r) => !matched.has(r));
    const noise = spurious.filter((r) => features(r.shape).some((f) => !plantedFeatures.has(f)));
    for (const r of spurious) console.log(`  spurious${noise.includes(r) ? ' (noise feature)' : ''}: ${describeRule(r.shape)} (lift ${r.evidence.lift}, support ${r.evidence.support}, q ${r.evidence.q_value})`);
    spuriousAll += spurious.length;
    factsAll += res.rules.length;
  }
  console.log(`overall: ${recoveredAll}/${plantedAll} planted rules recovered within 5 %; spurious facts ${spuriousAll}/${factsAll} (${factsAll ? (100 * spuriousAll / factsAll).toFixed(1) : '0'} %)`);
  // the null case: the same columns, the outcome shuffled away from them
  let nullFacts = 0;
  for (let seed = 1; seed <= seeds; seed++) {
    const { columns, outcome } = plantedShots(rows, seed);
    const shuffled = outcome.map((_, i) => outcome[(i * 7919) % outcome.length]);
    nullFacts += mineThresholdRules({ features: { ...columns, ...deriveColumns(columns, [POWER_FORMULA]) }, outcome: shuffled }).rules.length;
  }
  console.log(`null data (outcome shuffled, ${seeds} data sets): ${nullFacts} facts`);
}

if (require.main === module) main();
