import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describeInput } from '../../activities/parse/parseFile';
import { DEFAULT_SERIES_OPTIONS } from '../../activities/parse/series/segmentSeries';
import { detect, TEP_SPEC } from '../../bench/tepDetection';
import { calibrateOnReference } from '../../activities/parse/series/calibrate';
import { SourceSpec } from '../../activities/parse/sourceSpec';
import { PERSIST, trainUnitModel, UnitMonitor, type UnitAnomaly } from '../../activities/parse/series/unitMonitor';
import { ar } from '../fixtures/arReadings';
import { bandTags, trainBand } from '../../activities/parse/series/bandMonitor';

jest.setTimeout(60_000); // the first unit model loads mathjs (its eigen-decomposition), a few seconds under jest

/**
 * A table of three correlated tags read every minute: normal operation around `level` (x 1 the data's own point),
 * and from row `faultAt` on, TT1 stepped up by 15 (its noise is +-5 around 50: 5 standard deviations).
 */
function table(n: number, from: number, level: number, faultAt = Infinity, seed = 11): string {
  let s = seed;
  const u = () => ((s = (s * 1103515245 + 12345) % 2147483648) / 2147483648 - 0.5) * 2;
  const rows = Array.from({ length: n }, (_, i) => {
    const a = level * 50 + 5 * u() + (i >= faultAt ? 15 : 0),
      b = level * 50 + a - level * 50 + 0.5 * u(),
      c = level * 150 + 2 * (a - level * 50) + 0.5 * u();
    const time = new Date(Date.UTC(2026, 0, 1) + (from + i) * 60_000).toISOString();
    return `${time},${a.toFixed(3)},${b.toFixed(3)},${c.toFixed(3)}`;
  });
  return ['time,TT1 (Cel),TT2 (Cel),FT3 (m3/h)', ...rows].join('\n') + '\n';
}

function source(reference: string | null): Promise<Awaited<ReturnType<typeof describeInput>>> {
  const dir = mkdtempSync(join(tmpdir(), 'forge-fit-'));
  writeFileSync(join(dir, 'plant.csv'), table(600, 10_000, 1, 400, 5));
  if (reference !== null) writeFileSync(join(dir, 'normal.csv'), reference);
  writeFileSync(
    join(dir, 'plant.json'),
    JSON.stringify({ path: 'plant.csv', format: 'csv', csv: reference === null ? {} : { reference: 'normal.csv' } }),
  );
  return describeInput(join(dir, 'plant.json'));
}

const changeLines = (events: Awaited<ReturnType<typeof detect>>['events']) =>
  events.flatMap((e) => (e.kind === 'change' ? [`${e.tag}@${e.detected_line}`] : []));

describe('a reference of normal operation is used only for the units it describes (series/referenceFit.ts)', () => {
  test('a reference from another operating point (levels x 4) is not used: segmented as with defaults', async () => {
    const plain = await source(null);
    const defaults = await detect(plain.path, DEFAULT_SERIES_OPTIONS, plain.spec);
    expect(changeLines(defaults.events).length).toBeGreaterThan(0); // the fault at row 400 is found with defaults

    const shifted = await source(table(2000, 0, 4));
    const r = await detect(shifted.path, DEFAULT_SERIES_OPTIONS, shifted.spec);
    expect(r.reference?.units).toEqual([
      expect.objectContaining({ asset: 'plant.csv', used: false, rows: 60, outside: 1, over_limit: 1 }),
    ]);
    expect(r.reference?.units[0].reason).toMatch(
      /does not describe the data: 100 % of .*outside the reference's range/,
    );
    // neither its monitor (it would flag every row) nor its floors: the same changes and the same band episodes as with
    // defaults (the unit watched against its own first rows), none of the reference's T² or SPE
    expect(r.anomalies).toEqual(defaults.anomalies);
    expect(r.anomalies.length).toBeGreaterThan(0);
    expect(r.anomalies.every((a) => a.statistic === 'band' || a.statistic === 'EWMS')).toBe(true);
    expect(r.anomalies[0].onset_line).toBeGreaterThanOrEqual(402); // the fault, row 400
    expect(changeLines(r.events)).toEqual(changeLines(defaults.events));
  });

  test('a reference at the data own operating point is used, and the fault is an anomaly after its onset', async () => {
    const fits = await source(table(2000, 0, 1, Infinity, 3));
    const r = await detect(fits.path, DEFAULT_SERIES_OPTIONS, fits.spec);
    expect(r.reference?.units).toEqual([expect.objectContaining({ asset: 'plant.csv', used: true, reason: null })]);
    expect(r.reference?.units[0].outside).toBeLessThan(0.05);
    expect(r.anomalies.length).toBeGreaterThan(0);
    expect(r.anomalies[0].onset_line).toBeGreaterThanOrEqual(402); // row 400 of the data is line 402
  });

  test('`forge parse` says which units use the reference and why one does not', async () => {
    const shifted = await source(table(2000, 0, 4));
    const out = join(mkdtempSync(join(tmpdir(), 'forge-fit-out-')), 'out');
    const stdout = execFileSync(
      process.execPath,
      [
        join(__dirname, '..', '..', 'cli', 'bin.js'),
        'parse',
        '--source',
        join(shifted.path, '..', 'plant.json'),
        '--out',
        out,
      ],
      { encoding: 'utf8' },
    );
    expect(stdout).toMatch(
      new RegExp(
        String.raw`plant\.csv: reference .*normal\.csv \(2000 rows, 33\.32 h\): used for no unit; not used for ` +
          String.raw`plant\.csv \(the reference does not describe the data: .*; its own baseline instead\)`,
      ),
    );
    // its own baseline: the unit's own band, said on the CLI
    expect(stdout).toMatch(/\nplant\.csv: unit plant\.csv: band on 3 of 3 tags from the first 100 rows \(100 min\): /);
    expect(readFileSync(join(out, 'records', 'plant.csv.series.jsonl'), 'utf8')).not.toMatch(/"statistic":"(T2|SPE)"/);
    // the calibration beside the model: the report, and no floor nor monitor for the unit it does not describe
    const calibration = JSON.parse(readFileSync(join(out, 'models', 'plant.csv.calibration.json'), 'utf8'));
    expect(calibration).toMatchObject({ source: 'plant.csv', shift_floor: {}, monitors: [] });
    expect(calibration.watched['plant.csv'].by).toBe('band');
    expect(calibration.watched['plant.csv'].note).toMatch(/^band on 3 of 3 tags from the first 100 rows \(100 min\): /);
    expect(calibration.reference.units).toEqual([expect.objectContaining({ asset: 'plant.csv', used: false })]);
  });
});

