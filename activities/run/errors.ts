/**
 * Failure types a retry cannot fix: the run fails at once with the message. Shared by the activities that
 * raise them and the workflow's retry policy (this module has no Node.js imports, so workflows may use it).
 */
export const NON_RETRYABLE = ['InputNotFound', 'UnreadableSource', 'InvalidConfig', 'InvalidGraph', 'EndpointRefused', 'ReviewRejected', 'ReviewTimedOut'] as const;
export type NonRetryable = (typeof NON_RETRYABLE)[number];
