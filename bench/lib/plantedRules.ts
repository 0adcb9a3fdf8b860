/**
 * Records with planted rules, for the threshold-rule benchmark and tests: injection-moulding shots with
 * a few process parameters, a derived quantity (screw power from torque and speed, as the graph defines
 * it), noise columns, and a defect outcome whose rate is raised only by the planted rules (~3-4 %
 * positives, like real failure data).
 */
import { covers, type RuleShape } from '../../activities/knowledge/thresholdRules';

export interface PlantedRule {
  name: string;
  shape: RuleShape;
  rate: number;
}

/** The derived quantity, as a graph `Parameter.formula` carries it. */
export const POWER_FORMULA = {
  id: 'screw_power',
  formula: 'screw_torque * screw_speed * 2 * pi / 60 / 1000',
  unit: 'kW',
};

export const PLANTED: PlantedRule[] = [
  {
    name: 'single: melt_temp > 248',
    shape: { kind: 'single', condition: { feature: 'melt_temp', op: '>', threshold: 248 } },
    rate: 0.35,
  },
  {
    name: 'band: hold_pressure < 360 or > 840',
    shape: { kind: 'band', feature: 'hold_pressure', below: 360, above: 840 },
    rate: 0.3,
  },
  {
    name: 'conjunction over a derived quantity: screw_power > 2.6 and mold_temp < 46',
    shape: {
      kind: 'conjunction',
      conditions: [
        { feature: 'mold_temp', op: '<', threshold: 46 },
        { feature: 'screw_power', op: '>', threshold: 2.6 },
      ],
    },
    rate: 0.5,
  },
];
export const BASE_RATE = 0.01;

/** A small seeded generator (mulberry32) and normal draws (Box-Muller): the same seed, the same data. */
export function rng(seed: number): { u: () => number; normal: (mu: number, sd: number) => number } {
  let a = seed >>> 0;
  const u = () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  return { u, normal: (mu, sd) => mu + sd * Math.sqrt(-2 * Math.log(1 - u())) * Math.cos(2 * Math.PI * u()) };
}

/** `n` shots: measured columns (no derived quantity: that is the graph's job) and the outcome. */
export function plantedShots(n: number, seed = 42): { columns: Record<string, number[]>; outcome: boolean[] } {
  const r = rng(seed);
  const columns: Record<string, number[]> = {
    melt_temp: [],
    hold_pressure: [],
    screw_speed: [],
    screw_torque: [],
    mold_temp: [],
    humidity: [],
    cycle_time: [],
    coolant_flow: [],
  };
  const outcome: boolean[] = [];
  const power: number[] = [];
  for (let i = 0; i < n; i++) {
    const row = {
      melt_temp: r.normal(230, 8),
      hold_pressure: r.normal(600, 120),
      screw_speed: 60 + 80 * r.u(),
      screw_torque: r.normal(180, 30),
      mold_temp: r.normal(50, 5),
      humidity: 20 + 60 * r.u(),
      cycle_time: r.normal(30, 2),
      coolant_flow: r.normal(12, 1.5),
    };
    for (const [k, v] of Object.entries(row)) columns[k].push(Number(v.toFixed(3)));
    // the truth, computed apart from the code under test
    power.push((row.screw_torque * row.screw_speed * 2 * Math.PI) / 60 / 1000);
  }
  const truth = { features: { ...columns, screw_power: power }, outcome: [] };
  for (let i = 0; i < n; i++) {
    const p = Math.max(BASE_RATE, ...PLANTED.filter((rule) => covers(rule.shape, truth, i)).map((rule) => rule.rate));
    outcome.push(r.u() < p);
  }
  return { columns, outcome };
}

/**
 * A second outcome (an alarm) on the same shots, with the shapes the first lacks: inside [a, b], thresholds per
 * material lot.
 */
export const PLANTED_ALARM: (PlantedRule & { lot?: string })[] = [
  {
    name: 'inside: 31 < cycle_time < 33',
    shape: { kind: 'interval', feature: 'cycle_time', above: 31, below: 33 },
    rate: 0.3,
  },
  {
    name: 'lot A: humidity > 60',
    lot: 'A',
    shape: {
      kind: 'single',
      condition: { feature: 'humidity', op: '>', threshold: 60 },
      category: { column: 'lot', value: 'A' },
    },
    rate: 0.5,
  },
  {
    name: 'lot B: humidity > 70',
    lot: 'B',
    shape: {
      kind: 'single',
      condition: { feature: 'humidity', op: '>', threshold: 70 },
      category: { column: 'lot', value: 'B' },
    },
    rate: 0.5,
  },
];

/**
 * The material lot of each shot and the alarm outcome, drawn apart (seed + 1000) so that `plantedShots` stays as it
 * was.
 */
export function plantedAlarms(columns: Record<string, number[]>, seed = 42): { lot: string[]; alarm: boolean[] } {
  const r = rng(seed + 1000);
  const n = columns.humidity.length;
  const lot = Array.from({ length: n }, () => ['A', 'B', 'C'][Math.floor(3 * r.u())]);
  const data = { features: columns, categories: { lot }, outcome: [] };
  const alarm = Array.from(
    { length: n },
    (_, i) => r.u() < Math.max(BASE_RATE, ...PLANTED_ALARM.filter((p) => covers(p.shape, data, i)).map((p) => p.rate)),
  );
  return { lot, alarm };
}
