import type { Generator } from './documents';
import type { ExpansionJob } from './jobs';

/** A job's text, and what it cost: tokens sent and received over the network (0 from the cache or offline). */
export interface Expansion {
  text: string;
  usage: { prompt_tokens: number; completion_tokens: number };
  cached: boolean;
  /**
   * kinds of personal data the writer found in its answer and masked before anything kept it (`text` is masked):
   * the text is rejected as `pii`
   */
  pii?: string[];
}

/** Anything that turns a job (facts, style, audience, language) into text: the offline templates or an LLM. */
export interface TextExpander {
  readonly generator: Generator;
  /** `signal`: the caller no longer wants the text (generation stopped early); an aborted call throws `Aborted` */
  expand(job: ExpansionJob, signal?: AbortSignal): Promise<Expansion>;
}

/** The text was no longer wanted: its request was cut off. Not a reject, not an error: the job counts as skipped. */
export class Aborted extends Error {
  constructor() {
    super('generation stopped: the text is no longer wanted');
  }
}

/**
 * The endpoint answered, but with nothing usable even after the repair request: counted as a reject, not retried
 * forever.
 */
export class InvalidCompletion extends Error {
  /**
   * `answer`: the last answer (masked); `usage`: what the answers cost (they are paid for too); `reason`: `truncated`
   * when the answer was cut at the token limit, also after asking again with a larger one
   */
  constructor(
    message: string,
    readonly answer = '',
    readonly usage = { prompt_tokens: 0, completion_tokens: 0 },
    readonly reason: 'invalid_output' | 'truncated' = 'invalid_output',
  ) {
    super(message);
  }
}

/**
 * The endpoint did not answer this prompt after every try (5xx, timeouts, lost connections): a rejected text with
 * reason `no_answer`; the batch goes on, and the run fails only when too many prompts went unanswered.
 */
export class Unanswered extends Error {
  constructor(
    message: string,
    /** the last failure: `HTTP 503`, `timed out`... */
    readonly status: string,
  ) {
    super(message);
  }
}

/**
 * No text for this job, for a reason of the job's own: the writer could not render its facts (`render_error`).
 * Counted as a reject with that reason; the batch and the run go on.
 */
export class NoText extends Error {
  constructor(
    readonly reason: 'render_error',
    message: string,
  ) {
    super(message);
  }
}
