/**
 * Enumerated words inside a template: a position that Drain generalised to `<*>` but that only ever held
 * a few plain words (LEADING / LOOKING / FOLLOWING, `expand=true` / `expand=false`, initialization / finalization)
 * names
 * different events, not a variable. The scan counts the words seen at each position of each cluster
 * (bounded: a position stops being counted once it holds a non-word or more than `maxValues` values);
 * freezing the model splits such a cluster into one event per combination of its enumerated words.
 */
import { WILDCARD, type Cluster } from './drain';

/** At most this many distinct words make an enumeration; more is a variable (user names, hosts). */
export const ENUMERATION_MAX_VALUES = 3;
/** a `key=` or `key:` prefix: the value after it is what may be a word (`expand=true`) */
const KEY = /^[^\s=:]*[A-Za-z_][^\s=:]*[=:]/;
const keyed = (t: string) => t.endsWith(WILDCARD) && KEY.test(t) && t.length > WILDCARD.length;
const WORD = /^[A-Za-z][A-Za-z_-]*\d?[.,;:!?]?$/;

export class EnumerationCounter {
  /** per cluster id, per position: word -> count, or null once the position is not an enumeration */
  private readonly seen = new Map<number, (Map<string, number> | null)[]>();

  constructor(private readonly maxValues = ENUMERATION_MAX_VALUES) {}

  observe(clusterId: number, tokens: readonly string[]): void {
    let positions = this.seen.get(clusterId);
    if (!positions) this.seen.set(clusterId, (positions = tokens.map(() => new Map<string, number>())));
    for (let i = 0; i < tokens.length && i < positions.length; i++) {
      const values = positions[i];
      if (values === null) continue;
      const t = tokens[i];
      const n = values.get(t);
      // (a word counted before passed the test then: most positions repeat their word line after line)
      if (n !== undefined) values.set(t, n + 1);
      else if (values.size >= this.maxValues || !WORD.test(t.replace(KEY, ''))) positions[i] = null;
      else values.set(t, 1);
    }
  }

  /** Per cluster id: the generalised positions that hold an enumeration (2..maxValues words) and their words. */
  enumerated(clusters: readonly Cluster[]): Record<string, Enumeration> {
    const out: Record<string, Enumeration> = {};
    for (const c of clusters) {
      const positions = this.seen.get(c.id);
      if (!positions) continue;
      const at = c.template.flatMap((t, i) =>
        (t === WILDCARD || keyed(t)) && positions[i] && positions[i]!.size >= 2 ? [i] : [],
      );
      if (at.length) out[c.id] = { positions: at, words: at.map((i) => [...positions[i]!.keys()].sort()) };
    }
    return out;
  }
}

/** The enumerated positions of one cluster and the words each held in the scan. */
export interface Enumeration {
  positions: number[];
  words: string[][];
}

/**
 * A cluster's template with the message's words put back at the enumerated positions, or null when a
 * word there was not one of the scan's (the message then belongs to the cluster's general event).
 */
export function enumeratedTemplate(
  template: readonly string[],
  e: Enumeration,
  tokens: readonly string[],
): string[] | null {
  const t = [...template];
  for (let k = 0; k < e.positions.length; k++) {
    const i = e.positions[k];
    if (!e.words[k].includes(tokens[i])) return null;
    t[i] = tokens[i];
  }
  return t;
}
