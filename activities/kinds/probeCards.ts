import type { Lang } from '../common/lang';
import type { NamedNode } from '../knowledge/facts';

/** What one fact can be asked: the question in each language and the answer, a figure or a name. */
export interface Ask {
  key: string;
  q: Record<Lang, string>;
  answer: { value: number; unit: string } | { node: NamedNode; pool: 'defect' };
}

/**
 * A quiz card: what the question is about (codes, names, unit), then what is asked. Worded as a card - the subject's
 * code, the parameter, the unit, then the question - so that no sentence of a training text reads alike: the names
 * are what a model must link to the figure, the wording around them is new.
 */
export type Card = [about: string, ask: string];

export const quiz = (en: Card, zh: Card): Record<Lang, string> => ({
  en: `Quiz [${en[0]}]: ${en[1]}?`,
  zh: `测验［${zh[0]}］：${zh[1]}？`,
});

/** A question whose answer is a figure in a unit. */
export const askFigure = (key: string, en: Card, zh: Card, value: number, unit: string): Ask => ({
  key,
  q: quiz(en, zh),
  answer: { value, unit },
});

/** A parameter's card (asset code, parameter name, unit) in both languages, and the words for its side. */
export const parameterCard = (asset: NamedNode, p: NamedNode & { unit: string }, upper: boolean) => ({
  en: `${asset.id} | ${p.name} | ${p.unit}`,
  zh: `${asset.id}｜${p.name_zh}｜${p.unit}`,
  side: upper ? ['upper', '上'] : ['lower', '下'],
});
