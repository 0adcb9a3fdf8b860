import { z } from 'zod';
import { MinerSettings } from './templates/templateModel';

const Zone = z.string().regex(/^(Z|[+-]\d{2}:?\d{2})$/, 'an offset such as "Z" or "+08:00"');

/** A tag of a time-series table: the parameter it measures and its unit, when the header does not say. */
export const TagSpec = z.object({ parameter: z.string().optional(), unit: z.string().optional() }).strict();

/**
 * How to read one source (**contract**: a source config file given to `forge parse --source` or listed in a
 * run config). Everything but the format has a default; the format is detected when not given.
 */
export const SourceSpec = z
  .object({
    /**
     * the source's format: the name of a registered format (formats/index.ts, whose `RegisteredSourceSpec` checks
     * it where a spec is read)
     */
    format: z.string().min(1),
    /** UTC offset for timestamps written without one; the run's timezone when not set */
    timezone: Zone.optional(),
    csv: z
      .object({
        /** wide: one column per tag; long: `timestamp, tag, value[, unit]` rows */
        layout: z.enum(['wide', 'long']).default('wide'),
        /** ",", ";", "\t", or "whitespace" for space-aligned tables; sniffed from the header when not set */
        delimiter: z.string().optional(),
        /** whether the first line names the columns; without it, `columns` must */
        headerRow: z.boolean().default(true),
        columns: z.array(z.string()).optional(),
        timestamp: z.string().optional(),
        /** a time format other than ISO-8601: "epoch_s", "epoch_ms" or "index" (row number, no time) */
        timeFormat: z.enum(['iso', 'epoch_s', 'epoch_ms', 'index']).default('iso'),
        /** with timeFormat "index": the time of the first row and the sampling interval */
        start: z.iso.datetime({ offset: true }).default('2000-01-01T00:00:00Z'),
        intervalSeconds: z.number().positive().default(1),
        asset: z.string().optional(),
        /** the asset when no column names it */
        assetValue: z.string().optional(),
        tags: z.record(z.string(), TagSpec).default({}),
        /** columns kept as labels (text) whatever they hold, and columns left out of the records */
        labels: z.array(z.string()).default([]),
        ignore: z.array(z.string()).default([]),
        /**
         * a file of normal operation in the same layout (relative to the source config): each tag's change
         * detector is calibrated on it to `series.falseEventsPerWeek` (series/calibrate.ts)
         */
        reference: z.string().min(1).optional(),
        long: z
          .object({ tag: z.string().default('tag'), value: z.string().default('value'), unit: z.string().optional() })
          .strict()
          .prefault({}),
      })
      .strict()
      .prefault({}),
    text: z
      .object({
        /** Loghub/logparser header notation */
        header: z.string().default('<Date> <Time> <Level> <Component> <Content>'),
        /**
         * header fields that hold the time, joined with a space; detected from the time-like field names when not set
         */
        timeFields: z.array(z.string()).min(1).optional(),
        /**
         * the time format (`iso`, `epoch_s`, `epoch_ms`, or a pattern such as "yyyy-MM-dd HH:mm:ss,SSS", see
         * timeFormats.ts); detected from a sample of the source when not set
         */
        timeFormat: z.string().optional(),
        /** the year of times written without one (syslog); the data file's modification year when not set */
        year: z.number().int().min(1).max(9999).optional(),
        /** the header field naming the asset; the source name when absent */
        assetField: z.string().default('Component'),
        miner: MinerSettings.prefault({}),
      })
      .strict()
      .prefault({}),
  })
  .strict();
export type SourceSpec = z.infer<typeof SourceSpec>;
