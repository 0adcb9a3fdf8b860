import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { startNeo4j, startTemporal, stopService, TEST_LAYOUT } from '../../infra/services';

/** Start the real servers for the integration tests on their own ports and data dirs; remember what we started. */
export default async function globalSetup(): Promise<void> {
  const started: string[] = [];
  const log = (l: string) => process.stderr.write(`[forge test] ${l}\n`);
  // a fresh database for every suite run, unless a developer kept the servers running between runs
  const keep = process.env.FORGE_TEST_KEEP_SERVICES === '1';
  if (!keep) {
    // servers left over from an interrupted run are stopped before their data is removed
    await stopService(TEST_LAYOUT, 'temporal', log);
    await stopService(TEST_LAYOUT, 'neo4j', log);
    rmSync(join(TEST_LAYOUT.varDir, 'neo4j'), { recursive: true, force: true });
    rmSync(join(TEST_LAYOUT.varDir, 'temporal.sqlite'), { force: true });
  }
  if (await startTemporal(TEST_LAYOUT, log)) started.push('temporal');
  if (await startNeo4j(TEST_LAYOUT, log)) started.push('neo4j');
  (globalThis as { __forgeStarted?: string[] }).__forgeStarted = keep ? [] : started;
}
