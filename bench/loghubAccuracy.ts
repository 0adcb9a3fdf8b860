/**
 * Template mining on the 16 Loghub-2k data sets: group accuracy (GA) and parsing accuracy (PA) against the
 * original and the two corrected ground truths, beside Drain's published GA. Prints a table.
 *   npx ts-node --transpile-only bench/loghubAccuracy.ts [--miner drain|forge] [DATASET...]
 */
import { readFileSync, existsSync } from 'node:fs';
import { join } from 'node:path';
import Papa from 'papaparse';
import { Drain, skeleton } from '../activities/parse/templates/drain';
import { STANDARD_MASKS } from '../activities/parse/templates/masks';
import { compileLogFormat, matchLogFormat } from '../activities/parse/templates/logFormat';
import { groupAccuracy, parsingAccuracy } from './lib/templateMetrics';
import { sharedDataset } from './lib/shared';

const ROOT = sharedDataset('loghub-2k');
// Drain's published GA on Loghub-2k (logparser README, exact figures)
const DRAIN_GA: Record<string, number> = {
  HDFS: 0.9975, Hadoop: 0.9475, Spark: 0.92, Zookeeper: 0.9665, OpenStack: 0.7325, BGL: 0.9625, HPC: 0.887, Thunderbird: 0.955,
  Windows: 0.997, Linux: 0.69, Mac: 0.7865, Android: 0.911, HealthApp: 0.78, Apache: 1.0, OpenSSH: 0.7875, Proxifier: 0.5265,
};
interface Setting { log_format: string; regex: string[]; st: number; depth: number }
const SETTINGS = (JSON.parse(readFileSync(join(ROOT, '_benchmarks', 'logparser_Drain_benchmark_settings.json'), 'utf8')) as { settings: Record<string, Setting> }).settings;

function groundTruth(file: string): { content: string[]; events: string[]; templates: string[] } | null {
  if (!existsSync(file)) return null;
  const rows = Papa.parse<Record<string, string>>(readFileSync(file, 'utf8'), { header: true, skipEmptyLines: true }).data;
  return { content: rows.map((r) => r.Content), events: rows.map((r) => r.EventId), templates: rows.map((r) => r.EventTemplate) };
}

/** `drain`: logparser's Drain with its published settings. `forge`: the same settings plus the standard masks and skeleton grouping. */
export function mine(name: string, lines: string[], miner: 'drain' | 'forge'): { groups: (number | string)[]; templates: string[] } {
  const s = SETTINGS[name];
  const format = compileLogFormat(s.log_format);
  const forge = miner === 'forge';
  const drain = new Drain({
    depth: s.depth, similarity: s.st, maxChildren: 100, numbersAreVariables: true, mergeSkeletons: forge, constantSimilarity: forge,
    masks: forge ? [...STANDARD_MASKS, ...s.regex] : s.regex,
  });
  const assigned = lines.map((l) => drain.add(matchLogFormat(format, l)?.Content ?? l).cluster);
  return {
    groups: assigned.map((c) => (forge ? skeleton(c.template) : c.id)),
    templates: assigned.map((c) => c.template.join(' ')),
  };
}

function main(): void {
  const args = process.argv.slice(2);
  const miner = args.includes('--miner') && args[args.indexOf('--miner') + 1] === 'drain' ? 'drain' : 'forge';
  const wanted = args.filter((a, i) => !a.startsWith('--') && args[i - 1] !== '--miner');
  console.log(`miner: ${miner}`);
  const names = Object.keys(DRAIN_GA).filter((n) => wanted.length === 0 || wanted.includes(n));
  const rows: string[][] = [['dataset', 'lines', 'groups', 'GA', 'Drain GA', 'GA khan22', 'GA jiang24', 'PA', 'PA khan22', 'PA jiang24', 'lines/s']];
  const sums = { ga: 0, drain: 0, beat: 0 };
  for (const name of names) {
    const raw = readFileSync(join(ROOT, name, `${name}_2k.log`), 'utf8').split(/\r?\n/).filter((l) => l.trim() !== '');
    const t0 = process.hrtime.bigint();
    const mined = mine(name, raw, miner);
    const secs = Number(process.hrtime.bigint() - t0) / 1e9;
    const truths = [
      groundTruth(join(ROOT, name, `${name}_2k.log_structured.csv`)),
      groundTruth(join(ROOT, name, 'corrected_logparser_khan2022', `${name}_2k.log_structured_corrected.csv`)),
      groundTruth(join(ROOT, name, 'corrected_loghub2.0_jiang2024', `${name}_2k.log_structured_corrected.csv`)),
    ];
    const ga = truths.map((t) => (t && t.events.length === mined.groups.length ? groupAccuracy(mined.groups, t.events) : NaN));
    const pa = truths.map((t) => (t && t.templates.length === mined.templates.length ? parsingAccuracy(mined.templates, t.templates) : NaN));
    sums.ga += ga[0];
    sums.drain += DRAIN_GA[name];
    if (ga[0] >= DRAIN_GA[name]) sums.beat++;
    const f = (x: number) => (Number.isNaN(x) ? '-' : x.toFixed(4));
    rows.push([name, String(raw.length), String(new Set(mined.groups).size), f(ga[0]), f(DRAIN_GA[name]), f(ga[1]), f(ga[2]), f(pa[0]), f(pa[1]), f(pa[2]), Math.round(raw.length / secs).toString()]);
  }
  const widths = rows[0].map((_, i) => Math.max(...rows.map((r) => r[i].length)));
  for (const r of rows) console.log(r.map((c, i) => c.padStart(widths[i])).join('  '));
  console.log(`mean GA ${(sums.ga / names.length).toFixed(4)} (Drain published ${(sums.drain / names.length).toFixed(4)}); GA >= Drain on ${sums.beat} of ${names.length} data sets`);
}

if (require.main === module) main();
