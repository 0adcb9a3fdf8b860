import type { Replacement } from '../expand/assemble';
import { z } from 'zod';
import { PrivacyReport } from '../knowledge/privacy';
import type { RunConfig } from './config';
import { Generator } from '../expand/documents';
import type { GeneratorEndpoint } from '../expand/generatorEndpoint';
import type { ShardInfo } from '../expand/shards';
import type { PiiCounts } from '../parse/pii';
import type { InputRef } from '../parse/parseFile';
import type { History } from '../kinds/knowledgeSoFar';
import type { QualityReport } from '../expand/qualityFloor';
import type { StopReason } from '../expand/expandFacts';
import { FilterStats } from '../expand/filterTypes';
import { SplitsSummary } from '../corpus/splits';
import { ReferenceReport } from '../parse/series/referenceReport';
import type { SeriesCounts } from '../parse/series/segmentFiles';

/** What the workflow is started with: references only (absolute paths), and the small config. */
export interface RunInput {
  runId: string;
  inputs: string[];
  outDir: string;
  config: RunConfig;
  /** the inputs already described, each with what to read of it (a scheduled run's increment); else `inputs` are */
  sources?: InputRef[];
  /**
   * a schedule's version: the dataset and its committed versions - facts derive from the data so far, only new and
   * changed facts are expanded
   */
  history?: History;
}

export type { InputRef };
export interface PreparedRun {
  inputs: InputRef[];
  configHash: string;
  schemaFile: string;
}

/**
 * What the scan of one source found: its model file (which holds the chunk plan: a large source has ~10^4
 * chunks, too many to pass through the workflow), its number of chunks, its hash and size.
 */
export interface ScanSummary {
  source: string;
  modelPath: string;
  chunks: number;
  sha256: string;
  lines: number;
  bytes: number;
  format: string;
  /** its format's records are series, segmented after the parse (formats/<format>.ts `series`) */
  series: boolean;
  /** a scheduled version: the model the source's previous version wrote (its calibration file is beside it) */
  previousModel?: string;
}

/** What one chunk of a source produced. */
export interface ChunkSummary {
  recordsPath: string;
  quarantinePath: string;
  counts: { lines: number; records: number; quarantined: number; untimed: number };
  pii: PiiCounts;
}

/** Counts of parsed lines, added up over chunks. */
export interface ParseTotals {
  lines: number;
  records: number;
  quarantined: number;
  /** records kept without a time (their time text could not be read) */
  untimed: number;
  pii: PiiCounts;
}

/**
 * One source, all chunks together. Its files go by name (`sourceRecordFiles`): records/<source>.<NNNNN>.jsonl
 * and quarantine/<source>.<NNNNN>.jsonl per chunk, records/<source>.series.jsonl for a table.
 */
export interface ParseSummary extends ParseTotals {
  source: string;
  chunks: number;
  /** for time-series sources: what segmentation found, and what came of the reference of normal operation */
  series?: SeriesCounts & { reference?: ReferenceReport | null };
}

export interface FactsSummary {
  facts: number;
  byKind: Record<string, number>;
  unlinked: Record<string, number>;
  links: number;
  factsPath: string;
  /** threshold-rule candidates tested and not kept (rules_set_aside.jsonl, each with its reason) */
  rulesSetAside: number;
  /** with `privacy` set: the budget spent and what was withheld */
  privacy?: PrivacyReport | null;
}

/**
 * Texts of expansion batches: generated (accepted or rejected), skipped for the budget, from the cache, and what they
 * cost.
 */
interface BatchCounts {
  jobs: number;
  generated: number;
  /** of the generated texts, those that passed every check */
  accepted: number;
  skipped: number;
  cached: number;
  usage: { prompt_tokens: number; completion_tokens: number };
  requests: number | null;
  /** prompts the endpoint did not answer after every try (their texts rejected as `no_answer`) */
  unanswered: number;
}

