import { BandModel, bandTags, MIN_READINGS, trainBand } from '../../activities/parse/series/bandMonitor';
import { EWMS_WEIGHT, ewmsLimit } from '../../activities/parse/series/meanSquare';
import { PERSIST, UnitMonitor, type UnitAnomaly } from '../../activities/parse/series/unitMonitor';
import { ar } from '../fixtures/arReadings';
import { SourceWatch } from '../../activities/parse/series/segmentFiles';
import { DEFAULT_SERIES_OPTIONS } from '../../activities/parse/series/segmentSeries';
import { SampleBatch } from '../../activities/parse/records';

/** A band trained on the first 100 rows of `rows`, and the episodes it emits over the rest. */
function watch(rows: number[][], times: number[], tags = ['a', 'b', 'c']) {
  const band = trainBand('u', tags, rows.slice(0, 100), times.slice(0, 100), 1);
  const episodes: UnitAnomaly[] = [];
  if (band.model) {
    const m = new UnitMonitor(band.model, (e) => episodes.push(e));
    const columns = bandTags(band.model).map((t) => tags.indexOf(t)); // the band's tags' readings, as SourceWatch gives
    for (let i = 100; i < rows.length; i++)
      m.push(
        's.csv',
        i + 2,
        times[i],
        columns.map((j) => rows[i][j]),
      );
    m.finish();
  }
  return { ...band, episodes };
}

