/**
 * Faults of a water-circulation testbed (eight sensors of one pump loop, one reading a second; bench/lib/
 * circulationTestbed.ts, our generator - a stand-in for the held-out benchmark of this kind, whose data we do not
 * have), scored as that benchmark scores: each file's first 400 rows are normal and train the peers; the rows of the
 * fault are labelled. Forge through stage one (`detect`, the functions `forge parse` calls) on the file as the testbed
 * exports it (`;`, naive times, no units, 0/1 label columns), in three settings: defaults; `csv.reference` = the
 * file's own first 400 rows; and a reference from another operating point (those rows with flow x 4 and vibration
 * x 8). Beside it PCA T²+Q trained on the same 400 rows (`bench/lib/pcaT2.ts`). Prints, per method:
 * - false events per hour and rows in alarm on a normal file (3 hours unless --normal-hours);
 * - outlier detection by row over the fault files (F1, false-alarm rate, missed-alarm rate), rows in alarm being
 *   Forge's change detections and anomaly episodes from onset to end, the peers' rows over a limit;
 * - change-point detection, NAB's standard profile (a window of a tenth of the file centred on the fault's onset, the
 *   first alarm in it scores by how early, an alarm outside any window costs 0.11; 0 is no alarm, 100 perfect);
 * - faults detected beyond chance (rows in alarm after the onset beyond the method's rows on the normal file).
 *   npx ts-node --transpile-only bench/testbedFaults.ts [--files 5] [--rate 1] [--normal-hours 3]
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DEFAULT_SERIES_OPTIONS } from '../activities/parse/series/segmentSeries';
import { SourceSpec } from '../activities/parse/sourceSpec';
import { FAULT_KINDS, TESTBED_COLUMNS, type TestbedFile, testbedCsv, testbedFile } from './lib/circulationTestbed';
import { trainPca } from './lib/pcaT2';
import { type Alarmed, atLeast, detect, forgeAlarms, pcaAlarms } from './tepDetection';

const TRAIN = 400; // the benchmark's protocol: each file's first 400 rows are normal and train a method
const ROWS = 1150; // about 19 minutes a file
const HEADER = 1; // data line = row + 2 (the header is line 1)
/** another operating point: flow x 4 and both vibrations x 8 */
const OTHER = TESTBED_COLUMNS.map((c) => (c.startsWith('Volume') ? 4 : c.startsWith('Accelerometer') ? 8 : 1));
const SPEC = { format: 'csv', csv: { delimiter: ';' } };

/** NAB's standard profile over files with one onset each (window centred on it, a tenth of the file). */
function nab(files: { alarms: number[]; onset: number; n: number }[]): number {
  const sig = (y: number) => 2 / (1 + Math.exp(5 * y)) - 1;
  let score = 0;
  for (const f of files) {
    const w = Math.round(0.1 * f.n),
      from = f.onset - w / 2,
      to = f.onset + w / 2;
    const inside = f.alarms.filter((a) => a >= from && a <= to);
    score += inside.length ? sig((inside[0] - to) / w) : -1;
    for (const a of f.alarms) if (a > to) score += 0.11 * sig((a - to) / w);
    for (const a of f.alarms) if (a < from) score -= 0.11;
  }
  const perfect = files.length * sig(-1),
    none = -files.length;
  return (100 * (score - none)) / (perfect - none);
}

