/**
 * Stage-one speed and memory. Prints:
 *  1. template mining, lines/s on one core, on the messages of all 16 Loghub-2k data sets (repeated),
 *     and drain3 (Python) on the same messages when it can be installed (pip, into .tools/python);
 *  2. stage one end to end (`forge parse`: scan + chunks, PII, templates, JSON output) on a text log;
 *  3. CSV time series, MB/s by wall clock and per CPU-second: `forge parse` end to end, then the chunk pass
 *     (CSV -> sample records, the 50 MB/s-per-core goal) and segmentation each alone;
 *  4. peak RSS of `forge parse` for inputs from 10 MB up to --max-mb (default 2048), in a child process.
 *   npx ts-node --transpile-only bench/parseThroughput.ts [--max-mb N] [--skip-rss] [--skip-drain3]
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { createWriteStream, mkdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { once } from 'node:events';
import { Drain } from '../activities/parse/templates/drain';
import { compileLogFormat, matchLogFormat } from '../activities/parse/templates/logFormat';
import { drainOptions, MinerSettings } from '../activities/parse/templates/templateModel';
import { sharedDataset } from './lib/shared';
import { describeInput } from '../activities/parse/parseFile';
import { parseChunkToFiles } from '../activities/parse/parseChunk';
import { DEFAULT_PII_OPTIONS } from '../activities/parse/pii';
import { scanSource } from '../activities/parse/scanSource';
import { segmentRecordFiles } from '../activities/parse/series/segmentFiles';
import { DEFAULT_SERIES_OPTIONS } from '../activities/parse/series/segmentSeries';

const ROOT = join(__dirname, '..');
const LOGHUB = sharedDataset('loghub-2k');
const WORK = join(tmpdir(), 'forge-bench');
const args = process.argv.slice(2);
const maxMb = args.includes('--max-mb') ? Number(args[args.indexOf('--max-mb') + 1]) : 2048;
const secs = (t0: bigint) => Number(process.hrtime.bigint() - t0) / 1e9;

function loghubMessages(): string[] {
  const settings = JSON.parse(
    readFileSync(join(LOGHUB, '_benchmarks', 'logparser_Drain_benchmark_settings.json'), 'utf8'),
  ).settings as Record<string, { log_format: string }>;
  const out: string[] = [];
  for (const [name, s] of Object.entries(settings)) {
    const format = compileLogFormat(s.log_format);
    for (const l of readFileSync(join(LOGHUB, name, `${name}_2k.log`), 'utf8').split(/\r?\n/))
      if (l.trim()) out.push(matchLogFormat(format, l)?.Content ?? l);
  }
  return out;
}

function benchMining(messages: string[]): number {
  const all = Array.from({ length: 20 }, () => messages).flat();
  const drain = new Drain(drainOptions(MinerSettings.parse({})));
  for (const m of messages) drain.add(m); // warm-up on one copy (JIT), then a fresh miner
  const fresh = new Drain(drainOptions(MinerSettings.parse({})));
  const t0 = process.hrtime.bigint();
  for (const m of all) fresh.add(m);
  const rate = all.length / secs(t0);
  console.log(
    `template mining: ${all.length} messages, ${fresh.clusters.length} clusters, ${Math.round(rate)} lines/s ` +
      `(one core)`,
  );
  return rate;
}

function benchDrain3(messages: string[], ours: number): void {
  const py = join(ROOT, '.tools', 'python');
  const env = { ...process.env, PYTHONPATH: py };
  const has = () => spawnSync('python3', ['-c', 'import drain3'], { env }).status === 0;
  if (!has())
    spawnSync('python3', ['-m', 'pip', 'install', '--quiet', '--target', py, 'drain3==0.9.11'], { stdio: 'ignore' });
  if (!has()) {
    console.log('drain3: not installed (pip install drain3 failed); no peer figure');
    return;
  }
  mkdirSync(WORK, { recursive: true });
  const file = join(WORK, 'messages.txt');
  writeFileSync(
    file,
    Array.from({ length: 5 }, () => messages)
      .flat()
      .join('\n') + '\n',
  );
  const script = `
import sys, time, logging
logging.disable(logging.CRITICAL)
from drain3 import TemplateMiner
from drain3.template_miner_config import TemplateMinerConfig
cfg = TemplateMinerConfig(); cfg.profiling_enabled = False
m = TemplateMiner(config=cfg)
lines = open(sys.argv[1]).read().split('\\n')[:-1]
t = time.perf_counter()
for l in lines: m.add_log_message(l)
print(len(lines) / (time.perf_counter() - t))`;
  const rate = Number(execFileSync('python3', ['-c', script, file], { env, encoding: 'utf8' }).trim());
  console.log(
    `drain3 0.9.11 (Python) on the same messages: ${Math.round(rate)} lines/s; Forge / ` +
      `drain3 = ${(ours / rate).toFixed(1)}x`,
  );
}

/** Write a file of about `mb` megabytes by repeating `lines(i)` - streamed, never held whole. */
async function writeSized(path: string, mb: number, header: string | null, line: (i: number) => string): Promise<void> {
  const out = createWriteStream(path);
  if (header) out.write(header + '\n');
  let bytes = 0;
  for (let i = 0; bytes < mb * 1024 * 1024; i++) {
    const l = line(i) + '\n';
    bytes += Buffer.byteLength(l);
    if (!out.write(l)) await once(out, 'drain');
  }
  out.end();
  await once(out, 'finish');
}

