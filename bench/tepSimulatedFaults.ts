/**
 * Alarm volume on the Tennessee Eastman process's own disturbances, simulated: IDV(1)-IDV(20) switched on after sample
 * 160 of 48-hour runs (bench/utility/tepSimulate.py, the open Python port of the benchmark's simulator; our runs, not
 * the benchmark's published fault files, which ../shared holds for faults 1 and 2 only). Each run goes through stage
 * one's parse and segmentation (`detect`, the functions `forge parse` calls) with defaults, or with `--reference` the
 * simulated 25-hour normal training run as its reference; beside it PCA T² and T²+Q trained on that run. A fault is
 * flagged when its rows in alarm after the onset are beyond the method's own rows in alarm after the onset of the
 * simulated normal test run (Poisson, p < 0.05, scaled to the rows a run has: a disturbance may shut the plant down;
 * none on the normal run is taken as one row).
 *   python3 bench/utility/tepSimulate.py SIMULATOR_CHECKOUT DIR
 *   npx ts-node --transpile-only bench/tepSimulatedFaults.ts DIR [--rate 1] [--reference]
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { trainPca } from './lib/pcaT2';
import { type Alarmed, atLeast, benchSettings, detect, forgeAlarms, ONSET, pcaAlarms, table } from './tepDetection';

async function main(): Promise<void> {
  const a = process.argv.slice(2);
  const dir = a.find((x) => !x.startsWith('--') && !/^\d/.test(x));
  if (!dir || !existsSync(join(dir, 'n_te.dat')))
    throw new Error('usage: tepSimulatedFaults.ts DIR (runs written by bench/utility/tepSimulate.py)');
  const { rate, opts, withReference, spec } = benchSettings(a, () => join(dir, 'train.dat'));
  const training = table(join(dir, 'train.dat'));
  const t2 = trainPca(training);
  const methods: { name: string; alarms: (file: string) => Promise<Alarmed> }[] = [
    { name: 'Forge', alarms: async (f) => forgeAlarms(await detect(f, opts, spec)) },
    { name: 'PCA T²', alarms: async (f) => pcaAlarms(t2, table(f), false) },
    { name: 'PCA T²+Q', alarms: async (f) => pcaAlarms(t2, table(f), true) },
  ];
  const normalFile = join(dir, 'n_te.dat');
  const normalRows = table(normalFile).length;
  const after = (x: Alarmed) => x.rows.filter((r) => r > ONSET).length;
  const normal = await Promise.all(methods.map(async (m) => m.alarms(normalFile)));
  console.log(
    `Forge ${withReference ? 'with the simulated training run as its reference' : 'with defaults'} ` +
      `(series.falseEventsPerWeek ${rate}); simulated normal run (${normalRows} rows): rows in alarm ` +
      methods.map((m, k) => `${m.name} ${normal[k].rows.length} (${after(normal[k])} after the onset)`).join(', '),
  );
  const flagged = methods.map(() => 0);
  let faults = 0;
  for (let idv = 1; idv <= 20; idv++) {
    const file = join(dir, `f${String(idv).padStart(2, '0')}.dat`);
    if (!existsSync(file)) continue;
    faults++;
    const rows = table(file).length - ONSET;
    const cells: string[] = [];
    for (const [k, m] of methods.entries()) {
      const n = after(await m.alarms(file));
      // a method with no alarm on the normal run is taken at one: one row would not be beyond chance
      const p = atLeast((Math.max(1, after(normal[k])) * rows) / (normalRows - ONSET), n);
      if (p < 0.05) flagged[k]++;
      cells.push(`${m.name} ${String(n).padStart(3)}${p < 0.05 ? '*' : ' '}`);
    }
    console.log(`  IDV(${String(idv).padStart(2)}) of ${rows} rows after the onset: ${cells.join(' | ')}`);
  }
  console.log(
    `flagged (rows in alarm after the onset beyond the normal run's there, *): ` +
      methods.map((m, k) => `${m.name} ${flagged[k]}/${faults}`).join(', '),
  );
}

if (require.main === module)
  main().catch((e) => {
    console.error(e);
    process.exit(1);
  });
