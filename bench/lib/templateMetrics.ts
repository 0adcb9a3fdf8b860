/**
 * Group accuracy (Zhu et al., ICSE 2019): a message counts as correct when the group it was put in holds
 * exactly the messages of its ground-truth group.
 */
export function groupAccuracy(parsed: readonly (string | number)[], truth: readonly string[]): number {
  const truthSize = new Map<string, number>();
  for (const t of truth) truthSize.set(t, (truthSize.get(t) ?? 0) + 1);
  const members = new Map<string | number, number[]>();
  parsed.forEach((g, i) => {
    const list = members.get(g);
    if (list) list.push(i);
    else members.set(g, [i]);
  });
  let correct = 0;
  for (const idx of members.values()) {
    const t = truth[idx[0]];
    if (idx.every((i) => truth[i] === t) && truthSize.get(t) === idx.length) correct += idx.length;
  }
  return correct / truth.length;
}

/** Templates compared as text: whitespace folded, runs of `<*>` as one. */
export function normaliseTemplate(t: string): string {
  return t
    .replace(/\s+/g, ' ')
    .replace(/(<\*>\s*)+<\*>/g, '<*>')
    .trim();
}

/** Parsing accuracy (Loghub-2.0): the share of messages whose template equals the ground truth's. */
export function parsingAccuracy(parsed: readonly string[], truth: readonly string[]): number {
  let ok = 0;
  for (let i = 0; i < truth.length; i++) if (normaliseTemplate(parsed[i]) === normaliseTemplate(truth[i])) ok++;
  return ok / truth.length;
}
