import {
  chiSquareQuantile,
  SeriesSegmenter,
  DEFAULT_SERIES_OPTIONS,
  normalQuantile,
  type SeriesEvent,
  wanderFloor,
  WEEK_MS,
} from '../../activities/parse/series/segmentSeries';
import { calibrateOnReference } from '../../activities/parse/series/calibrate';
import { blockMeans, floorOfBlocks, WanderLearner } from '../../activities/parse/series/wanderFloor';
import { ar } from '../fixtures/arReadings';
import { seriesRecord } from '../../activities/parse/series/segmentFiles';
import { PERSIST } from '../../activities/parse/series/unitMonitor';
import { OperationRecord } from '../../activities/parse/records';
import { describeInput } from '../../activities/parse/parseFile';
import { SourceSpec } from '../../activities/parse/sourceSpec';
import { detect, TEP_SPEC } from '../../bench/tepDetection';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

jest.setTimeout(30_000); // the first unit model loads mathjs (its eigen-decomposition), a few seconds under jest

let seed = 7;
const noise = () => ((seed = (seed * 1103515245 + 12345) % 2147483648) / 2147483648 - 0.5) * 2; // uniform in [-1, 1)
const t = (i: number) => Date.UTC(2026, 0, 1) + i * 60_000;

function run(values: number[], tag = 'melt_temp', opts = DEFAULT_SERIES_OPTIONS): SeriesEvent[] {
  const out: SeriesEvent[] = [];
  const seg = new SeriesSegmenter(opts, (e) => out.push(e));
  values.forEach((value, i) =>
    seg.push({ source: 's.csv', line: i + 2, t: t(i), asset: 'IMM-01', tag, unit: 'degC', value }),
  );
  seg.finish();
  return out;
}

test('a step is one mean shift, dated near its onset, between two steady windows', () => {
  const values = Array.from({ length: 400 }, (_, i) => (i < 250 ? 238 : 246) + noise());
  const events = run(values);
  const changes = events.filter((e) => e.kind === 'change');
  expect(changes).toHaveLength(1);
  const c = changes[0] as Extract<SeriesEvent, { kind: 'change' }>;
  expect(c).toMatchObject({ change: 'mean_shift', direction: 'up', unit: 'degC' });
  expect(Math.abs(c.onset_line - 252)).toBeLessThanOrEqual(2); // sample 250 is on line 252
  expect(c.detected_line - c.onset_line).toBeLessThanOrEqual(5);
  const windows = events.filter((e): e is Extract<SeriesEvent, { kind: 'window' }> => e.kind === 'window');
  expect(windows.map((w) => w.state)).toEqual(['steady', 'transition', 'steady']);
  expect(windows[0].stats.mean).toBeCloseTo(238, 0);
  expect(windows[2].stats.mean).toBeCloseTo(246, 0);
  // every sample is in exactly one window
  expect(windows.reduce((a, w) => a + w.stats.n, 0)).toBe(400);
});

test('a series that ends just after a change reports only windows with samples, and every sample once', () => {
  for (const end of [360, 460, 520]) {
    const values = Array.from({ length: end }, (_, i) => (i < 250 ? 238 : 250) + noise());
    const windows = run(values).filter((e): e is Extract<SeriesEvent, { kind: 'window' }> => e.kind === 'window');
    expect(windows.every((w) => w.stats.n > 0 && w.first_line >= 2)).toBe(true);
    expect(windows.reduce((a, w) => a + w.stats.n, 0)).toBe(end);
  }
});

test('window statistics: min, max, mean, std, slope per second, duration', () => {
  const [w] = run(Array.from({ length: 120 }, (_, i) => 10 + i * 0.5)).filter((e) => e.kind === 'window') as Extract<
    SeriesEvent,
    { kind: 'window' }
  >[];
  expect(w.stats.n).toBeGreaterThanOrEqual(100);
  expect(w.stats.min).toBe(10);
  expect(w.stats.slope_per_s).toBeCloseTo(0.5 / 60, 6);
  expect(w.stats.duration_s).toBe((w.stats.n - 1) * 60);
});

test('stationary noise raises no change', () => {
  expect(run(Array.from({ length: 2000 }, () => 238 + noise())).filter((e) => e.kind === 'change')).toHaveLength(0);
});

