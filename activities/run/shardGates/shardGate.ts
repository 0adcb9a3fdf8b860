import type { CorpusPlanSummary, ExpandSummary, ReviewOutcome } from '../contracts';

/** What a shard gate reads: the expansion's quality verdict, the shard plan, the review's outcome, the run's bar. */
export interface ShardGateInput {
  quality: ExpandSummary['quality'];
  plan: Pick<CorpusPlanSummary, 'shards' | 'lowQuality'>;
  review: Pick<ReviewOutcome, 'decision' | 'reason' | 'shards'>;
  /** `review.minQuality` */
  minQuality: number;
}

/** A shard the run replaces from its backup corpus, the gate that failed it, and why. */
export interface FailedShard {
  shard: string;
  gate: string;
  reason: string;
}

/**
 * A shard gate (shardGates/<gate>.ts, one entry in SHARD_GATES): a name and a pure check that returns the shards it
 * fails, each with its reason. The workflow runs the gates (failedShards.ts), so a gate is deterministic and imports
 * types only.
 */
export interface ShardGate {
  name: string;
  fails(input: ShardGateInput): { shard: string; reason: string }[];
}