describe("a unit's own band (series/bandMonitor.ts): its first 100 rows, then 10 h of normal readings", () => {
  test.each([0, 0.5])(
    'readings alike for a row or two (AR coefficient %s): every tag watched, no false episode',
    (phi) => {
      for (const seed of [3, 5, 9]) {
        const data = ar(36_100, phi, seed);
        const { model, episodes } = watch(data.rows, data.times);
        expect(model?.tags).toEqual(['a', 'b', 'c']);
        expect(episodes).toEqual([]);
      }
    },
  );
  test.each([0.8, 0.9, 0.99])(
    'readings alike for many rows (AR coefficient %s): a tag its first rows cannot vouch for is watched by its steps',
    (phi) => {
      for (const seed of [3, 5, 9]) {
        const data = ar(36_100, phi, seed);
        const { model, note, episodes } = watch(data.rows, data.times);
        const slow = ['a', 'b', 'c'].filter((t) => !model?.tags.includes(t));
        // each reading less the one before: no slow wander in them, whatever the tag's
        if (slow.length)
          expect(note).toMatch(`${slow.length} slow tags by their steps' mean square (${slow.join(', ')})`);
        expect(model?.steps?.tags ?? []).toEqual(slow);
        if (phi === 0.99) expect(slow).toEqual(['a', 'b', 'c']);
        // with Sokal's window alone (no lag-one time) one seed at 0.9 kept a tag and raised 296 false episodes; at
        // 0.99 with MIN_READINGS 10, seven
        expect(episodes).toEqual([]);
      }
      expect(MIN_READINGS).toBe(20);
    },
  );
  test("a slow tag's noise grown wider: an episode of its steps' mean square; one reading far off: none", () => {
    const data = ar(3100, 0.99, 5);
    const noise = ar(3100, 0, 7).rows.map((r) => r[2] - 10); // c's spread (sd √5), row to row independent
    // over rows 1000-1999 c's readings get noise of its own spread again; at row 2500 one reading is 20 sd off (two
    // steps far off), at row 2800 c steps up by 20 sd and stays (a change event's, not the mean square's)
    const rows = data.rows.map((r, i) => [
      r[0],
      r[1],
      r[2] + (i >= 1000 && i < 2000 ? noise[i] : 0) + (i === 2500 || i >= 2800 ? 20 * Math.sqrt(5) : 0),
    ]);
    const { model, episodes } = watch(rows, data.times);
    expect(model?.steps?.tags).toEqual(['a', 'b', 'c']);
    expect(episodes.every((e) => e.statistic === 'EWMS' && e.contributions[0].tag === 'c')).toBe(true);
    expect(episodes.every((e) => e.onset_line >= 1002 && e.end_line < 2030)).toBe(true);
    const rowsOff = episodes.reduce((a, e) => a + e.end_line - e.onset_line + 1, 0);
    expect(rowsOff).toBeGreaterThan(900);
  });
  test('a slow tag that holds its readings for rows at a time (an analyser) is not watched by its steps', () => {
    const data = ar(300, 0.99, 3);
    const rows = data.rows.map((r, i) => [...r, data.rows[i - (i % 5)][0]]);
    const { model, note } = watch(rows, data.times, ['a', 'b', 'c', 'analyser']);
    expect(model?.steps?.tags).toEqual(['a', 'b', 'c']);
    expect(note).toMatch(/; not watched: 1 alike for too many rows \(analyser\)$/);
  });
  test('one reading far off is a blip to the mean square as to the band; two rows of it in three are not', () => {
    const data = ar(1000, 0, 3);
    const sd = Math.hypot(3, 1);
    // b: 40 sd off at row 300 alone; at rows 600, 601 and 603
    const far = new Set([300, 600, 601, 603]);
    const rows = data.rows.map((r, i) => [r[0], r[1] + (far.has(i) ? 40 * sd : 0), r[2]]);
    const { episodes } = watch(rows, data.times);
    expect(episodes.map((e) => [e.statistic, e.onset_line])).toEqual([['EWMS', 602]]);
  });
  test('a constant tag is not watched (its setpoint changes are change events), and the note says so', () => {
    const data = ar(200, 0, 3);
    const rows = data.rows.map((r) => [...r, 7]);
    const { model, note } = watch(rows, data.times, ['a', 'b', 'c', 'valve']);
    expect(model?.tags).toEqual(['a', 'b', 'c']);
    expect(note).toMatch(/^band on 3 of 4 tags from the first 100 rows \(2 min\): \d\.\d\d sd a row, /);
    expect(note).toMatch(
      /, the mean square over about 9 rows of 3 \d+\.\d-\d+\.\d sd²; 3 tags frozen after \d+ repeated readings; not/,
    );
    expect(note).toMatch(/; not watched: 1 constant \(valve\)$/);
  });
  test('a level held off is one episode from onset to return; swings a minute apart one each, closer ones one', () => {
    const data = ar(5000, 0, 9);
    // b stepped by 10 of its standard deviations over rows 1000-1999; from row 3000 c is 12 off for 20 rows in 100
    // (80 s back inside the band between swings); from row 4000 for 20 rows in 50 (30 s back: a chattering alarm)
    const rows = data.rows.map((r, i) => [
      r[0],
      r[1] + (i >= 1000 && i < 2000 ? 10 * Math.hypot(3, 1) : 0),
      r[2] + ((i >= 3000 && i < 4000 && i % 100 < 20) || (i >= 4000 && i % 50 < 20) ? 12 * Math.hypot(2, 1) : 0),
    ]);
    const { episodes } = watch(rows, data.times);
    for (const statistic of ['band', 'EWMS'] as const) {
      const [held, ...swings] = episodes.filter((e) => e.statistic === statistic);
      // row i is line i + 2; the mean square takes a few rows to fall back under its limit after the last row off
      expect(held).toMatchObject({ onset_line: 1002, detected_line: 1002 + PERSIST - 1, ended: true });
      expect(held.end_line - 2001).toBeGreaterThanOrEqual(0);
      expect(held.end_line - 2001).toBeLessThanOrEqual(statistic === 'band' ? 0 : 15);
      expect(held.contributions[0].tag).toBe('b');
      expect(swings).toHaveLength(11);
      expect(swings.every((e) => e.onset_line >= 3002 && e.contributions[0].tag === 'c')).toBe(true);
      const apart = swings.slice(0, 10);
      expect(apart.every((e) => e.ended && e.onset_line < 4002)).toBe(true);
      const lengths = apart.map((e) => e.end_line - e.onset_line + 1);
      if (statistic === 'band') expect(lengths).toEqual(Array(10).fill(20));
      else expect(lengths.every((n) => n >= 20 && n < 80)).toBe(true);
      // the swings 30 s apart: one episode from the first to the last, which ended 30 s before the data did
      expect(swings[10]).toMatchObject({ onset_line: 4002, ended: true });
      expect(swings[10].end_line).toBeGreaterThanOrEqual(4971);
      expect(swings[10].end_line).toBeLessThan(4990);
    }
  });
  test('a level held 4 sd off, or noise four times as wide: few rows off the band, most off their mean square', () => {
    const data = ar(3000, 0, 5);
    const sd = Math.hypot(3, 1);
    // over rows 1000-1999 b is 4 of its sd up; over rows 2000-2999 its noise is four times as wide
    const rows = data.rows.map((r, i) => [
      r[0],
      i >= 2000 ? 30 + 4 * (r[1] - 30) : r[1] + (i >= 1000 ? 4 * sd : 0),
      r[2],
    ]);
    const { episodes } = watch(rows, data.times);
    const rowsOff = (statistic: string, from: number, to: number) =>
      episodes
        .filter((e) => e.statistic === statistic)
        .reduce((a, e) => a + Math.max(0, Math.min(e.end_line, to + 2) - Math.max(e.onset_line, from + 2) + 1), 0);
    expect(episodes.every((e) => e.onset_line >= 1002 && e.contributions[0].tag === 'b')).toBe(true);
    expect(rowsOff('band', 1000, 1999)).toBeLessThan(50);
    expect(rowsOff('EWMS', 1000, 1999)).toBeGreaterThan(950);
    expect(rowsOff('EWMS', 2000, 2999)).toBeGreaterThan(900);
  });
  test.each([0, 0.99])(
    'a tag frozen at its last reading for 60 rows (AR coefficient %s): one frozen episode, from its first reading',
    (phi) => {
      const data = ar(3000, phi, 5);
      // b repeats its reading of row 1500 over rows 1500-1559, then moves again
      const rows = data.rows.map((r, i) => [r[0], i >= 1500 && i < 1560 ? data.rows[1500][1] : r[1], r[2]]);
      const { model, note, episodes } = watch(rows, data.times);
      const run = model?.frozen?.[bandTags(model).indexOf('b')];
      expect(run).toBeGreaterThanOrEqual(2);
      expect(note).toMatch(/; 3 tags frozen after \d+(-\d+)? repeated readings/);
      const frozen = episodes.filter((e) => e.statistic === 'frozen');
      // row i is line i + 2: from the run's first reading to its last; found once the run passed its limit
      expect(frozen).toMatchObject([{ onset_line: 1502, end_line: 1561, ended: true }]);
      expect(frozen[0].detected_line).toBe(1502 + run! + PERSIST);
      expect(frozen[0].contributions).toEqual([{ tag: 'b', share: expect.any(Number) }]);
    },
  );
  test('quantised readings: repeats as often as the first rows had them raise no frozen episode in 10 h', () => {
    for (const seed of [3, 5, 9]) {
      const data = ar(36_100, 0, seed);
      // a to a twentieth of its sd (zero steps about 1.4 %), b to a third (about 9 %: it holds its readings)
      const sd = [Math.hypot(5, 1), Math.hypot(3, 1)];
      const rows = data.rows.map((r) => [
        Math.round((r[0] * 20) / sd[0]) * (sd[0] / 20),
        Math.round((r[1] * 3) / sd[1]) * (sd[1] / 3),
        r[2],
      ]);
      const { model, episodes } = watch(rows, data.times);
      const tags = bandTags(model!);
      expect(model?.frozen?.[tags.indexOf('a')]).toEqual(expect.any(Number));
      expect(model?.frozen?.[tags.indexOf('b')]).toBeNull();
      expect(episodes.filter((e) => e.statistic === 'frozen')).toEqual([]);
    }
  });
  test.each([0, 0.5])(
    'the EWMS limit holds its rate: readings at AR coefficient %s over it about as often as it says (ewmsLimit)',
    (r) => {
      // a rate of one row in a thousand: about 1000 of a million rows, within sampling error
      const limit = ewmsLimit((1 + r * r) / (1 - r * r), 1e-3);
      let seed = 11;
      const uniform = () => {
        // mulberry32
        seed = (seed + 0x6d2b79f5) | 0;
        let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
        t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
        return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
      };
      let e = 1,
        z = 0,
        over = 0;
      for (let i = 0; i < 1e6; i++) {
        const g = Math.sqrt(-2 * Math.log(1 - uniform())) * Math.cos(2 * Math.PI * uniform());
        z = r * z + Math.sqrt(1 - r * r) * g;
        e += EWMS_WEIGHT * (z * z - e);
        if (e > limit) over++;
      }
      expect(over).toBeGreaterThan(700);
      expect(over).toBeLessThan(1400);
    },
  );
});

