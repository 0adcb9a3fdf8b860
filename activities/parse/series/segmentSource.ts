import { mkdir, writeFile } from 'node:fs/promises';
import { dirname } from 'node:path';
import { NonRetryableError } from '../../common/failures';
import type { SampleBatch } from '../records';
import type { SourceSpec } from '../sourceSpec';
import { calibrateOnReference, type Calibration } from './calibrate';
import { FirstHour, unitFit } from './referenceFit';
import { describeReference, type ReferenceReport } from './referenceReport';
import { sampleBatches, segmentRecordFiles, type SegmentedRecords } from './segmentFiles';
import { DEFAULT_SERIES_OPTIONS, type SeriesOptions } from './segmentSeries';
import { readCarry } from './watchCarry';
import type { UnitModel } from './unitMonitor';

/** What stage 1c gives for a table source: its series counts, how each unit was watched, the reference's report. */
export interface SegmentedSource extends SegmentedRecords {
  reference: ReferenceReport | null;
}

/**
 * Stage 1c for one table source, as `forge parse` and the workflow's activity both run it: each tag and
 * unit calibrated on the reference of normal operation the source names (if it names one and it describes the
 * data: `fitReference`), then its record files segmented into windows, changes, state events and anomalies,
 * written to `out`; a unit no reference monitors is watched against its own first rows (bandMonitor.ts).
 */
export async function segmentSource(input: {
  source: string;
  spec: SourceSpec;
  files: readonly string[];
  out: string;
  series: Partial<SeriesOptions>;
  onProgress?: () => void;
  /** where to write the calibration in use: the reference's report, the floors, each unit's monitor */
  calibrationOut?: string;
  /** a scheduled version: the calibration file the source's previous version wrote (its `carry`, watchCarry.ts) */
  previousCalibration?: string;
}): Promise<SegmentedSource> {
  const opts = { ...DEFAULT_SERIES_OPTIONS, ...input.series };
  const calibration = await calibrateOnReference(input.spec, opts, input.source).catch((e: unknown) => {
    throw e instanceof NonRetryableError
      ? e
      : new NonRetryableError(
          'UnreadableSource',
          `${input.source}: csv.reference ${input.spec.csv.reference}: ${(e as Error).message}`,
        );
  });
  const { shiftFloor, units, reference } = await fitReference(calibration, sampleBatches(input.files));
  const carried = input.previousCalibration ? await readCarry(input.previousCalibration) : null;
  const counts = await segmentRecordFiles(
    input.files,
    input.out,
    { ...opts, shiftFloor },
    input.onProgress,
    units,
    carried,
  );
  if (input.calibrationOut) {
    // the calibration in use, for whoever reads the records: floors per tag, the reference's monitors and their
    // limits, and how each unit was watched (a band's tags and limit, or why it has none)
    await mkdir(dirname(input.calibrationOut), { recursive: true });
    const monitors = units.map((m) => ({
      asset: m.asset,
      method: m.method,
      tags: m.tags,
      ...(m.method === 'pca' ? { components: m.loadings.length } : m.steps ? { steps: m.steps.tags } : {}),
      limits: m.limits,
    }));
    const file = {
      source: input.source,
      reference,
      shift_floor: shiftFloor,
      monitors,
      watched: counts.monitors,
      carry: counts.carry,
    };
    await writeFile(input.calibrationOut, JSON.stringify(file, null, 2) + '\n');
  }
  return { ...counts, reference };
}

/**
 * The calibration for the units the reference describes (`referenceFit.ts`, on each unit's first hour of data);
 * a unit it does not describe keeps neither its monitor nor its tags' floors, and the report says why. `data`: the
 * source's samples in order (only the first hour of each unit is read).
 */
export async function fitReference(
  c: Calibration,
  data: AsyncIterable<SampleBatch[]> | Iterable<SampleBatch[]>,
): Promise<{ shiftFloor: Record<string, number>; units: Calibration['units']; reference: ReferenceReport | null }> {
  const ref = c.reference;
  if (!ref) return { ...c, reference: null };
  const assets = Object.keys(ref.envelopes).sort();
  const first = new FirstHour();
  for await (const batches of data) {
    for (const b of batches) first.add(b);
    if (first.complete(assets)) break;
  }
  const fits = assets.map((a) =>
    unitFit(
      a,
      ref.envelopes[a],
      c.units.find((u): u is UnitModel => u.asset === a && u.method === 'pca'),
      first.batches(a),
      ref.monitors[a] ?? 'no monitor',
    ),
  );
  const dropped = new Set(fits.filter((f) => !f.used).map((f) => f.asset));
  const shiftFloor = { ...c.shiftFloor };
  for (const a of dropped) for (const tag of Object.keys(ref.envelopes[a])) delete shiftFloor[tag];
  const { path, rows, hours } = ref;
  return {
    shiftFloor,
    units: c.units.filter((u) => !dropped.has(u.asset)),
    reference: withSummary({ path, rows, hours: Number(hours.toFixed(3)), units: fits }),
  };
}

const withSummary = (r: Omit<ReferenceReport, 'summary'>): ReferenceReport => ({ ...r, summary: describeReference(r) });
