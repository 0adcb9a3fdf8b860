import type { Fact } from '../knowledge/facts';
import type { Audience, Lang, Style } from './documents';

const STYLE_INSTRUCTIONS: Record<Style, string> = {
  textbook: 'a textbook section: explain the mechanism and why it matters, in connected paragraphs, no lists',
  qa: 'question-and-answer pairs, each question on a line starting "Q:" (Chinese: "问：") and its answer on the next line starting "A:" (Chinese: "答：")',
  sop: 'a standard operating procedure: a title line, numbered steps in the imperative, then one line giving the basis in the data',
  troubleshooting: 'a troubleshooting dialogue between an operator and a maintenance technician, one speaker per line',
};
const AUDIENCE_NOTES: Record<Audience, string> = {
  student: 'a vocational student who knows the basics of the process but not this line',
  operator: 'a machine operator on the shop floor: short sentences, concrete actions',
  process_engineer: 'a process engineer: precise terms, quantitative reasoning',
  maintenance_technician: 'a maintenance technician: causes, checks and repairs',
};
const LANGUAGE: Record<Lang, string> = { en: 'English', zh: 'Simplified Chinese' };

export interface Prompt { system: string; user: string }

/** The prompt for one (fact, style, audience, language): the fact's structured content is the only source. */
export function buildPrompt(fact: Fact, style: Style, audience: Audience, lang: Lang): Prompt {
  return {
    system: [
      'You write training text for industrial language models from verified plant knowledge.',
      'State only what the fact below states. Every number, unit, range and name you write must appear in the fact; do not round or convert numbers; invent no numbers, people, dates or places.',
      'Do not open with stock phrases such as "In the world of" or "In conclusion". Answer with the text only: no preamble, no markdown fences.',
    ].join(' '),
    user: [
      `Write ${STYLE_INSTRUCTIONS[style]}.`,
      `Reader: ${AUDIENCE_NOTES[audience]}.`,
      `Language: ${LANGUAGE[lang]}.`,
      `Fact (${fact.kind}):`,
      JSON.stringify({ statement: fact.statement, evidence: fact.evidence }, null, 1),
    ].join('\n'),
  };
}
