import { readFile, stat } from 'node:fs/promises';
import { basename, dirname, resolve } from 'node:path';
import { z } from 'zod';
import { ExpandSettings } from './expandSettings';
import type { Mix } from '../expand/jobs';
import { DEFAULT_DERIVE_OPTIONS } from '../knowledge/deriveOptions';
import { OutcomeSpec } from '../knowledge/factRefs';
import { PrivacySettings } from '../knowledge/privacy';
import { DEFAULT_PII_OPTIONS, type PiiOptions } from '../parse/pii';
import { DEFAULT_MAX_LINE_BYTES } from '../parse/chunks';
import { describeIssues } from '../common/issues';
import type { ParseOptions } from '../parse/parseResult';
import type { SourceSpec } from '../parse/sourceSpec';
import { DEFAULT_SERIES_OPTIONS } from '../parse/series/segmentSeries';

const compiles = (src: string) => {
  try {
    new RegExp(src);
    return true;
  } catch {
    return false;
  }
};

export { ExpandSettings } from './expandSettings';

/** A run's configuration (a JSON file given with `--config`); every field has a default. */

export const RunConfig = z
  .object({
    /** UTC offset for timestamps written without one, e.g. "+08:00" */
    timezone: z
      .string()
      .regex(/^(Z|[+-]\d{2}:?\d{2})$/, 'an offset such as "Z" or "+08:00"')
      .default('Z'),
    pii: z
      .object({
        employeeIdPatterns: z
          .array(z.string().refine(compiles, 'not a valid regular expression'))
          .default(DEFAULT_PII_OPTIONS.employeeIdPatterns),
      })
      .strict()
      .prefault({}),
    parse: z
      .object({
        /** target size of a chunk: sources are cut on line boundaries and chunks parsed in parallel */
        chunkBytes: z
          .number()
          .int()
          .min(4096)
          .default(8 * 1024 * 1024),
        /**
         * chunk activities a run has going at once (bounded fan-out), across all workers; shared evenly among its
         * sources
         */
        parallelChunks: z.number().int().positive().max(1000).default(64),
        /**
         * a source is parsed by a child workflow that continues as new after this many chunks, so its event
         * history stays small (~3.3 events per chunk) however large the source
         */
        continueAsNewAfter: z.number().int().min(1).max(5000).default(500),
        /** a line longer than this is quarantined as line_too_long, never held in memory whole */
        maxLineBytes: z.number().int().min(1024).default(DEFAULT_MAX_LINE_BYTES),
      })
      .strict()
      .prefault({}),
    /** change detection on time series: baseline samples, CUSUM slack and threshold (in standard deviations) */
    series: z
      .object({
        baseline: z.number().int().min(5).default(DEFAULT_SERIES_OPTIONS.baseline),
        rebaseline: z.number().int().min(3).default(DEFAULT_SERIES_OPTIONS.rebaseline),
        k: z.number().min(0).default(DEFAULT_SERIES_OPTIONS.k),
        h: z.number().positive().default(DEFAULT_SERIES_OPTIONS.h),
        minShift: z.number().min(0).default(DEFAULT_SERIES_OPTIONS.minShift),
        /** with a source's `csv.reference`: false change events per tag and week its calibration allows */
        falseEventsPerWeek: z.number().positive().default(DEFAULT_SERIES_OPTIONS.falseEventsPerWeek),
      })
      .strict()
      .prefault({}),
    /** what the run is filed under in the Web UI (search attribute ForgeDomain); unset: the first graph file's name */
    domain: z.string().min(1).max(100).nullable().default(null),
    /** how soon a silent activity (its worker gone) is retried elsewhere; long activities heartbeat far more often */
    activities: z
      .object({ heartbeatSeconds: z.number().int().min(2).max(3600).default(120) })
      .strict()
      .prefault({}),
    /** domain graph files (Cypher) to load before facts are derived; relative paths are relative to the config file */
    graphs: z.array(z.string()).default([]),
    facts: z
      .object({
        /** fewest out-of-range samples that make an out-of-spec fact */
        minSupport: z.number().int().positive().default(DEFAULT_DERIVE_OPTIONS.minSupport),
        maxSources: z.number().int().positive().default(DEFAULT_DERIVE_OPTIONS.maxSources),
        /**
         * the outcomes threshold rules are mined for (label, values, meaning, graph node); none: the quality label
         * below
         */
        outcomes: z.array(OutcomeSpec).default([]),
        /** the label column that tells a bad part, and the values that mean bad */
        qualityLabel: z.string().min(1).default(DEFAULT_DERIVE_OPTIONS.qualityLabel),
        badQuality: z.array(z.string().min(1)).min(1).default(DEFAULT_DERIVE_OPTIONS.badQuality),
        /**
         * threshold-rule mining: support, lift, false discovery rate, the share that restates the outcome, agreement
         * tolerance
         */
        rules: z
          .object({
            minSupport: z.number().int().min(4).default(DEFAULT_DERIVE_OPTIONS.rules.minSupport),
            minLift: z.number().min(1).default(DEFAULT_DERIVE_OPTIONS.rules.minLift),
            alpha: z.number().gt(0).lt(1).default(DEFAULT_DERIVE_OPTIONS.rules.alpha),
            maxRules: z.number().int().min(1).max(100).default(DEFAULT_DERIVE_OPTIONS.rules.maxRules),
            minPositives: z.number().int().positive().default(DEFAULT_DERIVE_OPTIONS.rules.minPositives),
            agreementTolerance: z.number().min(0).max(1).default(DEFAULT_DERIVE_OPTIONS.rules.agreementTolerance),
          })
          .strict()
          .prefault({}),
      })
      .strict()
      .prefault({}),
    /**
     * differential privacy (knowledge/privacy.ts): null releases exact figures; `{ "epsilon": 1 }` mines rules
     * privately and releases only them, the budget split as the manifest records
     */
    privacy: PrivacySettings.nullable().default(null),
    expand: ExpandSettings.prefault({}),
    shards: z
      .object({
        maxDocs: z.number().int().positive().default(1000),
        maxBytes: z
          .number()
          .int()
          .positive()
          .default(64 * 1024 * 1024),
        /**
         * JSON lines, gzipped JSON lines, or Parquet (nested fields as JSON text); `datasets.load_dataset` reads each
         */
        format: z.enum(['jsonl', 'jsonl.gz', 'parquet']).default('jsonl'),
        /** curriculum: basic to complex (style, then facts connected); id: as the documents' ids sort */
        order: z.enum(['curriculum', 'id']).default('curriculum'),
      })
      .strict()
      .prefault({}),
    /**
     * human spot-check: a sample of each shard is written to review/sample.jsonl; with `wait`, the run waits for `forge
     * review`
     */
    review: z
      .object({
        perShard: z.number().int().min(0).default(3),
        wait: z.boolean().default(false),
        timeoutSeconds: z
          .number()
          .int()
          .positive()
          .default(24 * 3600),
        /** what a review that does not come in time means: go on, fail the run, or fall back to the backup corpus */
        onTimeout: z.enum(['approve', 'fail', 'fallback']).default('approve'),
        /** shards whose mean quality score is below this are replaced from the backup corpus */
        minQuality: z.number().min(0).max(1).default(0),
      })
      .strict()
      .prefault({}),
    /**
     * a real-data corpus (JSON lines {"text", "lang"?}; a file or a directory of them): mixed in at `mixRatio`, and
     * replaces shards that fail review or quality
     */
    backup: z
      .object({
        path: z.string().min(1).nullable().default(null),
        mixRatio: z.number().min(0).max(0.95).default(0),
      })
      .strict()
      .prefault({}),
    /** the dataset card's licence field (an SPDX id such as cc-by-4.0, or "other") and name */
    dataset: z
      .object({
        license: z.string().min(1).default('other'),
        prettyName: z.string().min(1).nullable().default(null),
      })
      .strict()
      .prefault({}),
  })
  .strict()
  .superRefine((c, ctx) => {
    // rules across keys, checked wherever the schema is (the CLI before a run starts, the run's first activity)
    const needsBackup = (path: (string | number)[], what: string) =>
      ctx.addIssue({ code: 'custom', path, message: `${what} needs a real-data corpus: set backup.path` });
    if (!c.backup.path) {
      if (c.review.onTimeout === 'fallback') needsBackup(['review', 'onTimeout'], '"fallback"');
      if (c.review.minQuality > 0) needsBackup(['review', 'minQuality'], 'a quality bar above 0');
      if (c.backup.mixRatio > 0) needsBackup(['backup', 'mixRatio'], 'a mix ratio above 0');
    }
    if (c.review.onTimeout !== 'approve' && !c.review.wait)
      ctx.addIssue({
        code: 'custom',
        path: ['review', 'onTimeout'],
        message: `"${c.review.onTimeout}" applies only to a review the run waits for: set review.wait to true`,
      });
  });
