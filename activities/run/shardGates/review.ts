import type { ShardGate } from './shardGate';

/** The shards a reviewer rejected in the spot-check; every shard when the rejection names none. */
export const review: ShardGate = {
  name: 'review',
  fails: ({ review: r, plan }) =>
    r.decision === 'reject'
      ? (r.shards.length ? r.shards : plan.shards).map((shard) => ({
          shard,
          reason: `rejected in review: ${r.reason}`,
        }))
      : [],
};
