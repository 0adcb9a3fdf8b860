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

/**
 * A failure retrying cannot fix (a missing input, a bad configuration, an endpoint that left every prompt
 * unanswered): `type` is the failure type the run reports. Activities turn it into a non-retryable failure
 * (deps.ts `asFailure`); `forge parse` prints its message.
 */
export class NonRetryableError extends Error {
  constructor(
    readonly type: NonRetryable,
    message: string,
  ) {
    super(message);
  }
}
