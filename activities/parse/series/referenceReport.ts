import { z } from 'zod';

/**
 * What came of a source's reference of normal operation, per unit (`referenceFit.ts` decides): in the source's
 * series summary, the manifest, the CLI line and the Web UI.
 */
export const UnitFit = z.object({
  asset: z.string(),
  /** the reference's floors and monitor are used for this unit */
  used: z.boolean(),
  /** rows of the data's start compared */
  rows: z.number().int(),
  /** the tag with the largest share of readings outside the reference's envelope, and that share */
  worst_tag: z.string().nullable(),
  outside: z.number(),
  /** the share of complete rows over the monitor's T² or SPE limit (null: the unit has no monitor) */
  over_limit: z.number().nullable(),
  /** why it is not used (null when used) */
  reason: z.string().nullable(),
  /** the unit's monitor: its limits and the reference rows behind them, or why it has none */
  monitor: z.string(),
});
export type UnitFit = z.infer<typeof UnitFit>;

/** What a source's reference of normal operation is and what came of it, per unit. */
export const ReferenceReport = z.object({
  path: z.string(),
  rows: z.number().int(),
  hours: z.number(),
  units: z.array(UnitFit),
  /** the report in one line (`describeReference`), for the CLI and the Web UI */
  summary: z.string(),
});
export type ReferenceReport = z.infer<typeof ReferenceReport>;

/** One line for the CLI and the Web UI: which units use the reference, which do not and why. */
export function describeReference(r: Omit<ReferenceReport, 'summary'>): string {
  const used = r.units.filter((u) => u.used);
  const notUsed = r.units.filter((u) => !u.used);
  return (
    `reference ${r.path} (${r.rows} rows, ${r.hours.toFixed(2)} h): ` +
    (used.length ? `used for ${used.map((u) => `${u.asset} (${u.monitor})`).join(', ')}` : 'used for no unit') +
    notUsed.map((u) => `; not used for ${u.asset} (${u.reason}; its own baseline instead)`).join('')
  );
}
