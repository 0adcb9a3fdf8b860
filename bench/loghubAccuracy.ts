/**
 * Loghub-2k through the product path: for each log, what `forge parse --format text --header FMT` runs
 * (scanSource, then parseChunkToFiles per chunk, default settings, only logparser's header format), read
 * back from the record files. Prints per log: lines quarantined, lines without a readable time, the time
 * format detected, GA and PA against the original and the two corrected ground truths, Drain's published
 * GA, and - labelled "tuned", beside - the same miner given Drain's per-log masks, similarity and depth.
 *   npx ts-node --transpile-only bench/loghubAccuracy.ts [DATASET...]
 */
import { readFileSync, existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Papa from 'papaparse';
import { parseChunkToFiles } from '../activities/parse/parseChunk';
import { scanSource } from '../activities/parse/scanSource';
import { SourceSpec } from '../activities/parse/sourceSpec';
import { DEFAULT_PII_OPTIONS } from '../activities/parse/pii';
import { Drain, skeleton } from '../activities/parse/templates/drain';
import { STANDARD_MASKS } from '../activities/parse/templates/masks';
import { compileLogFormat, matchLogFormat } from '../activities/parse/templates/logFormat';
import { RunConfig } from '../activities/run/config';
import { groupAccuracy, parsingAccuracy } from './lib/templateMetrics';
import { sharedDataset } from './lib/shared';

const ROOT = sharedDataset('loghub-2k');
// Drain's published GA on Loghub-2k (logparser README, exact figures)
const DRAIN_GA: Record<string, number> = {
  HDFS: 0.9975,
  Hadoop: 0.9475,
  Spark: 0.92,
  Zookeeper: 0.9665,
  OpenStack: 0.7325,
  BGL: 0.9625,
  HPC: 0.887,
  Thunderbird: 0.955,
  Windows: 0.997,
  Linux: 0.69,
  Mac: 0.7865,
  Android: 0.911,
  HealthApp: 0.78,
  Apache: 1.0,
  OpenSSH: 0.7875,
  Proxifier: 0.5265,
};
interface Setting {
  log_format: string;
  regex: string[];
  st: number;
  depth: number;
}
const SETTINGS = (
  JSON.parse(readFileSync(join(ROOT, '_benchmarks', 'logparser_Drain_benchmark_settings.json'), 'utf8')) as {
    settings: Record<string, Setting>;
  }
).settings;

function groundTruth(file: string): { events: string[]; templates: string[] } | null {
  if (!existsSync(file)) return null;
  const rows = Papa.parse<Record<string, string>>(readFileSync(file, 'utf8'), {
    header: true,
    skipEmptyLines: true,
  }).data;
  return { events: rows.map((r) => r.EventId), templates: rows.map((r) => r.EventTemplate) };
}

/** The product path: what `forge parse --format text --header FMT` does, records read back from its files. */
export async function productPath(name: string, outDir: string, miner: Record<string, unknown> = {}) {
  const path = join(ROOT, name, `${name}_2k.log`);
  const spec = SourceSpec.parse({ format: 'text', text: { header: SETTINGS[name].log_format, miner } });
  const opts = { source: `${name}_2k.log`, timezone: 'Z', pii: DEFAULT_PII_OPTIONS };
  const t0 = process.hrtime.bigint();
  const model = await scanSource(path, spec, { ...opts, chunkBytes: RunConfig.parse({}).parse.chunkBytes });
  const counts = { lines: 0, quarantined: 0, untimed: 0 };
  for (const chunk of model.chunks) {
    const c = await parseChunkToFiles({ model, chunk, outDir, opts });
    counts.lines += c.counts.lines;
    counts.quarantined += c.counts.quarantined;
    counts.untimed += c.counts.untimed;
  }
  const secs = Number(process.hrtime.bigint() - t0) / 1e9;
  const byLine = new Map<number, { group: string; template: string }>();
  for (const f of readdirSync(join(outDir, 'records'))) {
    for (const l of readFileSync(join(outDir, 'records', f), 'utf8').split('\n')) {
      if (!l) continue;
      const r = JSON.parse(l) as { line: number; template_id: string; template: string };
      byLine.set(r.line, { group: r.template_id, template: r.template });
    }
  }
  return { counts, secs, byLine, time: model.time };
}

/** Tuned, for comparison only: the miner given Drain's per-log masks, similarity and depth. */
function tuned(name: string, lines: string[]): { groups: string[]; templates: string[] } {
  const s = SETTINGS[name];
  const format = compileLogFormat(s.log_format);
  const drain = new Drain({
    depth: s.depth,
    similarity: s.st,
    maxChildren: 100,
    numbersAreVariables: true,
    constantSimilarity: true,
    masks: [...STANDARD_MASKS, ...s.regex],
  });
  const assigned = lines.map((l) => drain.add(matchLogFormat(format, l)?.Content ?? l).cluster);
  return { groups: assigned.map((c) => skeleton(c.template)), templates: assigned.map((c) => c.template.join(' ')) };
}

async function main(): Promise<void> {
  const wanted = process.argv.slice(2).filter((a) => !a.startsWith('--'));
  const names = Object.keys(DRAIN_GA).filter((n) => wanted.length === 0 || wanted.includes(n));
  const rows: string[][] = [
    [
      'dataset',
      'quarantined',
      'untimed',
      'time format',
      'GA',
      'Drain GA',
      'GA khan22',
      'GA jiang24',
      'PA',
      'PA jiang24',
      'lines/s',
      'tuned GA',
    ],
  ];
  const sums = { ga: 0, drain: 0, beat: 0, tuned: 0 };
  for (const name of names) {
    const out = mkdtempSync(join(tmpdir(), 'loghub-'));
    try {
      const p = await productPath(name, out);
      const truths = [
        groundTruth(join(ROOT, name, `${name}_2k.log_structured.csv`)),
        groundTruth(join(ROOT, name, 'corrected_logparser_khan2022', `${name}_2k.log_structured_corrected.csv`)),
        groundTruth(join(ROOT, name, 'corrected_loghub2.0_jiang2024', `${name}_2k.log_structured_corrected.csv`)),
      ];
      const n = truths[0]!.events.length;
      const groups = Array.from({ length: n }, (_, i) => p.byLine.get(i + 1)?.group ?? `missing-${i + 1}`);
      const templates = Array.from({ length: n }, (_, i) => p.byLine.get(i + 1)?.template ?? '');
      const ga = truths.map((t) => (t && t.events.length === n ? groupAccuracy(groups, t.events) : NaN));
      const pa = truths.map((t) => (t && t.templates.length === n ? parsingAccuracy(templates, t.templates) : NaN));
      const raw = readFileSync(join(ROOT, name, `${name}_2k.log`), 'utf8')
        .split(/\r?\n/)
        .filter((l) => l.trim() !== '');
      const tg = groupAccuracy(tuned(name, raw).groups, truths[0]!.events);
      sums.ga += ga[0];
      sums.drain += DRAIN_GA[name];
      sums.tuned += tg;
      if (ga[0] >= DRAIN_GA[name]) sums.beat++;
      const f = (x: number) => (Number.isNaN(x) ? '-' : x.toFixed(4));
      rows.push([
        name,
        String(p.counts.quarantined),
        String(p.counts.untimed),
        p.time ? `${p.time.fields.join('+')}: ${p.time.format}` : '-',
        f(ga[0]),
        f(DRAIN_GA[name]),
        f(ga[1]),
        f(ga[2]),
        f(pa[0]),
        f(pa[2]),
        String(Math.round(p.counts.lines / p.secs)),
        f(tg),
      ]);
    } finally {
      rmSync(out, { recursive: true, force: true });
    }
  }
  const widths = rows[0].map((_, i) => Math.max(...rows.map((r) => r[i].length)));
  for (const r of rows) console.log(r.map((c, i) => c.padStart(widths[i])).join('  '));
  console.log(
    `product path (forge parse, header format only): mean GA ${(sums.ga / names.length).toFixed(4)} (Drain ` +
      `published ${(sums.drain / names.length).toFixed(4)}); GA >= Drain on ${sums.beat} of ${names.length}`,
  );
  console.log(
    `tuned (Drain's per-log masks, st, depth; not what a user runs): mean GA ${(sums.tuned / names.length).toFixed(4)}`,
  );
}

if (require.main === module)
  main().catch((e) => {
    console.error(e);
    process.exit(1);
  });
