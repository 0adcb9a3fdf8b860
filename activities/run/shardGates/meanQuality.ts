import type { ShardGate } from './shardGate';

/** A shard whose synthetic documents' mean quality score is under `review.minQuality`. */
export const meanQuality: ShardGate = {
  name: 'mean_quality',
  fails: ({ plan, minQuality }) =>
    plan.lowQuality.map((q) => ({ shard: q.shard, reason: `mean quality ${q.quality} below ${minQuality}` })),
};
