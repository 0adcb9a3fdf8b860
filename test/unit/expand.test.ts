import { checkText, inventedNumbers, looksLike } from '../../activities/expand/checks';
import { STYLES, type Lang } from '../../activities/expand/documents';
import { expandFacts } from '../../activities/expand/expandFacts';
import { offlineExpander, renderOffline } from '../../activities/expand/offlineExpander';
import { planShards } from '../../activities/expand/shards';
import { buildPrompt } from '../../activities/expand/prompts';
import { deriveFacts } from '../../activities/knowledge/deriveFacts';
import { DEFAULT_PII_OPTIONS } from '../../activities/parse/pii';
import { alarmEvents, GRAPH, RULE_GRAPH, ruleShots, samples, workOrders } from '../fixtures/graph';

const facts = [
  ...deriveFacts([...samples(100, new Set([10, 11, 12, 13])), ...alarmEvents(), ...workOrders()], GRAPH).facts,
  // threshold rules (one on a derived quantity) and their agreement with the graph
  ...deriveFacts([ruleShots(4000)], RULE_GRAPH).facts.filter((f) => f.kind === 'threshold_rule' || f.kind === 'graph_agreement'),
];
const LANGS: Lang[] = ['en', 'zh'];

describe('offline expander', () => {
  test.each(facts.flatMap((f) => STYLES.flatMap((s) => LANGS.map((l) => [f.kind, s, l, f] as const))))('%s %s %s passes every check', (_k, style, lang, fact) => {
    const text = renderOffline(fact, style, lang);
    expect(checkText(text, lang, [fact], DEFAULT_PII_OPTIONS)).toEqual({ ok: true, checks: ['faithful_numbers', 'pii_clean', 'language', 'length'] });
  });

  test('styles differ from each other', () => {
    const texts = STYLES.map((s) => renderOffline(facts[0], s, 'en'));
    expect(new Set(texts).size).toBe(STYLES.length);
  });

  test('expandFacts writes every style and language once, labelled offline', async () => {
    const out = await expandFacts(facts, offlineExpander, { styles: STYLES, languages: LANGS, concurrency: 3, pii: DEFAULT_PII_OPTIONS });
    expect(out.generated).toBe(facts.length * STYLES.length * LANGS.length);
    expect(out.docs.length + out.rejected.length).toBe(out.generated);
    expect(out.rejected).toEqual([]);
    expect(new Set(out.docs.map((d) => d.id)).size).toBe(out.docs.length);
    for (const d of out.docs) {
      expect(d.generator).toMatchObject({ kind: 'offline', name: 'forge-offline-expander/1' });
      expect(d.tokens).toBeGreaterThan(10);
      expect(d.sources.length).toBeGreaterThan(0);
    }
    const again = await expandFacts(facts, offlineExpander, { styles: STYLES, languages: LANGS, concurrency: 1, pii: DEFAULT_PII_OPTIONS });
    expect(again.docs.map((d) => d.id)).toEqual(out.docs.map((d) => d.id));
  });
});

describe('checks', () => {
  const fact = facts.find((f) => f.kind === 'out_of_spec')!;
  test('a number the fact does not state is caught; list markers are not numbers', () => {
    expect(inventedNumbers('Melt temperature above 250 degC in 4 of 100 samples.', [fact])).toEqual([]);
    expect(inventedNumbers('1. Melt temperature above 250 degC\n2. reached 263 degC', [fact])).toEqual([263]);
    const r = checkText('Melt temperature reached 263 degC on the machine, well above its recommended window.', 'en', [fact], DEFAULT_PII_OPTIONS);
    expect(r).toMatchObject({ ok: false, reason: 'unfaithful_number', detail: 'numbers not in the fact: 263' });
  });
  test('personal data in a text rejects it', () => {
    expect(checkText('Call operator Zhang Wei about the melt temperature of the machine on the line.', 'en', [fact], DEFAULT_PII_OPTIONS).reason).toBe('pii');
  });
  test('language check', () => {
    expect(looksLike('熔体温度推荐工艺窗口为 220-250 degC，目标值 238 degC，超限会导致烧焦痕。', 'zh')).toBe(true);
    expect(looksLike('Melt temperature has a recommended window of 220-250 degC.', 'zh')).toBe(false);
    expect(checkText('Melt temperature has a recommended window of 220-250 degC on this machine.', 'zh', [fact], DEFAULT_PII_OPTIONS).reason).toBe('wrong_language');
  });
});

test('prompts carry the fact, the style, the reader and the language', () => {
  const p = buildPrompt(facts[0], 'sop', 'operator', 'zh');
  expect(p.user).toContain('standard operating procedure');
  expect(p.user).toContain('Simplified Chinese');
  expect(p.user).toContain(JSON.stringify(facts[0].evidence, null, 1).split('\n')[1].trim());
  expect(p.system).toMatch(/invent no numbers/);
});

test('planShards bounds documents and bytes per shard', async () => {
  const { docs } = await expandFacts(facts, offlineExpander, { styles: STYLES, languages: LANGS, concurrency: 2, pii: DEFAULT_PII_OPTIONS });
  const byCount = planShards(docs, 5, 1e9);
  expect(byCount.map((s) => s.length)).toEqual([...Array(Math.floor(docs.length / 5)).fill(5), ...(docs.length % 5 ? [docs.length % 5] : [])]);
  const maxBytes = 4000;
  for (const shard of planShards(docs, 1000, maxBytes)) {
    const bytes = shard.reduce((a, d) => a + Buffer.byteLength(JSON.stringify(d)) + 1, 0);
    expect(shard.length === 1 || bytes <= maxBytes).toBe(true);
  }
  expect(planShards(docs, 1000, maxBytes).flat()).toEqual(docs);
});
