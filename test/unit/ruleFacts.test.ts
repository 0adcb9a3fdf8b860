import { deriveFacts } from '../../activities/kinds/deriveFacts';
import { DEFAULT_DERIVE_OPTIONS } from '../../activities/knowledge/deriveOptions';
import { type GraphAgreementFact, type OutOfSpecFact, type ThresholdRuleFact } from '../../activities/knowledge/facts';
import { Fact } from '../../activities/kinds';
import { checkGraphFormulas } from '../../activities/knowledge/graphSnapshot';
import { GraphIndex } from '../../activities/knowledge/linking';
import { buildSeriesTables } from '../../activities/knowledge/seriesTable';
import { conversion, displayUnit, ucumCode } from '../../activities/knowledge/units';
import type { SampleRecord } from '../../activities/parse/records';
import { GRAPH, RULE_GRAPH, ruleShots, samples } from '../fixtures/graph';
import { renderOffline } from '../../activities/expand/offlineExpander';
import { MACHINE_GRAPH, machineFailureBatch, machineFailures } from '../../bench/lib/machineFailures';

describe('threshold-rule and graph-agreement facts', () => {
  const { facts, unlinked } = deriveFacts([ruleShots(4000)], RULE_GRAPH);
  const rules = facts.filter((f): f is ThresholdRuleFact => f.kind === 'threshold_rule');
  const agreements = facts.filter((f): f is GraphAgreementFact => f.kind === 'graph_agreement');

  test('every fact validates, and every reading was linked', () => {
    for (const f of facts) expect(Fact.safeParse(f).success).toBe(true);
    expect(unlinked).toEqual({});
  });

  test('the planted melt-temperature threshold is found in the graph unit (readings were in degF)', () => {
    const melt = rules.find((r) => r.statement.conditions.some((c) => c.parameter.id === 'melt_temp'))!;
    expect(melt.statement).toMatchObject({
      shape: 'single',
      combine: 'all',
      asset: { id: 'IMM-01', name: 'machine IMM-01' },
    });
    const [c] = melt.statement.conditions;
    expect(c).toMatchObject({ op: '>', parameter: { unit: '°C', formula: null } });
    expect(Math.abs(c.threshold - 245)).toBeLessThan(245 * 0.01);
    expect(melt.statement.outcome.main_defect?.id).toBe('effect:burn_marks');
    expect(melt.statement.failure_modes.map((m) => m.id)).toEqual(['fm:degradation']);
    expect(melt.evidence.lift).toBeGreaterThan(2);
    expect(melt.evidence.q_value).toBeLessThan(0.05);
    expect(melt.subject).toEqual(['melt_temp', 'IMM-01', 'fm:degradation', 'effect:burn_marks']);
    expect(melt.sources[0]).toMatch(/^shots\.csv:\d+$/);
  });

  test('the planted rule on a derived quantity is found through the graph formula', () => {
    const ratio = rules.find((r) => r.statement.conditions.some((c) => c.parameter.id === 'hold_ratio'))!;
    expect(ratio).toBeDefined();
    const [c] = ratio.statement.conditions;
    expect(c).toMatchObject({ op: '<', parameter: { unit: '%', formula: 'hold_pressure / injection_pressure * 100' } });
    expect(Math.abs(c.threshold - 38)).toBeLessThan(38 * 0.05);
  });

  test('no spurious rule: the pressures alone add nothing once the ratio is known', () => {
    expect(rules.map((r) => r.statement.conditions.map((c) => c.parameter.id).join('&')).sort()).toEqual([
      'hold_ratio',
      'melt_temp',
    ]);
  });

  test('agreement with the graph: melt limit 250 contradicted (risk starts inside), ratio limit 38 confirmed', () => {
    const melt = agreements.find((a) => a.statement.parameter.id === 'melt_temp')!;
    expect(melt.statement).toMatchObject({
      side: 'upper',
      spec_limit: 250,
      verdict: 'contradicts',
      reading: 'risk_inside_spec',
      tolerance: 1.5,
    });
    expect(melt.statement.rule_fact).toBe(
      rules.find((r) => r.statement.conditions[0].parameter.id === 'melt_temp')!.id,
    );
    const ratio = agreements.find((a) => a.statement.parameter.id === 'hold_ratio')!;
    expect(ratio.statement).toMatchObject({
      side: 'lower',
      spec_limit: 38,
      verdict: 'confirms',
      reading: 'limit_confirmed',
    });
  });

  test('out of spec works on derived quantities too', () => {
    const oos = facts
      .filter((f): f is OutOfSpecFact => f.kind === 'out_of_spec')
      .find((f) => f.statement.parameter.id === 'hold_ratio' && f.statement.direction === 'below')!;
    expect(oos.statement.parameter.formula).toBe('hold_pressure / injection_pressure * 100');
    expect(oos.evidence.n).toBe(4000);
  });

  test('a shuffled outcome gives no rule', () => {
    const b = ruleShots(4000);
    let s = 3;
    const q = [...b.labels.quality];
    for (let i = q.length - 1; i > 0; i--) {
      const j = (s = (s * 1103515245 + 12345) % 2147483648) % (i + 1);
      [q[i], q[j]] = [q[j], q[i]];
    }
    const shuffled = deriveFacts([{ ...b, labels: { quality: q, defect: b.labels.defect } }], RULE_GRAPH).facts;
    expect(shuffled.filter((f) => f.kind === 'threshold_rule' || f.kind === 'graph_agreement')).toEqual([]);
  });

  test('too few outcome rows: no mining at all', () => {
    const few = deriveFacts([ruleShots(30)], RULE_GRAPH, { ...DEFAULT_DERIVE_OPTIONS }).facts;
    expect(few.filter((f) => f.kind === 'threshold_rule')).toEqual([]);
  });
});

