import { appendFileSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Client, WorkflowHandle } from '@temporalio/client';
import type { RunConfig } from '../../activities/run/config';
import { startRun } from '../../cli/runs';
import { readEnv, type ForgeEnv } from '../../infra/env';
import {
  neo4jUri,
  ROOT,
  startNeo4j,
  startTemporal,
  stopService,
  temporalAddress,
  type ServiceLayout,
} from '../../infra/services';
import { runHistories } from '../../infra/runHistory';
import { connectClient } from '../../infra/temporal';
import { progressQuery, type ScheduledRunResult } from '../../workflows';
import { EXAMPLE, EXAMPLE_INPUTS, tempDir } from './runHelpers';
import {
  forgeSchedule,
  raisedLines,
  raisedSoFar,
  readFacts,
  trigger,
  triggerAndWait,
  versionLines,
} from './scheduleHelpers';
import { DatasetManifest } from '../../activities/run/increment';
import { completed, disturbableConfig, killHard, outcome, startWorker, until, workers } from './workerProcesses';

/**
 * Runs survive their infrastructure: a worker killed with SIGKILL mid-run, the Temporal dev server restarted
 * on the same SQLite file mid-run, Neo4j restarted mid-run. Each run completes with the same documents as
 * an undisturbed run. Real processes throughout: workers are `forge worker` processes, and these servers are
 * their own (ports 27233/27687, data under var/durability), so restarting them disturbs no other test.
 */
jest.setTimeout(300_000);

const LAYOUT: ServiceLayout = {
  varDir: join(ROOT, 'var', 'durability'),
  temporal: { port: 27233, uiPort: 28233 },
  neo4j: { port: 27687, heapMb: 512, pagecacheMb: 64 },
  llm: { port: 28080, threads: 2 },
};
const log = (l: string) => process.stderr.write(`[durability] ${l}\n`);
const queue = `forge-durability-${process.pid}`;
const env: ForgeEnv = readEnv({
  TEMPORAL_ADDRESS: temporalAddress(LAYOUT),
  NEO4J_URI: neo4jUri(LAYOUT),
  FORGE_TASK_QUEUE: queue,
});
const workerEnv = {
  ...process.env,
  TEMPORAL_ADDRESS: env.temporalAddress,
  NEO4J_URI: env.neo4jUri,
  FORGE_TASK_QUEUE: queue,
  OPENAI_BASE_URL: '',
};
let client: Client;
let config: RunConfig;
let baseline: { ids: string[]; counts: unknown };

beforeAll(async () => {
  for (const s of ['temporal', 'neo4j'] as const) await stopService(LAYOUT, s, log);
  rmSync(LAYOUT.varDir, { recursive: true, force: true });
  await startTemporal(LAYOUT, log);
  await startNeo4j(LAYOUT, log);
  client = await connectClient(env);
  config = await disturbableConfig();
  await startWorker(workerEnv);
  const outDir = tempDir('durable-baseline');
  await completed(await startRun(client, env, { inputs: EXAMPLE_INPUTS, outDir, config }));
  baseline = outcome(outDir);
});

afterAll(async () => {
  for (const w of workers) killHard(w);
  for (const s of ['temporal', 'neo4j'] as const) await stopService(LAYOUT, s, log);
});

/**
 * The attempt numbers of the run's activities of one type, in the run and its child workflows (the attempt that
 * completed is the last).
 */
async function attempts(handle: WorkflowHandle, type: string): Promise<number[]> {
  return (await runHistories(client, handle)).flatMap(({ events }) => {
    const scheduled = new Map(
      events
        .filter((e) => e.activityTaskScheduledEventAttributes)
        .map((e) => [String(e.eventId), e.activityTaskScheduledEventAttributes!.activityType?.name]),
    );
    return events
      .filter(
        (e) =>
          e.activityTaskStartedEventAttributes &&
          scheduled.get(String(e.activityTaskStartedEventAttributes.scheduledEventId)) === type,
      )
      .map((e) => e.activityTaskStartedEventAttributes!.attempt ?? 1);
  });
}

test(
  'a worker killed with SIGKILL mid-expansion: another worker finishes the run, with the same ' + 'documents',
  async () => {
    const [victim] = [...workers];
    const outDir = tempDir('durable-kill');
    const handle = await startRun(client, env, { inputs: EXAMPLE_INPUTS, outDir, config });
    await until(handle, (p) => p.stage === 'expand' && (p.texts?.done ?? 0) > 0);
    killHard(victim);
    await startWorker(workerEnv);
    const done = completed(handle);
    const watchdog = setInterval(
      () =>
        void handle
          .describe()
          .then((d) =>
            log(
              `${d.status.name}; pending ` +
                String(
                  JSON.stringify(
                    d.raw.pendingActivities?.map((a) => [
                      a.activityType?.name,
                      a.attempt,
                      a.state,
                      a.lastFailure?.message,
                    ]),
                  ),
                ),
            ),
          ),
      10_000,
    );
    await done.finally(() => clearInterval(watchdog));
    expect(outcome(outDir)).toEqual(baseline);
    // what the dead worker held was lost and done again elsewhere: a batch (silent, timed out on its heartbeat,
    // run again) or the run's next workflow task (timed out on the dead worker's sticky queue, then redone)
    const events = (await runHistories(client, handle)).flatMap((h) => h.events);
    const redone =
      Math.max(...(await attempts(handle, 'expandBatch'))) > 1 ||
      events.some((e) => e.workflowTaskTimedOutEventAttributes || e.activityTaskTimedOutEventAttributes);
    expect(redone).toBe(true);
  },
);

