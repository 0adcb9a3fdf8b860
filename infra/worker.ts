import { join } from 'node:path';
import { llmQueue } from '../workflows/common';
import { neo4jWarnings } from './env';
import { piiDigestKey } from './piiKey';
import { Worker, type WorkflowBundleWithSourceMap } from '@temporalio/worker';
import { createActivities } from '../activities/runActivities';
import { checkNeo4j, openDriver } from '../graphs/store';
import type { ForgeEnv } from './env';
import { endpointOf, expanderFactory, judgeFor } from './expander';
import { ROOT } from './services';
import { connectWorker } from './temporal';

/** The task queue a run's LLM activities go to: beside the main queue, so LLM concurrency is set apart from parsing. */
export { llmQueue };

export type WorkerRole = 'all' | 'main' | 'llm';

/** Several Temporal workers of one process, run and stopped together. */
export class WorkerGroup {
  constructor(readonly workers: Worker[]) {}

  async run(): Promise<void> {
    await Promise.all(this.workers.map((w) => w.run()));
  }

  shutdown(): void {
    for (const w of this.workers) if (w.getState() === 'RUNNING') w.shutdown();
  }

  /** Run every worker until `fn` settles, then stop them all. */
  async runUntil<R>(fn: Promise<R> | (() => Promise<R>)): Promise<R> {
    const [first, ...rest] = this.workers;
    const others = rest.map((w) => w.run());
    try {
      return await first.runUntil(fn);
    } finally {
      for (const w of rest) if (w.getState() === 'RUNNING') w.shutdown();
      await Promise.all(others);
    }
  }
}

export interface ForgeWorker {
  worker: WorkerGroup;
  /** close the worker's connections, once its run() or runUntil() has returned */
  close(): Promise<void>;
}

export interface ForgeWorkerOptions {
  taskQueue?: string;
  workflowBundle?: WorkflowBundleWithSourceMap;
  /** main: workflows and every activity but the LLM's; llm: the expansion activities only; all: both */
  role?: WorkerRole;
  /** expansion activities this process runs at once (each with its own adaptive request concurrency) */
  llmSlots?: number;
}

/**
 * A worker with everything a run needs: one Temporal connection, one Neo4j driver for the whole process,
 * the expander chosen from the environment; polling the main task queue (workflows, parsing, knowledge)
 * and the LLM queue (expansion), or one of them. Checks both servers first and says which is missing.
 */
export async function createForgeWorker(env: ForgeEnv, opts: ForgeWorkerOptions = {}): Promise<ForgeWorker> {
  const expanderFor = expanderFactory(env);
  for (const w of neo4jWarnings(env)) process.stderr.write(`[forge] warning: ${w}\n`);
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
  const activities = createActivities({
    driver,
    neo4jUri: env.neo4jUri,
    expanderFor,
    endpoint: endpointOf(env),
    judgeFor,
    schemaFile: join(ROOT, 'graphs', 'schema.cypher'),
    piiKey: env.piiKey,
    digestKey: piiDigestKey(env),
  });
  const taskQueue = opts.taskQueue ?? env.taskQueue;
  const role = opts.role ?? 'all';
  const workers: Worker[] = [];
  if (role !== 'llm') {
    workers.push(
      await Worker.create({
        connection,
        namespace: env.temporalNamespace,
        taskQueue,
        ...(opts.workflowBundle
          ? { workflowBundle: opts.workflowBundle }
          : { workflowsPath: require.resolve('../workflows') }),
        activities,
      }),
    );
  }
  if (role !== 'main') {
    workers.push(
      await Worker.create({
        connection,
        namespace: env.temporalNamespace,
        taskQueue: llmQueue(taskQueue),
        activities: { expandBatch: activities.expandBatch, generatorEndpoint: activities.generatorEndpoint },
        maxConcurrentActivityTaskExecutions: opts.llmSlots ?? 4,
      }),
    );
  }
  return {
    worker: new WorkerGroup(workers),
    async close() {
      await connection.close().catch(() => undefined);
      await driver.close();
    },
  };
}
