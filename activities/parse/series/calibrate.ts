import { readFile, stat } from 'node:fs/promises';
import { parseSourceText } from '../parseFile';
import { DEFAULT_PII_OPTIONS } from '../pii';
import type { SourceSpec } from '../sourceSpec';
import { segmentBatch } from './segmentFiles';
import type { SampleBatch } from '../records';
import type { Envelope } from './referenceFit';
import { type MonitorModel, rowsOf, trainUnitModel } from './unitMonitor';
import { trainBand } from './bandMonitor';
import {
  samplingInterval,
  SeriesSegmenter,
  wanderFloor,
  WEEK_MS,
  type SeriesEvent,
  type SeriesOptions,
} from './segmentSeries';

/** a floor is set just above the shift it must not flag */
const MARGIN = 1.05;
/** rounds of calibration: raising a tag's floor changes what the detector does after it, so check again */
const ROUNDS = 5;

/**
 * Calibrate each tag's change detector on a reference of normal operation (a source's `csv.reference`,
 * the same layout as the source). Each tag's floor starts at how far its mean wanders over the whole
 * reference (`wanderFloor`). Then the reference is parsed with the source's spec - an asset named after the file
 * is the source `source`'s - and segmented with the run's
 * settings and those floors; every change it raises is a false event. A tag allowed `falseEventsPerWeek` x the
 * reference's length in weeks false events gets a floor just above the largest shift beyond that many
 * (with a day of reference and the default of one a week: above every shift the reference shows), and the
 * reference is segmented again with the floors until it raises no more than allowed. Returns the floors,
 * per tag, in the tag's unit, for `SeriesOptions.shiftFloor`, and per unit a multivariate monitor (when the
 * reference holds enough independent rows to promise the rate: `trainUnitModel`) and a band (`trainBand`: each tag
 * by the row and by its mean square, with the reference's mean and spread).
 */
export async function calibrateOnReference(
  spec: SourceSpec,
  opts: SeriesOptions,
  source: string,
): Promise<Calibration> {
  const path = spec.csv.reference;
  if (!path) return { shiftFloor: {}, units: [], reference: null };
  // a reference several sources name is parsed and calibrated once per process (per file version and settings)
  const { mtimeMs, size } = await stat(path);
  const key = JSON.stringify([path, mtimeMs, size, spec, opts]);
  let calibration = CACHE.get(key);
  if (!calibration) {
    calibration = calibrate(spec, opts, path);
    CACHE.set(key, calibration);
    if (CACHE.size > CACHED) CACHE.delete(CACHE.keys().next().value!);
    calibration.catch(() => CACHE.delete(key));
  }
  return asSource(await calibration, source);
}

/** calibrations kept per process; the unit named after the source is `SOURCE` in them */
const CACHE = new Map<string, Promise<Calibration>>();
const CACHED = 8;
const SOURCE = '\u0000source';

/** A cached calibration for one source: the unit named after the source (a table without an asset column). */
function asSource(c: Calibration, source: string): Calibration {
  const name = (asset: string) => (asset === SOURCE ? source : asset);
  const rekey = <T>(r: Record<string, T>) => Object.fromEntries(Object.entries(r).map(([a, v]) => [name(a), v]));
  return {
    shiftFloor: { ...c.shiftFloor },
    units: c.units.map((u) => ({ ...u, asset: name(u.asset) })),
    reference: c.reference && {
      ...c.reference,
      envelopes: rekey(c.reference.envelopes),
      monitors: rekey(c.reference.monitors),
    },
  };
}

