/**
 * Rules recovered from machine-failure data with documented generating rules (bench/lib/machineFailures.ts,
 * in the manner of AI4I 2020), through the product path: the CSV through `forge parse` (the CLI), its
 * records through `deriveFacts` (the knowledge stage function `forge run` calls) with the graph a user
 * would write (parameters, units, aliases, derived quantities as formulas, failure modes; no thresholds)
 * and the five failure labels as `facts.outcomes`, default settings otherwise. Prints, per documented
 * rule, the fact that matches it (same outcome, parameters, sides and variant) and its threshold errors,
 * beside a CART decision tree (bench/lib/cart.ts, depth 2 and 3) per label on the same table.
 *   npx ts-node --transpile-only bench/machineFailureRules.ts [--rows N] [--seed S]
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { readJsonl } from '../activities/common/files';
import { deriveFacts } from '../activities/kinds/deriveFacts';
import { DEFAULT_DERIVE_OPTIONS } from '../activities/knowledge/deriveOptions';
import type { ThresholdRuleFact } from '../activities/knowledge/facts';
import { OperationRecord } from '../activities/parse/records';
import { GraphIndex } from '../activities/knowledge/linking';
import { buildSeriesTables } from '../activities/knowledge/seriesTable';
import { forgeCandidates, scoreSideBySide, treeCandidates } from './lib/ruleScoring';
import {
  DOCUMENTED,
  MACHINE_GRAPH,
  MACHINE_OUTCOMES,
  machineFailures,
  machineFailuresCsv,
} from './lib/machineFailures';

const args = process.argv.slice(2);
const num = (k: string, d: number) => (args.includes(k) ? Number(args[args.indexOf(k) + 1]) : d);

const OUTCOMES = MACHINE_OUTCOMES;

async function main(): Promise<void> {
  const rows = machineFailures(num('--rows', 10_000), num('--seed', 7));
  const dir = mkdtempSync(join(tmpdir(), 'forge-mf-'));
  writeFileSync(join(dir, 'machine.csv'), machineFailuresCsv(rows));
  writeFileSync(
    join(dir, 'machine.json'),
    JSON.stringify({
      path: 'machine.csv',
      format: 'csv',
      csv: { timeFormat: 'index', start: '2026-01-01T00:00:00Z', intervalSeconds: 60 },
    }),
  );
  const t0 = performance.now();
  execFileSync(
    process.execPath,
    [join(__dirname, '..', 'cli', 'bin.js'), 'parse', '--source', join(dir, 'machine.json'), '--out', join(dir, 'out')],
    { stdio: 'inherit' },
  );
  const recordsDir = join(dir, 'out', 'records');
  const records = (
    await Promise.all(
      readdirSync(recordsDir)
        .filter((f) => /\.\d+\.jsonl$/.test(f))
        .map((f) => readJsonl(join(recordsDir, f), OperationRecord)),
    )
  ).flat();
  const t1 = performance.now();
  const res = deriveFacts(records, MACHINE_GRAPH, { ...DEFAULT_DERIVE_OPTIONS, outcomes: OUTCOMES });
  const t2 = performance.now();
  const rules = res.facts.filter((f): f is ThresholdRuleFact => f.kind === 'threshold_rule');
  console.log(
    `${rows.length} rows; ` +
      `parse ${((t1 - t0) / 1000).toFixed(1)} s, facts ${((t2 - t1) / 1000).toFixed(1)} s; ${rules.length} rule ` +
      `facts, ${res.rulesSetAside.length} set aside`,
  );

  // Forge's facts and the trees' majority leaves, read the same way
  const [table] = buildSeriesTables(records, new GraphIndex(MACHINE_GRAPH), {});
  const score = scoreSideBySide(DOCUMENTED, {
    forge: forgeCandidates(rules),
    'tree 2': treeCandidates(table, OUTCOMES, 'Type', 2),
    'tree 3': treeCandidates(table, OUTCOMES, 'Type', 3),
  });
  const other = rules.filter((r) => !DOCUMENTED.some((d) => d.label === r.statement.outcome.label));
  console.log(
    `documented rules found within 5 %: Forge ${score.forge}/${DOCUMENTED.length}, decision tree ` +
      `depth 2 ${score['tree 2']}/${DOCUMENTED.length}, depth 3 ${score['tree 3']}/${DOCUMENTED.length}; Forge ` +
      `facts on the random-failure label: ${other.length}`,
  );
}

if (require.main === module) void main();
