/**
 * Scheduled runs over a growing log: a schedule (`forge schedule create`) over one text log to which a "day" of lines
 * (`--lines`, the example line's log with each day's date) is appended before each run; `--runs` runs, each triggered
 * and waited for. Prints each run's time (the scheduled workflow's start to close, from Temporal) and the history it
 * sits on, then run N against run 2: a run reads only its day, so its time should not grow with the history.
 * Servers of its own: the Temporal dev server on 47233, Neo4j on 47687; data under var/bench-schedule.
 *   npx ts-node --transpile-only bench/scheduledRuns.ts [--runs 30] [--lines 20000]
 */
import { appendFileSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { performance } from 'node:perf_hooks';
import { scheduleCommand, trigger } from '../cli/commands/schedule';
import { readEnv, type ForgeEnv } from '../infra/env';
import { neo4jUri, ROOT, startServers, stopService, temporalAddress, type ServiceLayout } from '../infra/services';
import { connectClient } from '../infra/temporal';
import { createForgeWorker } from '../infra/worker';
import { DefaultLogger, Runtime } from '@temporalio/worker';

const { values } = parseArgs({
  options: { runs: { type: 'string', default: '30' }, lines: { type: 'string', default: '20000' } },
});
const RUNS = Number(values.runs);
const LINES = Number(values.lines);
const LAYOUT: ServiceLayout = {
  varDir: join(ROOT, 'var', 'bench-schedule'),
  temporal: { port: 47233, uiPort: 48233 },
  neo4j: { port: 47687, heapMb: 512, pagecacheMb: 64 },
  llm: { port: 48080, threads: 2 },
};
const log = (l: string) => process.stderr.write(`[bench] ${l}\n`);
const EXAMPLE_LOG = readFileSync(join(ROOT, 'examples', 'moulding-line', 'events.log'), 'utf8')
  .split('\n')
  .filter((l) => /^\d{4}-\d\d-\d\d /.test(l));

/** A day of log lines: the example's lines over and over, dated `day` days after 2026-03-01. */
function dayOfLines(day: number): string {
  const date = new Date(Date.UTC(2026, 2, 1 + day)).toISOString().slice(0, 10);
  return Array.from({ length: LINES }, (_, i) => `${date}${EXAMPLE_LOG[i % EXAMPLE_LOG.length].slice(10)}\n`).join('');
}

async function main(): Promise<void> {
  Runtime.install({ logger: new DefaultLogger('WARN') });
  const started = await startServers(LAYOUT, log);
  const env: ForgeEnv = {
    ...readEnv({}),
    temporalAddress: temporalAddress(LAYOUT),
    neo4jUri: neo4jUri(LAYOUT),
    taskQueue: `forge-bench-${process.pid}`,
  };
  const fw = await createForgeWorker(env, {});
  const running = fw.worker.run();
  const name = `bench-${process.pid}`;
  const data = mkdtempSync(join(tmpdir(), 'forge-bench-schedule-data-'));
  const out = mkdtempSync(join(tmpdir(), 'forge-bench-schedule-out-'));
  const logFile = join(data, 'line.log');
  writeFileSync(logFile, '');
  const quiet = async (args: string[]) => {
    const write = process.stdout.write;
    process.stdout.write = (() => true) as typeof process.stdout.write;
    try {
      await scheduleCommand(args, env);
    } finally {
      process.stdout.write = write;
    }
  };
  await quiet(['create', name, '--every', '365d', '--input', logFile, '--out', out, '--queue', env.taskQueue]);
  const client = await connectClient(env);
  const times: number[] = [];
  try {
    console.log(`scheduled runs over a growing log: ${LINES} lines a day, ${RUNS} runs`);
    console.log('run\thistory (lines)\tread (lines)\tseconds (workflow)\tseconds (trigger to result)');
    for (let run = 1; run <= RUNS; run++) {
      appendFileSync(logFile, dayOfLines(run));
      const t0 = performance.now();
      const w = await trigger(client, name);
      const result = await w.result();
      const d = await w.describe();
      const seconds = (d.closeTime!.getTime() - d.startTime.getTime()) / 1000;
      times.push(seconds);
      const wall = (performance.now() - t0) / 1000;
      console.log(
        `${run}\t${run * LINES}\t${result.version?.counts.lines ?? 0}\t${seconds.toFixed(2)}\t${wall.toFixed(2)}`,
      );
    }
    if (RUNS >= 2)
      console.log(
        `run ${RUNS} / run 2: ${(times[RUNS - 1] / times[1]).toFixed(2)}x (${times[RUNS - 1]} s / ${times[1]} s)`,
      );
  } finally {
    await quiet(['delete', name]).catch(() => undefined);
    fw.worker.shutdown();
    await running;
    await fw.close();
    for (const s of started) await stopService(LAYOUT, s, log);
  }
}

main().catch((e) => {
  console.error(e);
  process.exitCode = 1;
});
