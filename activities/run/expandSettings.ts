import { z } from 'zod';
import { AUDIENCES, Audience, Lang, STYLES, Style } from '../expand/documents';
import { FilterSettings } from '../expand/filters';
import { JudgeSettings } from '../expand/judgeSettings';

/**
 * `expand` in the run configuration: the corpus mix, the endpoint's settings, batches, the quality floor and the
 * budget.
 */
export const ExpandSettings = z
  .object({
    /**
     * the mix: styles, audiences and languages; (style, audience) variants per fact and language; bundles of
     * related facts
     */
    styles: z
      .array(Style)
      .min(1)
      .default([...STYLES]),
    audiences: z
      .array(Audience)
      .min(1)
      .default([...AUDIENCES]),
    languages: z.array(Lang).min(1).default(['en', 'zh']),
    variants: z.number().int().positive().default(STYLES.length),
    /**
     * documents at least this similar (estimated Jaccard of 5-gram shingles) to one kept in this run or an earlier
     * run of the output directory are dropped; 0 turns it off
     */
    nearDuplicateThreshold: z.number().min(0).max(1).default(0.8),
    bundles: z
      .object({
        pairs: z.number().int().min(0).default(20),
        triples: z.number().int().min(0).default(10),
        variants: z.number().int().positive().default(3),
      })
      .strict()
      .prefault({}),
    /**
     * texts in flight at most; against an LLM endpoint the limit adapts below it (slow start from
     * `initialConcurrency`, halved on 429/5xx)
     */
    concurrency: z.number().int().positive().max(256).default(16),
    initialConcurrency: z.number().int().positive().max(256).default(4),
    /**
     * texts per expansion activity, and how many such activities a run has going at once (across all LLM workers)
     */
    batchSize: z.number().int().positive().default(200),
    parallelBatches: z.number().int().positive().max(1000).default(8),
    /** expansion runs in a child workflow that continues as new after this many batches */
    continueAsNewAfter: z.number().int().min(1).max(5000).default(500),
    /** tries per request on 429, 5xx, timeouts and lost connections */
    maxAttempts: z.number().int().min(1).max(20).default(6),
    /**
     * the quality floor: the share of generated texts that must pass every filter, for the run, each style and
     * each language; a group under it is replaced (backup corpus, else the offline expander) or fails the run
     */
    qualityFloor: z.number().min(0).max(1).default(0.3),
    onLowQuality: z.enum(['fallback', 'fail']).default('fallback'),
    /**
     * once this many texts are checked, generation stops early when the accepted share is surely under the
     * floor (expand/qualityStop.ts: the 99 % Wilson upper bound below it); 0 generates every planned text
     */
    qualityStopAfter: z.number().int().min(0).default(20),
    /**
     * the document filters' options by filter name (`enabled`, and thresholds where a filter has them, e.g.
     * `length.minChars.zh`, `repetition.maxDuplicateLines`); unnamed filters run with their defaults
     */
    filters: FilterSettings,
    /**
     * the share of prompts the endpoint may leave unanswered (after every try) before the run fails; those texts
     * are rejected as `no_answer` and the run goes on. 1 (the default): the run fails only when none was answered
     */
    maxUnanswered: z.number().min(0).max(1).default(1),
    /** an optional LLM judge on its own endpoint (off by default): texts under its floor are rejected as `judge` */
    judge: JudgeSettings.nullable().default(null),
    /** how the endpoint is asked for JSON; an endpoint that refuses a format is asked the next simpler way */
    responseFormat: z.enum(['json_schema', 'json_object', 'none']).default('json_schema'),
    /**
     * a run stops generating cleanly once it has spent this many tokens or this much (prices: USD per million
     * tokens)
     */
    budget: z
      .object({
        maxTokens: z.number().int().positive().nullable().default(null),
        maxCostUsd: z.number().positive().nullable().default(null),
      })
      .strict()
      .prefault({}),
    prices: z
      .object({ prompt: z.number().min(0).default(0), completion: z.number().min(0).default(0) })
      .strict()
      .prefault({}),
    temperature: z.number().min(0).max(2).default(0.7),
    maxTokens: z.number().int().positive().default(800),
    timeoutMs: z.number().int().positive().default(60_000),
  })
  .strict();
export type ExpandSettings = z.infer<typeof ExpandSettings>;