test('a piecewise-constant tag gives a setpoint change at the sample that changed', () => {
  const events = run(
    Array.from({ length: 300 }, (_, i) => (i < 180 ? 240 : 235)),
    'barrel_setpoint',
  );
  const changes = events.filter((e) => e.kind === 'change') as Extract<SeriesEvent, { kind: 'change' }>[];
  expect(changes).toEqual([
    expect.objectContaining({
      change: 'setpoint',
      direction: 'down',
      onset_line: 182,
      detected_line: 182,
      before: 240,
      after: 235,
      delay_samples: 0,
    }),
  ]);
});

test('state columns give an event when their value changes', () => {
  const out: SeriesEvent[] = [];
  const seg = new SeriesSegmenter(DEFAULT_SERIES_OPTIONS, (e) => out.push(e));
  ['RUN', 'RUN', 'STOP', 'STOP', 'RUN'].forEach((v, i) =>
    seg.label({ source: 's.csv', line: i + 2, t: t(i), asset: 'IMM-01' }, 'state', v),
  );
  seg.label({ source: 's.csv', line: 9, t: t(9), asset: 'IMM-01' }, 'quality', 'NG'); // not a state column
  expect(out.map((e) => e.kind === 'state' && `${e.line}:${e.from}->${e.to}`)).toEqual(['4:RUN->STOP', '6:STOP->RUN']);
});

// excerpts of the Tennessee Eastman test files in the repository (test/fixtures/data/tep, with their licence)
const TEP = join(__dirname, '..', 'fixtures', 'data', 'tep');

describe('Tennessee Eastman (excerpts: d01/d02 samples 1-320, d00 samples 1-480)', () => {
  test('faults 1 and 2 are flagged within 15 samples of their onset after sample 160, nothing before it', async () => {
    for (const file of ['d01_te.dat', 'd02_te.dat']) {
      const { events } = await detect(join(TEP, file), DEFAULT_SERIES_OPTIONS);
      const first = events
        .filter((e) => e.kind === 'change' && e.detected_line > 160)
        .map((e) => (e as Extract<SeriesEvent, { kind: 'change' }>).detected_line)
        .sort((a, b) => a - b)[0];
      expect({ file, delay: first - 160 }).toEqual({ file, delay: expect.any(Number) });
      // 7 and 14 samples: the wander floor from the first baseline's 5 block means is their upper 95 % bound
      expect(first - 160).toBeLessThanOrEqual(15);
      expect(events.filter((e) => e.kind === 'change' && e.detected_line <= 160)).toEqual([]);
    }
  });
  test('most of normal operation (d00_te) raises no event', async () => {
    const { events, samples } = await detect(join(TEP, 'd00_te.dat'), DEFAULT_SERIES_OPTIONS);
    const withEvent = new Set(
      events
        .filter((e) => e.kind === 'change')
        .map((e) => (e as Extract<SeriesEvent, { kind: 'change' }>).detected_line),
    ).size;
    expect(samples).toBe(480);
    // none with the default settings (3.1 % of samples carried a false event when the wander of the first
    // baseline's means was taken at its point estimate, not its upper 95 % bound; 11.4 % before calibration)
    expect(withEvent / samples).toBeLessThan(0.01);
  });
  test(
    'calibrated on a reference of normal operation (csv.reference): no false event, fault 1 within 10 ' +
      'samples, fault 2 within 15',
    async () => {
      const spec = SourceSpec.parse({ ...TEP_SPEC, csv: { ...TEP_SPEC.csv, reference: join(TEP, 'd00_te.dat') } });
      const { shiftFloor } = await calibrateOnReference(spec, DEFAULT_SERIES_OPTIONS, 'd01_te.dat');
      expect(Object.keys(shiftFloor)).toHaveLength(52);
      const changes = async (file: string) =>
        (await detect(join(TEP, file), DEFAULT_SERIES_OPTIONS, spec)).events
          .filter((e): e is Extract<SeriesEvent, { kind: 'change' }> => e.kind === 'change')
          .map((c) => c.detected_line)
          .sort((a, b) => a - b);
      expect(await changes('d00_te.dat')).toEqual([]);
      for (const [file, within] of [
        ['d01_te.dat', 10],
        ['d02_te.dat', 15],
      ] as const) {
        const lines = await changes(file);
        expect(lines.filter((l) => l <= 160)).toEqual([]);
        expect(lines[0] - 160).toBeGreaterThan(0);
        expect(lines[0] - 160).toBeLessThanOrEqual(within);
      }
    },
  );
  test('a source config whose reference file is missing is refused with the path', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'forge-ref-'));
    writeFileSync(join(dir, 'plant.csv'), 'time,TT1 (Cel)\n2026-01-01T00:00:00Z,1\n');
    writeFileSync(
      join(dir, 'plant.json'),
      JSON.stringify({ path: 'plant.csv', format: 'csv', csv: { reference: 'normal.csv' } }),
    );
    await expect(describeInput(join(dir, 'plant.json'))).rejects.toThrow(
      `csv.reference: reference file not found: ${join(dir, 'normal.csv')}`,
    );
  });
});