export type RunConfig = z.infer<typeof RunConfig>;

/**
 * What the schema cannot see: the files a configuration names exist. Checked when a config file is loaded
 * (`loadRunConfig`: `forge run` before it starts the workflow), and again by the run's first activity (a worker may
 * see another file system).
 */
export async function missingConfigFiles(config: RunConfig): Promise<string[]> {
  const missing: string[] = [];
  for (const [i, g] of config.graphs.entries())
    if (!(await stat(g).catch(() => null))) missing.push(`graphs[${i}]: graph file not found: ${g}`);
  if (config.backup.path && !(await stat(config.backup.path).catch(() => null)))
    missing.push(`backup.path: backup corpus not found: ${config.backup.path}`);
  return missing;
}

export class InvalidConfig extends Error {}

/** Validate a config object; `baseDir` resolves relative graph paths. Errors name every bad field. */
export function parseRunConfig(value: unknown, baseDir: string, name = 'config'): RunConfig {
  const parsed = RunConfig.safeParse(value);
  if (!parsed.success) {
    throw new InvalidConfig(`${name}: ${describeIssues(parsed.error, '(root)')}`);
  }
  const d = parsed.data;
  return {
    ...d,
    graphs: d.graphs.map((g) => resolve(baseDir, g)),
    backup: { ...d.backup, path: d.backup.path === null ? null : resolve(baseDir, d.backup.path) },
  };
}