describe('series tables', () => {
  const index = new GraphIndex(RULE_GRAPH);
  const row = (
    line: number,
    min: number,
    values: SampleRecord['values'],
    labels: Record<string, string> = {},
  ): SampleRecord => ({
    kind: 'sample',
    id: `s${line}`,
    source: 'long.csv',
    line,
    ts: new Date(Date.UTC(2026, 2, 2, 0, min)).toISOString(),
    asset: 'IMM-01',
    values,
    labels,
  });

  test('a long table (one tag per line) is merged by instant; derived quantities are computed per row', () => {
    const unlinked = {};
    const [t] = buildSeriesTables(
      [
        row(2, 0, { hold_pressure: { value: 480, unit: 'bar' } }),
        row(3, 0, { injection_pressure: { value: 960, unit: 'bar' } }),
        row(4, 1, { hold_pressure: { value: 300, unit: 'bar' } }, { quality: 'NG' }),
        row(5, 1, { injection_pressure: { value: 1000, unit: 'bar' } }),
      ],
      index,
      unlinked,
    );
    expect(t.n).toBe(2);
    expect(t.columns.get('hold_ratio')).toEqual([50, 30]);
    expect(t.labels.get('quality')).toEqual(['', 'NG']);
    expect(t.derived).toEqual(new Set(['hold_ratio']));
  });

  test('two wide rows at the same instant stay two rows', () => {
    const [t] = buildSeriesTables(
      [row(2, 0, { melt_temp: { value: 240, unit: 'Cel' } }), row(3, 0, { melt_temp: { value: 241, unit: 'Cel' } })],
      index,
      {},
    );
    expect(t.columns.get('melt_temp')).toEqual([240, 241]);
  });

  test('readings are converted to the parameter unit; what cannot be converted is counted by reason', () => {
    const unlinked: Record<string, number> = {};
    const [t] = buildSeriesTables(
      [
        row(2, 0, { melt_temp: { value: 500, unit: 'degF' } }),
        row(3, 1, { melt_temp: { value: 7, unit: 'bar' } }),
        row(4, 2, { hold_ratio: { value: 50, unit: '%' } }),
        row(5, 3, { melt_temp: { value: 1, unit: 'furlongs' } }),
      ],
      index,
      unlinked,
    );
    expect(t.columns.get('melt_temp')).toEqual([260, NaN, NaN, NaN]);
    expect(unlinked).toEqual({
      'unit "bar" of tag "melt_temp" does not convert to melt_temp (degC): "bar" cannot be converted to "degC"': 1,
      'tag "hold_ratio" is hold_ratio, which the graph computes from a formula': 1,
      'unit "furlongs" of tag "melt_temp" does not convert to melt_temp (degC): unit "furlongs" is not a UCUM unit': 1,
    });
  });

  test('out of spec from converted readings', () => {
    const s = samples(5, new Set()).map((r) => ({ ...r, values: { melt_temp: { value: 500, unit: 'degF' } } }));
    const oos = deriveFacts(s, GRAPH).facts.find((f): f is OutOfSpecFact => f.kind === 'out_of_spec')!;
    expect(oos.statement).toMatchObject({ direction: 'above', observed: { extreme: 260 }, parameter: { unit: '°C' } });
  });
});

