/**
 * Change detection on the Tennessee Eastman process (../shared/datasets/tep): the test files hold 960
 * samples (3 min apart); in d01_te / d02_te faults 1 and 2 start after sample 160. Parses each file through
 * stage one (whitespace table, index time) and segments every variable. Beside it, PCA Hotelling T² trained
 * on the normal training file d00.dat (bench/lib/pcaT2.ts). Prints false events per hour on the normal
 * d00_te, and for d01_te / d02_te the first alarm after the onset, its delay, how often normal data alarms
 * that early (a detection only when rarer than 5 %), and the alarms before the onset.  npx ts-node --transpile-only
 * bench/tepDetection.ts [--k 1] [--h 12] [--baseline 30]
 */
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { parseSourceText } from '../activities/parse/parseFile';
import { DEFAULT_PII_OPTIONS } from '../activities/parse/pii';
import { monitorBatch, segmentBatch } from '../activities/parse/series/segmentFiles';
import { UnitMonitor, type UnitAnomaly } from '../activities/parse/series/unitMonitor';
import {
  DEFAULT_SERIES_OPTIONS,
  SeriesSegmenter,
  type SeriesEvent,
  type SeriesOptions,
} from '../activities/parse/series/segmentSeries';
import { SourceSpec } from '../activities/parse/sourceSpec';
import { calibrateOnReference } from '../activities/parse/series/calibrate';
import { sharedDataset } from './lib/shared';
import { hotellingT2, type PcaModel, trainPca } from './lib/pcaT2';

const ONSET = 160; // the fault is introduced after sample 160
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
): Promise<{ events: SeriesEvent[]; anomalies: UnitAnomaly[]; samples: number }> {
  const parsed = await parseSourceText(spec, readFileSync(path, 'utf8'), {
    source: basename(path),
    timezone: 'Z',
    pii: DEFAULT_PII_OPTIONS,
  });
  const events: SeriesEvent[] = [];
  const anomalies: UnitAnomaly[] = [];
  // as `forge parse` and the workflow do: a source's reference of normal operation calibrates each tag and unit first
  const { shiftFloor, units } = await calibrateOnReference(spec, opts, basename(path));
  const seg = new SeriesSegmenter({ ...opts, shiftFloor }, (e) => events.push(e));
  const monitors = new Map(units.map((m) => [m.asset, new UnitMonitor(m, (a) => anomalies.push(a))]));
  for (const r of parsed.records)
    if (r.kind === 'samples') {
      segmentBatch(seg, r);
      monitorBatch(monitors, r);
    }
  seg.finish();
  return { events, anomalies, samples: parsed.lines - parsed.quarantine.length };
}

/**
 * Sample numbers (1-based, = data line) at which an alarm starts: Forge's change events, or runs of T² over its limit.
 */
type Alarms = number[];

/**
 * How often normal data raises an alarm within `span` samples of a random start: the chance of a detection that early.
 */
function chanceWithin(normal: Alarms, samples: number, span: number): number {
  let hit = 0,
    starts = 0;
  for (let s = 1; s + span <= samples; s++, starts++) if (normal.some((a) => a >= s && a < s + span)) hit++;
  return starts ? hit / starts : 1;
}

function t2Alarms(model: PcaModel, rows: readonly number[][]): Alarms {
  const out: Alarms = [];
  let over = false;
  rows.forEach((r, i) => {
    const now = hotellingT2(model, r) > model.limit;
    if (now && !over) out.push(i + 1);
    over = now;
  });
  return out;
}

const table = (path: string) =>
  readFileSync(path, 'utf8')
    .trim()
    .split('\n')
    .map((l) => l.trim().split(/\s+/).map(Number));

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
  // the peer: PCA T² trained on the normal training file (d00.dat is stored transposed: 52 x 500)
  const training = table(join(dir, 'd00.dat'));
  const pca = trainPca(training[0].map((_, i) => training.map((r) => r[i])));
  console.log(
    `Forge: stage one's segmentation (CUSUM k=${opts.k} h=${opts.h}, min ` +
      `shift ${opts.minShift} sd, baseline ${opts.baseline} samples) on each variable; PCA ` +
      `T²: ${pca.loadings.length} components (90 % of the variance) of d00.dat, limit its 99th percentile; 52 ` +
      `variables, 3 min per sample`,
  );
  // the reference of normal operation a user would name in the source config: d00.dat (25 h), in the files' layout
  const refPath = join(mkdtempSync(join(tmpdir(), 'forge-tep-')), 'd00_reference.dat');
  writeFileSync(refPath, training[0].map((_, i) => training.map((r) => r[i]).join('  ')).join('\n') + '\n');
  const withReference = SourceSpec.parse({ ...TEP_SPEC, csv: { ...TEP_SPEC.csv, reference: refPath } });
  const samples = 960,
    hours = (samples * 3) / 60;
  const t2 = { name: 'PCA T²', alarms: (file: string) => Promise.resolve(t2Alarms(pca, table(join(dir, file)))) };
  const forge = (spec: SourceSpec) => async (file: string) =>
    (await detect(join(dir, file), opts, spec)).events
      .filter((e): e is Extract<SeriesEvent, { kind: 'change' }> => e.kind === 'change')
      .map((c) => c.detected_line);
  const unit = async (file: string) =>
    (await detect(join(dir, file), opts, withReference)).anomalies.map((x) => x.detected_line);
  const both = async (file: string) => {
    const d = await detect(join(dir, file), opts, withReference);
    return [
      ...d.events
        .filter((e): e is Extract<SeriesEvent, { kind: 'change' }> => e.kind === 'change')
        .map((c) => c.detected_line),
      ...d.anomalies.map((x) => x.detected_line),
    ].sort((x, y) => x - y);
  };
  const methods = [
    { name: 'Forge, defaults', alarms: forge(TEP_SPEC) },
    { name: 'Forge, csv.reference d00.dat', alarms: forge(withReference) },
    { name: 'Forge unit monitor (ref.)', alarms: unit },
    { name: 'Forge, reference, all events', alarms: both },
    t2,
  ];
  const normal = await Promise.all(methods.map((m) => m.alarms('d00_te.dat')));
  console.log(
    `d00_te (normal, ${hours} h): false events per ` +
      `hour - ` +
      methods.map((m, k) => `${m.name} ${(normal[k].length / hours).toFixed(2)} (${normal[k].length})`).join(', '),
  );
  for (const file of ['d01_te.dat', 'd02_te.dat']) {
    console.log(`${file}:`);
    for (const [k, m] of methods.entries()) {
      const alarms = await m.alarms(file);
      const first = alarms.filter((x) => x > ONSET).sort((x, y) => x - y)[0];
      const early = alarms.filter((x) => x <= ONSET).length;
      if (first === undefined) {
        console.log(`  ${m.name.padEnd(28)} no alarm after the onset; ${early} before it`);
        continue;
      }
      const delay = first - ONSET;
      const chance = chanceWithin(normal[k], samples, delay);
      console.log(
        `  ${m.name.padEnd(28)} first alarm ${delay} samples (${delay * 3} min) after the onset; normal data ` +
          `alarms that early ${(100 * chance).toFixed(1)} % of the ` +
          `time (${chance < 0.05 ? 'a detection' : 'not beyond chance'}); ${early} alarms before the onset`,
      );
    }
  }
}

if (require.main === module)
  main().catch((e) => {
    console.error(e);
    process.exit(1);
  });
