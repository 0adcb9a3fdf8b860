import type { ChildProcess } from 'node:child_process';
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Client, WorkflowHandle } from '@temporalio/client';
import type { RunConfig } from '../../activities/run/config';
import { startRun } from '../../cli/runs';
import {
  type ClusterLayout,
  clusterDown,
  clusterNeo4jUri,
  clusterUp,
  frontendAddress,
  pgPlace,
  restartPostgres,
  restartTemporalService,
} from '../../infra/cluster';
import { readEnv, type ForgeEnv } from '../../infra/env';
import { connectClient } from '../../infra/temporal';
import { TcpProxy } from '../fixtures/tcpProxy';
import { EXAMPLE_INPUTS, tempDir } from './runHelpers';
import { completed, disturbableConfig, killHard, outcome, startWorker, until, workers } from './workerProcesses';

/**
 * The scale-out topology, proven here: the production Temporal server (its four services as separate
 * processes) on PostgreSQL, built and started by `forge cluster` (infra/cluster.ts) on its own ports, and
 * two workers as separate machines - each a `forge worker` process in a directory of its own with only what a
 * remote worker has (TEMPORAL_ADDRESS, NEO4J_URI, the task queue), reaching the cluster through TCP proxies
 * of its own that the test cuts. Faults: a worker SIGKILLed, the history service killed and restarted,
 * PostgreSQL restarted, a worker's link lost for 30 s. Each run ends with the documents of an undisturbed run.
 */
jest.setTimeout(600_000);

// inside a private folder (mode 0700, as a root user's home or `mktemp -d`): PostgreSQL, which runs as the postgres
// user when the tests run as root, cannot enter it, and the cluster must still come up
const PRIVATE = mkdtempSync(join(tmpdir(), 'forge-cluster-'));
const LAYOUT: ClusterLayout = {
  varDir: join(PRIVATE, 'var'),
  postgresPort: 25432,
  ports: { frontend: 27933, history: 27934, matching: 27935, worker: 27939 },
  membership: { frontend: 26933, history: 26934, matching: 26935, worker: 26939 },
  uiPort: 28933,
  neo4j: { port: 27787, heapMb: 512, pagecacheMb: 64 },
};
const log = (l: string) => process.stderr.write(`[cluster] ${l}\n`);
const queue = `forge-cluster-${process.pid}`;
const env: ForgeEnv = readEnv({
  TEMPORAL_ADDRESS: frontendAddress(LAYOUT),
  NEO4J_URI: clusterNeo4jUri(LAYOUT),
  FORGE_TASK_QUEUE: queue,
});
let client: Client;
let config: RunConfig;
let baseline: ReturnType<typeof outcome>;
let baselineRun: WorkflowHandle;

/** A worker machine: its own directory, its own proxies to Temporal and Neo4j, nothing else of this machine's setup. */
interface Machine {
  worker: ChildProcess;
  temporal: TcpProxy;
  neo4j: TcpProxy;
}
const machines: Machine[] = [];

async function machine(): Promise<Machine> {
  const temporal = await TcpProxy.start({ host: '127.0.0.1', port: LAYOUT.ports.frontend });
  const neo4j = await TcpProxy.start({ host: '127.0.0.1', port: LAYOUT.neo4j.port });
  const home = mkdtempSync(join(tmpdir(), 'forge-machine-'));
  const worker = await startWorker(
    {
      PATH: process.env.PATH,
      HOME: home,
      TEMPORAL_ADDRESS: temporal.address,
      NEO4J_URI: `bolt://${neo4j.address}`,
      FORGE_TASK_QUEUE: queue,
      // the workers of one deployment share the personal-data key (README: several machines)
      FORGE_PII_KEY: 'cluster-test-key',
    },
    home,
  );
  const m = { worker, temporal, neo4j };
  machines.push(m);
  return m;
}

beforeAll(async () => {
  await clusterDown(LAYOUT, log).catch(() => undefined);
  rmSync(LAYOUT.varDir, { recursive: true, force: true });
  await clusterUp(LAYOUT, { separate: true }, log);
  client = await connectClient(env);
  config = await disturbableConfig();
  await machine();
  await machine();
  const outDir = tempDir('cluster-baseline');
  baselineRun = await startRun(client, env, { inputs: EXAMPLE_INPUTS, outDir, config });
  await completed(baselineRun);
  baseline = outcome(outDir);
});

