import fc from 'fast-check';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { buildProbes, ngrams, withheldByOverlap } from '../../activities/corpus/probes';
import { conversationOf, Conversation } from '../../activities/corpus/sft';
import type { CorpusDocument } from '../../activities/expand/documents';
import { factValues, unitKey, writtenAs } from '../../activities/expand/factValues';
import { Fact } from '../../activities/kinds';
import { anyFact } from '../fixtures/factArbitraries';

const facts = readFileSync(join(__dirname, '..', 'fixtures', 'gate-eval', 'facts.jsonl'), 'utf8')
  .split('\n')
  .filter((l) => l.trim())
  .map((l) => Fact.parse(JSON.parse(l)));
const byId = new Map(facts.map((f) => [f.id, f]));

describe('probes', () => {
  const probes = buildProbes(facts, ['en', 'zh']);

  test('every kind of the example run is asked, in both languages', () => {
    expect(new Set(probes.map((p) => p.kind))).toEqual(new Set(facts.map((f) => f.kind)));
    expect(probes.filter((p) => p.lang === 'en')).toHaveLength(probes.filter((p) => p.lang === 'zh').length);
  });

  test("every probe's answer is its fact's own figure, and its three distractors differ from it", () => {
    for (const p of probes) {
      const f = byId.get(p.fact_id)!;
      expect(new Set(p.choices).size).toBe(4);
      if (p.value === null) continue;
      // the figure as the fact has it, rounded as a careful writer may (33.3333 as 33.33), and no distractor so
      expect(writtenAs(Number(p.choices[p.answer]), p.value)).toBe(true);
      expect(p.choices.filter((c) => writtenAs(Number(c), p.value!))).toHaveLength(1);
      expect(factValues(f).some((v) => v.value === p.value)).toBe(true);
    }
  });

  test('distractors are plausible: a number like the answer, of its sign and magnitude (within a factor of 2)', () => {
    const numeric = probes.filter((p) => p.value !== null);
    expect(numeric.length).toBeGreaterThan(10);
    for (const p of numeric) {
      const decimals = (p.choices[p.answer].split('.')[1] ?? '').length;
      for (const c of p.choices) {
        expect(c).toMatch(/^\d+(?:\.\d+)?$/);
        expect((c.split('.')[1] ?? '').length).toBe(decimals);
        const ratio = Number(c) / p.value!;
        expect(ratio).toBeGreaterThanOrEqual(0.5);
        expect(ratio).toBeLessThanOrEqual(2);
      }
      // the unit is the fact's parameter's (or the minutes of a duration)
      expect(unitKey(p.unit!) ?? p.unit).toBeTruthy();
    }
  });

  test('a probe whose question shares an 8-gram with a training text is withheld, the others kept', () => {
    const p = probes.find((x) => x.lang === 'en')!;
    const q = probes.find((x) => x.lang === 'zh')!;
    const training = [
      `Some text. ${p.question.split(' ').slice(2, 11).join(' ')} and more.`,
      `前言${q.question.slice(3, 24)}后记`,
    ];
    const { kept, withheld } = withheldByOverlap(probes, training);
    expect(withheld.map((x) => x.id)).toEqual(expect.arrayContaining([p.id, q.id]));
    const seen = new Set(training.flatMap((t) => [...ngrams(t)]));
    for (const k of kept) expect([...ngrams(k.question)].some((g) => seen.has(g))).toBe(false);
    expect(kept.length + withheld.length).toBe(probes.length);
  });

  test('any fact the miners can emit gives valid probes or none, never an exception', () => {
    fc.assert(
      fc.property(fc.array(anyFact, { minLength: 1, maxLength: 6 }), (fs) => {
        for (const p of buildProbes(fs, ['en', 'zh'])) {
          expect(p.question).not.toMatch(/undefined|NaN|\[object Object\]/);
          expect(p.choices[p.answer]).toBeTruthy();
        }
      }),
      { numRuns: 200 },
    );
  });
});

describe('chat split', () => {
  const doc = (style: CorpusDocument['style'], text: string, lang: 'en' | 'zh' = 'en'): CorpusDocument => ({
    id: `doc-${style}-${lang}`,
    text,
    lang,
    style,
    audience: 'operator',
    input: 'fact',
    fact_ids: [facts[0].id],
    sources: [],
    generator: { kind: 'offline', name: 'test' },
    quality: { score: 1, checks: [] },
    tokens: 1,
    usage: { prompt_tokens: 0, completion_tokens: 0 },
    origin: 'synthetic',
  });
  /** what TRL's chat templates expect: a system message, then user and assistant in turn, ending with the assistant */
  const wellFormed = (c: Conversation) => {
    expect(c.messages[0].role).toBe('system');
    c.messages.slice(1).forEach((m, i) => expect(m.role).toBe(i % 2 === 0 ? 'user' : 'assistant'));
    expect(c.messages[c.messages.length - 1].role).toBe('assistant');
    expect(c.turns).toBe(c.messages.filter((m) => m.role === 'assistant').length);
  };

  test('a Q&A text becomes one turn per question, in its own words', () => {
    const c = conversationOf(doc('qa', 'Q: What is the limit?\nA: 40 %.\nQ: Why?\nA: Short shots.\nThey rise.'), byId);
    wellFormed(c);
    expect(c.messages.slice(1).map((m) => m.content)).toEqual([
      'What is the limit?',
      '40 %.',
      'Why?',
      'Short shots.\nThey rise.',
    ]);
    const zh = conversationOf(doc('qa', '问：下限是多少？\n答：40 %。', 'zh'), byId);
    wellFormed(zh);
    expect(zh.turns).toBe(1);
  });

  test('a dialogue becomes turns: the first speaker asks, the other answers; a last question is dropped', () => {
    const c = conversationOf(
      doc(
        'troubleshooting',
        'Operator: Short shots.\nTechnician: Check the ratio.\nOperator: It is 38 %.\n' +
          'Technician: Raise it.\nOperator: OK.',
      ),
      byId,
    );
    wellFormed(c);
    expect(c.turns).toBe(2);
  });

  test('any other style, or a Q&A text of another shape, is one answer to a request in its language', () => {
    for (const [style, text, lang] of [
      ['sop', '1. Check.\n2. Act.', 'en'],
      ['qa', 'Intro line.\nQ: x\nA: y', 'en'],
      ['textbook', '保压比例不得低于 40 %。', 'zh'],
    ] as const) {
      const c = conversationOf(doc(style, text, lang), byId);
      wellFormed(c);
      expect(c.turns).toBe(1);
      expect(c.messages[2].content).toBe(text);
      expect(/[\u4e00-\u9fff]/.test(c.messages[1].content)).toBe(lang === 'zh');
      expect(c.messages[1].content).not.toMatch(/undefined/);
    }
  });

  test('a document naming a fact the run does not have is an error, not a conversation without a topic', () => {
    expect(() => conversationOf({ ...doc('sop', 'x'), fact_ids: ['fact-missing'] }, byId)).toThrow(/fact-missing/);
  });
});
