/**
 * Failure types a retry cannot fix: the run fails at once with the message. The activities raise them; the
 * workflows' retry policy lists them as non-retryable (so this module stays free of Node.js imports: the workflow
 * bundle includes it).
 */
export const NON_RETRYABLE = [
  'InputNotFound',
  'UnreadableSource',
  'InvalidConfig',
  'InvalidGraph',
  'EndpointRefused',
  'GeneratorMismatch',
  'Unanswered',
  'ReviewRejected',
  'ReviewTimedOut',
] as const;
export type NonRetryable = (typeof NON_RETRYABLE)[number];
