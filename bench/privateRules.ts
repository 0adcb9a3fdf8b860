/**
 * What differential privacy costs: the documented machine-failure rules (bench/lib/machineFailures.ts)
 * recovered through `deriveFacts` - the stage function `forge run` calls - with `privacy.epsilon` at
 * several values, beside the exact release. Per epsilon, over repeated draws: documented rules found
 * within 5 % (of 7; the private miner has no per-variant shapes, so at most 4), rule facts released,
 * and how far a released count lies from the true count of the same rule next to the Laplace scale the
 * budget split promises. Bounds: a spec sheet's ranges (public), and the data's own (not private), labelled.
 *   npx ts-node --transpile-only bench/privateRules.ts [--repeats R] [--seed S]
 */
import { deriveFacts } from '../activities/kinds/deriveFacts';
import { DEFAULT_DERIVE_OPTIONS } from '../activities/knowledge/deriveOptions';
import type { ThresholdRuleFact } from '../activities/knowledge/facts';
import { GraphIndex } from '../activities/knowledge/linking';
import { PrivacySettings } from '../activities/knowledge/privacy';
import { buildSeriesTables } from '../activities/knowledge/seriesTable';
import { forgeCandidates, match } from './lib/ruleScoring';
import {
  DOCUMENTED,
  MACHINE_GRAPH,
  MACHINE_OUTCOMES,
  machineFailureBatch,
  machineFailures,
} from './lib/machineFailures';

const args = process.argv.slice(2);
const num = (k: string, d: number) => (args.includes(k) ? Number(args[args.indexOf(k) + 1]) : d);

const OUTCOMES = MACHINE_OUTCOMES;
/** ranges a machine's spec sheet gives, known without the data */
const SPEC_SHEET: Record<string, [number, number]> = {
  air_temp: [290, 310],
  process_temp: [300, 320],
  speed: [1000, 3000],
  torque: [0, 100],
  wear: [0, 300],
  temp_diff: [0, 20],
  power: [0, 20_000],
  strain: [0, 30_000],
};

function main(): void {
  const repeats = num('--repeats', 10);
  const records = [machineFailureBatch(machineFailures(10_000, num('--seed', 7)))];
  const [table] = buildSeriesTables(records, new GraphIndex(MACHINE_GRAPH), {});
  const truth = (r: ThresholdRuleFact) => {
    const y = table.labels.get(r.statement.outcome.label)!;
    let tp = 0;
    for (let i = 0; i < table.n; i++) {
      const hit = r.statement.conditions.map((c) => {
        const v = table.columns.get(c.parameter.id)![i];
        return c.op === '>' ? v > c.threshold : v < c.threshold;
      });
      if (
        (r.statement.combine === 'all' ? hit.every(Boolean) : hit.some(Boolean)) &&
        r.statement.outcome.values.includes(y[i])
      )
        tp++;
    }
    return tp;
  };
  const run = (privacy: PrivacySettings | null) => {
    const t0 = performance.now();
    const res = deriveFacts(records, MACHINE_GRAPH, { ...DEFAULT_DERIVE_OPTIONS, outcomes: OUTCOMES, privacy });
    const ms = performance.now() - t0;
    const rules = res.facts.filter((f): f is ThresholdRuleFact => f.kind === 'threshold_rule');
    const found = DOCUMENTED.map((d) => match(d, forgeCandidates(rules))).filter((m) => m.ok);
    return {
      ms,
      rules: rules.length,
      found: found.length,
      errors: found.map((m) => m.error),
      deviations: privacy ? rules.map((r) => Math.abs(r.evidence.positives - truth(r))) : [],
      report: res.privacy,
    };
  };
  const exact = run(null);
  console.log(`${table.n} rows, 5 failure labels, 7 documented rules; ${repeats} draws per epsilon`);
  console.log(
    `exact (no privacy):           ${exact.found}/7 found, ${exact.rules} rule facts, ${exact.ms.toFixed(0)} ms`,
  );
  for (const [label, bounds] of [
    ['spec-sheet bounds (private)', SPEC_SHEET],
    ['data bounds (NOT private)', {}],
  ] as const) {
    console.log(`-- ${label}`);
    for (const epsilon of [100, 30, 10, 3, 1]) {
      const runs = Array.from({ length: repeats }, () => run(PrivacySettings.parse({ epsilon, bounds })));
      const mean = (xs: number[]) => (xs.length ? xs.reduce((a, b) => a + b, 0) / xs.length : NaN);
      const errs = runs.flatMap((r) => r.errors),
        devs = runs.flatMap((r) => r.deviations);
      console.log(
        `epsilon ${String(epsilon).padStart(3)}: ${mean(runs.map((r) => r.found)).toFixed(1)}/7 found ` +
          `(best ${Math.max(...runs.map((r) => r.found))}), threshold error of ` +
          `found ${(100 * mean(errs)).toFixed(1)} %, ${mean(runs.map((r) => r.rules)).toFixed(1)} rule facts; ` +
          `|released - true positives| mean ${mean(devs).toFixed(1)} (Laplace ` +
          `scale ${runs[0].report!.noise_scale}), ${mean(runs.map((r) => r.ms)).toFixed(0)} ms`,
      );
    }
  }
}

if (require.main === module) main();
