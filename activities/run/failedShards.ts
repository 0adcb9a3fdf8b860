import type { CorpusPlanSummary, ExpandSummary, ReviewOutcome } from './contracts';

/** A shard the run replaces from its backup corpus, and why. */
export interface FailedShard {
  shard: string;
  reason: string;
}

/**
 * The shards a run must not release, each once with its first reason: every shard when the generated texts fell
 * under the quality floor and a backup corpus is there (`expand.onLowQuality` backup); shards whose mean quality is
 * under `review.minQuality`; and those a reviewer rejected (all of them when the rejection names none). Pure and
 * deterministic: the run's workflow calls it.
 */
export function failedShards(
  quality: ExpandSummary['quality'],
  plan: Pick<CorpusPlanSummary, 'shards' | 'lowQuality'>,
  review: Pick<ReviewOutcome, 'decision' | 'reason' | 'shards'>,
  minQuality: number,
): FailedShard[] {
  const all = [
    ...(quality.action === 'backup' ? plan.shards.map((shard) => ({ shard, reason: quality.summary })) : []),
    ...plan.lowQuality.map((q) => ({ shard: q.shard, reason: `mean quality ${q.quality} below ${minQuality}` })),
    ...(review.decision === 'reject'
      ? (review.shards.length ? review.shards : plan.shards).map((shard) => ({
          shard,
          reason: `rejected in review: ${review.reason}`,
        }))
      : []),
  ];
  return all.filter((f, i) => all.findIndex((x) => x.shard === f.shard) === i);
}
