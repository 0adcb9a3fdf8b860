/**
 * Bulk-write throughput of facts into the real Neo4j: `mergeFacts` (UNWIND batches, MERGE on the fact id,
 * [:ABOUT] links to graph nodes) for several batch sizes, first write and rewrite of the same facts.
 * Uses the test servers' Neo4j (bolt 17687; started here if it is not running, stopped after) with the
 * demo graph loaded, and deletes the facts it wrote.  npx ts-node --transpile-only bench/neo4jFacts.ts [--facts 20000]
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { deriveFacts } from '../activities/kinds/deriveFacts';
import { withId } from '../activities/knowledge/factParts';
import { buildsOn, type Fact } from '../activities/kinds';
import { loadGraphFiles, mergeFacts, openDriver } from '../graphs/store';
import { neo4jUri, ROOT, startNeo4j, stopService, TEST_LAYOUT } from '../infra/services';
import { RULE_GRAPH, ruleShots } from '../test/fixtures/graph';

const { values } = parseArgs({ options: { facts: { type: 'string', default: '20000' } } });
const N = Number(values.facts);

/**
 * `n` distinct facts shaped like real ones (threshold rules and out-of-spec facts from the fixture data), ids by
 * content.
 */
function syntheticFacts(n: number, round: number): Fact[] {
  const templates = deriveFacts([ruleShots(2000)], RULE_GRAPH).facts;
  return Array.from({ length: n }, (_, i) => {
    const { id: _id, ...t } = templates[i % templates.length];
    return withId({ ...t, sources: [...t.sources.slice(0, 20), `bench-${round}.csv:${i + 2}`] } as Omit<Fact, 'id'>);
  });
}

async function main(): Promise<void> {
  const started = await startNeo4j(TEST_LAYOUT, (m) => console.log(`[bench] ${m}`));
  const driver = openDriver(neo4jUri(TEST_LAYOUT), null, null);
  try {
    await loadGraphFiles(
      driver,
      ['schema', 'injection-moulding'].map((g) => ({
        name: g,
        text: readFileSync(join(ROOT, 'graphs', `${g}.cypher`), 'utf8'),
      })),
    );
    console.log(
      `facts into Neo4j 5.26 (embedded, heap ${TEST_LAYOUT.neo4j.heapMb} MB, page ` +
        `cache ${TEST_LAYOUT.neo4j.pagecacheMb} MB), ${N} facts per round`,
    );
    for (const [round, batch] of [100, 500, 2000].entries()) {
      const facts = syntheticFacts(N, round).map((f) => ({ ...f, builds_on: buildsOn(f) }));
      const t0 = performance.now();
      const links = await mergeFacts(driver, facts, `bench-${round}`, batch);
      const first = performance.now() - t0;
      const t1 = performance.now();
      await mergeFacts(driver, facts, `bench-${round}`, batch);
      const again = performance.now() - t1;
      console.log(
        `batch ${String(batch).padStart(4)}: first ` +
          `write ${Math.round(N / (first / 1000))} facts/s (${Math.round(first)} ms, ${(links / N).toFixed(1)}` +
          ` [:ABOUT] links per fact); rewrite (all MERGE hits) ${Math.round(N / (again / 1000))} facts/s`,
      );
      for (let left = 1; left > 0; ) {
        const r = await driver.executeQuery(
          'MATCH (f:Fact) WHERE $run IN f.runs WITH f LIMIT 5000 DETACH DELETE f RETURN count(*) AS n',
          { run: `bench-${round}` },
        );
        left = Number(r.records[0].get('n'));
      }
    }
  } finally {
    await driver.close();
    if (started) await stopService(TEST_LAYOUT, 'neo4j', (m) => console.log(`[bench] ${m}`));
  }
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
