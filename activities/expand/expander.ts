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
  expand(job: ExpansionJob): Promise<Expansion>;
}

/** The endpoint answered, but with nothing usable even after the repair request: counted as a reject, not retried forever. */
export class InvalidCompletion extends Error {
  /** the last answer, as the endpoint gave it */
  constructor(message: string, readonly answer = '') {
    super(message);
  }
}
