/**
 * Change detection on the Tennessee Eastman process (../shared/datasets/tep): the test files hold 960
 * samples (3 min apart); in d01_te / d02_te faults 1 and 2 start after sample 160. Parses each file through
 * stage one (whitespace table, index time) and segments every variable. Beside it, PCA Hotelling T² trained
 * on the normal training file d00.dat (bench/lib/pcaT2.ts). Prints false events per hour on the normal
 * d00_te, and for d01_te / d02_te the alarms after the onset (beyond normal's rate or not), the first of them, its
 * delay, how often normal data alarms
 * that early (a detection only when rarer than 5 %), and the alarms before the onset.  npx ts-node --transpile-only
 * bench/tepDetection.ts [--k 1] [--h 12] [--baseline 30]
 */
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { parseSourceText } from '../activities/parse/parseFile';
import { DEFAULT_PII_OPTIONS } from '../activities/parse/pii';
import { SourceWatch, type UnitWatch } from '../activities/parse/series/segmentFiles';
import type { UnitAnomaly } from '../activities/parse/series/unitMonitor';
import { DEFAULT_SERIES_OPTIONS, type SeriesEvent, type SeriesOptions } from '../activities/parse/series/segmentSeries';
import { SourceSpec } from '../activities/parse/sourceSpec';
import { calibrateOnReference } from '../activities/parse/series/calibrate';
import type { ReferenceReport } from '../activities/parse/series/referenceReport';
import { fitReference } from '../activities/parse/series/segmentSource';
import type { SampleBatch } from '../activities/parse/records';
import { sharedDataset } from './lib/shared';
import { hotellingT2, type PcaModel, spe, trainPca } from './lib/pcaT2';

export const ONSET = 160; // the fault is introduced after sample 160
const UNITS = [
  'kscmh',
  'kg/h',
  'kg/h',
  'kscmh',
  'kscmh',
  'kscmh',
  'kPa',
  '%',
  'Cel',
  'kscmh',
  'Cel',
  '%',
  'kPa',
  'm3/h',
  '%',
  'kPa',
  'm3/h',
  'Cel',
  'kg/h',
  'kW',
  'Cel',
  'Cel',
  ...Array(19).fill('mol%'),
  ...Array(11).fill('%'),
];
const COLUMNS = [
  ...Array.from({ length: 41 }, (_, i) => `XMEAS_${i + 1}`),
  ...Array.from({ length: 11 }, (_, i) => `XMV_${i + 1}`),
];

export const TEP_SPEC = SourceSpec.parse({
  format: 'csv',
  csv: {
    delimiter: 'whitespace',
    headerRow: false,
    columns: COLUMNS,
    timeFormat: 'index',
    start: '2026-01-01T00:00:00Z',
    intervalSeconds: 180,
    assetValue: 'TEP',
    tags: Object.fromEntries(COLUMNS.map((c, i) => [c, { unit: UNITS[i] }])),
  },
});

/** Parse and segment one TEP file (a path: the shared data set's, or the excerpts under test/fixtures/data/tep). */
export async function detect(
  path: string,
  opts: SeriesOptions,
  spec: SourceSpec = TEP_SPEC,
): Promise<{
  events: SeriesEvent[];
  anomalies: UnitAnomaly[];
  samples: number;
  reference: ReferenceReport | null;
  monitors: Map<string, UnitWatch>;
}> {
  const parsed = await parseSourceText(spec, readFileSync(path, 'utf8'), {
    source: basename(path),
    timezone: 'Z',
    pii: DEFAULT_PII_OPTIONS,
  });
  const events: SeriesEvent[] = [];
  const anomalies: UnitAnomaly[] = [];
  // as `forge parse` and the workflow do: a source's reference of normal operation calibrates each tag and unit first,
  // for the units it describes
  const samples = parsed.records.filter((r): r is SampleBatch => r.kind === 'samples');
  const { shiftFloor, units, reference } = await fitReference(await calibrateOnReference(spec, opts, basename(path)), [
    samples,
  ]);
  const watch = new SourceWatch(
    { ...opts, shiftFloor },
    (e) => (e.kind === 'anomaly' ? anomalies.push(e) : events.push(e)),
    units,
  );
  for (const r of samples) watch.push(r);
  watch.finish();
  anomalies.sort((x, y) => x.detected_line - y.detected_line); // episodes are emitted as they end
  return { events, anomalies, samples: parsed.lines - parsed.quarantine.length, reference, monitors: watch.watching };
}

/**
 * Sample numbers (1-based, = data line) at which an alarm starts: Forge's change events and anomaly episodes, or runs
 * of T² over its limit.
 */
export type Alarms = number[];
/** The alarms' starts, and the rows in alarm: Forge's episodes from onset to end and its changes, T²'s rows over. */
export interface Alarmed {
  starts: Alarms;
  rows: Alarms;
}

