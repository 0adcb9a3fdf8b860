/**
 * Alarm volume on faults of the kinds the Tennessee Eastman benchmark holds (steps, random variation, sticking, drift,
 * a valve held in place), written into one tag of the normal test file d00_te after sample 160: a stand-in for the
 * fault files ../shared does not hold (it has faults 1 and 2 only). Each fault file goes through stage one's parse and
 * segmentation with defaults (`detect`, the functions `forge parse` calls); beside it PCA T² and T²+Q trained on the
 * normal training file d00.dat. A fault is flagged when its rows in alarm after the onset are beyond those of d00_te
 * itself after the onset (Poisson, p < 0.05) - the same rows the faults are written into, so each method is judged
 * against its own false alarms on the same readings. Sizes are in the tag's standard deviation over d00.dat. Three sets
 * of tags: `seen` (looked at while the unit's band was built), `held-out` (first run for this bench, then looked at
 * while its mean square's weight was chosen) and `held-out 2` (first run with the mean square, then looked at while
 * slow tags' steps were added): none is held out now.
 *   npx ts-node --transpile-only bench/tepInjectedFaults.ts [--rate 1] [--reference]
 * (--rate: series.falseEventsPerWeek; --reference: Forge given d00.dat as its reference)
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { trainPca } from './lib/pcaT2';
import { sharedDataset } from './lib/shared';
import {
  type Alarmed,
  atLeast,
  benchSettings,
  detect,
  forgeAlarms,
  ONSET,
  pcaAlarms,
  table,
  writeReference,
} from './tepDetection';

const SETS: Record<string, string[]> = {
  seen: ['XMV_10', 'XMV_4', 'XMEAS_9', 'XMEAS_21', 'XMEAS_18', 'XMV_11', 'XMEAS_7'],
  'held-out': ['XMEAS_2', 'XMEAS_6', 'XMEAS_10', 'XMEAS_14', 'XMEAS_22', 'XMEAS_26', 'XMV_2'],
  'held-out 2': ['XMEAS_1', 'XMEAS_3', 'XMEAS_5', 'XMEAS_11', 'XMEAS_15', 'XMEAS_17', 'XMV_3'],
};
const column = (tag: string) => (tag.startsWith('XMV_') ? 40 : -1) + Number(tag.split('_')[1]);

/**
 * A fault kind: the value of a tag `i` samples after the onset, from its normal value `x`, standard deviation and
 * reading at the onset.
 */
type Kind = (x: number, sd: number, i: number, noise: () => number, first: number) => number;
const KINDS: Record<string, Kind> = {
  'step 2 sd': (x, sd) => x + 2 * sd,
  'step 4 sd': (x, sd) => x + 4 * sd,
  'random variation (+2 sd noise)': (x, sd, _i, noise) => x + 2 * sd * noise(),
  'sticking (+-2 sd, period 12)': (x, sd, i) => x + 2 * sd * Math.sign(Math.sin((2 * Math.PI * i) / 12)),
  'drift (to 6 sd over 20 h)': (x, sd, i) => x + Math.min(6, (6 * i) / 400) * sd,
  'held at its reading (IDV 21 kind)': (_x, _sd, _i, _noise, first) => first,
};
/** the kind added after the others (a valve or sensor frozen): counted apart too, for figures from before it */
const LATER = 'held at its reading (IDV 21 kind)';

async function main(): Promise<void> {
  const dir = sharedDataset('tep');
  const stored = table(join(dir, 'd00.dat'));
  const training = stored[0].map((_, i) => stored.map((r) => r[i])); // stored transposed: 52 x 500
  const normal = table(join(dir, 'd00_te.dat'));
  const samples = normal.length;
  const sd = training[0].map((_, j) => {
    const xs = training.map((r) => r[j]);
    const m = xs.reduce((a, b) => a + b, 0) / xs.length;
    return Math.sqrt(xs.reduce((a, v) => a + (v - m) ** 2, 0) / (xs.length - 1));
  });
  const a = process.argv.slice(2);
  // --reference: Forge given d00.dat as its csv.reference, as T² and T²+Q are trained on it
  const { rate, opts, withReference, spec } = benchSettings(a, () => writeReference(training, 'd00.ref'));
  const folder = mkdtempSync(join(tmpdir(), 'forge-tep-faults-'));
  let file = 0;
  const forge = async (rows: number[][]) => {
    const path = join(folder, `f${file++}.dat`);
    writeFileSync(path, rows.map((r) => r.join('  ')).join('\n') + '\n');
    return forgeAlarms(await detect(path, opts, spec));
  };
  const t2 = trainPca(training);
  const methods: { name: string; alarms: (rows: number[][]) => Promise<Alarmed> }[] = [
    { name: 'Forge', alarms: forge },
    { name: 'PCA T²', alarms: async (rows) => pcaAlarms(t2, rows, false) },
    { name: 'PCA T²+Q', alarms: async (rows) => pcaAlarms(t2, rows, true) },
  ];
  const base = await Promise.all(methods.map((m) => m.alarms(normal)));
  console.log(
    `Forge ${withReference ? 'with d00.dat as its reference' : 'with defaults'} (series.falseEventsPerWeek ` +
      `${rate}); d00_te (${samples} rows): rows in alarm ` +
      methods.map((m, k) => `${m.name} ${base[k].rows.length}`).join(', ') +
      `; after the onset ` +
      methods.map((m, k) => `${m.name} ${base[k].rows.filter((x) => x > ONSET).length}`).join(', '),
  );
  for (const [set, tags] of Object.entries(SETS)) {
    const flagged = methods.map(() => 0),
      before = methods.map(() => 0);
    let faults = 0;
    console.log(`\n${set} tags: ${tags.join(', ')}`);
    for (const [kind, f] of Object.entries(KINDS)) {
      const cells = methods.map(() => [] as string[]);
      for (const tag of tags) {
        const j = column(tag);
        let seed = 7 + j;
        const noise = () => {
          let a = 0; // a standard normal from twelve uniforms
          for (let k = 0; k < 12; k++) a += (seed = (seed * 1103515245 + 12345) % 2147483648) / 2147483648;
          return a - 6;
        };
        const first = normal[ONSET][j];
        const rows = normal.map((r, i) =>
          r.map((x, c) => (c === j && i >= ONSET ? f(x, sd[j], i - ONSET, noise, first) : x)),
        );
        faults++;
        for (const [k, m] of methods.entries()) {
          const after = (await m.alarms(rows)).rows.filter((x) => x > ONSET).length;
          const p = atLeast(base[k].rows.filter((x) => x > ONSET).length, after);
          if (p < 0.05) flagged[k]++;
          if (p < 0.05 && kind !== LATER) before[k]++;
          cells[k].push(`${after}${p < 0.05 ? '*' : ''}`);
        }
      }
      console.log(`  ${kind.padEnd(32)} ` + methods.map((m, k) => `${m.name} ${cells[k].join(' ')}`).join(' | '));
    }
    console.log(
      `  flagged (rows in alarm after the onset beyond d00_te's there, *): ` +
        methods.map((m, k) => `${m.name} ${flagged[k]}/${faults}`).join(', ') +
        `; without the held kind ` +
        methods.map((m, k) => `${m.name} ${before[k]}/${faults - tags.length}`).join(', '),
    );
  }
}

if (require.main === module)
  main().catch((e) => {
    console.error(e);
    process.exit(1);
  });