/** One expansion batch. */
export interface BatchSummary extends BatchCounts {
  batch: number;
  generator: Generator;
  stopped: StopReason | null;
}

/**
 * Expansion batches added up. Batches start in order and the budget only shrinks, so the batches run are
 * 0 .. started-1; the rest were never started (their texts count as skipped).
 */
export interface ExpandTotals extends BatchCounts {
  started: number;
  generator: Generator | null;
  /** the generator the run fixed when its expansion started (every batch's worker writes with it) */
  endpoint: GeneratorEndpoint | null;
  stopped: StopReason | null;
}

export interface ExpandSummary {
  generated: number;
  rejected: Record<string, number>;
  written: number;
  tokens: number;
  byLang: Record<string, number>;
  byStyle: Record<string, number>;
  byAudience: Record<string, number>;
  byInput: Record<string, number>;
  /** the accepted documents, before assembly into shards */
  documentsPath: string;
  generator: Generator;
  /**
   * what generation cost: tokens over the network, texts from the cache, requests sent; jobs skipped when the budget
   * stopped the run
   */
  usage: {
    prompt_tokens: number;
    completion_tokens: number;
    cost_usd: number;
    cached: number;
    requests: number | null;
  };
  skipped: number;
  stopped: StopReason | null;
  /** the quality floor: accepted shares, the groups under it, and what was done */
  quality: QualityReport;
  /** prompts the endpoint left unanswered */
  unanswered: number;
  /** documents kept that a model wrote (null: the generator is the offline one) */
  modelTexts: number | null;
  /** per document filter: texts passed and rejected, and its time (ms) */
  filters: FilterStats;
}

/** What the corpus plan holds: shard names, the review sample, shards under the quality floor, the real data used. */
export interface CorpusPlanSummary {
  shards: string[];
  samplePath: string;
  sampled: number;
  lowQuality: { shard: string; quality: number }[];
  real: { available: number; mixed: number; rejected: Record<string, number> };
  order: 'curriculum' | 'id';
}

/**
 * A reviewer's decision, sent as the run's `review` Update: approve, or reject (all shards, or those named) with a
 * reason.
 */
export interface ReviewDecision {
  decision: 'approve' | 'reject';
  reason?: string;
  shards?: string[];
  reviewer?: string;
}

export interface ReviewOutcome {
  requested: boolean;
  decision: 'approve' | 'reject' | null;
  reason: string | null;
  shards: string[];
  reviewer: string | null;
  timed_out: boolean;
}

export interface CorpusSummary {
  shards: ShardInfo[];
  replacements: Replacement[];
  splits: SplitsSummary;
}

export interface RunResult {
  runId: string;
  outDir: string;
  manifestPath: string;
  counts: Manifest['counts'];
}

