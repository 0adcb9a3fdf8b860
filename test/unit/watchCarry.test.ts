import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SampleBatch } from '../../activities/parse/records';
import { segmentSource } from '../../activities/parse/series/segmentSource';
import { readCarry, WatchCarry } from '../../activities/parse/series/watchCarry';
import { SourceSpec } from '../../activities/parse/sourceSpec';
import { ar } from '../fixtures/arReadings';

/** Rows `from`..`to` of the readings as one samples record file (row i is line i + 2), in a folder of its own. */
function version(rows: number[][], times: number[], from: number, to: number): string {
  const dir = mkdtempSync(join(tmpdir(), 'forge-carry-'));
  const lines = Array.from({ length: to - from }, (_, i) => from + i + 2);
  const batch = SampleBatch.parse({
    kind: 'samples',
    id: `b${from}`,
    source: 'line.csv',
    line: from + 2,
    ts: new Date(times[from]).toISOString(),
    asset: 'press',
    lines,
    times: times.slice(from, to),
    values: Object.fromEntries(['a', 'b', 'c'].map((t, j) => [t, rows.slice(from, to).map((r) => r[j])])),
    units: { a: 'Cel', b: 'Cel', c: 'Cel' },
    labels: {},
  });
  writeFileSync(join(dir, 'records.jsonl'), JSON.stringify(batch) + '\n');
  return dir;
}

const segment = async (dir: string, previousCalibration?: string) => {
  const out = await segmentSource({
    source: 'line.csv',
    spec: SourceSpec.parse({ format: 'csv' }),
    files: [join(dir, 'records.jsonl')],
    out: join(dir, 'series.jsonl'),
    series: {},
    calibrationOut: join(dir, 'calibration.json'),
    ...(previousCalibration ? { previousCalibration } : {}),
  });
  const records = readFileSync(join(dir, 'series.jsonl'), 'utf8')
    .split('\n')
    .filter(Boolean)
    .map((l) => JSON.parse(l) as { kind: string; line: number; tag?: string; statistic?: string });
  return { out, records };
};

describe('a scheduled version watches with what the one before established (series/watchCarry.ts)', () => {
  // 300 rows of normal readings in version 1; version 2 brings 60 rows, and from its 11th tag b is 10 sd up
  const data = ar(360, 0, 9);
  const rows = data.rows.map((r, i) => (i >= 310 ? [r[0], r[1] + 10 * Math.hypot(3, 1), r[2]] : r));

  test('with the carry a version of 60 rows is watched from its first reading: a change and an episode', async () => {
    const v1 = version(rows, data.times, 0, 300);
    const first = await segment(v1);
    expect(first.out.monitors.press.note).toMatch(/^band on 3 of 3 tags/);
    const carried = WatchCarry.parse(JSON.parse(readFileSync(join(v1, 'calibration.json'), 'utf8')).carry);
    expect(Object.keys(carried.series.press).sort()).toEqual(['a', 'b', 'c']);
    expect(carried.bands.map((b) => b.model.asset)).toEqual(['press']);

    const v2 = version(rows, data.times, 300, 360);
    const alone = await segment(v2);
    // on its own the version is shorter than a baseline: nothing is watched, and the note says so
    expect(alone.out.monitors.press).toEqual({
      by: 'none',
      note: 'no band: 60 rows, a band is trained on the first 100',
    });
    expect(alone.records.filter((r) => r.kind === 'change' || r.kind === 'anomaly')).toEqual([]);

    const next = await segment(v2, join(v1, 'calibration.json'));
    expect(next.out.monitors.press.by).toBe('band');
    expect(next.out.monitors.press.note).toMatch(/^band on 3 of 3 tags .*\(carried from an earlier version\)$/);
    const changes = next.records.filter((r) => r.kind === 'change');
    const episodes = next.records.filter((r) => r.kind === 'anomaly');
    // row 310 is line 312; the change is dated to where its CUSUM left zero (Page's estimate), a row early here
    expect(changes.map((c) => c.tag)).toEqual(['b']);
    expect(Math.abs(changes[0].line - 312)).toBeLessThanOrEqual(1);
    expect(episodes).toEqual([
      expect.objectContaining({ statistic: 'band', line: 312 }),
      expect.objectContaining({ statistic: 'EWMS', line: 312 }),
    ]);
    // and it hands on in turn, with b's new level
    const handed = WatchCarry.parse(JSON.parse(readFileSync(join(v2, 'calibration.json'), 'utf8')).carry);
    expect(handed.bands).toHaveLength(1);
    expect(handed.series.press.b.mu - carried.series.press.b.mu).toBeGreaterThan(5 * Math.hypot(3, 1));
    expect(handed.series.press.a).toEqual(expect.objectContaining({ sigma0: carried.series.press.a.sigma0 }));
  });

  test('an earlier calibration file that is not one is refused with its path; none at all is no carry', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'forge-carry-bad-'));
    writeFileSync(join(dir, 'calibration.json'), '{"carry": {"series": 3}}');
    await expect(readCarry(join(dir, 'calibration.json'))).rejects.toThrow(
      `${join(dir, 'calibration.json')}: not the calibration an earlier version wrote`,
    );
    writeFileSync(join(dir, 'broken.json'), '{"carry": ');
    await expect(readCarry(join(dir, 'broken.json'))).rejects.toThrow('not the calibration an earlier version wrote');
    await expect(readCarry(join(dir, 'missing.json'))).resolves.toBeNull();
  });
});
