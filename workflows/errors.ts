/**
 * Failure types a retry cannot fix: the run fails at once with the message. The workflows' retry policy
 * (a workflow module: no Node.js imports); the activities that raise them import the type.
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
