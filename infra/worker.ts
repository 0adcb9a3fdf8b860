import { join } from 'node:path';
import { Worker, type WorkflowBundleWithSourceMap } from '@temporalio/worker';
import { createActivities } from '../activities';
import { checkNeo4j, openDriver } from '../graphs/store';
import type { ForgeEnv } from './env';
import { expanderFactory } from './expander';
import { ROOT } from './services';
import { connectWorker } from './temporal';

export interface ForgeWorker {
  worker: Worker;
  /** close the worker's connections, once its run() or runUntil() has returned */
  close(): Promise<void>;
}

/**
 * A worker with everything a run needs: one Temporal connection, one Neo4j driver for the whole process,
 * the expander chosen from the environment. Checks both servers first and says which is missing.
 */
export async function createForgeWorker(env: ForgeEnv, opts: { taskQueue?: string; workflowBundle?: WorkflowBundleWithSourceMap } = {}): Promise<ForgeWorker> {
  const expanderFor = expanderFactory(env);
  const driver = openDriver(env.neo4jUri, env.neo4jUser, env.neo4jPassword);
  try {
    await checkNeo4j(driver, env.neo4jUri);
  } catch (e) {
    await driver.close();
    throw e;
  }
  let connection;
  try {
    connection = await connectWorker(env);
  } catch (e) {
    await driver.close();
    throw e;
  }
  const activities = createActivities({ driver, neo4jUri: env.neo4jUri, expanderFor, schemaFile: join(ROOT, 'graphs', 'schema.cypher'), piiKey: env.piiKey });
  const worker = await Worker.create({
    connection,
    namespace: env.temporalNamespace,
    taskQueue: opts.taskQueue ?? env.taskQueue,
    ...(opts.workflowBundle ? { workflowBundle: opts.workflowBundle } : { workflowsPath: require.resolve('../workflows') }),
    activities,
  });
  return {
    worker,
    async close() {
      await connection.close().catch(() => undefined);
      await driver.close();
    },
  };
}
