import { compileFormula, deriveColumns } from '../../activities/knowledge/derivedQuantities';
import { benjaminiHochberg, describeRule, mineThresholdRules } from '../../activities/knowledge/thresholdRules';
import { PLANTED, POWER_FORMULA, plantedShots } from '../../bench/lib/plantedRules';
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
    expect(() => deriveColumns({ a: [1] }, [{ id: 'b', formula: 'c + a' }, { id: 'c', formula: 'b * 2' }])).toThrow(/cycle/);
  });
});

describe('threshold rules', () => {
  const { columns, outcome } = plantedShots(30_000, 7);
  const features = { ...columns, ...deriveColumns(columns, [POWER_FORMULA]) };
  const res = mineThresholdRules({ features, outcome });

  test.each(PLANTED.map((p) => [p.name, p] as const))('recovers the planted %s within 5 % of its thresholds', (_name, planted) => {
    const errors = res.rules.map((r) => thresholdErrors(planted.shape, r.shape)).filter((e): e is number[] => e !== null);
    expect(errors.length).toBeGreaterThan(0);
    expect(Math.min(...errors.map((e) => Math.max(...e)))).toBeLessThanOrEqual(0.05);
  });
  test('keeps no other rule: correlated parameters are explained by the planted ones', () => {
    expect(res.rules.map((r) => describeRule(r.shape))).toHaveLength(PLANTED.length);
    expect(res.set_aside.length).toBeGreaterThan(0);
    for (const r of res.rules) expect(r.evidence.q_value).toBeLessThanOrEqual(0.05);
  });
  test('finds nothing where the outcome does not depend on the data', () => {
    const shuffled = outcome.map((_, i) => outcome[(i * 7919) % outcome.length]);
    expect(mineThresholdRules({ features, outcome: shuffled }).rules).toEqual([]);
  });
  test('a column that restates the outcome is set aside, not a fact', () => {
    const leak = outcome.map((y, i) => (y ? 1 : 0) + (i % 10) / 100);
    const r = mineThresholdRules({ features: { ...features, defect_flag: leak }, outcome });
    expect(r.rules.some((x) => describeRule(x.shape).includes('defect_flag'))).toBe(false);
    expect(r.set_aside.filter((x) => describeRule(x.shape).includes('defect_flag')).map((x) => x.reason)).toContainEqual(expect.stringMatching(/restates the outcome/));
  });
  test('every candidate tested is kept or set aside with its reason', () => {
    expect(res.rules.length + res.set_aside.length).toBe(res.tested);
    const kinds = new Set(res.set_aside.map((x) => x.reason.split(/[:(]/)[0].trim()));
    expect([...kinds].every((k) => ['failed validation', 'below support', 'too weak', 'explained by the stronger rules', 'separates the outcome almost perfectly'].includes(k))).toBe(true);
  });
  test('Benjamini-Hochberg q-values', () => {
    expect(benjaminiHochberg([0.01, 0.04, 0.03, 0.5]).map((q) => Number(q.toFixed(4)))).toEqual([0.04, 0.0533, 0.0533, 0.5]);
  });
});