test('a band carried from a version before the mean square (no `ms`) still reads, and watches by the row', () => {
  const old = BandModel.parse({ method: 'band', asset: 'u', tags: ['a'], mean: [0], sd: [1], limits: { band: 4 } });
  const episodes: UnitAnomaly[] = [];
  const m = new UnitMonitor(old, (e) => episodes.push(e));
  // 2 sd held for 50 rows (the mean square's kind of fault), then 10 sd for 5
  for (let i = 0; i < 100; i++) m.push('s.csv', i + 2, Date.UTC(2026, 0, 1) + i * 1000, [i < 50 ? 2 : i < 55 ? 10 : 0]);
  m.finish();
  expect(episodes.map((e) => [e.statistic, e.onset_line, e.end_line])).toEqual([['band', 52, 56]]);
});

test('a unit with fewer rows than the band is trained on has none, and says so (SourceWatch)', () => {
  const watch = new SourceWatch(DEFAULT_SERIES_OPTIONS, () => {});
  const data = ar(60, 0, 3);
  watch.push(
    SampleBatch.parse({
      kind: 'samples',
      id: 'b1',
      source: 's.csv',
      line: 2,
      ts: new Date(data.times[0]).toISOString(),
      asset: 'u',
      lines: data.times.map((_, i) => i + 2),
      times: data.times,
      values: { a: data.rows.map((r) => r[0]), b: data.rows.map((r) => r[1]) },
      units: { a: 'Cel', b: 'Cel' },
      labels: {},
    }),
  );
  watch.finish();
  expect([...watch.watching.values()].filter((w) => w.by !== 'none')).toEqual([]);
  expect(watch.watching.get('u')).toEqual({ by: 'none', note: 'no band: 60 rows, a band is trained on the first 100' });
});
