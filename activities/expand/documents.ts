import { z } from 'zod';
import { Lang } from '../common/lang';

/**
 * Styles of text, after Cosmopedia / WRAP / Nemotron-CC: each with its own instructions (prompts.ts) and offline form.
 */
export const STYLES = ['textbook', 'qa', 'sop', 'troubleshooting', 'case_study', 'knowledge_list', 'lecture'] as const;
export const Style = z.enum(STYLES);
export type Style = z.infer<typeof Style>;
export { Lang } from '../common/lang';

export const AUDIENCES = ['student', 'operator', 'process_engineer', 'maintenance_technician'] as const;
export const Audience = z.enum(AUDIENCES);
export type Audience = z.infer<typeof Audience>;
/** What a document is written from: one fact, or two or three related facts (they share a graph node). */
export const Input = z.enum(['fact', 'pair', 'triple']);
export type Input = z.infer<typeof Input>;

export const Generator = z.object({
  kind: z.enum(['llm', 'offline']),
  /** the model asked, for kind llm, and (in the manifest) the base URL that served it, without credentials */
  model: z.string().optional(),
  base_url: z.string().optional(),
  /** the generator's name and version, for kind offline */
  name: z.string().optional(),
  note: z.string().optional(),
  /** for kind llm: how the endpoint was asked for JSON, as negotiated with it, and whether it took a system message */
  response_format: z.enum(['json_schema', 'json_object', 'none']).optional(),
  system_role: z.boolean().optional(),
});
export type Generator = z.infer<typeof Generator>;

/** One line of a corpus shard (**contract**, see DESIGN.md). */
export const CorpusDocument = z.object({
  id: z.string(),
  text: z.string().min(1),
  lang: Lang,
  style: Style,
  audience: Audience,
  input: Input,
  fact_ids: z.array(z.string()).min(1),
  sources: z.array(z.string()),
  generator: Generator,
  quality: z.object({ score: z.number().min(0).max(1), checks: z.array(z.string()) }),
  tokens: z.number().int().nonnegative(),
  /** what generating it cost: tokens sent and received (0 when it came from the cache or the offline expander) */
  usage: z.object({ prompt_tokens: z.number().int().nonnegative(), completion_tokens: z.number().int().nonnegative() }),
  origin: z.literal('synthetic'),
});
export type CorpusDocument = z.infer<typeof CorpusDocument>;

/**
 * A document of the run's real-data corpus (the backup): mixed in at a configured ratio, or in place of shards that
 * failed review.
 */
export const RealDocument = z.object({
  id: z.string(),
  text: z.string().min(1),
  lang: Lang,
  origin: z.literal('real'),
  /** `file:line` in the backup corpus */
  source: z.string(),
  tokens: z.number().int().nonnegative(),
});
export type RealDocument = z.infer<typeof RealDocument>;

/** A line of a shard: a synthetic document or a real one (`origin` tells which). */
export const ShardDocument = z.discriminatedUnion('origin', [CorpusDocument, RealDocument]);
export type ShardDocument = z.infer<typeof ShardDocument>;

/** Why a text did not become a document. */
export const RejectReason = z.enum([
  'unfaithful_number',
  'unfaithful_unit',
  'unfaithful_entity',
  'ungrounded',
  'limit_as_setpoint',
  'prompt_echo',
  'stock_opening',
  'pii',
  'wrong_language',
  'too_short',
  'too_long',
  'meta_talk',
  'unsafe_instruction',
  'no_coverage',
  'bad_form',
  'repetitive',
  'duplicate',
  'near_duplicate',
  'invalid_output',
  'truncated',
  'no_answer',
  'render_error',
  'quality_floor',
  'judge',
]);
export type RejectReason = z.infer<typeof RejectReason>;

/**
 * A text that did not become a document: its job, the reason, a detail, and the text when there was one
 * (rejected.jsonl).
 */
export const RejectedLine = z.object({
  fact_ids: z.array(z.string()),
  input: Input,
  style: Style,
  audience: Audience,
  lang: Lang,
  reason: RejectReason,
  detail: z.string().optional(),
  /** every filter's rejection when more than one rejected it (`reason` is the one it is counted under) */
  reasons: z.array(z.object({ reason: RejectReason, detail: z.string().optional() })).optional(),
  text: z.string().optional(),
});
export type RejectedLine = z.infer<typeof RejectedLine>;

/**
 * The one way a rejected text is written down: its job's fields, the reason, a detail, every reason when there were
 * more, and the text.
 */
export function rejectedLine(
  job: { fact_ids: string[]; input: Input; style: Style; audience: Audience; lang: Lang },
  reason: RejectReason,
  detail?: string,
  text?: string,
  reasons?: RejectedLine['reasons'],
): RejectedLine {
  return {
    fact_ids: job.fact_ids,
    input: job.input,
    style: job.style,
    audience: job.audience,
    lang: job.lang,
    reason,
    ...(detail ? { detail } : {}),
    ...(reasons && reasons.length > 1 ? { reasons } : {}),
    ...(text ? { text } : {}),
  };
}
