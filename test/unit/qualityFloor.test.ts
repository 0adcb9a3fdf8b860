import { assessQuality, describeQuality, inFailedGroup } from '../../activities/expand/qualityFloor';

const doc = (style: string, lang: string) => ({ style, lang }) as { style: 'qa'; lang: 'en' };
const rej = (style: string, lang: string, reason: string) => ({ style, lang, reason }) as { style: 'qa'; lang: 'en'; reason: 'meta_talk' };

test('accepted shares for the run, each style and each language; groups under the floor named; top reasons counted', () => {
  const docs = [...Array(8)].map(() => doc('qa', 'en')).concat([...Array(2)].map(() => doc('sop', 'zh')));
  const rejected = [...Array(6)].map(() => rej('sop', 'zh', 'meta_talk')).concat([...Array(2)].map(() => rej('sop', 'zh', 'no_coverage')), [rej('qa', 'en', 'too_short')]);
  const q = assessQuality(docs, rejected, 0.3);
  expect(q).toEqual({
    floor: 0.3, accepted_share: 0.526, by_style: { qa: 0.889, sop: 0.2 }, by_lang: { en: 0.889, zh: 0.2 },
    below: ['style:sop', 'lang:zh'], top_reasons: ['meta_talk (6)', 'no_coverage (2)', 'too_short (1)'],
  });
  expect(inFailedGroup(q.below, { style: 'sop', lang: 'en' })).toBe(true);
  expect(inFailedGroup(q.below, { style: 'qa', lang: 'en' })).toBe(false);
  expect(describeQuality({ ...q, action: 'offline' })).toMatch(/style:sop, lang:zh under it .*top rejections meta_talk \(6\).*offline expander instead/);
});

test('a near-empty run is under the floor; groups too small to judge are not', () => {
  const q = assessQuality([doc('qa', 'en')], [...Array(9)].map(() => rej('qa', 'en', 'meta_talk')).concat([rej('sop', 'zh', 'meta_talk')]), 0.3);
  expect(q.below).toEqual(['run', 'style:qa', 'lang:en']);
  expect(assessQuality([doc('qa', 'en')], [], 0.3)).toMatchObject({ accepted_share: null, below: [] });
});
