import type { ShardGate } from './shardGate';

/** Every shard, when the generated texts fell under the quality floor and a backup corpus is there (`backup`). */
export const qualityFloor: ShardGate = {
  name: 'quality_floor',
  fails: ({ quality, plan }) =>
    quality.action === 'backup' ? plan.shards.map((shard) => ({ shard, reason: quality.summary })) : [],
};