async function main(): Promise<void> {
  const a = process.argv.slice(2);
  const num = (k: string, d: number) => (a.includes(k) ? Number(a[a.indexOf(k) + 1]) : d);
  const perKind = num('--files', 5);
  const opts = {
    ...DEFAULT_SERIES_OPTIONS,
    falseEventsPerWeek: num('--rate', DEFAULT_SERIES_OPTIONS.falseEventsPerWeek),
  };
  const folder = mkdtempSync(join(tmpdir(), 'forge-testbed-'));
  const write = (name: string, f: TestbedFile) => {
    const path = join(folder, name);
    writeFileSync(path, testbedCsv(f));
    return path;
  };
  const head = (f: TestbedFile, scale: readonly number[] = []): TestbedFile => ({
    rows: f.rows.slice(0, TRAIN).map((r) => r.map((v, j) => v * (scale[j] ?? 1))),
    times: f.times.slice(0, TRAIN),
    onset: TRAIN,
    end: TRAIN,
    kind: null,
  });
  const faults = Object.keys(FAULT_KINDS).flatMap((kind, k) =>
    Array.from({ length: perKind }, (_, s) => testbedFile(1000 + 100 * k + s, ROWS, kind)),
  );
  const normal = testbedFile(999, Math.round(num('--normal-hours', 3) * 3600), null);
  const settings: { name: string; reference: (f: TestbedFile) => TestbedFile | null }[] = [
    { name: 'defaults (no reference)', reference: () => null },
    { name: "reference: the file's first 400 rows", reference: (f) => head(f) },
    {
      name: 'reference at another operating point (first 400 rows, flow x 4, vibration x 8)',
      reference: (f) => head(f, OTHER),
    },
  ];
  console.log(
    `${faults.length} fault files of ${ROWS} rows (${perKind} per kind: ${Object.keys(FAULT_KINDS).join(', ')}), ` +
      `a normal file of ${normal.rows.length} rows; 1 row a second; Forge series.falseEventsPerWeek ` +
      `${opts.falseEventsPerWeek}`,
  );
  let file = 0;
  for (const setting of settings) {
    const forge = async (f: TestbedFile): Promise<Alarmed> => {
      const path = write(`f${file}.csv`, f);
      const ref = setting.reference(f);
      const spec = SourceSpec.parse(
        ref ? { ...SPEC, csv: { ...SPEC.csv, reference: write(`f${file}.ref.csv`, ref) } } : SPEC,
      );
      file++;
      const alarmed = forgeAlarms(await detect(path, opts, spec));
      const row = (l: number) => l - 1 - HEADER;
      return { starts: alarmed.starts.map(row), rows: alarmed.rows.map(row) };
    };
    const peer = async (f: TestbedFile) => {
      const ref = setting.reference(f) ?? head(f);
      const alarmed = pcaAlarms(trainPca(ref.rows), f.rows, true);
      return { starts: alarmed.starts.map((r) => r - 1), rows: alarmed.rows.map((r) => r - 1) };
    };
    console.log(`\n${setting.name}`);
    for (const [name, alarms] of [
      ['Forge', forge],
      ['PCA T²+Q', peer],
    ] as const) {
      // the normal file's own first 400 rows are its reference, as for the fault files
      const quiet = await alarms(normal);
      const hours = normal.rows.length / 3600;
      const rate = quiet.rows.length / normal.rows.length;
      let tp = 0,
        fp = 0,
        fn = 0,
        tn = 0,
        beyond = 0,
        during = 0,
        outside = 0;
      const scored: { alarms: number[]; onset: number; n: number }[] = [];
      const missed: Record<string, number> = {};
      for (const f of faults) {
        const got = await alarms(f);
        const inAlarm = new Set(got.rows);
        for (let i = 0; i < f.rows.length; i++) {
          const truth = i >= f.onset && i < f.end;
          if (inAlarm.has(i)) truth ? tp++ : fp++;
          else truth ? fn++ : tn++;
        }
        during += got.starts.filter((r) => r >= f.onset && r < f.end).length;
        outside += got.starts.filter((r) => r < f.onset || r >= f.end + 10).length;
        const after = got.rows.filter((r) => r >= f.onset).length;
        if (atLeast(rate * (f.rows.length - f.onset), after) < 0.05) beyond++;
        else missed[f.kind!] = (missed[f.kind!] ?? 0) + 1;
        scored.push({ alarms: got.starts, onset: f.onset, n: f.rows.length });
      }
      const f1 = (2 * tp) / (2 * tp + fp + fn);
      console.log(
        `  ${name.padEnd(9)} normal file: ${(quiet.starts.length / hours).toFixed(2)} false events/h ` +
          `(${quiet.starts.length}), ${quiet.rows.length} rows in alarm; by row: F1 ${f1.toFixed(3)}, ` +
          `FAR ${((100 * fp) / (fp + tn)).toFixed(2)} %, MAR ${((100 * fn) / (fn + tp)).toFixed(2)} %; ` +
          `NAB standard ${nab(scored).toFixed(1)}; alarm starts per fault file: ` +
          `${(during / faults.length).toFixed(1)} during its fault, ${(outside / faults.length).toFixed(1)} outside ` +
          `it; detected beyond chance ${beyond}/${faults.length}` +
          (Object.keys(missed).length
            ? ` (missed: ${Object.entries(missed)
                .map(([k, n]) => `${k} ${n}`)
                .join(', ')})`
            : ''),
      );
    }
  }
}

if (require.main === module)
  main().catch((e) => {
    console.error(e);
    process.exit(1);
  });
