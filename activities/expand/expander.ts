import type { Generator } from './documents';
import type { ExpansionJob } from './jobs';

/** A job's text, and what it cost: tokens sent and received over the network (0 from the cache or offline). */
export interface Expansion {
  text: string;
  usage: { prompt_tokens: number; completion_tokens: number };
  cached: boolean;
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
  /** the last answer, as the endpoint gave it */
  constructor(
    message: string,
    readonly answer = '',
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