async function calibrate(spec: SourceSpec, opts: SeriesOptions, path: string): Promise<Calibration> {
  const parsed = await parseSourceText(
    { ...spec, csv: { ...spec.csv, reference: undefined } },
    await readFile(path, 'utf8'),
    {
      source: SOURCE,
      timezone: spec.timezone ?? 'Z',
      pii: DEFAULT_PII_OPTIONS,
    },
  );
  const batches = parsed.records.filter((r): r is SampleBatch => r.kind === 'samples');
  const times = batches.flatMap((b) => [b.times[0], b.times[b.times.length - 1]]);
  const span = times.length ? Math.max(...times) - Math.min(...times) : 0;
  const weeks = span / WEEK_MS;
  const allowed = Math.floor(opts.falseEventsPerWeek * weeks);
  const floors: Record<string, number> = {};
  // how far the mean of normal operation wanders, from the whole reference
  const dt = samplingInterval(batches.flatMap((b) => b.times));
  for (const [tag, values] of columnsOf(batches)) {
    const floor = wanderFloor(values, dt, opts);
    if (floor > 0) floors[tag] = floor;
  }
  for (let round = 0; round < ROUNDS; round++) {
    const shifts = new Map<string, number[]>();
    const seg = new SeriesSegmenter({ ...opts, shiftFloor: floors }, (e: SeriesEvent) => {
      if (e.kind !== 'change') return;
      const s = shifts.get(e.tag) ?? [];
      s.push(Math.abs(e.after - e.before));
      shifts.set(e.tag, s);
    });
    for (const b of batches) segmentBatch(seg, b);
    seg.finish();
    let raised = false;
    for (const [tag, s] of shifts) {
      if (s.length <= allowed) continue;
      const sorted = s.sort((a, b) => b - a);
      floors[tag] = Math.max(floors[tag] ?? 0, sorted[allowed] * MARGIN);
      raised = true;
    }
    if (!raised) break;
  }
  // and per unit (asset), the multivariate monitor and the band trained on the same reference
  const units: MonitorModel[] = [];
  const monitors: Record<string, string> = {};
  for (const asset of [...new Set(batches.map((b) => b.asset))].sort()) {
    const tags = [...new Set(batches.filter((b) => b.asset === asset).flatMap((b) => Object.keys(b.values)))].sort();
    const { rows, times } = rowsOf(batches, asset, tags);
    const pca = trainUnitModel(asset, tags, rows, times, opts.falseEventsPerWeek);
    const band = trainBand(asset, tags, rows, times, opts.falseEventsPerWeek, "the reference's");
    for (const m of [pca.model, band.model]) if (m) units.push(m);
    monitors[asset] = `${pca.note}; ${band.note}`;
  }
  // and each tag's range per unit, that the data is compared with before the reference is used (referenceFit.ts)
  const envelopes: Record<string, Record<string, Envelope>> = {};
  for (const b of batches)
    for (const [tag, values] of Object.entries(b.values)) {
      const e = ((envelopes[b.asset] ??= {})[tag] ??= { min: Infinity, max: -Infinity });
      for (const v of values)
        if (Number.isFinite(v)) {
          e.min = Math.min(e.min, v);
          e.max = Math.max(e.max, v);
        }
    }
  const rows = batches.reduce((a, b) => a + b.lines.length, 0);
  return { shiftFloor: floors, units, reference: { path, rows, hours: span / 3_600_000, envelopes, monitors } };
}

/**
 * What a reference of normal operation calibrates: each tag's shift floor and each unit's monitor and band; and the
 * reference itself (null without one): its path, length, and each unit's tags' ranges.
 */
export interface Calibration {
  shiftFloor: Record<string, number>;
  units: MonitorModel[];
  reference: {
    path: string;
    rows: number;
    hours: number;
    envelopes: Record<string, Record<string, Envelope>>;
    /** per unit, its monitor's and band's calibration or why it has none */
    monitors: Record<string, string>;
  } | null;
}

/** Each tag's readings across the batches, in order (NaN, a missing reading, left out). */
function columnsOf(batches: readonly SampleBatch[]): Map<string, number[]> {
  const out = new Map<string, number[]>();
  for (const b of batches)
    for (const [tag, values] of Object.entries(b.values)) {
      const col = out.get(tag) ?? [];
      for (const v of values) if (Number.isFinite(v)) col.push(v);
      out.set(tag, col);
    }
  return out;
}
