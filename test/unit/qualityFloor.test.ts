import { assessQuality, describeQuality, inFailedGroup } from '../../activities/expand/qualityFloor';
import { surelyBelowFloor, wilsonUpper } from '../../activities/expand/qualityStop';

const doc = (style: string, lang: string) => ({ style, lang }) as { style: 'qa'; lang: 'en' };
const rej = (style: string, lang: string, reason: string) =>
  ({ style, lang, reason }) as { style: 'qa'; lang: 'en'; reason: 'meta_talk' };

test(
  'accepted shares for the run, each style and each language; groups under the floor named; top reasons ' + 'counted',
  () => {
    const docs = [...Array(8)].map(() => doc('qa', 'en')).concat([...Array(2)].map(() => doc('sop', 'zh')));
    const rejected = [...Array(6)]
      .map(() => rej('sop', 'zh', 'meta_talk'))
      .concat(
        [...Array(2)].map(() => rej('sop', 'zh', 'no_coverage')),
        [rej('qa', 'en', 'too_short')],
      );
    const q = assessQuality(docs, rejected, 0.3);
    expect(q).toEqual({
      floor: 0.3,
      accepted_share: 0.526,
      by_style: { qa: 0.889, sop: 0.2 },
      by_lang: { en: 0.889, zh: 0.2 },
      below: ['style:sop', 'lang:zh'],
      top_reasons: ['meta_talk (6)', 'no_coverage (2)', 'too_short (1)'],
    });
    expect(inFailedGroup(q.below, { style: 'sop', lang: 'en' })).toBe(true);
    expect(inFailedGroup(q.below, { style: 'qa', lang: 'en' })).toBe(false);
    expect(describeQuality({ ...q, action: 'offline' })).toMatch(
      /style:sop, lang:zh under it .*top rejections meta_talk \(6\).*offline expander instead/,
    );
  },
);

test('a near-empty run is under the floor; groups too small to judge are not', () => {
  const q = assessQuality(
    [doc('qa', 'en')],
    [...Array(9)].map(() => rej('qa', 'en', 'meta_talk')).concat([rej('sop', 'zh', 'meta_talk')]),
    0.3,
  );
  expect(q.below).toEqual(['run', 'style:qa', 'lang:en']);
  expect(assessQuality([doc('qa', 'en')], [], 0.3)).toMatchObject({ accepted_share: null, below: [] });
});

test('the early stop: the 99 % Wilson upper bound, looked at only after enough texts', () => {
  expect(wilsonUpper(0, 20)).toBeCloseTo(0.249, 3);
  expect(wilsonUpper(5, 10)).toBeCloseTo(0.816, 3); // the 95 % interval of 5 in 10 is [0.237, 0.763]: this one is wider
  expect(wilsonUpper(0, 0)).toBe(1);
  expect(surelyBelowFloor({ accepted: 0, checked: 19 }, 0.3, 20)).toBe(false); // too few to judge
  expect(surelyBelowFloor({ accepted: 0, checked: 20 }, 0.3, 20)).toBe(true);
  expect(surelyBelowFloor({ accepted: 3, checked: 20 }, 0.3, 20)).toBe(false); // 15 %: not surely under 30 % yet
  expect(surelyBelowFloor({ accepted: 10, checked: 200 }, 0.3, 20)).toBe(true);
  expect(surelyBelowFloor({ accepted: 0, checked: 500 }, 0.3, 0)).toBe(false); // 0: never early
});