describe('a short reference (400 rows, under 7 min at one reading a second) promises no rate it cannot know', () => {
  test('readings alike for a few rows: the monitor keeps 10 h of normal data free of false anomalies', () => {
    const ref = ar(400, 0.8, 3);
    const { model, note } = trainUnitModel('u', ['a', 'b', 'c'], ref.rows, ref.times, 1);
    expect(note).toMatch(/^monitor on 3 tags, .* from 400 rows \(7 min, about \d+ independent\)$/);
    const anomalies: UnitAnomaly[] = [];
    const monitor = new UnitMonitor(model!, (a) => anomalies.push(a));
    const data = ar(36_000, 0.8, 9);
    data.rows.forEach((r, i) => monitor.push('s.csv', i + 2, data.times[i], r));
    // one a week allowed: 0 in 10 h (limits just above the reference's largest value gave 2,619)
    expect(anomalies).toEqual([]);
  });
  test.each([0.5, 0.8, 0.99])(
    "readings at AR coefficient %s: the reference's band keeps 10 h of normal data free of false anomalies",
    (phi) => {
      for (const seed of [3, 5]) {
        const ref = ar(400, phi, seed);
        const { model, note } = trainBand('u', ['a', 'b', 'c'], ref.rows, ref.times, 1, "the reference's");
        // a slow tag's level: not watched; its steps: watched
        if (phi === 0.99)
          expect(note).toMatch(/none by its level; 3 slow tags by their steps' mean square \(a, b, c\)/);
        if (!model) continue;
        const anomalies: UnitAnomaly[] = [];
        const monitor = new UnitMonitor(model, (a) => anomalies.push(a));
        const data = ar(36_000, phi, 9);
        const columns = bandTags(model).map((t) => ['a', 'b', 'c'].indexOf(t));
        data.rows.forEach((r, i) =>
          monitor.push(
            's.csv',
            i + 2,
            data.times[i],
            columns.map((j) => r[j]),
          ),
        );
        monitor.finish();
        expect(anomalies).toEqual([]);
      }
    },
  );
  test('readings alike for many rows: no monitor, and the note says how long a reference would need to be', () => {
    const ref = ar(400, 0.99, 3);
    const { model, note } = trainUnitModel('u', ['a', 'b', 'c'], ref.rows, ref.times, 1);
    expect(model).toBeNull();
    expect(note).toMatch(
      new RegExp(
        String.raw`^no monitor: 400 rows \(7 min\) hold about \d+ independent readings .* too few to promise 1 false ` +
          String.raw`anomaly a week; a reference of at least \d+ min \(\d+ rows\) of normal operation would$`,
      ),
    );
    expect(Number(/\((\d+) rows\) of normal/.exec(note)![1])).toBeGreaterThan(400);
  });
});

/** A monitor trained on 2,000 rows of the white-noise table, and the episodes it emits. */
function whiteNoiseMonitor(): { monitor: UnitMonitor; episodes: UnitAnomaly[] } {
  const ref = ar(2000, 0, 3);
  const { model } = trainUnitModel('u', ['a', 'b', 'c'], ref.rows, ref.times, 1);
  const episodes: UnitAnomaly[] = [];
  return { monitor: new UnitMonitor(model!, (a) => episodes.push(a)), episodes };
}

describe('anomalies are episodes (series/unitMonitor.ts): onset, detection, end, peak; the monitor re-arms', () => {
  test('a long excursion is one episode with its end; a second fault after it is a second episode', () => {
    const { monitor, episodes } = whiteNoiseMonitor();
    const data = ar(3000, 0, 9);
    // rows 500-1499: the correlation of c with a broken (a long excursion); rows 2000-2099: b far off (a second fault)
    const rows = data.rows.map((r, i) =>
      i >= 500 && i < 1500 ? [r[0], r[1], r[2] + 12] : i >= 2000 && i < 2100 ? [r[0], r[1] + 15, r[2]] : r,
    );
    rows.forEach((r, i) => monitor.push('s.csv', i + 2, data.times[i], r));
    monitor.finish();
    const spe = episodes.filter((e) => e.statistic === 'SPE').sort((x, y) => x.onset_line - y.onset_line);
    expect(spe).toHaveLength(2);
    const [first, second] = spe;
    // row i is line i + 2
    expect(first).toMatchObject({ onset_line: 502, detected_line: 502 + PERSIST - 1, ended: true });
    expect(first.end_line).toBeGreaterThanOrEqual(1490);
    expect(first.end_line).toBeLessThanOrEqual(1501);
    expect(first.value).toBeGreaterThan(first.limit);
    expect(first.contributions[0].tag).toBe('c');
    expect(second).toMatchObject({ onset_line: 2002, ended: true });
    expect(second.end_line).toBeLessThanOrEqual(2101);
    expect(second.contributions[0].tag).toBe('b');
    expect(new Date(first.detected_at).getTime() - new Date(first.onset).getTime()).toBe((PERSIST - 1) * 1000);
  });
  test('an excursion still going at the data end is emitted by finish, not ended', () => {
    const { monitor, episodes } = whiteNoiseMonitor();
    const data = ar(600, 0, 9);
    data.rows.forEach((r, i) => monitor.push('s.csv', i + 2, data.times[i], i >= 500 ? [r[0], r[1], r[2] + 12] : r));
    expect(episodes).toEqual([]);
    monitor.finish();
    expect(episodes.filter((e) => e.statistic === 'SPE')).toEqual([
      expect.objectContaining({ onset_line: 502, end_line: 601, ended: false }),
    ]);
  });
});

test('a reference several sources name is read once: each source gets its own unit from one calibration', async () => {
  const fsp = jest.requireActual<typeof import('node:fs/promises')>('node:fs/promises');
  const spy = jest.spyOn(fsp, 'readFile');
  const dir = mkdtempSync(join(tmpdir(), 'forge-fit-once-'));
  writeFileSync(join(dir, 'normal.csv'), table(2000, 0, 1, Infinity, 3));
  const spec = SourceSpec.parse({ format: 'csv', csv: { reference: join(dir, 'normal.csv') } });
  const a = await calibrateOnReference(spec, DEFAULT_SERIES_OPTIONS, 'line-a.csv');
  const b = await calibrateOnReference(spec, DEFAULT_SERIES_OPTIONS, 'line-b.csv');
  expect(spy.mock.calls.filter(([p]) => p === join(dir, 'normal.csv'))).toHaveLength(1);
  expect(a.units.map((u) => [u.asset, u.method])).toEqual([
    ['line-a.csv', 'pca'],
    ['line-a.csv', 'band'],
  ]);
  expect(b.units.map((u) => [u.asset, u.method])).toEqual([
    ['line-b.csv', 'pca'],
    ['line-b.csv', 'band'],
  ]);
  expect(Object.keys(b.reference!.envelopes)).toEqual(['line-b.csv']);
  expect(b.units.map((u) => u.limits)).toEqual(a.units.map((u) => u.limits));
  spy.mockRestore();
});

test('TEP: a reference from another operating point (x 4) is not used; faults are found as with defaults', async () => {
  const TEP = join(__dirname, '..', 'fixtures', 'data', 'tep');
  const rows = readFileSync(join(TEP, 'd00_te.dat'), 'utf8')
    .trim()
    .split('\n')
    .map((l) => l.trim().split(/\s+/).map(Number));
  const dir = mkdtempSync(join(tmpdir(), 'forge-fit-tep-'));
  writeFileSync(join(dir, 'shifted.dat'), rows.map((r) => r.map((v) => 4 * v).join('  ')).join('\n') + '\n');
  const shifted = SourceSpec.parse({ ...TEP_SPEC, csv: { ...TEP_SPEC.csv, reference: join(dir, 'shifted.dat') } });
  for (const file of ['d01_te.dat', 'd02_te.dat']) {
    const defaults = await detect(join(TEP, file), DEFAULT_SERIES_OPTIONS, TEP_SPEC);
    const r = await detect(join(TEP, file), DEFAULT_SERIES_OPTIONS, shifted);
    expect(r.reference?.units).toEqual([expect.objectContaining({ asset: 'TEP', used: false })]);
    expect(r.anomalies).toEqual(defaults.anomalies); // the unit's own band, as with defaults
    expect(changeLines(r.events)).toEqual(changeLines(defaults.events));
    expect(changeLines(r.events).some((c) => Number(c.split('@')[1]) > 160)).toBe(true); // the fault, after sample 160
  }
});
