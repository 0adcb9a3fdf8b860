import { InputError } from '../parseFile';
import type { SourceSpec } from '../sourceSpec';
import { calibrateOnReference } from './calibrate';
import { segmentRecordFiles } from './segmentFiles';
import { DEFAULT_SERIES_OPTIONS, type SeriesOptions } from './segmentSeries';

/**
 * Stage 1c for one table source, as `forge parse` and the workflow's activity both run it: each tag and
 * unit calibrated on the reference of normal operation the source names (if it names one), then its record
 * files segmented into windows, changes, state events and anomalies, written to `out`.
 */
export async function segmentSource(input: {
  source: string;
  spec: SourceSpec;
  files: readonly string[];
  out: string;
  series: Partial<SeriesOptions>;
  onProgress?: () => void;
}): Promise<{ windows: number; changes: number; states: number; anomalies: number; units: number }> {
  const opts = { ...DEFAULT_SERIES_OPTIONS, ...input.series };
  const { shiftFloor, units } = await calibrateOnReference(input.spec, opts, input.source).catch((e: unknown) => {
    throw e instanceof InputError
      ? e
      : new InputError(
          'UnreadableSource',
          `${input.source}: csv.reference ${input.spec.csv.reference}: ${(e as Error).message}`,
        );
  });
  const counts = await segmentRecordFiles(input.files, input.out, { ...opts, shiftFloor }, input.onProgress, units);
  return { ...counts, units: units.length };
}
