import { meanQuality } from './shardGates/meanQuality';
import { qualityFloor } from './shardGates/qualityFloor';
import { review } from './shardGates/review';
import type { FailedShard, ShardGate, ShardGateInput } from './shardGates/shardGate';

export type { FailedShard } from './shardGates/shardGate';

/** The shard gates, in the order their reasons win: a gate is one module (shardGates/<gate>.ts) and one entry here. */
export const SHARD_GATES: readonly ShardGate[] = [qualityFloor, meanQuality, review];

/**
 * The shards a run must not release, each once with the first gate's reason (SHARD_GATES order). Pure and
 * deterministic: the run's workflow calls it.
 */
export function failedShards(input: ShardGateInput, gates: readonly ShardGate[] = SHARD_GATES): FailedShard[] {
  const all = gates.flatMap((g) => g.fails(input).map((f) => ({ shard: f.shard, gate: g.name, reason: f.reason })));
  return all.filter((f, i) => all.findIndex((x) => x.shard === f.shard) === i);
}
