import { frozenRuns, MIN_RUN } from '../../activities/parse/series/frozenReadings';

/** `m` steps, `k` of them zero, spread evenly (no two in a row). */
const steps = (m: number, k: number) =>
  Array.from({ length: m }, (_, i) => (k && i % Math.floor(m / k) === 0 && i / Math.floor(m / k) < k ? 0 : 1));

describe('the run of repeated readings that makes a tag frozen (series/frozenReadings.ts)', () => {
  test('more zero steps in the stretch make a longer run; none, at least MIN_RUN', () => {
    const [none, few, some] = frozenRuns([steps(99, 0), steps(99, 2), steps(99, 4)], 1e-8, 0.05);
    expect(none).toBeGreaterThanOrEqual(MIN_RUN);
    expect(few!).toBeGreaterThan(none!);
    expect(some!).toBeGreaterThan(few!);
    // the chance is shared over the columns watched: one more column, a run at least as long
    const [alone] = frozenRuns([steps(99, 2)], 1e-8, 0.05);
    expect(frozenRuns([steps(99, 2), steps(99, 2)], 1e-8, 0.05)[0]).toBeGreaterThanOrEqual(alone!);
    expect(frozenRuns([steps(99, 2)], 1e-12, 0.05)[0]).toBeGreaterThan(alone!);
  });
  test('a long stretch (its binomial terms would underflow) gives the bound of its share, not of none', () => {
    // 4 % of 100 000 steps zero: the share's upper bound 0.0410 gives 7 at a chance of e^-19.2 (0.0410^6 is over
    // it), the share itself 6 (0.04^6 is under)
    expect(frozenRuns([steps(100_000, 4000)], Math.exp(-19.2), 0.05)).toEqual([7]);
  });
  test('a tag that holds its readings (over the held share of steps zero), or has no steps, is not watched', () => {
    expect(frozenRuns([steps(100, 10), []], 1e-8, 0.05)).toEqual([null, null]);
  });
  test('a stretch with runs of repeats: at least twice its longest run', () => {
    const runs = Array.from({ length: 200 }, (_, i) => (i % 100 < 4 ? 0 : 1)); // two runs of 4 zero steps
    expect(frozenRuns([runs], 1e-8, 0.05)[0]).toBeGreaterThanOrEqual(9);
  });
});