describe('a unit monitor trained on a reference (PCA T² and SPE, series/unitMonitor.ts)', () => {
  const spec = SourceSpec.parse({ ...TEP_SPEC, csv: { ...TEP_SPEC.csv, reference: join(TEP, 'd00_te.dat') } });
  test('one PCA model for the unit over its 52 tags, fewer components than tags, and a band beside it', async () => {
    const { units } = await calibrateOnReference(spec, DEFAULT_SERIES_OPTIONS, 'd01_te.dat');
    expect(units.map((u) => [u.asset, u.method])).toEqual([
      ['TEP', 'pca'],
      ['TEP', 'band'],
    ]);
    const [pca, band] = units;
    if (pca.method !== 'pca' || band.method !== 'band') throw new Error('a PCA model, then a band');
    expect(pca.tags).toHaveLength(52);
    expect(pca.loadings.length).toBeGreaterThan(3);
    expect(pca.loadings.length).toBeLessThan(52);
    // the reference's 48 hours vouch for more tags than a unit's own first 5 hours (38 of 52)
    expect(band.tags.length).toBeGreaterThan(38);
  });
  test("one tag held 4 sd off, which T² and SPE may pass: an EWMS episode of the reference's band", async () => {
    // the first 160 rows of d01_te (before its fault), XMV_10 (column 51) 4 of the reference's sd up from row 80
    const ref = readFileSync(join(TEP, 'd00_te.dat'), 'utf8').trim().split('\n');
    const column = ref.map((l) => Number(l.trim().split(/\s+/)[50]));
    const mean = column.reduce((a, v) => a + v, 0) / column.length;
    const sd = Math.sqrt(column.reduce((a, v) => a + (v - mean) ** 2, 0) / (column.length - 1));
    const rows = readFileSync(join(TEP, 'd01_te.dat'), 'utf8')
      .trim()
      .split('\n')
      .slice(0, 160)
      .map((l, i) =>
        l
          .trim()
          .split(/\s+/)
          .map((v, j) => (j === 50 && i >= 80 ? Number(v) + 4 * sd : Number(v))),
      );
    const path = join(mkdtempSync(join(tmpdir(), 'forge-tep-step-')), 'stepped.dat');
    writeFileSync(path, rows.map((r) => r.join('  ')).join('\n') + '\n');
    const { anomalies, monitors } = await detect(path, DEFAULT_SERIES_OPTIONS, spec);
    expect(monitors.get('TEP')).toEqual({ by: 'reference', note: "the reference's monitor and band" });
    expect(anomalies.filter((a) => a.onset_line < 82)).toEqual([]); // row 80 is line 81
    const held = anomalies.find((a) => a.statistic === 'EWMS');
    expect(held).toMatchObject({ contributions: [expect.objectContaining({ tag: 'XMV_10' }), {}, {}] });
    expect(held!.detected_line - 81).toBeLessThanOrEqual(10);
    expect(held!.end_line - held!.onset_line).toBeGreaterThan(60);
  });
  test(
    'fault 1 is an anomaly soon after its onset, none before it, naming the tags that carry it; the records ' +
      'validate',
    async () => {
      const { anomalies } = await detect(join(TEP, 'd01_te.dat'), DEFAULT_SERIES_OPTIONS, spec);
      expect(anomalies.filter((a) => a.detected_line <= 160)).toEqual([]);
      const first = anomalies[0];
      expect(first.detected_line - 160).toBeGreaterThan(0);
      expect(first.detected_line - 160).toBeLessThanOrEqual(10);
      expect(first.detected_line - first.onset_line).toBe(PERSIST - 1);
      expect(first.value).toBeGreaterThan(first.limit);
      expect(first.contributions).toHaveLength(3);
      expect(first.contributions.every((c) => /^XM(EAS|V)_\d+$/.test(c.tag) && c.share > 0 && c.share <= 1)).toBe(true);
      expect(OperationRecord.safeParse(seriesRecord(first)).success).toBe(true);
    },
  );
  test('without a reference the unit is watched against its own first rows: fault 1 is off its band', async () => {
    expect((await calibrateOnReference(TEP_SPEC, DEFAULT_SERIES_OPTIONS, 'd01_te.dat')).units).toEqual([]);
    const { anomalies, monitors } = await detect(join(TEP, 'd01_te.dat'), DEFAULT_SERIES_OPTIONS);
    expect(monitors.get('TEP')).toMatchObject({ by: 'band' });
    expect(monitors.get('TEP')?.note).toMatch(
      /^band on \d+ of 52 tags from the first 100 rows \(5\.0 h\): \d\.\d\d sd/,
    );
    expect(anomalies.filter((a) => a.detected_line <= 160)).toEqual([]);
    expect(anomalies.map((a) => a.statistic)).toEqual(expect.arrayContaining(['band', 'EWMS']));
    expect(anomalies[0].detected_line - 160).toBeLessThanOrEqual(15);
    // the fault lasts to the excerpt's end (sample 320): the unit stays off its band for most of it
    const off = new Set(
      anomalies.flatMap((e) => Array.from({ length: e.end_line - e.onset_line + 1 }, (_, k) => e.onset_line + k)),
    );
    expect(off.size).toBeGreaterThan(120);
    expect(OperationRecord.safeParse(seriesRecord(anomalies[0])).success).toBe(true);
  });
});

