import { z } from 'zod';

/** An ISO-8601 instant in UTC, as every record carries it after parsing. */
const Instant = z.iso.datetime();
const Provenance = {
  id: z.string().min(1),
  /** the input file's name, as it appears in `file:line` provenance */
  source: z.string().min(1),
  /** 1-based line number in that file */
  line: z.number().int().positive(),
  ts: Instant,
  asset: z.string().min(1),
};

export const Measurement = z.object({ value: z.number().finite(), unit: z.string() });

/**
 * One row of a time-series export: several tags at one instant, plus text labels (quality, defect, ...).
 * Record files hold rows as `samples` batches; `sampleRows` gives them back as these.
 */
export const SampleRecord = z.object({
  kind: z.literal('sample'),
  ...Provenance,
  values: z.record(z.string(), Measurement),
  labels: z.record(z.string(), z.string()),
});

/**
 * A column of a batch, checked in one loop: a batch holds ~10^5 entries, and a schema per entry costs
 * several times more when record files are read back. The issue names the first bad entry.
 */
function column<T>(what: string, ok: (x: unknown) => x is T) {
  return z.unknown().transform((xs, ctx) => {
    if (!Array.isArray(xs)) {
      ctx.addIssue({ code: 'custom', message: `expected an array of ${what}` });
      return z.NEVER;
    }
    for (let i = 0; i < xs.length; i++) {
      if (!ok(xs[i])) {
        ctx.addIssue({ code: 'custom', path: [i], message: `expected ${what}, found ${JSON.stringify(xs[i])}` });
        return z.NEVER;
      }
    }
    return xs as T[];
  });
}
const finite = (x: unknown): x is number => typeof x === 'number' && Number.isFinite(x);
const lineNumber = (x: unknown): x is number => typeof x === 'number' && Number.isInteger(x) && x > 0;
const text = (x: unknown): x is string => typeof x === 'string';

/**
 * The rows of one asset in one block of a time-series export, by column: row `i` is line `lines[i]` at
 * `times[i]` (epoch milliseconds, UTC) with reading `values[tag][i]` in `units[tag]` and text label
 * `labels[column][i]` ("" when the cell was empty). `line` and `ts` are the first row's. A long table
 * gives one batch per asset, tag and unit. Columnar, so that writing and reading millions of rows stays
 * cheap; counts still count rows.
 */
export const SampleBatch = z
  .object({
    kind: z.literal('samples'),
    ...Provenance,
    lines: column('line numbers', lineNumber).refine((l) => l.length > 0, 'has no rows'),
    times: column('finite numbers', finite),
    units: z.record(z.string(), z.string()),
    values: z.record(z.string(), column('finite numbers', finite)),
    labels: z.record(z.string(), column('strings', text)),
  })
  .superRefine((b, ctx) => {
    const n = b.lines.length;
    const columns: [string[], number][] = [
      [['times'], b.times.length],
      ...Object.entries(b.values).map(([k, v]): [string[], number] => [['values', k], v.length]),
      ...Object.entries(b.labels).map(([k, v]): [string[], number] => [['labels', k], v.length]),
    ];
    for (const [path, len] of columns)
      if (len !== n) ctx.addIssue({ code: 'custom', path, message: `has ${len} entries for ${n} rows` });
    for (const tag of Object.keys(b.values))
      if (b.units[tag] === undefined) ctx.addIssue({ code: 'custom', path: ['units', tag], message: 'missing unit' });
  });

/** A typed parameter of a mined template: named after the key it follows, typed from its value. */
export const TemplateParam = z.object({
  name: z.string(),
  type: z.enum(['int', 'float', 'hex', 'ip', 'uuid', 'time', 'string']),
  value: z.union([z.string(), z.number()]),
});

/**
 * One alarm or event line (free-text log or JSON lines). `text` is the PII-masked message; free-text
 * lines also carry the mined template (`template_id` is the event type) and its typed parameters.
 * `ts` is null for sources without a time and for lines whose time text could not be read (`time_text`).
 */
export const EventRecord = z.object({
  kind: z.literal('event'),
  ...Provenance,
  ts: Instant.nullable(),
  /** the line's time text (masked) when it could not be read as a time: `ts` is then null */
  time_text: z.string().optional(),
  level: z.string(),
  code: z.string().nullable(),
  state: z.enum(['raised', 'cleared', 'info']),
  text: z.string(),
  template_id: z.string().nullable(),
  template: z.string().nullable(),
  params: z.array(TemplateParam),
  /** other header fields of the line, masked */
  fields: z.record(z.string(), z.string()),
});