/** Forge's alarms: each change's detection and each anomaly episode start; in alarm, those rows and every episode's. */
export function forgeAlarms(d: Pick<Awaited<ReturnType<typeof detect>>, 'events' | 'anomalies'>): Alarmed {
  const changes = d.events.flatMap((e) => (e.kind === 'change' ? [e.detected_line] : []));
  const starts = [...changes, ...d.anomalies.map((x) => x.detected_line)].sort((x, y) => x - y);
  const inAlarm = new Set(changes);
  for (const a of d.anomalies) for (let l = a.onset_line; l <= a.end_line; l++) inAlarm.add(l);
  return { starts, rows: [...inAlarm].sort((x, y) => x - y) };
}

/**
 * Alarm volume: the alarms after the onset, and whether that many are beyond normal operation's rate (the chance of
 * at least that many in as many samples, Poisson at the rate of d00_te, under 5 %).
 */
export function volume(normal: Alarms, samples: number, after: number): { n: number; p: number } {
  return { n: after, p: atLeast((normal.length / samples) * (samples - ONSET), after) };
}

/** The chance of at least `n` events where `mean` are expected (Poisson). */
export function atLeast(mean: number, n: number): number {
  let term = Math.exp(-mean),
    below = 0;
  for (let k = 0; k < n; k++) {
    below += term;
    term *= mean / (k + 1);
  }
  return Math.max(0, 1 - below);
}

/**
 * How often normal data raises an alarm within `span` samples of a random start: the chance of a detection that early.
 */
function chanceWithin(normal: Alarms, samples: number, span: number): number {
  let hit = 0,
    starts = 0;
  for (let s = 1; s + span <= samples; s++, starts++) if (normal.some((a) => a >= s && a < s + span)) hit++;
  return starts ? hit / starts : 1;
}

/** Runs of PCA T² or Q over its limit: the sample each run starts at, and every sample over. */
export function pcaAlarms(model: PcaModel, rows: readonly number[][], withQ: boolean): Alarmed {
  const out: Alarmed = { starts: [], rows: [] };
  let over = false;
  rows.forEach((r, i) => {
    const now = hotellingT2(model, r) > model.limit || (withQ && spe(model, r) > model.limitQ);
    if (now && !over) out.starts.push(i + 1);
    if (now) out.rows.push(i + 1);
    over = now;
  });
  return out;
}

/**
 * A TEP alarm-volume bench's settings from its arguments: `--rate` (series.falseEventsPerWeek) and `--reference`
 * (Forge given the file `reference()` names as its csv.reference; written only when asked for).
 */
export function benchSettings(
  a: readonly string[],
  reference: () => string,
): { rate: number; opts: SeriesOptions; withReference: boolean; spec: SourceSpec } {
  const rate = a.includes('--rate') ? Number(a[a.indexOf('--rate') + 1]) : DEFAULT_SERIES_OPTIONS.falseEventsPerWeek;
  const withReference = a.includes('--reference');
  const spec = withReference
    ? SourceSpec.parse({ ...TEP_SPEC, csv: { ...TEP_SPEC.csv, reference: reference() } })
    : TEP_SPEC;
  return { rate, opts: { ...DEFAULT_SERIES_OPTIONS, falseEventsPerWeek: rate }, withReference, spec };
}

export const table = (path: string) =>
  readFileSync(path, 'utf8')
    .trim()
    .split('\n')
    .map((l) => l.trim().split(/\s+/).map(Number));

/** A reference of normal operation in the files' layout (whitespace table, one row per sample). */
export function writeReference(rows: readonly number[][], name: string): string {
  const path = join(mkdtempSync(join(tmpdir(), 'forge-tep-')), name);
  writeFileSync(path, rows.map((r) => r.join('  ')).join('\n') + '\n');
  return path;
}