test(
  'a reference for a table without an asset column: the unit is the source; a broken correlation no single ' +
    'tag shows is an SPE anomaly',
  async () => {
    const dir = mkdtempSync(join(tmpdir(), 'forge-unit-'));
    let s = 11;
    const u = () => ((s = (s * 1103515245 + 12345) % 2147483648) / 2147483648 - 0.5) * 2;
    const rows = (n: number, from: number, broken: (i: number) => boolean) =>
      Array.from({ length: n }, (_, i) => {
        const a = 50 + 5 * u(),
          b = a + 0.5 * u(),
          c = (broken(i) ? 250 - 2 * a : 2 * a + 50) + 0.5 * u();
        return (
          `${new Date(Date.UTC(2026, 0, 1) + (from + i) * 60_000).toISOString()},${a.toFixed(3)},` +
          `${b.toFixed(3)},${c.toFixed(3)}`
        );
      });
    const head = 'time,TT1 (Cel),TT2 (Cel),FT3 (m3/h)';
    writeFileSync(join(dir, 'normal.csv'), [head, ...rows(400, 0, () => false)].join('\n') + '\n');
    writeFileSync(join(dir, 'plant.csv'), [head, ...rows(300, 1000, (i) => i >= 200)].join('\n') + '\n');
    writeFileSync(
      join(dir, 'plant.json'),
      JSON.stringify({ path: 'plant.csv', format: 'csv', csv: { reference: 'normal.csv' } }),
    );
    const ref = await describeInput(join(dir, 'plant.json'));
    const { units } = await calibrateOnReference(ref.spec, DEFAULT_SERIES_OPTIONS, ref.name);
    expect(units.map((m) => [m.asset, m.method])).toEqual([
      ['plant.csv', 'pca'],
      ['plant.csv', 'band'],
    ]);
    const { events, anomalies } = await detect(ref.path, DEFAULT_SERIES_OPTIONS, ref.spec);
    // the mean of FT3 stays where it was: no tag alone shows it
    expect(events.filter((e) => e.kind === 'change')).toEqual([]);
    const first = anomalies[0];
    expect(first).toMatchObject({ statistic: 'SPE', asset: 'plant.csv' });
    expect(first.onset_line).toBeGreaterThanOrEqual(202); // row 200 of the data is line 202
    expect(first.onset_line).toBeLessThanOrEqual(206);
    expect(first.contributions[0].tag).toMatch(/^(TT1|FT3)$/);
    // the same through `forge parse` (chunked parse, then segmentSource): anomaly records in the series file
    const stdout = execFileSync(
      process.execPath,
      [
        join(__dirname, '..', '..', 'cli', 'bin.js'),
        'parse',
        '--source',
        join(dir, 'plant.json'),
        '--out',
        join(dir, 'out'),
      ],
      { encoding: 'utf8' },
    );
    expect(stdout).toMatch(
      new RegExp(
        String.raw`plant\.csv: 300 lines -> 300 records, 0 quarantined .*series: \d+ windows, 0 changes, 0 ` +
          String.raw`state events, [1-9]\d* anomalies of 1 unit\(s\)`,
      ),
    );
    const records = readFileSync(join(dir, 'out', 'records', 'plant.csv.series.jsonl'), 'utf8')
      .trim()
      .split('\n')
      .map((l) => OperationRecord.parse(JSON.parse(l)));
    expect(records.find((r) => r.kind === 'anomaly')).toMatchObject({
      kind: 'anomaly',
      statistic: 'SPE',
      line: first.onset_line,
      asset: 'plant.csv',
    });
  },
);

