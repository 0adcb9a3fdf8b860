import { failedShards } from '../../activities/run/failedShards';

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

test('nothing failed: no shard is replaced', () => {
  expect(failedShards(quality('none'), { ...plan, lowQuality: [] }, noReview, 0.5)).toEqual([]);
});

test('a shard under review.minQuality, and the shards a reviewer names, each once with its first reason', () => {
  expect(
    failedShards(quality('none'), plan, { decision: 'reject', reason: 'wrong plant', shards: ['b', 'c'] }, 0.5),
  ).toEqual([
    { shard: 'b', reason: 'mean quality 0.31 below 0.5' },
    { shard: 'c', reason: 'rejected in review: wrong plant' },
  ]);
});

test('a rejection naming no shard, or texts under the quality floor with a backup corpus, fail every shard', () => {
  const rejected = failedShards(
    quality('none'),
    { ...plan, lowQuality: [] },
    { decision: 'reject', reason: 'r', shards: [] },
    0.5,
  );
  expect(rejected.map((f) => f.shard)).toEqual(['a', 'b', 'c']);
  const floor = failedShards(quality('backup'), plan, noReview, 0.5);
  expect(floor).toEqual(['a', 'b', 'c'].map((shard) => ({ shard, reason: 'quality floor 0.3: below' })));
});
