import { ApplicationFailure, condition, defineQuery, defineUpdate, setHandler } from '@temporalio/workflow';
import type { CorpusPlanSummary, ReviewDecision, ReviewOutcome, RunInput } from '../activities/run/contracts';

/** Where the human spot-check stands: the sample to read, the shards it covers, and until when the run waits. */
export interface ReviewState {
  state: 'not_requested' | 'pending' | 'awaiting' | 'decided' | 'timed_out';
  samplePath: string | null;
  shards: string[];
  deadline: string | null;
}
export const reviewQuery = defineQuery<ReviewState>('review');
/**
 * The reviewer's decision: validated (a rejection needs a reason; shards must be the run's; only while the run waits).
 */
export const reviewUpdate = defineUpdate<ReviewOutcome, [ReviewDecision]>('review');

/**
 * The human spot-check. Without `review.wait` the sample is written and the run goes on. With it, the run
 * waits for the `review` Update up to `review.timeoutSeconds`; then `review.onTimeout` decides: approve, fail
 * the run, or fall back (every shard replaced from the backup corpus).
 */
export async function spotCheck(
  input: RunInput,
  plan: CorpusPlanSummary,
  reviewState: ReviewState,
  show: () => void,
): Promise<ReviewOutcome> {
  const cfg = input.config.review;
  const state = reviewState;
  Object.assign(state, {
    state: cfg.wait ? 'awaiting' : 'not_requested',
    samplePath: plan.samplePath,
    shards: plan.shards,
  });
  let outcome: ReviewOutcome = {
    requested: cfg.wait,
    decision: null,
    reason: null,
    shards: [],
    reviewer: null,
    timed_out: false,
  };
  if (!cfg.wait) return outcome;
  state.deadline = new Date(Date.now() + cfg.timeoutSeconds * 1000).toISOString();
  setHandler(
    reviewUpdate,
    (d: ReviewDecision) => {
      outcome = {
        requested: true,
        decision: d.decision,
        reason: d.reason?.trim() || null,
        shards: d.shards ?? [],
        reviewer: d.reviewer ?? null,
        timed_out: false,
      };
      state.state = 'decided';
      return outcome;
    },
    {
      validator: (d: ReviewDecision) => {
        if (state.state !== 'awaiting') throw new Error(`this run is not waiting for a review (${state.state})`);
        if (d?.decision !== 'approve' && d?.decision !== 'reject')
          throw new Error('decision must be "approve" or "reject"');
        if (d.decision === 'reject' && !d.reason?.trim()) throw new Error('a rejection needs a reason');
        const unknown = (d.shards ?? []).filter((x) => !plan.shards.includes(x));
        if (unknown.length)
          throw new Error(`no such shard in this run: ${unknown.join(', ')} (shards: ${plan.shards.join(', ')})`);
      },
    },
  );
  show();
  const decided = await condition(() => state.state === 'decided', cfg.timeoutSeconds * 1000);
  if (decided) return outcome;
  state.state = 'timed_out';
  if (cfg.onTimeout === 'fail')
    throw ApplicationFailure.nonRetryable(
      `no review within ${cfg.timeoutSeconds} s (review.onTimeout = fail)`,
      'ReviewTimedOut',
    );
  return {
    requested: true,
    decision: cfg.onTimeout === 'approve' ? 'approve' : 'reject',
    reason: `no review within ${cfg.timeoutSeconds} s (policy: ${cfg.onTimeout})`,
    shards: [],
    reviewer: null,
    timed_out: true,
  };
}