test('units: log spellings read as UCUM, affine conversions exact to 1e-9, display symbols', () => {
  expect(['degC', '℃', '°C', 'Cel'].map(ucumCode)).toEqual(['Cel', 'Cel', 'Cel', 'Cel']);
  expect(ucumCode('rpm')).toBe('{rev}/min');
  expect(ucumCode('C')).toBe('C'); // coulomb, not Celsius
  expect(ucumCode('wat')).toBeNull();
  const f = conversion('degF', 'Cel');
  expect(f.ok && [f.convert(32), f.convert(212)]).toEqual([0, 100]);
  const p = conversion('psi', 'bar');
  expect(p.ok && p.convert(100)).toBeCloseTo(6.894757293, 9);
  expect(conversion('bar', 's')).toEqual({ ok: false, reason: '"bar" cannot be converted to "s"' });
  expect(['Cel', 'degF', 'rpm', 'm3/h', 'bar'].map(displayUnit)).toEqual(['°C', '°F', 'rev/min', 'm3/h', 'bar']);
});

test('a graph whose formulas cannot be evaluated is refused with the parameter and the reason', () => {
  const withFormula = (id: string, formula: string) => ({ ...RULE_GRAPH.parameters[3], id, formula });
  const graph = (...ps: ReturnType<typeof withFormula>[]) => ({
    ...RULE_GRAPH,
    parameters: [...RULE_GRAPH.parameters.slice(0, 3), ...ps],
  });
  expect(() => checkGraphFormulas(graph(withFormula('ratio', 'hold_pressure / nozzle_pressure')))).toThrow(
    'formula of ratio ("hold_pressure / nozzle_pressure") reads "nozzle_pressure", which is not a parameter',
  );
  expect(() => checkGraphFormulas(graph(withFormula('a', 'b + 1'), withFormula('b', 'a * 2')))).toThrow(
    'formulas of a, b depend on one another in a cycle',
  );
  expect(() => checkGraphFormulas(graph(withFormula('x', 'exec("rm")')))).toThrow(/calls exec/);
  expect(() => checkGraphFormulas(RULE_GRAPH)).not.toThrow();
});

