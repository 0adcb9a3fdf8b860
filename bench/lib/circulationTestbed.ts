/**
 * A stand-in for the held-out benchmark of a water-circulation testbed (eight sensors of one pump loop read once a
 * second, files of about 20 minutes, one labelled fault each after the first 400 rows): our own generator, written from
 * the published description of such a testbed, not its data. Readings share a slow pump-load factor (flow, current,
 * pressure and vibration move together), the temperatures creep up as the water warms (settling over the first hour),
 * flow and pressure are coarsely quantised as such transmitters export them. A fault is one of the kinds such testbeds
 * stage: a valve closed (fully or partly), rotor imbalance (strong or slight), cavitation, and heating of the water.
 */
import { rng } from './plantedRules';

export const TESTBED_COLUMNS = [
  'Accelerometer1RMS',
  'Accelerometer2RMS',
  'Current',
  'Pressure',
  'Temperature',
  'Thermocouple',
  'Voltage',
  'Volume Flow RateRMS',
] as const;
const [ACC1, ACC2, CURRENT, PRESSURE, TEMPERATURE, THERMOCOUPLE, , FLOW] = TESTBED_COLUMNS.map((_, j) => j);

/** A fault's effect on one row's readings `x` (in place), `i` rows after its onset, with a standard normal draw. */
type Effect = (x: number[], i: number, noise: () => number) => void;
export const FAULT_KINDS: Record<string, Effect> = {
  'valve closed': (x) => {
    x[FLOW] -= 6;
    x[PRESSURE] += 0.33;
    x[CURRENT] -= 0.15;
    x[ACC1] *= 1.08;
  },
  'valve partly closed': (x) => {
    x[FLOW] -= 1.5;
    x[PRESSURE] += 0.1;
  },
  'rotor imbalance': (x) => {
    x[ACC1] *= 1.2;
    x[ACC2] *= 1.25;
    x[CURRENT] += 0.1;
  },
  'slight rotor imbalance': (x) => {
    x[ACC1] *= 1.05;
    x[ACC2] *= 1.05;
  },
  cavitation: (x, _i, noise) => {
    x[FLOW] += 1.2 * noise();
    x[PRESSURE] -= 0.33;
    x[ACC1] *= 1 + 0.06 * Math.abs(noise());
    x[ACC2] *= 1 + 0.06 * Math.abs(noise());
  },
  'water heating': (x, i) => {
    x[TEMPERATURE] += Math.min(4, i / 60);
    x[THERMOCOUPLE] += Math.min(2, i / 120);
  },
};

export interface TestbedFile {
  rows: number[][];
  /** 0-based index of the fault's first row, and of the first row after it (the file's length when it lasts) */
  onset: number;
  end: number;
  kind: string | null;
  times: number[];
}

/**
 * One file: `n` rows from a seeded start time, a fault of `kind` from a row in 550-750 for 250-450 rows, or none.
 * `scale` multiplies each column's readings (another operating point: flow x 4, vibration x 8).
 */
export function testbedFile(seed: number, n: number, kind: string | null, scale: readonly number[] = []): TestbedFile {
  const { u, normal } = rng(seed);
  const g = () => normal(0, 1);
  const ar = (phi: number) => {
    let v = g();
    const w = Math.sqrt(1 - phi * phi);
    return () => (v = phi * v + w * g());
  };
  const load = ar(0.97),
    acc1 = ar(0.5),
    acc2 = ar(0.5),
    current = ar(0.2),
    pressure = ar(0.7),
    temperature = ar(0.95),
    thermocouple = ar(0.98),
    voltage = ar(0.3),
    flow = ar(0.8);
  const onset = kind ? 550 + Math.floor(u() * 200) : n;
  const end = kind ? Math.min(n, onset + 250 + Math.floor(u() * 200)) : n;
  const warm = 70 + 5 * u(),
    cold = 24 + 3 * u(),
    offset = Math.floor(u() * 600),
    start = Date.UTC(2020, 2, 1 + (seed % 28), 9) + Math.floor(u() * 8 * 3600) * 1000;
  const effect = kind ? FAULT_KINDS[kind] : null;
  const rows: number[][] = [],
    times: number[] = [];
  for (let i = 0; i < n; i++) {
    const l = load();
    const x = [
      0.0273 * (1 + 0.01 * l) + 0.0006 * acc1(),
      0.04 * (1 + 0.01 * l) + 0.0008 * acc2(),
      Math.max(0.3, 1.5 + 0.15 * l + 0.35 * current()),
      0.1 + 0.08 * l + 0.15 * pressure(),
      warm + 2.5 * (1 - Math.exp(-(i + offset) / 1500)) + 0.08 * temperature(),
      cold + 1.2 * (1 - Math.exp(-(i + offset) / 2000)) + 0.05 * thermocouple(),
      230 + 6 * voltage(),
      32 + 0.5 * l + 0.4 * flow(),
    ];
    if (effect && i >= onset && i < end) effect(x, i - onset, g);
    // transmitters' resolution: pressure in steps of 0.328 bar, flow in whole litres a minute
    x[PRESSURE] = 0.054711 + 0.327927 * Math.round((x[PRESSURE] - 0.054711) / 0.327927);
    x[FLOW] = Math.round(x[FLOW]);
    rows.push(x.map((v, j) => v * (scale[j] ?? 1)));
    times.push(start + i * 1000);
  }
  return { rows, onset, end, kind, times };
}

/** The file as the testbed exports it: `;`-separated, naive local times, 0/1 anomaly and changepoint columns. */
export function testbedCsv(f: TestbedFile, labels = true): string {
  const time = (t: number) => new Date(t).toISOString().slice(0, 19).replace('T', ' ');
  const head = ['datetime', ...TESTBED_COLUMNS, ...(labels ? ['anomaly', 'changepoint'] : [])].join(';');
  const lines = f.rows.map((r, i) => {
    const flags = labels ? [i >= f.onset && i < f.end ? 1 : 0, i === f.onset || i === f.end ? 1 : 0] : [];
    return [time(f.times[i]), ...r.map((v) => v.toFixed(6)), ...flags.map((v) => v.toFixed(1))].join(';');
  });
  return `${head}\n${lines.join('\n')}\n`;
}