async function main(): Promise<void> {
  const a = process.argv.slice(2);
  const num = (k: string, d: number) => (a.includes(k) ? Number(a[a.indexOf(k) + 1]) : d);
  const opts = {
    ...DEFAULT_SERIES_OPTIONS,
    k: num('--k', DEFAULT_SERIES_OPTIONS.k),
    h: num('--h', DEFAULT_SERIES_OPTIONS.h),
    baseline: num('--baseline', DEFAULT_SERIES_OPTIONS.baseline),
    rebaseline: num('--rebaseline', DEFAULT_SERIES_OPTIONS.rebaseline),
    minShift: num('--min-shift', DEFAULT_SERIES_OPTIONS.minShift),
  };
  const dir = sharedDataset('tep');
  // d00.dat (normal operation, 25 h) is stored transposed: 52 x 500
  const stored = table(join(dir, 'd00.dat'));
  const training = stored[0].map((_, i) => stored.map((r) => r[i]));
  const samples = 960,
    hours = (samples * 3) / 60;
  const files = ['d00_te.dat', 'd01_te.dat', 'd02_te.dat'];
  /**
   * The settings a user meets: no reference; the normal training file as the reference; each file's own start
   * (its first ONSET samples, 8 h, before any fault) as its reference; and a reference from another operating
   * point (the training file with every variable x 4). In each, Forge's events (changes and unit anomalies)
   * beside PCA T² and T²+Q trained on the same reference rows (on the training file when Forge has none).
   */
  const settings: { name: string; reference: (file: string) => number[][] | null }[] = [
    { name: 'defaults (no reference)', reference: () => null },
    { name: 'reference d00.dat (25 h)', reference: () => training },
    { name: "reference: the file's first 160 samples (8 h)", reference: (f) => table(join(dir, f)).slice(0, ONSET) },
    {
      name: 'reference at another operating point (d00.dat x 4)',
      reference: () => training.map((r) => r.map((v) => 4 * v)),
    },
  ];
  console.log(
    `Forge: stage one's segmentation (CUSUM k=${opts.k} h=${opts.h}, min shift ${opts.minShift} sd, baseline ` +
      `${opts.baseline} samples) on each variable and, with a reference that describes the data, the unit monitor; ` +
      `PCA T² / T²+Q: the components of 90 % of the variance of the reference, limits its 99th percentiles; 52 ` +
      'variables, 3 min per sample; normal data d00_te (48 h), faults 1 and 2 after sample 160 of d01_te / d02_te',
  );
  for (const setting of settings) {
    const refs = new Map(files.map((f) => [f, setting.reference(f)]));
    const forge = async (file: string) => {
      const rows = refs.get(file);
      const spec = rows
        ? SourceSpec.parse({ ...TEP_SPEC, csv: { ...TEP_SPEC.csv, reference: writeReference(rows, `ref-${file}`) } })
        : TEP_SPEC;
      const d = await detect(join(dir, file), opts, spec);
      return { alarms: forgeAlarms(d), reference: d.reference, monitors: d.monitors };
    };
    const peer = (withQ: boolean) => (file: string) =>
      pcaAlarms(trainPca(refs.get(file) ?? training), table(join(dir, file)), withQ);
    const methods: { name: string; alarms: (file: string) => Promise<Alarmed> }[] = [
      { name: 'Forge', alarms: async (f) => (await forge(f)).alarms },
      { name: 'PCA T²', alarms: async (f) => peer(false)(f) },
      { name: 'PCA T²+Q', alarms: async (f) => peer(true)(f) },
    ];
    const probe = await forge('d01_te.dat');
    const fit = probe.reference;
    console.log(`\n${setting.name}${fit ? ` - Forge: ${fit.summary.replace(fit.path, basename(fit.path))}` : ''}`);
    console.log(`  Forge's unit: ${probe.monitors.get('TEP')?.note}`);
    const normalOf = await Promise.all(methods.map((m) => m.alarms('d00_te.dat')));
    const normal = normalOf.map((a) => a.starts);
    console.log(
      `  d00_te false events per hour: ` +
        methods.map((m, k) => `${m.name} ${(normal[k].length / hours).toFixed(2)} (${normal[k].length})`).join(', ') +
        '; rows in alarm: ' +
        methods.map((m, k) => `${m.name} ${normalOf[k].rows.length}`).join(', '),
    );
    for (const file of ['d01_te.dat', 'd02_te.dat']) {
      for (const [k, m] of methods.entries()) {
        const both = await m.alarms(file);
        const alarms = both.starts;
        const first = alarms.filter((x) => x > ONSET)[0];
        const early = alarms.filter((x) => x <= ONSET).length;
        const vol = volume(normal[k], samples, alarms.length - early);
        const rate = (p: number) => `${p < 0.05 ? 'beyond' : 'within'} normal's rate, p ${p.toFixed(3)}`;
        // alarm volume in rows: the rows in alarm after the onset against normal's share of rows in alarm
        const inAlarm = volume(normalOf[k].rows, samples, both.rows.filter((x) => x > ONSET).length);
        const flagged =
          `${vol.n} alarm starts after it (${rate(vol.p)}); ${inAlarm.n} of ${samples - ONSET} rows in alarm ` +
          `(${rate(inAlarm.p)})`;
        const head = `  ${file} ${m.name.padEnd(9)}`;
        if (first === undefined) {
          console.log(`${head} no alarm after the onset; ${early} before it`);
          continue;
        }
        const delay = first - ONSET;
        const chance = chanceWithin(normal[k], samples, delay);
        console.log(
          `${head} first alarm ${delay} samples (${delay * 3} min) after the onset; normal data alarms that early ` +
            `${(100 * chance).toFixed(1)} % of the time (${chance < 0.05 ? 'a detection' : 'not beyond chance'}); ` +
            `${early} alarms before the onset; ${flagged}`,
        );
      }
    }
  }
}

if (require.main === module)
  main().catch((e) => {
    console.error(e);
    process.exit(1);
  });
