import {
  curriculumOrder,
  difficulty,
  mixReal,
  planCorpus,
  readBackupLines,
  replaceShards,
  reviewSample,
} from '../../activities/expand/assemble';
import type { CorpusDocument, RealDocument, ShardDocument } from '../../activities/expand/documents';
import { DEFAULT_PII_OPTIONS } from '../../activities/parse/pii';

const synth = (
  id: string,
  style: CorpusDocument['style'],
  input: CorpusDocument['input'] = 'fact',
  score = 0.9,
): CorpusDocument => ({
  id,
  text: `text ${id}`,
  lang: 'en',
  style,
  audience: 'operator',
  input,
  fact_ids: ['f'],
  sources: ['s:1'],
  generator: { kind: 'offline' },
  quality: { score, checks: [] },
  tokens: 100,
  usage: { prompt_tokens: 0, completion_tokens: 0 },
  origin: 'synthetic',
});
const real = (id: string, tokens = 100): RealDocument => ({
  id: `real-${id}`,
  text: `real ${id}`,
  lang: 'en',
  origin: 'real',
  source: `b.jsonl:${id}`,
  tokens,
});

test(
  'curriculum: knowledge lists before textbooks before troubleshooting; bundles later than single facts; ' +
    'real documents by length',
  () => {
    const docs = [
      synth('a', 'troubleshooting'),
      synth('b', 'knowledge_list'),
      synth('c', 'textbook', 'triple'),
      synth('d', 'textbook'),
      real('e', 900),
      real('f', 50),
    ];
    expect(curriculumOrder(docs).map((d) => d.id)).toEqual(['b', 'real-f', 'd', 'real-e', 'a', 'c']);
    expect(docs.map(difficulty)).toEqual([4, 1, 4, 2, 3, 1]);
  },
);

test('mixReal: real documents make the configured share of the output, in id order; the rest are spare', () => {
  const backup = ['c', 'a', 'b', 'd', 'e'].map((x) => real(x));
  expect(mixReal(8, backup, 0.2)).toEqual({ mixed: [real('a'), real('b')], spare: [real('c'), real('d'), real('e')] });
  expect(mixReal(8, backup, 0).mixed).toEqual([]);
  expect(mixReal(100, backup, 0.5).mixed).toHaveLength(5); // fewer when the backup has fewer
});

test('review sample: evenly spread over each shard, tagged with the shard; quality per shard', () => {
  const docs = Array.from({ length: 10 }, (_, i) => synth(`d${i}`, 'qa', 'fact', i < 5 ? 0.9 : 0.2));
  const plan = planCorpus(docs, 5, 1e9, 'jsonl');
  expect(plan.map((p) => [p.name, p.ids.length, p.quality])).toEqual([
    ['part-00000.jsonl', 5, 0.9],
    ['part-00001.jsonl', 5, 0.2],
  ]);
  const sample = reviewSample(plan, new Map(docs.map((d) => [d.id, d])), 2);
  expect(sample.map((d) => [d.shard, d.id])).toEqual([
    ['part-00000.jsonl', 'd1'],
    ['part-00000.jsonl', 'd3'],
    ['part-00001.jsonl', 'd6'],
    ['part-00001.jsonl', 'd8'],
  ]);
});

test(
  "replaceShards: a failed shard's synthetic documents are replaced one for one from the spare real ones, as " +
    'far as they last',
  () => {
    const docs: ShardDocument[] = [...Array.from({ length: 4 }, (_, i) => synth(`s${i}`, 'qa')), real('m')];
    const plan = [
      { name: 'p0', ids: ['s0', 's1'], quality: 0.9 },
      { name: 'p1', ids: ['s2', 's3', 'real-m'], quality: 0.9 },
    ];
    const byId = new Map(docs.map((d) => [d.id, d]));
    const { shards, replacements } = replaceShards(
      plan,
      byId,
      new Map([['p1', { gate: 'review', reason: 'rejected' }]]),
      [real('x')],
    );
    expect(shards.map((s) => s.map((d) => d.id))).toEqual([
      ['s0', 's1'],
      ['real-m', 'real-x'],
    ]);
    expect(replacements).toEqual([{ shard: 'p1', gate: 'review', reason: 'rejected', replaced: 2, from_backup: 1 }]);
  },
);

test(
  'backup lines: JSON objects with text; the language is detected when not given; bad lines and personal ' +
    'data are counted, not used',
  () => {
    const text = [
      JSON.stringify({
        text: 'The mould temperature controller was serviced and the water filter cleaned on line three.',
      }),
      JSON.stringify({ text: '模温机已维护，三线的水过滤器已清洗，模具温度恢复正常，制品外观合格。', id: 'n2' }),
      'not json',
      JSON.stringify({ body: 'x' }),
      JSON.stringify({ text: '12345 67890' }),
      JSON.stringify({
        text: 'Operator Zhang Wei (phone 13812345678) serviced the mould temperature controller on line three.',
      }),
    ].join('\n');
    const r = readBackupLines('b.jsonl', text, DEFAULT_PII_OPTIONS);
    expect(r.docs.map((d) => [d.lang, d.source, d.id.startsWith('real-')])).toEqual([
      ['en', 'b.jsonl:1', true],
      ['zh', 'b.jsonl:2', true],
    ]);
    expect(r.docs[1].id).toBe('real-n2');
    expect(r.rejected).toEqual({ not_json: 1, no_text: 1, language: 1, pii: 1 });
  },
);
