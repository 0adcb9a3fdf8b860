/**
 * Scale-out of the expansion stage: the example run's texts through the OpenAI-compatible test server (its
 * own process, fixed latency), with N LLM workers (`forge worker --role llm --llm-slots 1`, each activity
 * keeping `--concurrency` requests in flight; `--workers 4,2,1`), beside one main worker. Prints the expansion
 * stage's time (first batch scheduled to last batch done, from the run's history) and the speed-ups. With
 * `--parse`: stage one instead - Loghub-2k's OpenStack log repeated 100 times (../shared) in 8 MiB chunks, with
 * N main workers (each parsing on its threads), the time from the first chunk scheduled to the last done.
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
import { neo4jUri, ROOT, startServers, stopService, temporalAddress, type ServiceLayout } from '../infra/services';
import { runHistories } from '../infra/runHistory';
import { type ClusterLayout, clusterDown, clusterUp, frontendAddress } from '../infra/cluster';
import { connectClient } from '../infra/temporal';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { sharedDataset } from './lib/shared';
import { tmpdir } from 'node:os';

const { values } = parseArgs({
  options: {
    latency: { type: 'string', default: '200' },
    concurrency: { type: 'string', default: '8' },
    workers: { type: 'string', default: '2,1' },
    parse: { type: 'boolean', default: false },
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
  membership: { frontend: 16933, history: 16934, matching: 16935, worker: 16939 },
  uiPort: 38933,
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

/** Loghub-2k's OpenStack log repeated 100 times (~60 MB) with its source config; returns the config's path. */
function bigLog(): string {
  const dir = mkdtempSync(join(tmpdir(), 'forge-bench-log-'));
  const raw = readFileSync(join(sharedDataset('loghub-2k'), 'OpenStack', 'OpenStack_2k.log'));
  const one = raw[raw.length - 1] === 10 ? raw : Buffer.concat([raw, Buffer.from('\r\n')]);
  writeFileSync(join(dir, 'openstack.log'), Buffer.concat(Array(100).fill(one)));
  const header = '<Logrecord> <Date> <Time> <Pid> <Level> <Component> \\[<ADDR>\\] <Content>';
  writeFileSync(
    join(dir, 'openstack.json'),
    JSON.stringify({ path: 'openstack.log', format: 'text', text: { header } }),
  );
  return join(dir, 'openstack.json');
}

async function main(): Promise<void> {
  if (values.cluster) await clusterUp(CLUSTER, { separate: true }, log);
  const started = values.cluster ? [] : await startServers(LAYOUT, log);
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
    if (!values.parse) await startWorker('--role', 'main');
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
    const inputs = values.parse ? [bigLog()] : INPUTS;
    const activity = values.parse ? 'parseChunk' : 'expandBatch';
    const run = async (label: string) => {
      const handle = await startRun(client, env, {
        inputs,
        outDir: mkdtempSync(join(tmpdir(), 'forge-bench-')),
        config,
      });
      const result = await handle.result();
      // the stage's activities, in the run's child workflows of that stage (their scheduled ids are per history)
      const ms = (t: { seconds?: unknown; nanos?: number | null } | null | undefined) =>
        Number(t!.seconds) * 1000 + Math.round((t!.nanos ?? 0) / 1e6);
      let first = Infinity,
        last = 0,
        n = 0;
      for (const { type, events } of await runHistories(client, handle)) {
        if (type !== (values.parse ? 'parseSource' : 'expandFacts')) continue;
        const scheduled = new Set(
          events
            .filter((e) => e.activityTaskScheduledEventAttributes?.activityType?.name === activity)
            .map((e) => String(e.eventId)),
        );
        for (const e of events) {
          if (scheduled.has(String(e.eventId))) first = Math.min(first, ms(e.eventTime));
          const done = e.activityTaskCompletedEventAttributes;
          if (done && scheduled.has(String(done.scheduledEventId))) {
            last = Math.max(last, ms(e.eventTime));
            n++;
          }
        }
      }
      const secs = (last - first) / 1000;
      if (label)
        console.log(
          values.parse
            ? `${label}: ${result.counts.lines} lines in ${n} chunks, parse ${secs.toFixed(2)} s = ` +
                `${Math.round(result.counts.lines / secs)} lines/s`
            : `${label} (${values.concurrency} requests in flight each, ${values.latency} ms per ` +
                `answer): ${result.counts.docs_generated} texts in ${n} batches, ` +
                `expansion ${secs.toFixed(2)} s = ${(result.counts.docs_generated / secs).toFixed(1)} texts/s`,
        );
      return secs;
    };
    // every worker warm first (a discarded run), then the most workers, stopping them one by one
    if (values.parse) await startWorker('--role', 'llm');
    const role = values.parse ? ['--role', 'main'] : ['--role', 'llm', '--llm-slots', '1'];
    const llm = await Promise.all(Array.from({ length: counts[0] }, () => startWorker(...role)));
    await run('');
    const seconds = new Map<number, number>();
    for (const n of counts) {
      while (llm.length > n) {
        const w = llm.pop()!;
        process.kill(-w.pid!, 'SIGTERM');
        await new Promise((r) => w.once('exit', r));
      }
      const kind = values.parse ? 'main' : 'LLM';
      seconds.set(n, await run(`${n} ${kind} worker${n > 1 ? 's' : ''}${values.cluster ? ' (cluster)' : ''}`));
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