/** One maintenance work order. Field values are PII-masked. */
export const WorkOrderRecord = z.object({
  kind: z.literal('work_order'),
  ...Provenance,
  order_id: z.string(),
  symptom: z.string(),
  cause: z.string(),
  action: z.string(),
  fields: z.record(z.string(), z.string()),
  downtime_min: z.number().nonnegative().nullable(),
});

/** A steady or transition window of one tag: statistics over its samples (lines `line`..`last_line`). */
export const WindowRecord = z.object({
  kind: z.literal('window'),
  ...Provenance,
  tag: z.string(),
  unit: z.string(),
  state: z.enum(['steady', 'transition']),
  last_line: z.number().int().positive(),
  end: Instant,
  stats: z.object({
    n: z.number().int(),
    min: z.number(),
    max: z.number(),
    mean: z.number(),
    std: z.number(),
    slope_per_s: z.number(),
    duration_s: z.number(),
  }),
});

/** A change of one tag: a mean shift or a setpoint change, dated to its onset (`ts`, `line`), with its detection. */
export const ChangeRecord = z.object({
  kind: z.literal('change'),
  ...Provenance,
  tag: z.string(),
  unit: z.string(),
  change: z.enum(['mean_shift', 'setpoint']),
  direction: z.enum(['up', 'down']),
  before: z.number(),
  after: z.number(),
  detected_line: z.number().int().positive(),
  detected_at: Instant,
  delay_samples: z.number().int().nonnegative(),
});

/**
 * An episode of a unit's rows leaving normal operation together (series/unitMonitor.ts): Hotelling T² or SPE over
 * the limit calibrated on a reference, or (`band`) a tag further off its mean than the unit's own first rows
 * allow (series/bandMonitor.ts; `value` and `limit` in standard deviations), or (`EWMS`) a tag's recent mean square
 * off its mean beyond its limit (`value` a share of it, `limit` 1), or (`frozen`) a tag repeating one reading for
 * more rows than its first rows make likely (series/frozenReadings.ts; `value` the run as a share of that, dated to
 * the run's first reading), dated to its first row over it
 * (`ts`, `line`), with when it was detected, when it ended, its peak (`value`) and the tags that contributed most.
 */
export const AnomalyRecord = z.object({
  kind: z.literal('anomaly'),
  ...Provenance,
  statistic: z.enum(['T2', 'SPE', 'band', 'EWMS', 'frozen']),
  value: z.number(),
  limit: z.number(),
  detected_line: z.number().int().positive(),
  detected_at: Instant,
  /** the episode's last row over the limit, and whether it ended (false: still over at the data's end) */
  end_line: z.number().int().positive(),
  end: Instant,
  ended: z.boolean(),
  contributions: z.array(z.object({ tag: z.string(), share: z.number() })),
});

/** A state column (status, mode, alarm flag) changing value. */
export const StateRecord = z.object({
  kind: z.literal('state'),
  ...Provenance,
  tag: z.string(),
  from: z.string(),
  to: z.string(),
});

export const OperationRecord = z.discriminatedUnion('kind', [
  SampleBatch,
  EventRecord,
  WorkOrderRecord,
  WindowRecord,
  ChangeRecord,
  StateRecord,
  AnomalyRecord,
]);
export type WindowRecord = z.infer<typeof WindowRecord>;
export type ChangeRecord = z.infer<typeof ChangeRecord>;
export type StateRecord = z.infer<typeof StateRecord>;
export type AnomalyRecord = z.infer<typeof AnomalyRecord>;
export type SampleRecord = z.infer<typeof SampleRecord>;
export type SampleBatch = z.infer<typeof SampleBatch>;
export type EventRecord = z.infer<typeof EventRecord>;
export type WorkOrderRecord = z.infer<typeof WorkOrderRecord>;
export type OperationRecord = z.infer<typeof OperationRecord>;
export type TemplateParam = z.infer<typeof TemplateParam>;

/** A line that could not become a record: kept with its (masked) text and the reason. */
export const QuarantineEntry = z.object({
  source: z.string(),
  line: z.number().int().positive(),
  raw: z.string(),
  reason: z.string(),
});
export type QuarantineEntry = z.infer<typeof QuarantineEntry>;