test(
  'the Web UI serves the cluster: its API finds the run by a Forge search attribute (visibility on ' + 'PostgreSQL)',
  async () => {
    const page = await fetch(`http://127.0.0.1:${LAYOUT.uiPort}/`);
    expect(page.status).toBe(200);
    const runId = baselineRun.workflowId.replace(/^forge-/, '');
    const query = encodeURIComponent(`ForgeRunId = "${runId}"`);
    for (let i = 0; ; i++) {
      const res = await fetch(`http://127.0.0.1:${LAYOUT.uiPort}/api/v1/namespaces/default/workflows?query=${query}`);
      const body = (await res.json()) as { executions?: { execution: { workflowId: string } }[] };
      if (body.executions?.some((e) => e.execution.workflowId === baselineRun.workflowId)) break;
      if (i > 20) throw new Error(`the Web UI's API did not find ${baselineRun.workflowId}: ${JSON.stringify(body)}`);
      await new Promise((r) => setTimeout(r, 500));
    }
  },
);

afterAll(async () => {
  for (const w of workers) killHard(w);
  for (const m of machines) await Promise.all([m.temporal.close(), m.neo4j.close()]);
  await client?.connection.close();
  await clusterDown(LAYOUT, log);
  rmSync(PRIVATE, { recursive: true, force: true });
});

test('in a private folder, as root, PostgreSQL lives where its user can reach it', async () => {
  expect(statSync(PRIVATE).mode & 0o777).toBe(0o700);
  const place = pgPlace(LAYOUT);
  const root = process.getuid?.() === 0;
  expect(place.outside !== null).toBe(root);
  expect(existsSync(join(place.data, 'PG_VERSION'))).toBe(true);
  if (!root) return;
  expect(place.data.startsWith(PRIVATE)).toBe(false);
  expect(statSync(place.outside!).uid).toBe(Number(execFileSync('id', ['-u', 'postgres'], { encoding: 'utf8' })));
}, 30_000);

test(
  'a worker SIGKILLed, the history service killed and restarted, PostgreSQL restarted, mid-run: same ' + 'documents',
  async () => {
    const outDir = tempDir('cluster-faults');
    const handle = await startRun(client, env, { inputs: EXAMPLE_INPUTS, outDir, config });
    await until(handle, (p) => p.stage === 'expand' && (p.texts?.done ?? 0) > 0);
    killHard(machines[0].worker);
    log('worker 1 killed');
    await restartTemporalService(LAYOUT, 'history', log);
    log('history restarted');
    restartPostgres(LAYOUT);
    log('PostgreSQL restarted');
    await completed(handle);
    expect(outcome(outDir)).toEqual(baseline);
    expect(baseline.ids.length).toBeGreaterThan(20);
    // the surviving machine finished the run alone
    expect(workers.has(machines[1].worker)).toBe(true);
    await machine(); // two machines again for the next test
  },
);

test("a worker's link to the cluster lost for 30 s and back: the run completes with the same documents", async () => {
  const outDir = tempDir('cluster-link');
  const handle = await startRun(client, env, { inputs: EXAMPLE_INPUTS, outDir, config });
  await until(handle, (p) => p.stage === 'expand' && (p.texts?.done ?? 0) > 0);
  const cut = machines[machines.length - 1];
  cut.temporal.cut();
  cut.neo4j.cut();
  log('link of the last machine cut');
  await new Promise((r) => setTimeout(r, 30_000));
  cut.temporal.restore();
  cut.neo4j.restore();
  log('link restored');
  await completed(handle);
  expect(outcome(outDir)).toEqual(baseline);
  expect(workers.has(cut.worker)).toBe(true); // the machine rode it out
});

test('forge cluster down stops PostgreSQL and removes its files from outside the checkout', async () => {
  const place = pgPlace(LAYOUT);
  await clusterDown(LAYOUT, log);
  expect(existsSync(join(place.data, 'postmaster.pid'))).toBe(false);
  if (place.outside) expect(existsSync(place.outside)).toBe(false);
}, 120_000);