const EVENTS = readFileSync(join(ROOT, 'examples', 'moulding-line', 'events.log'), 'utf8')
  .split('\n')
  .filter((l) => /^\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2} /.test(l));
const eventLine = (i: number) =>
  EVENTS[i % EVENTS.length].replace(/(\d+\.\d) degC/, (_m, v) => `${(Number(v) + (i % 7) / 10).toFixed(1)} degC`);
const SENSOR_HEADER =
  'timestamp,machine,melt_temp (degC),mold_temp (degC),injection_pressure (bar),hold_pressure (bar),cycle_time ' +
  '(s),quality,defect,operator';
const sensorLine = (i: number) => {
  const t = new Date(Date.UTC(2026, 0, 1) + i * 1000).toISOString().replace('.000Z', '+00:00');
  return (
    `${t},IMM-0${(i % 4) + 1},${(236 + (i % 17) / 3).toFixed(1)},${(45 + (i % 5)).toFixed(1)},` +
    `${950 + (i % 40)},${480 + (i % 25)},${(30 + (i % 9) / 10).toFixed(2)},${i % 31 ? 'OK' : 'NG'},` +
    `${i % 31 ? '' : 'flash'},Zhang Wei (E10234)`
  );
};

/** Run `forge parse` on a file in a child process: wall time, CPU time (user + system, all threads) and peak RSS. */
function forgeParse(file: string, extra: string[] = []): { secs: number; cpuSecs: number; rssMb: number } {
  const out = join(WORK, 'out');
  rmSync(out, { recursive: true, force: true });
  const t0 = process.hrtime.bigint();
  const res = spawnSync(
    '/usr/bin/time',
    [
      '-f',
      '%M %U %S',
      process.execPath,
      join(ROOT, 'cli', 'bin.js'),
      'parse',
      '--source',
      file,
      '--out',
      out,
      ...extra,
    ],
    { encoding: 'utf8' },
  );
  const s = secs(t0);
  if (res.status !== 0) throw new Error(`forge parse failed: ${res.stderr}`);
  const [rssKb, user, sys] = res.stderr.trim().split('\n').pop()!.split(' ').map(Number);
  rmSync(out, { recursive: true, force: true });
  return { secs: s, cpuSecs: user + sys, rssMb: rssKb / 1024 };
}

/**
 * The two passes of a CSV source, each alone, in this process (no start-up): CSV -> sample batches (the
 * chunk pass: read, Papa Parse, times, numbers, masks, JSON lines written) and segmentation (record files
 * read back, validated, segmented). MB of CSV per second by wall clock and per CPU-second, per round.
 */
