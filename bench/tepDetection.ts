/**
 * Change detection on the Tennessee Eastman process (../shared/datasets/tep): the test files hold 960
 * samples (3 min apart); in d01_te / d02_te faults 1 and 2 start after sample 160. Parses each file through
 * stage one (whitespace table, index time) and segments every variable. Prints, per file, the first change
 * after the onset and its delay, the changes before it (false), and for the normal d00_te the false-event
 * rate.  npx ts-node --transpile-only bench/tepDetection.ts [--k 1] [--h 12] [--baseline 30]
 */
import { readFileSync } from 'node:fs';
import { basename, join } from 'node:path';
import { parseSourceText } from '../activities/parse/parseFile';
import { DEFAULT_PII_OPTIONS } from '../activities/parse/pii';
import { segmentBatch } from '../activities/parse/series/segmentFiles';
import { DEFAULT_SERIES_OPTIONS, SeriesSegmenter, type SeriesEvent, type SeriesOptions } from '../activities/parse/series/segmentSeries';
import { SourceSpec } from '../activities/parse/sourceSpec';
import { sharedDataset } from './lib/shared';

const ONSET = 160; // the fault is introduced after sample 160
const UNITS = ['kscmh', 'kg/h', 'kg/h', 'kscmh', 'kscmh', 'kscmh', 'kPa', '%', 'Cel', 'kscmh', 'Cel', '%', 'kPa', 'm3/h', '%', 'kPa', 'm3/h', 'Cel', 'kg/h', 'kW', 'Cel', 'Cel',
  ...Array(19).fill('mol%'), ...Array(11).fill('%')];
const COLUMNS = [...Array.from({ length: 41 }, (_, i) => `XMEAS_${i + 1}`), ...Array.from({ length: 11 }, (_, i) => `XMV_${i + 1}`)];

export const TEP_SPEC = SourceSpec.parse({
  format: 'csv',
  csv: {
    delimiter: 'whitespace', headerRow: false, columns: COLUMNS, timeFormat: 'index', start: '2026-01-01T00:00:00Z', intervalSeconds: 180, assetValue: 'TEP',
    tags: Object.fromEntries(COLUMNS.map((c, i) => [c, { unit: UNITS[i] }])),
  },
});

/** Parse and segment one TEP file (a path: the shared data set's, or the excerpts under test/fixtures/data/tep). */
export async function detect(path: string, opts: SeriesOptions): Promise<{ events: SeriesEvent[]; samples: number }> {
  const parsed = await parseSourceText(TEP_SPEC, readFileSync(path, 'utf8'), { source: basename(path), timezone: 'Z', pii: DEFAULT_PII_OPTIONS });
  const events: SeriesEvent[] = [];
  const seg = new SeriesSegmenter(opts, (e) => events.push(e));
  for (const r of parsed.records) if (r.kind === 'samples') segmentBatch(seg, r);
  seg.finish();
  return { events, samples: parsed.lines - parsed.quarantine.length };
}

async function main(): Promise<void> {
  const a = process.argv.slice(2);
  const num = (k: string, d: number) => (a.includes(k) ? Number(a[a.indexOf(k) + 1]) : d);
  const opts = { ...DEFAULT_SERIES_OPTIONS, k: num('--k', DEFAULT_SERIES_OPTIONS.k), h: num('--h', DEFAULT_SERIES_OPTIONS.h), baseline: num('--baseline', DEFAULT_SERIES_OPTIONS.baseline), rebaseline: num('--rebaseline', DEFAULT_SERIES_OPTIONS.rebaseline), minShift: num('--min-shift', DEFAULT_SERIES_OPTIONS.minShift) };
  console.log(`CUSUM k=${opts.k} h=${opts.h}, min shift ${opts.minShift} sd, baseline ${opts.baseline} samples (${opts.rebaseline} after a change); 52 variables, 960 samples per file, 3 min per sample`);
  for (const file of ['d00_te.dat', 'd01_te.dat', 'd02_te.dat']) {
    const { events, samples } = await detect(join(sharedDataset('tep'), file), opts);
    const changes = events.filter((e): e is Extract<SeriesEvent, { kind: 'change' }> => e.kind === 'change');
    const windows = events.filter((e) => e.kind === 'window').length;
    if (file === 'd00_te.dat') {
      const vars = new Set(changes.map((c) => c.tag)).size;
      const rate = changes.length / (samples * 52);
      console.log(`${file}: ${changes.length} change events on normal data in ${vars} of 52 variables; false-event rate ${(rate * 1000).toFixed(2)} per 1000 variable-samples; ${samples} samples with no event in ${(100 * (1 - new Set(changes.map((c) => c.detected_line)).size / samples)).toFixed(1)}% of them; ${windows} windows`);
      continue;
    }
    // a data line is sample number = line (no header)
    const early = changes.filter((c) => c.detected_line <= ONSET);
    const after = changes.filter((c) => c.detected_line > ONSET).sort((x, y) => x.detected_line - y.detected_line);
    const first = after[0];
    const vars = new Set(after.filter((c) => c.detected_line <= ONSET + 20).map((c) => c.tag));
    console.log(`${file}: onset flagged at sample ${first?.detected_line ?? '-'} (${first?.tag ?? 'none'}, ${first?.change} ${first?.direction}), delay ${first ? first.detected_line - ONSET : '-'} samples = ${first ? (first.detected_line - ONSET) * 3 : '-'} min; ${vars.size} variables changed within 20 samples of the onset; ${early.length} change events before the onset (false); ${windows} windows`);
  }
}

if (require.main === module) main().catch((e) => { console.error(e); process.exit(1); });
