import { rmSync } from 'node:fs';
import { join } from 'node:path';
import {
  startLocalModel,
  startNeo4j,
  startTemporal,
  stopService,
  TEST_LAYOUT,
  type ServiceName,
} from '../../infra/services';

const log = (l: string) => process.stderr.write(`[forge test] ${l}\n`);

/**
 * Start the real servers for the integration tests (Temporal, Neo4j, a local model) on their own ports and data dirs,
 * and remember what was
 * started for globalTeardown. If one cannot start, the other is stopped again before the error is raised
 * (Jest runs no teardown after a failed setup).
 */
export default async function globalSetup(): Promise<void> {
  const started: ServiceName[] = [];
  const keep = process.env.FORGE_TEST_KEEP_SERVICES === '1';
  if (!keep) {
    // servers left over from an interrupted run are stopped before their data is removed: a fresh database
    await stopService(TEST_LAYOUT, 'temporal', log);
    await stopService(TEST_LAYOUT, 'neo4j', log);
    rmSync(join(TEST_LAYOUT.varDir, 'neo4j'), { recursive: true, force: true });
    rmSync(join(TEST_LAYOUT.varDir, 'temporal.sqlite'), { force: true });
  }
  try {
    if (await startTemporal(TEST_LAYOUT, log)) started.push('temporal');
    if (await startNeo4j(TEST_LAYOUT, log)) started.push('neo4j');
    // a real OpenAI-compatible server no one here wrote (llama.cpp + SmolLM2-135M), for localModel.test.ts
    if (await startLocalModel(TEST_LAYOUT, log)) started.push('llm');
  } catch (e) {
    for (const s of started.reverse()) await stopService(TEST_LAYOUT, s, log);
    throw e;
  }
  (globalThis as { __forgeStarted?: ServiceName[] }).__forgeStarted = keep ? [] : started;
}
