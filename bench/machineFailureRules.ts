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
import { DEFAULT_DERIVE_OPTIONS, deriveFacts } from '../activities/knowledge/deriveFacts';
import type { ThresholdRuleFact } from '../activities/knowledge/facts';
import { OperationRecord } from '../activities/parse/records';
import { GraphIndex } from '../activities/knowledge/linking';
import { buildSeriesTables } from '../activities/knowledge/seriesTable';
import { treeRules, type TreeCondition } from './lib/cart';
import { DOCUMENTED, MACHINE_GRAPH, machineFailures, machineFailuresCsv } from './lib/machineFailures';

const args = process.argv.slice(2);
const num = (k: string, d: number) => (args.includes(k) ? Number(args[args.indexOf(k) + 1]) : d);

const OUTCOMES = ['TWF', 'HDF', 'PWF', 'OSF', 'RNF'].map((label) => ({ label, values: ['1'], meaning: 'failure' as const, node: null }));

async function main(): Promise<void> {
  const rows = machineFailures(num('--rows', 10_000), num('--seed', 7));
  const dir = mkdtempSync(join(tmpdir(), 'forge-mf-'));
  writeFileSync(join(dir, 'machine.csv'), machineFailuresCsv(rows));
  writeFileSync(join(dir, 'machine.json'), JSON.stringify({ path: 'machine.csv', format: 'csv', csv: { timeFormat: 'index', start: '2026-01-01T00:00:00Z', intervalSeconds: 60 } }));
  const t0 = performance.now();
  execFileSync(process.execPath, [join(__dirname, '..', 'cli', 'bin.js'), 'parse', '--source', join(dir, 'machine.json'), '--out', join(dir, 'out')], { stdio: 'inherit' });
  const recordsDir = join(dir, 'out', 'records');
  const records = (await Promise.all(readdirSync(recordsDir).filter((f) => /\.\d+\.jsonl$/.test(f)).map((f) => readJsonl(join(recordsDir, f), OperationRecord)))).flat();
  const t1 = performance.now();
  const res = deriveFacts(records, MACHINE_GRAPH, { ...DEFAULT_DERIVE_OPTIONS, outcomes: OUTCOMES });
  const t2 = performance.now();
  const rules = res.facts.filter((f): f is ThresholdRuleFact => f.kind === 'threshold_rule');
  console.log(`${rows.length} rows; parse ${((t1 - t0) / 1000).toFixed(1)} s, facts ${((t2 - t1) / 1000).toFixed(1)} s; ${rules.length} rule facts, ${res.rulesSetAside.length} set aside`);

  // Forge's facts and the trees' majority leaves, read the same way
  const forge: Candidate[] = rules.map((r) => ({
    label: r.statement.outcome.label, category: r.statement.category?.value ?? null,
    conditions: r.statement.conditions.map((c) => ({ feature: c.parameter.id, op: c.op, threshold: c.threshold })),
    text: `${r.statement.category ? `${r.statement.category.column} = ${r.statement.category.value}, ` : ''}${r.statement.shape} ${r.statement.conditions.map((c) => `${c.parameter.id} ${c.op} ${c.threshold}`).join(r.statement.combine === 'any' ? ' or ' : ' and ')}${r.evidence.exact ? ' (exact)' : ''}`,
  }));
  const [table] = buildSeriesTables(records, new GraphIndex(MACHINE_GRAPH), {});
  const trees = (depth: number): Candidate[] => OUTCOMES.flatMap((o) => {
    const outcome = table.labels.get(o.label)!.map((v) => o.values.includes(v));
    const features = Object.fromEntries(table.columns);
    const variants = [...new Set(table.labels.get('Type')!)];
    return treeRules({ features, categories: { Type: table.labels.get('Type')! }, outcome }, depth).map((r) => {
      const numeric = r.conditions.filter((c): c is Extract<TreeCondition, { feature: string }> => 'feature' in c).map((c) => ({ ...c, threshold: Number(c.threshold.toPrecision(6)) }));
      // the variant a path keeps: named (Type = M), or the one left when the others are excluded (not L, not H)
      const onType = r.conditions.filter((c): c is Extract<TreeCondition, { column: string }> => 'column' in c);
      const left = variants.filter((v) => onType.every((c) => (c.value === v) === c.equal));
      const category = left.length === 1 ? left[0] : null;
      return { label: o.label, category, conditions: numeric, text: `${category ? `Type = ${category}, ` : ''}${numeric.map((c) => `${c.feature} ${c.op} ${c.threshold}`).join(' and ')}` };
    });
  });
  const tree2 = trees(2), tree3 = trees(3);
  const score = { forge: 0, tree2: 0, tree3: 0 };
  for (const d of DOCUMENTED) {
    const f = match(d, forge), t2 = match(d, tree2), t3 = match(d, tree3);
    if (f.ok) score.forge++;
    if (t2.ok) score.tree2++;
    if (t3.ok) score.tree3++;
    console.log(`${d.label}: ${d.rule}\n  forge  ${f.line}\n  tree 2 ${t2.line}\n  tree 3 ${t3.line}`);
  }
  const other = rules.filter((r) => !DOCUMENTED.some((d) => d.label === r.statement.outcome.label));
  console.log(`documented rules found within 5 %: Forge ${score.forge}/${DOCUMENTED.length}, decision tree depth 2 ${score.tree2}/${DOCUMENTED.length}, depth 3 ${score.tree3}/${DOCUMENTED.length}; Forge facts on the random-failure label: ${other.length}`);
}

interface Candidate { label: string; category: string | null; conditions: { feature: string; op: '>' | '<'; threshold: number }[]; text: string }

/** The candidate of the documented rule's outcome (and variant) whose thresholds lie closest to it; found when all are within 5 %. */
function match(d: (typeof DOCUMENTED)[number], candidates: readonly Candidate[]): { ok: boolean; line: string } {
  const best = candidates.filter((c) => c.label === d.label && (!('category' in d) || c.category === d.category))
    .map((c) => ({ c, err: d.thresholds.map((t) => Math.min(...c.conditions.filter((x) => x.feature === t.feature && x.op === t.op).map((x) => Math.abs(x.threshold - t.value) / t.value))) }))
    .sort((a, b) => Math.max(...a.err) - Math.max(...b.err))[0];
  const ok = !!best && Math.max(...best.err) <= 0.05;
  return { ok, line: best ? `${ok ? 'found ' : 'MISSED'} ${best.c.text} (error ${best.err.map((e) => (Number.isFinite(e) ? `${(100 * e).toFixed(1)} %` : 'no such condition')).join(', ')})` : 'MISSED no rule for this outcome' };
}

if (require.main === module) void main();
