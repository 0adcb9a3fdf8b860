import { titleOf } from '../kinds';
import type { Fact } from '../kinds';
import type { Audience, Lang } from './documents';
import { factSheet } from './factSheet';
import type { ExpansionJob } from './jobs';
import { cap } from '../kinds/textParts';

/**
 * The offline expander's forms that work for any fact: a short title per fact, the fact's points (the
 * sentences of its textbook text), and from those a knowledge list, a lecture and a case study, framed
 * for the audience; and every form for bundles of related facts. Only the facts' own sentences carry
 * figures, so what these forms add states no number.
 */
/** Sentences of a text (English or Chinese), as points. Decimal points and abbreviations inside a sentence stay. */
export function sentencesOf(text: string, lang: Lang): string[] {
  const flat = text.replace(/\s*\n+\s*/g, ' ').trim();
  const parts = lang === 'en' ? flat.split(/(?<=[.!?])\s+(?=["A-Z0-9])/) : flat.split(/(?<=[。！？])/);
  return parts.map((p) => p.trim()).filter(Boolean);
}

const OPENING: Record<Lang, Record<Audience, string[]>> = {
  en: {
    student: ["Today's topic:", 'This lesson looks at', 'A worked example from a real plant:'],
    operator: [
      'A point for everyone running the line:',
      'On the shop floor this comes up often:',
      'Worth knowing at the machine:',
    ],
    process_engineer: [
      'A finding from the production records:',
      'From the process data:',
      'Evidence for process decisions:',
    ],
    maintenance_technician: [
      'For maintenance, this one matters:',
      'From the maintenance point of view:',
      'A pattern for the maintenance team:',
    ],
  },
  zh: {
    student: ['本节主题：', '本课讨论：', '来自真实工厂的案例：'],
    operator: ['一线操作人员需要了解：', '现场经常遇到的问题：', '机台旁值得记住的一点：'],
    process_engineer: ['来自生产记录的发现：', '从工艺数据看：', '可供工艺决策参考的证据：'],
    maintenance_technician: ['维修人员需要关注：', '从维修角度看：', '供维修团队参考的规律：'],
  },
};
const CLOSING: Record<Lang, Record<Audience, string>> = {
  en: {
    student: 'Try to explain in your own words why the figures above lead to this conclusion.',
    operator: 'Keep this in mind at the next shift handover.',
    process_engineer: 'Weigh these figures before changing a setpoint or a specification.',
    maintenance_technician: 'Use this when deciding what to check first.',
  },
  zh: {
    student: '请用自己的话说明，为什么上述数据能得出这个结论。',
    operator: '交接班时请把这一点告诉下一班。',
    process_engineer: '修改设定值或规范之前，请先权衡上述数据。',
    maintenance_technician: '判断先查什么时，可以参考这一点。',
  },
};

/** A deterministic pick among alternatives, varied by the job (so neighbouring documents do not open alike). */
function pick<T>(xs: readonly T[], job: ExpansionJob): T {
  const key = `${job.facts.map((f) => f.id).join('+')}|${job.style}|${job.audience}`;
  let h = 0;
  for (let i = 0; i < key.length; i++) h = (h * 31 + key.charCodeAt(i)) >>> 0;
  return xs[h % xs.length];
}

export const opening = (job: ExpansionJob, title: string) =>
  job.lang === 'en'
    ? `${pick(OPENING.en[job.audience], job)} ${title}.`
    : `${pick(OPENING.zh[job.audience], job)}${title}。`;
export const closing = (job: ExpansionJob) => CLOSING[job.lang][job.audience];

const COUNT_WORD: Record<Lang, string[]> = { en: ['', 'one', 'two', 'three'], zh: ['', '一', '两', '三'] };

const CONNECT_EN = ['First,', 'Next,', 'Then,', 'Also,', 'Beyond that,', 'Further,', 'In addition,'];
const CONNECT_ZH = ['首先，', '其次，', '然后，', '另外，', '此外，', '同时，', '再者，'];
const lower = (s: string) => (/^[A-Z][a-z]/.test(s) ? s.charAt(0).toLowerCase() + s.slice(1) : s);

type Classic = (f: Fact, style: 'textbook' | 'qa' | 'sop' | 'troubleshooting') => string;

/** Q&A pairs of a classic Q&A text. */
function qaPairs(text: string): [string, string][] {
  return text
    .split(/\n\s*\n/)
    .map((block) => {
      const [q, ...a] = block.split('\n');
      return [q.replace(/^(Q:|问：)\s*/, ''), a.join(' ').replace(/^(A:|答：)\s*/, '')] as [string, string];
    })
    .filter(([q, a]) => q && a);
}
/** The numbered steps of a classic SOP text. */
const stepsOf = (text: string) =>
  text
    .split('\n')
    .map((l) => /^\d+\.\s+(.*)$/.exec(l)?.[1])
    .filter((x): x is string => !!x);
/** The lines of a classic dialogue, without the speakers. */
const linesOf = (text: string) =>
  text
    .split('\n')
    .map((l) => l.replace(/^[^:：]{1,20}[:：]\s*/, ''))
    .filter(Boolean);

/**
 * Knowledge list, lecture and case study of one fact, each from a different source so that they do not
 * repeat the textbook form: the fact's fields (knowledge list), its questions and answers (lecture), its
 * diagnosis dialogue and procedure (case study). Bundles: every style from the facts' points.
 */
export function renderGeneric(job: ExpansionJob, classic: Classic): string {
  const en = job.lang === 'en';
  if (job.facts.length === 1) {
    const [f] = job.facts;
    const title = titleOf(f, job.lang);
    if (job.style === 'knowledge_list')
      return [en ? `Key facts: ${title}` : `要点：${title}`, '', ...factSheet(f, job.lang).map((p) => `- ${p}`)].join(
        '\n',
      );
    if (job.style === 'lecture') {
      const pairs = qaPairs(classic(f, 'qa'));
      const body = pairs.map(([q, a], i) =>
        en
          ? `${i === 0 ? 'Let us start with a question' : CONNECT_EN[i % CONNECT_EN.length] + ' you may ask'}: ` +
            `${lower(q)} ${a}`
          : `${i === 0 ? '我们先看一个问题' : CONNECT_ZH[i % CONNECT_ZH.length] + '大家可能会问'}：${q}${a}`,
      );
      return [opening(job, title), ...body, closing(job)].join(en ? ' ' : '');
    }
    if (job.style === 'case_study') {
      const [first] = sentencesOf(classic(f, 'textbook'), job.lang);
      const dialogue = linesOf(classic(f, 'troubleshooting'));
      const steps = stepsOf(classic(f, 'sop'));
      return [
        en ? `Case study: ${cap(title)}` : `案例：${title}`,
        '',
        en ? `Situation: ${first}` : `背景：${first}`,
        en ? `What the team found: ${dialogue.join(' ')}` : `排查经过：${dialogue.join('')}`,
        en ? `What was laid down: ${steps.map(lower).join('; ')}` : `形成的做法：${steps.join('；')}`,
        '',
        closing(job),
      ].join('\n');
    }
  }
  // a bundle: a sentence on what connects the facts, then each fact in a form that suits the style
  const via = job.via!;
  const n = COUNT_WORD[job.lang][job.facts.length];
  const local = en ? via.name : via.name_zh;
  // a code as the plant writes it (ALM-203, IMM-01) is named beside the node's name; graph-internal ids (effect:...)
  // are not
  const name = local === via.id || via.id.includes(':') ? local : en ? `${local} (${via.id})` : `${local}（${via.id}）`;
  const title = en ? `how ${n} findings about ${name} connect` : `与${name}有关的${n}条知识之间的联系`;
  const connection = en
    ? `${job.facts.length === 2 ? 'Both findings concern' : 'All three findings concern'} ${name}, and each ` +
      `explains part of the others.`
    : `以下${n}条知识都与${name}有关，彼此可以相互印证。`;
  const about = (f: Fact) => (en ? `On ${titleOf(f, 'en')}: ` : `关于${titleOf(f, 'zh')}：`);
  const partOf = (f: Fact): string => {
    if (job.style === 'knowledge_list')
      return factSheet(f, job.lang)
        .slice(0, 5)
        .join(en ? '; ' : '；');
    if (job.style === 'lecture' || job.style === 'qa')
      return qaPairs(classic(f, 'qa'))
        .slice(0, 2)
        .map(([q, a]) => `${q} ${a}`)
        .join(en ? ' ' : '');
    if (job.style === 'case_study')
      return linesOf(classic(f, 'troubleshooting'))
        .slice(0, 4)
        .join(en ? ' ' : '');
    return sentencesOf(classic(f, 'textbook'), job.lang)
      .slice(0, 2)
      .join(en ? ' ' : '');
  };
  const points = [connection, ...job.facts.map((f) => about(f) + partOf(f))];
  switch (job.style) {
    case 'knowledge_list':
      return [en ? `Key facts: ${title}` : `要点：${title}`, '', ...points.map((p) => `- ${p}`)].join('\n');
    case 'lecture': {
      const body = points.map((p, i) =>
        i === 0
          ? p
          : en
            ? `${CONNECT_EN[(i - 1) % CONNECT_EN.length]} ${lower(p)}`
            : `${CONNECT_ZH[(i - 1) % CONNECT_ZH.length]}${p}`,
      );
      return [opening(job, title), ...body, closing(job)].join(en ? ' ' : '');
    }
    case 'case_study': {
      const k = Math.max(1, Math.ceil(points.length / 3));
      const parts: [string, string][] = en
        ? [
            ['Situation', points.slice(0, k).join(' ')],
            ['Analysis', points.slice(k, 2 * k).join(' ')],
            ['Conclusion', points.slice(2 * k).join(' ')],
          ]
        : [
            ['背景', points.slice(0, k).join('')],
            ['分析', points.slice(k, 2 * k).join('')],
            ['结论', points.slice(2 * k).join('')],
          ];
      return [
        en ? `Case study: ${cap(title)}` : `案例：${title}`,
        '',
        ...parts.filter(([, t]) => t).map(([h, t]) => (en ? `${h}: ${t}` : `${h}：${t}`)),
        '',
        closing(job),
      ].join('\n');
    }
    case 'qa': {
      const qa: [string, string][] = [
        [en ? `How are these findings connected?` : '这些知识之间有什么联系？', points[0]],
        ...job.facts.map((f, i): [string, string] => [
          en ? `What is known about ${titleOf(f, 'en')}?` : `关于${titleOf(f, 'zh')}，已知什么？`,
          points[i + 1],
        ]),
      ];
      return qa.map(([q, a]) => (en ? `Q: ${q}\nA: ${a}` : `问：${q}\n答：${a}`)).join('\n\n');
    }
    default: // textbook (and any other style asked of a bundle)
      return [opening(job, title), ...points, closing(job)].join(en ? ' ' : '');
  }
}
