import { canonicalJson } from '../common/canonicalJson';
import { sha256 } from '../common/files';
import type { PiiOptions } from '../parse/pii';
import type { Fact } from '../knowledge/facts';
import { checkText, qualityScore, type RejectReason } from './checks';
import { AUDIENCE_OF, type Audience, type CorpusDocument, type Generator, type Lang, type Style } from './documents';
import { InvalidCompletion } from './llmExpander';
import { countTokens } from './tokens';

/** Anything that turns (fact, style, audience, language) into text: the offline templates or an LLM. */
export interface TextExpander {
  readonly generator: Generator;
  expand(fact: Fact, style: Style, audience: Audience, lang: Lang): Promise<string>;
}

export interface ExpandOptions {
  styles: readonly Style[];
  languages: readonly Lang[];
  concurrency: number;
  pii: PiiOptions;
  /** called after each text, with how many are done of how many */
  onProgress?: (done: number, total: number) => void;
}

export interface Rejected { fact_id: string; style: Style; lang: Lang; reason: RejectReason; detail?: string }

export interface ExpandOutcome {
  docs: CorpusDocument[];
  generated: number;
  rejected: Rejected[];
}

/** Expand every fact in every style and language, check each text, drop duplicates; documents come sorted by id. */
export async function expandFacts(facts: readonly Fact[], expander: TextExpander, opts: ExpandOptions): Promise<ExpandOutcome> {
  const jobs = facts.flatMap((fact) => opts.styles.flatMap((style) => opts.languages.map((lang) => ({ fact, style, lang }))));
  const rejected: Rejected[] = [];
  const results: (CorpusDocument | null)[] = new Array(jobs.length).fill(null);
  let done = 0;
  await mapPool(jobs, opts.concurrency, async ({ fact, style, lang }, i) => {
    const audience = AUDIENCE_OF[style];
    let text: string;
    try {
      text = (await expander.expand(fact, style, audience, lang)).trim();
    } catch (e) {
      if (!(e instanceof InvalidCompletion)) throw e;
      rejected.push({ fact_id: fact.id, style, lang, reason: 'invalid_output', detail: (e as Error).message });
      return;
    } finally {
      opts.onProgress?.(++done, jobs.length);
    }
    const check = checkText(text, lang, [fact], opts.pii);
    if (!check.ok) {
      rejected.push({ fact_id: fact.id, style, lang, reason: check.reason!, detail: check.detail });
      return;
    }
    const tokens = countTokens(text);
    const body = { text, lang, style, audience, fact_ids: [fact.id] };
    results[i] = {
      id: `doc-${sha256(canonicalJson(body)).slice(0, 24)}`,
      ...body,
      sources: fact.sources,
      generator: expander.generator,
      quality: { score: qualityScore(text, tokens), checks: check.checks },
      tokens,
    };
  });
  // exact duplicates (same normalised text) are kept once
  const seen = new Set<string>();
  const docs: CorpusDocument[] = [];
  for (const d of results) {
    if (!d) continue;
    const key = sha256(d.text.replace(/\s+/g, ' ').trim().toLowerCase());
    if (seen.has(key)) { rejected.push({ fact_id: d.fact_ids[0], style: d.style, lang: d.lang, reason: 'duplicate' }); continue; }
    seen.add(key);
    docs.push({ ...d, quality: { ...d.quality, checks: [...d.quality.checks, 'unique'] } });
  }
  docs.sort((a, b) => a.id.localeCompare(b.id));
  return { docs, generated: jobs.length, rejected };
}

/** Run `fn` over `items` with at most `limit` in flight. */
async function mapPool<T>(items: readonly T[], limit: number, fn: (item: T, index: number) => Promise<void>): Promise<void> {
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const i = next++;
      await fn(items[i], i);
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, Math.min(limit, items.length)) }, worker));
}