/** `manifest.json` (**contract**, see DESIGN.md). */
export const Manifest = z.object({
  run_id: z.string(),
  workflow_id: z.string(),
  config_hash: z.string(),
  created_at: z.string(),
  inputs: z.array(z.object({ path: z.string(), sha256: z.string(), lines: z.number().int(), format: z.string() })),
  /** per table source with a reference of normal operation: its length and, per unit, whether it was used and why */
  references: z.array(ReferenceReport.extend({ source: z.string() })).default([]),
  counts: z.object({
    lines: z.number().int(),
    records: z.number().int(),
    quarantined: z.number().int(),
    /** records kept without a time: their time text could not be read (`ts: null`, `time_text`) */
    untimed: z.number().int().default(0),
    pii_masked: z.number().int(),
    pii_by_type: z.record(z.string(), z.number().int()),
    facts: z.number().int(),
    facts_by_kind: z.record(z.string(), z.number().int()),
    unlinked: z.record(z.string(), z.number().int()),
    /** threshold-rule candidates tested and set aside, each with its reason in rules_set_aside.jsonl */
    rules_set_aside: z.number().int().default(0),
    docs_generated: z.number().int(),
    docs_rejected: z.record(z.string(), z.number().int()),
    docs_written: z.number().int(),
    /** time-series segmentation: windows, changes, state events and unit anomalies (records beside the samples) */
    series: z.object({
      windows: z.number().int(),
      changes: z.number().int(),
      states: z.number().int(),
      anomalies: z.number().int(),
    }),
  }),
  tokens: z.number().int(),
  by_lang: z.record(z.string(), z.number().int()),
  by_style: z.record(z.string(), z.number().int()),
  by_audience: z.record(z.string(), z.number().int()),
  by_input: z.record(z.string(), z.number().int()),
  /**
   * generation cost: prompt and completion tokens sent and received, estimated cost (prices from the configuration),
   * cache hits, requests
   */
  /** the quality floor's verdict (expand/qualityFloor.ts) */
  /** differential privacy: epsilon, its split, the mechanisms, what was withheld (null: exact figures released) */
  privacy: PrivacyReport.nullable().default(null),
  quality_floor: z
    .object({
      floor: z.number(),
      accepted_share: z.number().nullable(),
      by_style: z.record(z.string(), z.number()),
      by_lang: z.record(z.string(), z.number()),
      below: z.array(z.string()),
      top_reasons: z.array(z.string()),
      action: z.enum(['none', 'backup', 'offline', 'fail']),
      summary: z.string(),
    })
    .optional(),
  generation: z.object({
    prompt_tokens: z.number().int(),
    completion_tokens: z.number().int(),
    cost_usd: z.number(),
    cached: z.number().int(),
    requests: z.number().int().nullable(),
    /**
     * why generation stopped early (the budget, or quality surely under the floor), and how many planned texts it left
     * unwritten
     */
    stopped: z.enum(['budget', 'quality']).nullable(),
    skipped: z.number().int(),
    /** prompts the endpoint left unanswered after every try (rejected as `no_answer`) */
    unanswered: z.number().int(),
    /** documents kept that a model wrote (null: the run's generator is the offline one) */
    model_texts: z.number().int().nullable(),
    /** per document filter: texts passed and rejected (every reason counts), and its time in ms */
    filters: FilterStats,
  }),
  shards: z.array(
    z.object({
      path: z.string(),
      docs: z.number().int(),
      bytes: z.number().int(),
      sha256: z.string(),
      tokens: z.number().int(),
      prompt_tokens: z.number().int(),
      completion_tokens: z.number().int(),
      cost_usd: z.number(),
      /** real documents in the shard (mixed in, or in place of synthetic ones) */
      real: z.number().int(),
    }),
  ),
  /** the chat split (sft) and the closed-book probe split with its lm-evaluation-harness task */
  splits: SplitsSummary,
  /** the human spot-check: whether the run waited for one, what was decided, by whom, or that it timed out */
  review: z.object({
    sample: z.string(),
    sampled: z.number().int(),
    requested: z.boolean(),
    decision: z.enum(['approve', 'reject']).nullable(),
    reason: z.string().nullable(),
    shards: z.array(z.string()),
    reviewer: z.string().nullable(),
    timed_out: z.boolean(),
  }),
  /** synthetic and real documents in the output, the configured share of real ones, the order of the shards */
  mix: z.object({
    synthetic: z.number().int(),
    real: z.number().int(),
    real_ratio: z.number(),
    backup: z.string().nullable(),
    backup_rejected: z.record(z.string(), z.number().int()),
    order: z.enum(['curriculum', 'id']),
  }),
  /** shards whose synthetic documents were replaced from the backup corpus, the gate that failed them, and why */
  fallback: z.array(
    z.object({
      shard: z.string(),
      gate: z.string(),
      reason: z.string(),
      replaced: z.number().int(),
      from_backup: z.number().int(),
    }),
  ),
  /** the run's generator (its base URL too, for an LLM) */
  generator: Generator,
  config: z.unknown(),
});
export type Manifest = z.infer<typeof Manifest>;