describe(
  'several outcomes per run: machine failures by documented rules (AI4I-style, ' + 'bench/lib/machineFailures.ts)',
  () => {
    const outcomes = ['TWF', 'HDF', 'PWF', 'OSF', 'RNF'].map((label) => ({
      label,
      values: ['1'],
      meaning: 'failure' as const,
      node: label === 'OSF' ? 'fm:overstrain' : null,
    }));
    const { facts, rulesSetAside } = deriveFacts([machineFailureBatch(machineFailures())], MACHINE_GRAPH, {
      ...DEFAULT_DERIVE_OPTIONS,
      outcomes,
    });
    const rules = facts.filter((f): f is ThresholdRuleFact => f.kind === 'threshold_rule');
    const of = (label: string) => rules.filter((r) => r.statement.outcome.label === label);
    const cond = (r: ThresholdRuleFact) => r.statement.conditions.map((c) => `${c.parameter.id} ${c.op}`).join(' & ');

    test('every fact validates; each failure label has its rules; the random one has none', () => {
      for (const f of facts) expect(Fact.safeParse(f).success).toBe(true);
      expect(of('RNF')).toEqual([]);
      expect(of('HDF').map((r) => [r.statement.shape, cond(r), r.evidence.exact])).toEqual([
        ['conjunction', 'speed < & temp_diff <', true],
      ]);
      expect(of('PWF').map((r) => [r.statement.shape, r.statement.combine, cond(r)])).toEqual([
        ['band', 'any', 'power < & power >'],
      ]);
      expect(of('TWF').map((r) => cond(r))).toEqual(['wear >']);
    });

    test('thresholds per variant: strain above about 11,000 (L) and 12,000 (M) min.Nm', () => {
      const byVariant = Object.fromEntries(
        of('OSF')
          .filter((r) => r.statement.category?.column === 'Type')
          .map((r) => [r.statement.category!.value, r.statement.conditions[0].threshold]),
      );
      expect(Math.abs(byVariant.L / 11000 - 1)).toBeLessThan(0.05);
      expect(Math.abs(byVariant.M / 12000 - 1)).toBeLessThan(0.05);
    });

    test(
      'the outcome names its failure mode; a power-failure rule is not given the mode the graph links to high ' +
        'power; texts speak of failures',
      () => {
        for (const r of of('OSF'))
          expect([r.statement.outcome.node?.id, r.statement.failure_modes.map((m) => m.id)]).toEqual([
            'fm:overstrain',
            ['fm:overstrain'],
          ]);
        for (const r of of('PWF')) expect(r.statement.failure_modes).toEqual([]);
        const text = renderOffline({
          facts: [of('PWF')[0]],
          input: 'fact',
          via: null,
          style: 'textbook',
          audience: 'operator',
          lang: 'en',
        });
        expect(text).toMatch(/PWF failures become much more likely/);
        expect(text).not.toMatch(/reject/);
      },
    );

    test(
      'a variant with only two failures gets its own threshold: cut and tested on all its rows, Bonferroni ' +
        'over its cuts (seed 5)',
      () => {
        const rows = machineFailures(10_000, 5);
        expect(rows.filter((r) => r.type === 'H' && r.OSF).length).toBe(2);
        const osf = deriveFacts([machineFailureBatch(rows)], MACHINE_GRAPH, {
          ...DEFAULT_DERIVE_OPTIONS,
          outcomes: [outcomes[3]],
        }).facts.filter(
          (f): f is ThresholdRuleFact => f.kind === 'threshold_rule' && f.statement.category?.value === 'H',
        );
        expect(osf).toHaveLength(1);
        expect(osf[0].evidence).toMatchObject({ support: 2, positives: 2, exact: true });
        expect(Math.abs(osf[0].statement.conditions[0].threshold / 13000 - 1)).toBeLessThan(0.05);
        expect(osf[0].evidence.p_value).toBeLessThan(
          DEFAULT_DERIVE_OPTIONS.rules.alpha / DEFAULT_DERIVE_OPTIONS.rules.maxRules,
        );
      },
    );

    test(
      'a proxy that fails validation is set aside and growth starts again from another condition (seed 8: ' +
        'strain, then tool wear)',
      () => {
        const res = deriveFacts([machineFailureBatch(machineFailures(10_000, 8))], MACHINE_GRAPH, {
          ...DEFAULT_DERIVE_OPTIONS,
          outcomes: [outcomes[0]],
        });
        expect(res.rulesSetAside).toContainEqual(
          expect.objectContaining({
            outcome: 'TWF',
            rule: expect.stringMatching(/^strain > /),
            reason: expect.stringMatching(/failed validation/),
          }),
        );
        const twf = res.facts.filter((f): f is ThresholdRuleFact => f.kind === 'threshold_rule');
        expect(twf.map((r) => cond(r))).toEqual(['wear >']);
      },
    );

    test('the union flag "Machine failure" restates the outcomes: never a condition, set aside with its reason', () => {
      expect(rules.some((r) => r.statement.category?.column === 'Machine failure')).toBe(false);
      expect(rulesSetAside).toContainEqual(
        expect.objectContaining({
          rule: 'Machine failure = 1',
          reason: expect.stringMatching(/restates the outcomes/),
        }),
      );
    });
  },
);
