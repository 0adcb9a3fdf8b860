import fc from 'fast-check';
import { AUDIENCES, STYLES, type Lang } from '../../activities/expand/documents';
import { checkText } from '../../activities/expand/filters';
import { BUNDLE_STYLES, type ExpansionJob } from '../../activities/expand/jobs';
import { renderOffline } from '../../activities/expand/offlineExpander';
import type { Fact } from '../../activities/kinds';
import { DEFAULT_PII_OPTIONS } from '../../activities/parse/pii';
import { anyFact } from '../fixtures/factArbitraries';
import { deriveFacts } from '../../activities/kinds/deriveFacts';
import { DEFAULT_DERIVE_OPTIONS } from '../../activities/knowledge/deriveOptions';
import { MACHINE_GRAPH, machineFailureBatch, machineFailures } from '../../bench/lib/machineFailures';

/**
 * Every fact shape the miners can emit is written by the offline expander in every style, for every audience and in
 * both languages, alone and in bundles, without an exception (a fact the writer could not render once failed a whole
 * run: a category-only threshold rule in its knowledge list).
 */
const LANGS: Lang[] = ['en', 'zh'];
const job = (facts: Fact[], style: ExpansionJob['style'], lang: Lang, i: number): ExpansionJob => ({
  facts,
  input: facts.length === 1 ? 'fact' : facts.length === 2 ? 'pair' : 'triple',
  via: facts.length > 1 ? { id: 'IMM-01', name: 'machine IMM-01', name_zh: '注塑机 IMM-01' } : null,
  style,
  audience: AUDIENCES[i % AUDIENCES.length],
  lang,
});

test('every generated fact renders in every style and language', () => {
  fc.assert(
    fc.property(anyFact, (fact) => {
      STYLES.forEach((style, i) => {
        for (const lang of LANGS) {
          const text = renderOffline(job([fact], style, lang, i));
          expect(text.trim().length).toBeGreaterThan(20);
          expect(text).not.toMatch(/undefined|NaN|\[object Object\]/);
        }
      });
    }),
    { numRuns: 400 },
  );
});

test('every generated bundle of two or three facts renders in every bundle style and language', () => {
  fc.assert(
    fc.property(fc.array(anyFact, { minLength: 2, maxLength: 3 }), (facts) => {
      BUNDLE_STYLES.forEach((style, i) => {
        for (const lang of LANGS) {
          const text = renderOffline(job(facts, style, lang, i));
          expect(text).not.toMatch(/undefined|NaN|\[object Object\]/);
        }
      });
    }),
    { numRuns: 150 },
  );
});

test('machine-failure data with the union flag as the outcome: its category-only rules are written and pass', () => {
  // the union flag ("machine failure", set when any mode fails) as the outcome: the mode flags are its rules
  const outcomes = [{ label: 'Machine failure', values: ['1'], meaning: 'failure' as const, node: null }];
  const { facts } = deriveFacts([machineFailureBatch(machineFailures(10_000, 7))], MACHINE_GRAPH, {
    ...DEFAULT_DERIVE_OPTIONS,
    outcomes,
  });
  const rules = facts.filter((f) => f.kind === 'threshold_rule' && f.statement.shape === 'category');
  expect(rules.length).toBeGreaterThan(0);
  for (const fact of facts)
    STYLES.forEach((style, i) => {
      for (const lang of LANGS) {
        const text = renderOffline(job([fact], style, lang, i));
        expect({ style, lang, ...checkText(text, lang, [fact], DEFAULT_PII_OPTIONS, style) }).toMatchObject({
          style,
          lang,
          ok: true,
        });
      }
    });
});