describe('the wander floor of normal operation', () => {
  test(
    "takes the block means' spread at its upper 95 % bound: wider from few blocks, close to the estimate " +
      'from many',
    () => {
      // chi-square quantiles against tables: 4 df at 5 % is 0.711, 24 df at 5 % is 13.85
      expect(chiSquareQuantile(0.05, 4)).toBeGreaterThan(0.711 * 0.9);
      expect(chiSquareQuantile(0.05, 4)).toBeLessThan(0.711 * 1.02);
      expect(chiSquareQuantile(0.05, 24)).toBeCloseTo(13.85, 0);
      const noise = (n: number, seed: number) => {
        let s = seed;
        return Array.from({ length: n }, () => (s = (s * 1103515245 + 12345) % 2147483648) / 2147483648 - 0.5);
      };
      const opts = { rebaseline: 20, falseEventsPerWeek: 1 };
      const few = noise(100, 3),
        many = noise(500, 3);
      const blockSd = (v: number[]) => {
        const m: number[] = [];
        for (let i = 0; i + 20 <= v.length; i += 20) m.push(v.slice(i, i + 20).reduce((a, b) => a + b, 0) / 20);
        const mu = m.reduce((a, b) => a + b, 0) / m.length;
        return Math.sqrt(m.reduce((a, b) => a + (b - mu) ** 2, 0) / (m.length - 1));
      };
      const point = (v: number[]) => normalQuantile(1 - (20 * 60_000) / WEEK_MS / 2) * Math.SQRT2 * blockSd(v);
      expect(wanderFloor(few, 60_000, opts) / point(few)).toBeCloseTo(Math.sqrt(4 / chiSquareQuantile(0.05, 4)), 6);
      expect(wanderFloor(few, 60_000, opts) / point(few)).toBeGreaterThan(2.3);
      expect(wanderFloor(many, 60_000, opts) / point(many)).toBeLessThan(1.45);
    },
  );
  test('is learned on while a series does not change: refreshed as its blocks double, as from them all', () => {
    const opts = { rebaseline: 20, falseEventsPerWeek: 1 };
    const a = ar(4000, 0.8, 3).rows.map((r) => r[0]);
    const learner = new WanderLearner(blockMeans(a.slice(0, 100), 20), 1000, opts);
    const refreshed: [number, number][] = [];
    a.slice(100).forEach((v, i) => {
      const f = learner.push(v);
      if (f !== null) refreshed.push([i + 101, f]);
    });
    // 5 blocks in the first baseline, then 10, 20, 40, 80, 160
    expect(refreshed.map(([row]) => row)).toEqual([200, 400, 800, 1600, 3200]);
    for (const [row, f] of refreshed)
      expect(f).toBeCloseTo(floorOfBlocks(blockMeans(a.slice(0, row), 20), 1000, opts), 9);
  });
  test('a step the first 100 readings cannot tell from their wander is a change after more normal readings', () => {
    // AR(0.8) readings at 1 Hz: their first 100 put the floor at 48, their first 1600 at 20; a step of 34 at row 2000
    // is a change, the same step at row 150 is followed as drift (as before the floor was learned on)
    const a = ar(4000, 0.8, 3).rows.map((r) => r[0]);
    const opts = { rebaseline: 20, falseEventsPerWeek: 1 };
    expect(wanderFloor(a.slice(0, 100), 1000, opts)).toBeGreaterThan(40);
    expect(floorOfBlocks(blockMeans(a.slice(0, 1600), 20), 1000, opts)).toBeLessThan(25);
    const changes = (at: number) => {
      const out: SeriesEvent[] = [];
      const seg = new SeriesSegmenter(DEFAULT_SERIES_OPTIONS, (e) => out.push(e));
      a.forEach((v, i) =>
        seg.push({
          source: 's',
          line: i + 2,
          t: i * 1000,
          asset: 'u',
          tag: 'a',
          unit: 'x',
          value: v + (i >= at ? 34 : 0),
        }),
      );
      seg.finish();
      return out.flatMap((e) => (e.kind === 'change' ? [e.onset_line - 2] : []));
    };
    expect(changes(2000)).toEqual([expect.any(Number)]);
    expect(Math.abs(changes(2000)[0] - 2000)).toBeLessThanOrEqual(3);
    expect(changes(150)).toEqual([]);
  });
});
