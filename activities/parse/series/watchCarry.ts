/**
 * What a scheduled version's segmentation hands the next: each series' state once its first baseline is in
 * (segmentSeries.ts `SeriesState`) and each unit's band (bandMonitor.ts), kept in the version's calibration file
 * (`carry`). The next version of the source watches from its first reading with them: it neither takes its own
 * first rows as normal (they may be a fault's) nor goes unwatched when it brings fewer rows than a baseline.
 * A reference's PCA monitor is not carried: the reference is calibrated again (once per worker process).
 */
import { readFile } from 'node:fs/promises';
import { z } from 'zod';
import { describeIssues } from '../../common/issues';
import { NonRetryableError } from '../../common/failures';
import { BandModel } from './bandMonitor';
import { SeriesState } from './segmentSeries';

export const WatchCarry = z.object({
  /** per asset and tag */
  series: z.record(z.string(), z.record(z.string(), SeriesState)),
  /** per unit its band and the note that says what it watches */
  bands: z.array(z.object({ model: BandModel, note: z.string() })),
});
export type WatchCarry = z.infer<typeof WatchCarry>;

/**
 * The carry in an earlier version's calibration file; null when that version wrote none (a version from before
 * carries, or a source that was not a table then). A file that is there but not a calibration is refused.
 */
export async function readCarry(calibrationFile: string): Promise<WatchCarry | null> {
  let text: string;
  try {
    text = await readFile(calibrationFile, 'utf8');
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return null;
    throw e;
  }
  const refuse = (why: string) =>
    new NonRetryableError(
      'UnreadableSource',
      `${calibrationFile}: not the calibration an earlier version wrote: ${why}`,
    );
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (e) {
    throw refuse((e as Error).message);
  }
  const file = z.object({ carry: WatchCarry.optional() }).safeParse(json);
  if (!file.success) throw refuse(describeIssues(file.error));
  return file.data.carry ?? null;
}