export async function loadRunConfig(path: string | null, defaultGraphs: string[]): Promise<RunConfig> {
  if (!path) return parseRunConfig({ graphs: defaultGraphs }, process.cwd());
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (e) {
    throw new InvalidConfig(`cannot read config file ${path}: ${(e as Error).message}`);
  }
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (e) {
    throw new InvalidConfig(`${path}: not valid JSON (${(e as Error).message})`);
  }
  const config = parseRunConfig(value, dirname(resolve(path)), path);
  // the files it names exist: a configuration error stops `forge run` before it connects or starts anything
  const missing = await missingConfigFiles(config);
  if (missing.length) throw new InvalidConfig(`${path}: ${missing.join('; ')}`);
  return config;
}

/** The corpus mix a run's configuration asks for. */
export function mixOf(expand: RunConfig['expand']): Mix {
  return {
    styles: expand.styles,
    audiences: expand.audiences,
    languages: expand.languages,
    variants: expand.variants,
    pairs: expand.bundles.pairs,
    triples: expand.bundles.triples,
    bundleVariants: expand.bundles.variants,
  };
}

/**
 * How one source is parsed under a run's config: the same options for `forge parse` and for the workers'
 * scan and chunk activities. `keys` are the installation's (infra/piiKey.ts).
 */
export function sourceParseOptions(
  source: { name: string; spec: SourceSpec },
  config: RunConfig,
  keys: { pseudonymKey: string | null; digestKey: string },
): ParseOptions & { chunkBytes: number } {
  const pii: PiiOptions = { ...config.pii, ...keys };
  return {
    source: source.name,
    timezone: source.spec.timezone ?? config.timezone,
    pii,
    maxLineBytes: config.parse.maxLineBytes,
    chunkBytes: config.parse.chunkBytes,
  };
}

/** The domain a run is filed under (search attribute ForgeDomain): configured, else the first graph's name. */
export function runDomain(config: RunConfig): string {
  return config.domain ?? (config.graphs[0] ? basename(config.graphs[0]).replace(/\.[^.]+$/, '') : 'general');
}
