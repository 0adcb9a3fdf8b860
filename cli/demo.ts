import { join } from 'node:path';
import { DefaultLogger, Runtime } from '@temporalio/worker';
import { loadRunConfig } from '../activities/run/config';
import type { ForgeEnv } from '../infra/env';
import { DEFAULT_LAYOUT, ROOT, startNeo4j, startTemporal, stopService, type ServiceName } from '../infra/services';
import { connectClient } from '../infra/temporal';
import { createForgeWorker } from '../infra/worker';
import { startRun, uiLink, waitForRun } from './runs';

const EXAMPLE = join(ROOT, 'examples', 'moulding-line');

/**
 * `npm run demo`: start the local servers that are not running (unless TEMPORAL_ADDRESS / NEO4J_URI point
 * elsewhere), run a worker in this process, run the pipeline on the example line, print where the shards
 * are, and stop what it started - also when something fails.
 */
export async function runDemo(env: ForgeEnv, out: (line: string) => void): Promise<void> {
  // the demo prints its own progress; the worker's INFO logs (bundling, state changes) would drown it
  Runtime.install({ logger: new DefaultLogger('WARN') });
  const started: ServiceName[] = [];
  const stopStarted = async () => {
    for (const s of started.splice(0).reverse()) await stopService(DEFAULT_LAYOUT, s);
  };
  const onSignal = () => {
    void stopStarted().finally(() => process.exit(130));
  };
  process.once('SIGINT', onSignal);
  process.once('SIGTERM', onSignal);
  try {
    if (!env.temporalExternal && (await startTemporal(DEFAULT_LAYOUT))) started.push('temporal');
    if (!env.neo4jExternal && (await startNeo4j(DEFAULT_LAYOUT))) started.push('neo4j');
    const config = await loadRunConfig(join(EXAMPLE, 'forge.config.json'), []);
    const fw = await createForgeWorker(env);
    try {
      const client = await connectClient(env);
      const inputs = ['sensors.csv', 'events.log', 'workorders.txt'].map((f) => join(EXAMPLE, f));
      const outDir = join(ROOT, 'out', 'demo');
      const result = await fw.worker.runUntil(async () => {
        const handle = await startRun(client, env, { inputs, outDir, config });
        out(`started ${handle.workflowId}`);
        out(`Web UI: ${uiLink(env, handle.workflowId)}`);
        return waitForRun(handle, (l) => out(`  ${l}`));
      });
      const c = result.counts;
      out(
        `lines ${c.lines} -> records ${c.records}, quarantined ${c.quarantined}, personal data masked ${c.pii_masked}`,
      );
      out(
        `facts ${c.facts}; documents ` +
          `generated ${c.docs_generated}, written ${c.docs_written}, rejected ${JSON.stringify(c.docs_rejected)}`,
      );
      out(`shards: ${join(result.outDir, 'shards')}`);
      out(`manifest: ${result.manifestPath}`);
      if (started.includes('temporal'))
        out(
          '(the demo stops the servers it started; run "npx forge services up" first to keep the Web UI open ' +
            'afterwards)',
        );
    } finally {
      await fw.close();
    }
  } finally {
    await stopStarted();
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
  }
}
