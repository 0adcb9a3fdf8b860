import type { Fact } from '../kinds';
import type { Generator, Lang, Style } from './documents';
import type { ExpansionJob } from './jobs';
import { kindOf, titleOf } from '../kinds';
import { opening, renderGeneric } from './offlineGeneric';
import { NoText, type TextExpander } from './expander';
import type { ClassicStyle } from '../kinds/textParts';

/**
 * The deterministic offline expander: used when no LLM endpoint is configured. It writes each fact in every
 * style and language from fixed templates, stating only what the fact states. Every document and manifest
 * it produces says so in `generator`.
 */
export const OFFLINE_GENERATOR: Generator = {
  kind: 'offline',
  name: 'forge-offline-expander/1',
  note: 'deterministic template expander, no language model: set OPENAI_BASE_URL to expand with an LLM',
};

/** The offline templates as a TextExpander. */
export const offlineExpander: TextExpander = {
  generator: OFFLINE_GENERATOR,
  expand: async (job) => {
    let text: string;
    try {
      text = renderOffline(job);
    } catch (e) {
      // a fact the templates cannot write costs its own text, not the run
      throw new NoText('render_error', `the offline writer could not write this text: ${(e as Error).message}`);
    }
    return { text, usage: { prompt_tokens: 0, completion_tokens: 0 }, cached: false };
  },
};

/**
 * The styles with a hand-written form per kind of fact; the others are built from a fact's points (offlineGeneric.ts).
 */
const CLASSIC: readonly Style[] = ['textbook', 'qa', 'sop', 'troubleshooting'];

export function renderOffline(job: ExpansionJob): string {
  if (job.facts.length > 1 || !CLASSIC.includes(job.style))
    return renderGeneric(job, (f, style) => renderFact(f, style, job.lang));
  const [fact] = job.facts;
  const text = renderFact(fact, job.style as ClassicStyle, job.lang);
  return job.style === 'textbook'
    ? [opening(job, titleOf(fact, job.lang)), text].join(job.lang === 'en' ? ' ' : '')
    : text;
}

function renderFact(fact: Fact, style: ClassicStyle, lang: Lang): string {
  return kindOf(fact).templates[lang][style](fact);
}
