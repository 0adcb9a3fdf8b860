import { z } from 'zod';
import { Lang, type CorpusDocument } from '../expand/documents';
import { QUESTION_LINE, SPEAKER_NAME } from '../expand/shapeFilters';
import { topicOf } from '../kinds';
import type { Fact } from '../kinds';

/**
 * The chat split: each accepted document (already through every gate) becomes a conversation in the `messages`
 * form TRL's SFTTrainer and LLaMA-Factory's sharegpt format read (roles system / user / assistant). A Q&A text
 * becomes one turn per question, a troubleshooting dialogue one turn per speaker (the first speaker asks, the
 * other answers), any other text one answer to an operator's request for it. The assistant's words are the
 * document's own, so nothing unchecked enters the split.
 */
export const ChatMessage = z.object({ role: z.enum(['system', 'user', 'assistant']), content: z.string().min(1) });
export const Conversation = z.object({
  id: z.string(),
  lang: Lang,
  /** the document it was made from, and that document's facts */
  doc_id: z.string(),
  fact_ids: z.array(z.string()).min(1),
  turns: z.number().int().min(1),
  messages: z.array(ChatMessage).min(3),
});
export type Conversation = z.infer<typeof Conversation>;
type Message = z.infer<typeof ChatMessage>;

const SYSTEM: Record<Lang, string> = {
  en:
    "You are the plant's assistant for operators, technicians and engineers. " +
    "Answer from the plant's verified knowledge.",
  zh: '你是工厂的助手，为操作工、技师和工程师解答问题。只依据工厂经过核实的知识回答。',
};

/** What a user asks for a document of each style, about a topic. */
const REQUEST: Record<CorpusDocument['style'], Record<Lang, (topic: string) => string>> = {
  textbook: { en: (t) => `Explain ${t} to me.`, zh: (t) => `请给我讲讲${t}。` },
  qa: { en: (t) => `What should I know about ${t}?`, zh: (t) => `关于${t}，我需要知道什么？` },
  sop: { en: (t) => `What is the procedure for ${t}?`, zh: (t) => `${t}的作业程序是什么？` },
  troubleshooting: { en: (t) => `How do we troubleshoot ${t}?`, zh: (t) => `${t}该怎么排查？` },
  case_study: { en: (t) => `Walk me through the case of ${t}.`, zh: (t) => `请分析一下${t}这个案例。` },
  knowledge_list: { en: (t) => `List the key facts about ${t}.`, zh: (t) => `列出${t}的要点。` },
  lecture: { en: (t) => `Give a short talk on ${t}.`, zh: (t) => `请就${t}做一次简短讲解。` },
};

const QA_A = /^\s*(?:A\d*[:：.]|答[:：]|回答\s*\d*[:：])/;
const SPEAKER = new RegExp(String.raw`^\s*(${SPEAKER_NAME})\s*[:：]\s*(.+)$`);

/** Q/A lines as turns; null unless every line is a question or answer and they alternate from a question. */
function qaTurns(text: string): Message[] | null {
  const out: Message[] = [];
  for (const line of text.split('\n').filter((l) => l.trim())) {
    const role = QUESTION_LINE.test(line) ? 'user' : QA_A.test(line) ? 'assistant' : null;
    if (!role) {
      // a line that continues the answer before it
      if (out.length && out[out.length - 1].role === 'assistant') out[out.length - 1].content += `\n${line.trim()}`;
      else return null;
      continue;
    }
    const content = line.replace(role === 'user' ? QUESTION_LINE : QA_A, '').trim();
    if (!content || (out.length ? out[out.length - 1].role === role : role !== 'user')) return null;
    out.push({ role, content });
  }
  return out.length >= 2 && out[out.length - 1].role === 'assistant' ? out : null;
}

/** Speaker lines as turns: the first speaker is the user, the second the assistant; null for any other shape. */
function dialogueTurns(text: string): Message[] | null {
  const speakers: string[] = [];
  const out: Message[] = [];
  for (const line of text.split('\n').filter((l) => l.trim())) {
    const m = SPEAKER.exec(line);
    if (!m) {
      if (!out.length) return null;
      out[out.length - 1].content += `\n${line.trim()}`;
      continue;
    }
    if (!speakers.includes(m[1])) speakers.push(m[1]);
    if (speakers.length > 2) return null;
    const role = m[1] === speakers[0] ? 'user' : 'assistant';
    if (out.length && out[out.length - 1].role === role) out[out.length - 1].content += `\n${m[2].trim()}`;
    else out.push({ role, content: m[2].trim() });
  }
  while (out.length && out[out.length - 1].role === 'user') out.pop();
  return out.length >= 2 ? out : null;
}

/** One accepted document as a conversation. */
export function conversationOf(doc: CorpusDocument, facts: ReadonlyMap<string, Fact>): Conversation {
  const fact = facts.get(doc.fact_ids[0]);
  if (!fact) throw new Error(`document ${doc.id} names fact ${doc.fact_ids[0]}, which the run does not have`);
  const turns = (doc.style === 'qa'
    ? qaTurns(doc.text)
    : doc.style === 'troubleshooting'
      ? dialogueTurns(doc.text)
      : null) ?? [
    { role: 'user' as const, content: REQUEST[doc.style][doc.lang](topicOf(fact, doc.lang)) },
    { role: 'assistant' as const, content: doc.text },
  ];
  return Conversation.parse({
    id: `sft-${doc.id}`,
    lang: doc.lang,
    doc_id: doc.id,
    fact_ids: doc.fact_ids,
    turns: turns.filter((t) => t.role === 'assistant').length,
    messages: [{ role: 'system', content: SYSTEM[doc.lang] }, ...turns],
  });
}
