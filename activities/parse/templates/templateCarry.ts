import type { TemplateModelData } from './templateModel';

/**
 * Template ids across a schedule's versions: a version's templates are mined from its own lines, then matched
 * with the previous version's model of the same source so that an event keeps its id once published - a template
 * with the same text keeps it, a template that widened one earlier template (every token the same or a wildcard)
 * takes that one's id, and a template that widened several (a merge) keeps its new id and records them as its
 * predecessors. New templates keep their new ids (hashes of their skeletons).
 */
export function carryTemplateIds(previous: TemplateModelData['events'], next: TemplateModelData): TemplateModelData {
  const byText = new Map(Object.entries(previous).map(([id, e]) => [e.template, id]));
  const remap = new Map<string, string>();
  const predecessors: Record<string, string[]> = { ...next.predecessors };
  const claimed = new Set<string>();
  const widened = new Map<string, string[]>();
  for (const [id, e] of Object.entries(next.events)) {
    const same = byText.get(e.template);
    if (same !== undefined) {
      remap.set(id, same);
      claimed.add(same);
      continue;
    }
    const tokens = e.template.split(' ');
    const olds = Object.entries(previous)
      .filter(([, p]) => generalises(tokens, p.template.split(' ')))
      .map(([oldId]) => oldId);
    if (olds.length) widened.set(id, olds);
  }
  // one earlier template widened by exactly one new template: the id goes on; several: a merge, recorded
  const claims = new Map<string, number>();
  for (const olds of widened.values()) for (const o of olds) claims.set(o, (claims.get(o) ?? 0) + 1);
  for (const [id, olds] of widened) {
    const [only] = olds;
    if (olds.length === 1 && claims.get(only) === 1 && !claimed.has(only)) {
      remap.set(id, only);
      claimed.add(only);
    } else predecessors[id] = olds.sort();
  }
  const to = (id: string) => remap.get(id) ?? id;
  return {
    ...next,
    eventOf: next.eventOf.map(to),
    events: Object.fromEntries(Object.entries(next.events).map(([id, e]) => [to(id), e])),
    predecessors,
  };
}

/** Whether template `wide` covers template `narrow`: as many tokens, each the same or a wildcard. */
function generalises(wide: readonly string[], narrow: readonly string[]): boolean {
  return (
    wide.length === narrow.length &&
    wide.some((t, i) => t === '<*>' && narrow[i] !== '<*>') &&
    wide.every((t, i) => t === '<*>' || t === narrow[i])
  );
}