async function csvPasses(
  file: string,
  rounds: number,
): Promise<{ parse: { wall: number; cpu: number }[]; segment: { wall: number; cpu: number }[] }> {
  const ref = await describeInput(file);
  const opts = { source: ref.name, timezone: 'Z', pii: DEFAULT_PII_OPTIONS };
  const model = await scanSource(ref.path, ref.spec, { ...opts, chunkBytes: 8 << 20 });
  const out = join(WORK, 'parse-only');
  const mb = ref.bytes / 1048576;
  const timed = async (f: () => Promise<unknown>) => {
    const t0 = process.hrtime.bigint();
    const c0 = process.cpuUsage();
    await f();
    const cpu = process.cpuUsage(c0);
    return { wall: mb / secs(t0), cpu: mb / ((cpu.user + cpu.system) / 1e6) };
  };
  const result = { parse: [] as { wall: number; cpu: number }[], segment: [] as { wall: number; cpu: number }[] };
  for (let r = 0; r < rounds; r++) {
    const files: string[] = [];
    result.parse.push(
      await timed(async () => {
        for (const chunk of model.chunks)
          files.push((await parseChunkToFiles({ model, chunk, outDir: out, opts })).recordsPath);
      }),
    );
    result.segment.push(
      await timed(() => segmentRecordFiles(files, join(out, 'series.jsonl'), DEFAULT_SERIES_OPTIONS)),
    );
    rmSync(out, { recursive: true, force: true });
  }
  return result;
}

async function main(): Promise<void> {
  mkdirSync(WORK, { recursive: true });
  const messages = loghubMessages();
  const rate = benchMining(messages);
  if (!args.includes('--skip-drain3')) benchDrain3(messages, rate);

  const log = join(WORK, 'events-100mb.log');
  await writeSized(log, 100, null, eventLine);
  const lines = readFileSync(log, 'utf8').split('\n').length - 1;
  const p = forgeParse(log);
  console.log(
    `stage one, text log 100 ` +
      `MB (${lines} lines): ${Math.round(lines / p.secs)} lines/s, ${(100 / p.secs).toFixed(1)} MB/s, peak ` +
      `RSS ${Math.round(p.rssMb)} MB (forge parse, one process, wall time incl. start-up)`,
  );

  const csv = join(WORK, 'sensors-200mb.csv');
  await writeSized(csv, 200, SENSOR_HEADER, sensorLine);
  const c = forgeParse(csv);
  console.log(
    `stage one, CSV series 200 MB (parse + segmentation): ${(200 / c.secs).toFixed(1)} MB/s ` +
      `wall, ${(200 / c.cpuSecs).toFixed(1)} MB per CPU-second (all threads), peak RSS ${Math.round(c.rssMb)} MB`,
  );
  const passes = await csvPasses(csv, 3);
  const figures = (xs: { wall: number; cpu: number }[]) =>
    `${xs.map((x) => x.wall.toFixed(1)).join(' / ')} MB/s ` +
    `wall, ${xs.map((x) => x.cpu.toFixed(1)).join(' / ')} MB per CPU-second`;
  console.log(`  CSV -> sample records alone, one core (in process, no start-up; 3 rounds): ${figures(passes.parse)}`);
  console.log(`  segmentation alone (record files read back and validated; 3 rounds): ${figures(passes.segment)}`);
  rmSync(log, { force: true });
  rmSync(csv, { force: true });

  if (!args.includes('--skip-rss')) {
    console.log('peak RSS of forge parse by input size (CSV series):');
    for (const mb of [10, 100, 500, 1024, 2048].filter((m) => m <= maxMb)) {
      const f = join(WORK, `sensors-${mb}.csv`);
      await writeSized(f, mb, SENSOR_HEADER, sensorLine);
      const r = forgeParse(f);
      console.log(
        `  ${String(mb).padStart(5)} MB: ${Math.round(r.rssMb)} MB RSS, ${r.secs.toFixed(1)} s (` +
          `${(mb / r.secs).toFixed(1)} MB/s), ${statSync(f).size} bytes`,
      );
      rmSync(f, { force: true });
    }
  }
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
