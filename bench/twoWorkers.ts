/**
 * Scale-out of the expansion stage: the example run's texts through the OpenAI-compatible test server (its
 * own process, fixed latency), with N LLM workers (`forge worker --role llm --llm-slots 1`, each activity
 * keeping `--concurrency` requests in flight; `--workers 4,2,1`), beside one main worker. Prints the expansion
 * stage's time (first batch scheduled to last batch done, from the run's history) and the speed-ups.
 * Servers of its own: the Temporal dev server on 37233, or with `--cluster` the production-shaped cluster of
 * infra/cluster.ts (PostgreSQL 35432, frontend 37933, services apart); Neo4j 37687; data under var/bench.
 *   npx ts-node --transpile-only bench/twoWorkers.ts [--latency 200] [--concurrency 8] [--workers 2,1] [--cluster]
 */
import { fork, spawn, type ChildProcess } from 'node:child_process';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { loadRunConfig } from '../activities/run/config';
import { startRun } from '../cli/runs';
import { readEnv } from '../infra/env';
import {
  neo4jUri,
  ROOT,
  startNeo4j,
  startTemporal,
  stopService,
  temporalAddress,
  type ServiceLayout,
} from '../infra/services';
import { runHistories } from '../infra/runHistory';
import { type ClusterLayout, clusterDown, clusterUp, frontendAddress } from '../infra/cluster';
import { connectClient } from '../infra/temporal';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';

const { values } = parseArgs({
  options: {
    latency: { type: 'string', default: '200' },
    concurrency: { type: 'string', default: '8' },
    workers: { type: 'string', default: '2,1' },
    cluster: { type: 'boolean', default: false },
  },
});
const LAYOUT: ServiceLayout = {
  varDir: join(ROOT, 'var', 'bench'),
  temporal: { port: 37233, uiPort: 38233 },
  neo4j: { port: 37687, heapMb: 512, pagecacheMb: 64 },
  llm: { port: 38080, threads: 2 },
};
const CLUSTER: ClusterLayout = {
  varDir: join(ROOT, 'var', 'bench-cluster'),
  postgresPort: 35432,
  ports: { frontend: 37933, history: 37934, matching: 37935, worker: 37939 },
  neo4j: LAYOUT.neo4j,
};
const log = (l: string) => process.stderr.write(`[bench] ${l}\n`);
const address = () => (values.cluster ? frontendAddress(CLUSTER) : temporalAddress(LAYOUT));
const counts = values
  .workers!.split(',')
  .map(Number)
  .sort((a, b) => b - a);
const EXAMPLE = join(ROOT, 'examples', 'moulding-line');
const INPUTS = ['sensors.csv', 'events.log', 'workorders.txt'].map((f) => join(EXAMPLE, f));

