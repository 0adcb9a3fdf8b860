import { compileFormula, deriveColumns } from '../../activities/knowledge/derivedQuantities';
import { benjaminiHochberg, describeRule, mineThresholdRules } from '../../activities/knowledge/thresholdRules';
import { PLANTED, POWER_FORMULA, plantedAlarms, plantedShots } from '../../bench/lib/plantedRules';
import { thresholdErrors } from '../../bench/thresholdRules';

describe('derived quantities', () => {
  test('evaluates graph formulas over columns, in dependency order, NaN where an input is missing', () => {
    const out = deriveColumns({ torque: [100, 200, NaN], speed: [60, 30, 10] }, [
      { id: 'power_w', formula: 'torque * speed * 2 * pi / 60' },
      { id: 'power_kw', formula: 'power_w / 1000' },
    ]);
    expect(Array.from(out.power_w).map((v) => Number(v.toFixed(3)))).toEqual([628.319, 628.319, NaN]);
    expect(Number(out.power_kw[0].toFixed(6))).toBe(0.628319);
  });
  test.each([
    ['torque * unknown', /reads "unknown", which is not a parameter/],
    ['import({a: 1})', /calls import/],
    ['evaluate("1+1")', /calls evaluate/],
    ['f(x) = x', /uses FunctionAssignmentNode/],
    ['torque = 3', /uses AssignmentNode/],
    ['[1, 2]', /uses ArrayNode/],
    ['torque *', /does not parse/],
  ])('refuses %s with a clear reason', (formula, reason) => {
    expect(() => compileFormula({ id: 'x', formula }, new Set(['torque']))).toThrow(reason);
  });
  test('a cycle between formulas is an error', () => {
    expect(() =>
      deriveColumns({ a: [1] }, [
        { id: 'b', formula: 'c + a' },
        { id: 'c', formula: 'b * 2' },
      ]),
    ).toThrow(/cycle/);
  });
});

describe('threshold rules', () => {
  const { columns, outcome } = plantedShots(30_000, 7);
  const features = { ...columns, ...deriveColumns(columns, [POWER_FORMULA]) };
  const res = mineThresholdRules({ features, outcome });

  test.each(PLANTED.map((p) => [p.name, p] as const))(
    'recovers the planted %s within 5 % of its thresholds',
    (_name, planted) => {
      const errors = res.rules
        .map((r) => thresholdErrors(planted.shape, r.shape))
        .filter((e): e is number[] => e !== null);
      expect(errors.length).toBeGreaterThan(0);
      expect(Math.min(...errors.map((e) => Math.max(...e)))).toBeLessThanOrEqual(0.05);
    },
  );
  test('keeps no other rule: correlated parameters are explained by the planted ones', () => {
    expect(res.rules.map((r) => describeRule(r.shape))).toHaveLength(PLANTED.length);
    expect(res.set_aside.length).toBeGreaterThan(0);
    for (const r of res.rules) expect(r.evidence.q_value).toBeLessThanOrEqual(0.05);
  });
  test('finds nothing where the outcome does not depend on the data', () => {
    const shuffled = outcome.map((_, i) => outcome[(i * 7919) % outcome.length]);
    expect(mineThresholdRules({ features, outcome: shuffled }).rules).toEqual([]);
  });
  test(
    'a deterministic rule is kept and marked exact (what restates the outcome is its own column, which ' +
      'callers never pass)',
    () => {
      const flag = outcome.map((y, i) => (y ? 1 : 0) + (i % 10) / 100);
      const r = mineThresholdRules({ features: { ...features, flag }, outcome });
      const exact = r.rules.find((x) => describeRule(x.shape).includes('flag'));
      expect(exact?.evidence).toMatchObject({ exact: true, confidence: 1, recall: 1 });
    },
  );
  test('every rule tested is kept (or is a side of a kept band) or set aside with its reason', () => {
    const kinds = new Set(res.set_aside.map((x) => x.reason.split(/[:(]/)[0].trim()));
    expect(
      [...kinds].every((k) =>
        [
          'failed validation',
          'below support',
          'too weak',
          'not more precise than its parent',
          'one side of',
          'restates kept rules',
        ].some((x) => k.startsWith(x)),
      ),
    ).toBe(true);
    expect(res.tested).toBeGreaterThanOrEqual(res.rules.length);
    // the covering stops at a rule that does not hold
    expect(res.set_aside.some((x) => /failed validation/.test(x.reason))).toBe(true);
  });
  test('shapes: an interval inside [a, b], thresholds per category, a category alone', () => {
    const n = 40_000;
    const u = (i: number, k: number) => {
      const v = Math.sin(i * 12.9898 + k * 78.233) * 43758.5453;
      return v - Math.floor(v);
    }; // a fixed hash: the same rows every run
    const x = Array.from({ length: n }, (_, i) => Math.round(1000 * u(i, 1)) / 10); // 0..100
    const z = Array.from({ length: n }, (_, i) => Math.round(1000 * u(i, 2)) / 10);
    const variant = Array.from({ length: n }, (_, i) =>
      u(i, 3) < 0.1 ? 'X' : ['L', 'M', 'H'][Math.floor(3 * u(i, 6))],
    );
    const y = x.map(
      (v, i) =>
        (v > 40 && v < 50 ? u(i, 4) < 0.5 : false) ||
        (variant[i] === 'L' ? z[i] > 90 : variant[i] === 'M' ? z[i] > 95 : false) ||
        (variant[i] === 'X' && u(i, 5) < 0.6),
    );
    const r = mineThresholdRules({ features: { x, z }, categories: { variant }, outcome: y });
    const rules = r.rules.map((q) => describeRule(q.shape));
    expect(rules).toEqual(
      expect.arrayContaining([
        'variant = X',
        expect.stringMatching(/^variant = L and z > (89|9[01])/),
        expect.stringMatching(/^variant = M and z > 9[4-6]/),
      ]),
    );
    const interval = r.rules.find((q) => q.shape.kind === 'interval' && q.shape.feature === 'x');
    expect(interval?.shape).toMatchObject({ above: expect.closeTo(40, 0), below: expect.closeTo(50, 0) });
    expect(r.rules).toHaveLength(4);
  });
  test('Benjamini-Hochberg q-values', () => {
    expect(benjaminiHochberg([0.01, 0.04, 0.03, 0.5]).map((q) => Number(q.toFixed(4)))).toEqual([
      0.04, 0.0533, 0.0533, 0.5,
    ]);
  });
});

test(
  'an interval and thresholds per lot on a second outcome, found once each: the edge of a kept interval is ' +
    'not a second rule',
  () => {
    const { columns } = plantedShots(60_000, 2);
    const { lot, alarm } = plantedAlarms(columns, 2);
    const r = mineThresholdRules({
      features: { ...columns, ...deriveColumns(columns, [POWER_FORMULA]) },
      categories: { lot },
      outcome: alarm,
    });
    expect(r.rules.map((x) => describeRule(x.shape))).toEqual(
      expect.arrayContaining([
        expect.stringMatching(/^3[01](\.\d+)? < cycle_time < 3[23]/),
        'lot = A and humidity > 60',
        'lot = B and humidity > 70',
      ]),
    );
    expect(r.rules.filter((x) => x.shape.kind === 'interval')).toHaveLength(1);
    expect(r.set_aside.map((x) => x.reason)).toContainEqual(
      expect.stringMatching(/^restates kept rules: \d+ % of its rows are theirs/),
    );
  },
);
