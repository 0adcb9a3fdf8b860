import { z } from 'zod';
import { SourceSpec } from './sourceSpec';
import { TemplateModelData } from './templates/templateModel';

/** The time of a text log's lines: the header fields that hold it, their format, the year of year-less times. */
export const SourceTime = z.object({ fields: z.array(z.string()).min(1), format: z.string(), year: z.number().int() });
export type SourceTime = z.infer<typeof SourceTime>;

const ChunkRefSchema = z.object({
  index: z.number().int(),
  start: z.number().int(),
  end: z.number().int(),
  firstLine: z.number().int(),
});

/**
 * What the scan of a source learned, for its chunks to share: the chunk plan, the header line of a
 * table, the mined templates of a text log, and keyed digests of the names found (never names in clear).
 * Written as `models/<source>.json` in the run directory.
 */
export const SourceModel = z.object({
  source: z.string(),
  path: z.string(),
  spec: SourceSpec,
  bytes: z.number().int(),
  lines: z.number().int(),
  chunks: z.array(ChunkRefSchema),
  headerLine: z.string().nullable(),
  templates: TemplateModelData.nullable(),
  /** a text log's time, as detected by the scan or configured; null when its lines carry none */
  time: SourceTime.nullable().default(null),
  nameDigests: z.array(z.string()),
  /** a check of the key the digests were made with: a chunk under another key refuses the model */
  keyCheck: z.string().default(''),
  /**
   * the scan prepared each chunk of this text log (`prepared/<source>.<NNNNN>.txt`: lines split, timed and
   * masked once); false when a name found in one chunk could stand bare in another (their masking differs)
   */
  prepared: z.boolean().default(false),
  /** what the scan noticed and handled (a repeated column name read under another name, ...) */
  notes: z.array(z.string()).default([]),
});
export type SourceModel = z.infer<typeof SourceModel>;