test(
  'the Temporal dev server restarted mid-run (same SQLite file): the run completes with the same ' + 'documents',
  async () => {
    const outDir = tempDir('durable-temporal');
    const handle = await startRun(client, env, { inputs: EXAMPLE_INPUTS, outDir, config });
    await until(handle, (p) => p.stage === 'expand' && (p.texts?.done ?? 0) > 0);
    await stopService(LAYOUT, 'temporal', log);
    await new Promise((r) => setTimeout(r, 2000));
    await startTemporal(LAYOUT, log);
    await completed(handle);
    expect(outcome(outDir)).toEqual(baseline);
    expect(workers.size).toBeGreaterThan(0); // the workers rode it out
  },
);

test(
  'Neo4j restarted mid-run: the graph activities wait for it and the run completes with the same ' + 'documents',
  async () => {
    const outDir = tempDir('durable-neo4j');
    const handle = await startRun(client, env, { inputs: EXAMPLE_INPUTS, outDir, config });
    await until(handle, (p) => p.stage !== 'prepare');
    await stopService(LAYOUT, 'neo4j', log);
    // the run comes to need the graph while Neo4j is away, and waits there
    await until(handle, (p) => p.stage === 'knowledge');
    await new Promise((r) => setTimeout(r, 3000));
    expect((await handle.query(progressQuery)).stage).toBe('knowledge');
    await startNeo4j(LAYOUT, log);
    await completed(handle);
    expect(outcome(outDir)).toEqual(baseline);
  },
);

test('a worker killed with SIGKILL in the middle of a scheduled run: each line read once, nothing lost', async () => {
  const data = tempDir('durable-schedule-data');
  const outDir = tempDir('durable-schedule-out');
  const configPath = join(data, 'forge.config.json');
  writeFileSync(configPath, JSON.stringify(config));
  const lines = readFileSync(join(EXAMPLE, 'events.log'), 'utf8').split('\n').filter(Boolean);
  const logFile = join(data, 'events.log');
  writeFileSync(logFile, `${lines.slice(0, 10).join('\n')}\n`);
  const name = `durable-${process.pid}`;
  await forgeSchedule(
    env,
    'create',
    name,
    '--every',
    '365d',
    '--input',
    logFile,
    '--out',
    outDir,
    '--config',
    configPath,
  );
  try {
    expect((await triggerAndWait(client, env, name)).version?.counts.lines).toBe(10);
    appendFileSync(logFile, `${lines.slice(10, 20).join('\n')}\n`);
    const run = await trigger(client, name);
    const version = client.workflow.getHandle(`${run.workflowId}/version`);
    await until(version, (p) => p.stage === 'expand' && (p.texts?.done ?? 0) > 0);
    killHard([...workers][0]);
    await startWorker(workerEnv);
    await completed(run);
    const two = (await run.result()) as ScheduledRunResult;
    expect(two.version?.counts.lines).toBe(10);
    appendFileSync(logFile, `${lines.slice(20, 24).join('\n')}\n`);
    expect((await triggerAndWait(client, env, name)).version?.counts.lines).toBe(4);
    const seen = versionLines(outDir);
    expect([...seen.values()].every((n) => n === 1)).toBe(true);
    expect([...seen.keys()].map((k) => Number(k.split(':')[1])).sort((a, b) => a - b)).toEqual(
      Array.from({ length: 24 }, (_, i) => i + 1),
    );
    // and the knowledge: the last version's facts count every alarm line of the three once
    const dataset = DatasetManifest.parse(JSON.parse(readFileSync(join(outDir, 'dataset.json'), 'utf8')));
    expect(raisedSoFar(readFacts(outDir, dataset.versions[2].dir))).toBe(raisedLines(outDir));
    // the kill mattered: something the dead worker held was done again
    const events = (await runHistories(client, version)).flatMap((h) => h.events);
    expect(
      events.some((e) => e.workflowTaskTimedOutEventAttributes || e.activityTaskTimedOutEventAttributes) ||
        Math.max(...(await attempts(version, 'expandBatch'))) > 1,
    ).toBe(true);
  } finally {
    await forgeSchedule(env, 'delete', name).catch(() => undefined);
  }
});