async function main(): Promise<void> {
  if (values.cluster) await clusterUp(CLUSTER, { separate: true }, log);
  const started = values.cluster
    ? []
    : [(await startTemporal(LAYOUT, log)) && 'temporal', (await startNeo4j(LAYOUT, log)) && 'neo4j'].filter(
        (x): x is 'temporal' | 'neo4j' => !!x,
      );
  const server = fork(join(__dirname, 'lib', 'llmServerProcess.ts'), ['--latency', values.latency!, '--echo'], {
    execArgv: ['-r', 'ts-node/register/transpile-only'],
  });
  const baseURL = await new Promise<string>((r) =>
    server.once('message', (m) => r((m as { baseURL: string }).baseURL)),
  );
  const queue = `forge-bench-${process.pid}`;
  const workerEnv = {
    ...process.env,
    TEMPORAL_ADDRESS: address(),
    NEO4J_URI: neo4jUri(LAYOUT),
    FORGE_TASK_QUEUE: queue,
    OPENAI_BASE_URL: baseURL,
    OPENAI_API_KEY: 'bench',
    FORGE_MODEL: 'bench',
  };
  const workers: ChildProcess[] = [];
  const startWorker = (...args: string[]) =>
    new Promise<ChildProcess>((resolve, reject) => {
      const w = spawn(process.execPath, [join(ROOT, 'cli', 'bin.js'), 'worker', ...args], {
        env: workerEnv,
        detached: true,
        stdio: ['ignore', 'pipe', 'inherit'],
      });
      workers.push(w);
      w.stdout!.on('data', (d: Buffer) => d.toString().includes('worker polling') && resolve(w));
      w.once('exit', (code) => reject(new Error(`worker exited (${code})`)));
    });
  try {
    await startWorker('--role', 'main');
    const env = readEnv({
      TEMPORAL_ADDRESS: address(),
      NEO4J_URI: neo4jUri(LAYOUT),
      FORGE_TASK_QUEUE: queue,
    });
    const client = await connectClient(env);
    const base = await loadRunConfig(join(EXAMPLE, 'forge.config.json'), []);
    const config = {
      ...base,
      expand: {
        ...base.expand,
        concurrency: Number(values.concurrency),
        initialConcurrency: Number(values.concurrency),
        batchSize: 20,
        parallelBatches: 16,
      },
    };
    const run = async (label: string) => {
      const handle = await startRun(client, env, {
        inputs: INPUTS,
        outDir: mkdtempSync(join(tmpdir(), 'forge-bench-')),
        config,
      });
      const result = await handle.result();
      // expansion runs in the run's expandFacts child workflow (one run of it: fewer batches than
      // expand.continueAsNewAfter)
      const [{ events }] = (await runHistories(client, handle)).filter((h) => h.type === 'expandFacts');
      const types = new Map(
        events
          .filter((e) => e.activityTaskScheduledEventAttributes)
          .map((e) => [String(e.eventId), e.activityTaskScheduledEventAttributes!.activityType?.name]),
      );
      const ms = (e: (typeof events)[number]) =>
        Number(e.eventTime!.seconds) * 1000 + Math.round((e.eventTime!.nanos ?? 0) / 1e6);
      const first = events.find((e) => types.get(String(e.eventId)) === 'expandBatch')!;
      const done = events.filter(
        (e) =>
          e.activityTaskCompletedEventAttributes &&
          types.get(String(e.activityTaskCompletedEventAttributes.scheduledEventId)) === 'expandBatch',
      );
      const secs = (ms(done[done.length - 1]) - ms(first)) / 1000;
      if (label)
        console.log(
          `${label} (${values.concurrency} requests in flight each, ${values.latency} ms per ` +
            `answer): ${result.counts.docs_generated} texts in ${done.length} batches, ` +
            `expansion ${secs.toFixed(2)} s = ${(result.counts.docs_generated / secs).toFixed(1)} texts/s`,
        );
      return secs;
    };
    // every LLM worker warm first (a discarded run), then the most workers, stopping them one by one
    const llm = await Promise.all(
      Array.from({ length: counts[0] }, () => startWorker('--role', 'llm', '--llm-slots', '1')),
    );
    await run('');
    const seconds = new Map<number, number>();
    for (const n of counts) {
      while (llm.length > n) {
        const w = llm.pop()!;
        process.kill(-w.pid!, 'SIGTERM');
        await new Promise((r) => w.once('exit', r));
      }
      seconds.set(n, await run(`${n} LLM worker${n > 1 ? 's' : ''}${values.cluster ? ' (cluster)' : ''}`));
    }
    const one = seconds.get(1);
    if (one)
      for (const [n, secs] of seconds)
        if (n > 1) console.log(`speed-up with ${n} workers: ${(one / secs).toFixed(2)}x`);
  } finally {
    for (const w of workers) {
      try {
        process.kill(-w.pid!, 'SIGTERM');
      } catch {
        /* gone */
      }
    }
    server.disconnect();
    for (const s of started) await stopService(LAYOUT, s, log);
    if (values.cluster) await clusterDown(CLUSTER, log);
  }
}

main().then(
  () => process.exit(0),
  (e) => {
    console.error(e);
    process.exit(1);
  },
);
