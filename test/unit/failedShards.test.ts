import { failedShards, SHARD_GATES } from '../../activities/run/failedShards';
import type { ShardGate } from '../../activities/run/shardGates/shardGate';

const plan = { shards: ['a', 'b', 'c'], lowQuality: [{ shard: 'b', quality: 0.31 }] };
const quality = (action: 'none' | 'backup') => ({
  floor: 0.3,
  accepted_share: 0.2,
  by_style: {},
  by_lang: {},
  below: ['run'],
  top_reasons: [],
  action,
  summary: 'quality floor 0.3: below',
});
const noReview = { decision: null, reason: null, shards: [] };
const input = (over: Partial<Parameters<typeof failedShards>[0]> = {}) => ({
  quality: quality('none'),
  plan,
  review: noReview,
  minQuality: 0.5,
  ...over,
});

test('nothing failed: no shard is replaced', () => {
  expect(failedShards(input({ plan: { ...plan, lowQuality: [] } }))).toEqual([]);
});

test('a shard under review.minQuality, and shards a reviewer names, each once with its first gate and reason', () => {
  expect(failedShards(input({ review: { decision: 'reject', reason: 'wrong plant', shards: ['b', 'c'] } }))).toEqual([
    { shard: 'b', gate: 'mean_quality', reason: 'mean quality 0.31 below 0.5' },
    { shard: 'c', gate: 'review', reason: 'rejected in review: wrong plant' },
  ]);
});

test('a rejection naming no shard, or texts under the quality floor with a backup corpus, fail every shard', () => {
  const rejected = failedShards(
    input({ plan: { ...plan, lowQuality: [] }, review: { decision: 'reject', reason: 'r', shards: [] } }),
  );
  expect(rejected.map((f) => f.shard)).toEqual(['a', 'b', 'c']);
  const floor = failedShards(input({ quality: quality('backup') }));
  expect(floor).toEqual(
    ['a', 'b', 'c'].map((shard) => ({ shard, gate: 'quality_floor', reason: 'quality floor 0.3: below' })),
  );
});

test('a shard gate is one object and one list entry: an added gate fails shards under its own name', () => {
  const odd: ShardGate = { name: 'odd_names', fails: ({ plan: p }) => [{ shard: p.shards[0], reason: 'first' }] };
  expect(failedShards(input({ plan: { ...plan, lowQuality: [] } }), [...SHARD_GATES, odd])).toEqual([
    { shard: 'a', gate: 'odd_names', reason: 'first' },
  ]);
  expect(new Set(SHARD_GATES.map((g) => g.name)).size).toBe(SHARD_GATES.length);
});
