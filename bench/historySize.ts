/**
 * A run over 1,000,000 input lines stays well within Temporal's limits: the workflows pass file paths,
 * chunk numbers and small summaries, never records; a child workflow per source (and one for expansion)
 * fans out a bounded number of activities at once and continues as new every N chunks (batches). Generates
 * a wide CSV export of the demo line (--lines data rows), runs the whole pipeline on its own servers
 * (Temporal 37233, Neo4j 37687, data under var/bench) with an in-process worker, and prints the history
 * length and size of every run of every workflow beside Temporal's per-run limits (51,200 events, 50 MB).
 *   npx ts-node --transpile-only bench/historySize.ts [--lines 1000000] [--chunk-mb 8] [--continue-after N]
 */
import { createWriteStream, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { loadRunConfig } from '../activities/run/config';
import { startRun } from '../cli/runs';
import { readEnv } from '../infra/env';
import { neo4jUri, ROOT, startServers, stopService, temporalAddress, type ServiceLayout } from '../infra/services';
import { runHistories, scheduledActivities } from '../infra/runHistory';
import { connectClient } from '../infra/temporal';
import { createForgeWorker } from '../infra/worker';

const { values } = parseArgs({
  options: {
    lines: { type: 'string', default: '1000000' },
    'chunk-mb': { type: 'string', default: '8' },
    'continue-after': { type: 'string' },
  },
});
const LAYOUT: ServiceLayout = {
  varDir: join(ROOT, 'var', 'bench'),
  temporal: { port: 37233, uiPort: 38233 },
  neo4j: { port: 37687, heapMb: 512, pagecacheMb: 64 },
  llm: { port: 38080, threads: 2 },
};
const log = (l: string) => process.stderr.write(`[bench] ${l}\n`);

/** The demo line's export, `n` rows at 1 s: melt temperature drifts above its window now and then, with burn marks. */
async function writeSensors(path: string, n: number): Promise<void> {
  const out = createWriteStream(path);
  const write = (s: string) =>
    out.write(s) ? Promise.resolve() : new Promise<void>((r) => out.once('drain', () => r()));
  await write(
    'timestamp,machine,melt_temp (degC),mold_temp (degC),injection_pressure (bar),hold_pressure ' +
      '(bar),cycle_time (s),quality,defect\n',
  );
  let seed = 7;
  const rnd = () => (seed = (seed * 1103515245 + 12345) % 2147483648) / 2147483648;
  const t0 = Date.UTC(2026, 2, 2);
  let buf = '';
  for (let i = 0; i < n; i++) {
    const hot = i % 5000 > 4800;
    const melt = hot ? 251 + 4 * rnd() : 232 + 10 * rnd();
    const bad = rnd() < (hot ? 0.4 : 0.02);
    buf +=
      `${new Date(t0 + i * 1000).toISOString()},IMM-01,${melt.toFixed(1)},${(42 + 6 * rnd()).toFixed(1)},` +
      `${(930 + 40 * rnd()).toFixed(0)},${(460 + 40 * rnd()).toFixed(0)},${(29 + 2 * rnd()).toFixed(2)},` +
      `${bad ? 'NG' : 'OK'},${bad && hot ? 'burn_marks' : ''}\n`;
    if (buf.length > 1 << 20) {
      await write(buf);
      buf = '';
    }
  }
  await write(buf);
  await new Promise<void>((r) => out.end(() => r()));
}

async function main(): Promise<void> {
  const n = Number(values.lines);
  const dir = mkdtempSync(join(tmpdir(), 'forge-history-'));
  const sensors = join(dir, 'sensors.csv');
  await writeSensors(sensors, n);
  const started = await startServers(LAYOUT, log);
  const env = readEnv({
    TEMPORAL_ADDRESS: temporalAddress(LAYOUT),
    NEO4J_URI: neo4jUri(LAYOUT),
    FORGE_TASK_QUEUE: `forge-history-${process.pid}`,
  });
  const fw = await createForgeWorker(env);
  try {
    const client = await connectClient(env);
    const base = await loadRunConfig(join(ROOT, 'examples', 'moulding-line', 'forge.config.json'), []);
    const continueAsNewAfter = values['continue-after']
      ? Number(values['continue-after'])
      : base.parse.continueAsNewAfter;
    const config = {
      ...base,
      parse: { ...base.parse, chunkBytes: Number(values['chunk-mb']) * 1024 * 1024, continueAsNewAfter },
    };
    const t0 = Date.now();
    const result = await fw.worker.runUntil(async () =>
      (await startRun(client, env, { inputs: [sensors], outDir: join(dir, 'out'), config }))
        .result()
        .then(async (r) => ({ r, handle: client.workflow.getHandle(`forge-${r.runId}`) })),
    );
    const secs = (Date.now() - t0) / 1000;
    const histories = await runHistories(client, result.handle);
    const byType: Record<string, number> = {};
    for (const a of scheduledActivities(histories)) byType[a.type] = (byType[a.type] ?? 0) + 1;
    const largest = histories.reduce((a, h) => (h.events.length > a.events.length ? h : a));
    const total = histories.reduce((a, h) => a + h.events.length, 0);
    console.log(
      `run over ${result.r.counts.lines} input ` +
        `lines (${((n * 95) / 1e6).toFixed(0)} MB CSV, ${values['chunk-mb']} MiB chunks, continue-as-new ` +
        `every ${config.parse.continueAsNewAfter} chunks / ${config.expand.continueAsNewAfter} batches) ` +
        `in ${secs.toFixed(0)} s: ${result.r.counts.records} records, ${result.r.counts.facts} facts, ` +
        `${result.r.counts.docs_written} documents`,
    );
    console.log(`histories (Temporal's limits per run: 51,200 events, warning at 10,240; 50 MB):`);
    for (const h of histories)
      console.log(
        `  ${h.type.padEnd(16)} ${h.workflowId} run ${h.runId.slice(0, 8)}: ${h.events.length} events, ` +
          `${(h.sizeBytes / 1024).toFixed(0)} KiB`,
      );
    console.log(
      `largest: ${largest.events.length} events (${largest.type}); all ${histories.length} runs ` +
        `together: ${total} events`,
    );
    console.log(
      `activities: ${Object.entries(byType)
        .map(([k, v]) => `${k} ${v}`)
        .join(', ')}`,
    );
  } finally {
    await fw.close();
    for (const s of started) await stopService(LAYOUT, s, log);
  }
}

main().then(
  () => process.exit(0),
  (e) => {
    console.error(e);
    process.exit(1);
  },
);
