/**
 * Online log-template mining after Drain (He et al., ICWS 2017): a fixed-depth prefix tree keyed by
 * token count and the first tokens routes each message to a few candidate clusters; the most similar
 * template wins if its similarity reaches the threshold, and positions that differ become `<*>`.
 * Variables are masked first with regular expressions; the masked values are kept, so every message
 * yields its parameters.
 */
import { STANDARD_MASK, standardMaskKey, standardMaskVariant } from './masks';

export interface DrainOptions {
  /** tree depth as in Drain/logparser: the first depth-3 tokens route a message */
  depth: number;
  /** similarity threshold: share of a template's constant tokens a message must equal */
  similarity: number;
  /** most children per tree node before tokens are routed to `<*>` */
  maxChildren: number;
  /** variable patterns, masked as `<*>` before mining (regex source strings) */
  masks: string[];
  /** treat every token with a digit as a variable when routing (Drain's rule) */
  numbersAreVariables: boolean;
  /**
   * tokens made of variables and punctuation (`<*>:`, `(<*>)`) count as variables, as `<*>` does, and
   * never as matching constants: shared variable slots cannot make two messages alike
   */
  constantSimilarity: boolean;
  /**
   * two differing `key=value` / `key:value` tokens with the same key generalise to `key=<*>` (the key stays a
   * constant of the template), instead of the whole token becoming `<*>`
   */
  keyedTokens?: boolean;
  /**
   * consecutive tokens that are only variables and punctuation (`<*> (<*>)`, `<*>:<*> <*>`) are one
   * token: a variable spanning a varying number of words keeps the message's other tokens aligned
   */
  joinVariables?: boolean;
}

/** Joins the parts of a variable run into one token (a no-break space, so the template still reads as text). */
const VARIABLE_JOINER = '\u00a0';

const KEYED = /^([^\s=:]*[A-Za-z_][^\s=:]*[=:])(.+)$/;

/** The generalisation of two differing tokens: `key=<*>` when both are values of one key, else `<*>`. */
export function mergeToken(template: string, token: string): string {
  if (template === WILDCARD) return WILDCARD;
  const a = KEYED.exec(template),
    b = KEYED.exec(token);
  return a && b && a[1] === b[1] ? `${a[1]}${WILDCARD}` : WILDCARD;
}

/** The `key=` (or `key:`) that a template token `key=<*>` covers, or null. */
function coveredKey(template: string): string | null {
  if (!template.endsWith(WILDCARD) || template.length <= WILDCARD.length) return null;
  const key = template.slice(0, -WILDCARD.length);
  return /[=:]$/.test(key) ? key : null;
}

/** Does a token hold a value after this key (the key, then at least one character)? */
const hasKey = (key: string | null, token: string): key is string =>
  key !== null && token.length > key.length && token.startsWith(key);

/** Does a template token that holds `key=<*>` cover this message token (the same key, any value)? */
export const keyCovers = (template: string, token: string) => hasKey(coveredKey(template), token);

const VARIABLE_TOKEN = /^(?:<\*>|[^\w\u4e00-\u9fff])*$/;

/**
 * A template token as the similarity reads it: a parameter; the `key=` it covers (`key=<*>`); the key of a
 * `key=value` whose value is a variable (a wildcard, or holds a digit).
 */
interface TokenInfo {
  param: boolean;
  covers: string | null;
  variableKey: string | null;
}

/**
 * Do a template token and a message token hold values of one key that are variables: the same `key=` on both
 * sides, and each value a wildcard or holding a digit (Drain's rule for variables), so that `vis=c0000700` and
 * `vis=<*>` are alike whichever of them came first. A key has no `=`, `:` or space but its last character, so a
 * token that starts with the template's key has that key, and its value is the rest.
 */
function sameKeyedVariable(ti: TokenInfo, token: string): boolean {
  if (!hasKey(ti.variableKey, token)) return false;
  const value = token.slice(ti.variableKey.length);
  return value === WILDCARD || HAS_DIGIT.test(value);
}

/** Consecutive tokens that are only variables and punctuation, joined into one. */
function joinVariableRuns(tokens: string[]): string[] {
  const out: string[] = [];
  let prevVariable = false;
  for (const t of tokens) {
    const variable = t.includes(WILDCARD) && VARIABLE_TOKEN.test(t);
    if (variable && prevVariable) out[out.length - 1] += VARIABLE_JOINER + t;
    else out.push(t);
    prevVariable = variable;
  }
  return out;
}

/** A template's constant skeleton: tokens that are only variables and punctuation are left out. */
export function skeleton(template: readonly string[]): string {
  return template.filter((t) => !VARIABLE_TOKEN.test(t)).join(' ');
}

export const WILDCARD = '<*>';

export interface Cluster {
  id: number;
  template: string[];
  size: number;
  /** the tokens the cluster was filed under in the tree (its first message's) */
  insertedAs: string[];
}

export interface MaskedMessage {
  tokens: string[];
  /** values the masks replaced, in order of appearance */
  masked: string[];
}

interface TreeNode {
  children: Map<string, TreeNode>;
  clusters: Cluster[];
}
const node = (): TreeNode => ({ children: new Map(), clusters: [] });
export const HAS_DIGIT = /\d/;

export class Drain {
  readonly clusters: Cluster[] = [];
  private readonly root = new Map<number, TreeNode>();
  /** the masks as one pattern, per `standardMaskKey` (or only [0]: masks without the standard ones) */
  private readonly maskRegexes: RegExp[] = [];
  private readonly standardAt: number;
  private readonly prefixDepth: number;
  private readonly infos = new WeakMap<Cluster, TokenInfo[]>();

  constructor(private readonly opts: DrainOptions) {
    this.standardAt = opts.masks.indexOf(STANDARD_MASK);
    // logparser's reference: a tree of depth d is root, length layer, d-3 token layers, leaves
    this.prefixDepth = Math.max(0, opts.depth - 3);
  }

  /**
   * The masks as one pattern for this message: with the standard masks, those it cannot match anywhere left out
   * (masks.ts), which changes no match.
   */
  private maskRegex(content: string): RegExp | null {
    const { masks } = this.opts;
    if (!masks.length) return null;
    const key = this.standardAt < 0 ? 0 : standardMaskKey(content);
    let re = this.maskRegexes[key];
    if (re === undefined) {
      const these = [...masks];
      if (this.standardAt >= 0) these[this.standardAt] = standardMaskVariant(key);
      re = this.maskRegexes[key] = new RegExp(these.map((m) => `(?:${m})`).join('|'), 'g');
    }
    return re;
  }

  /** Mask variables (keeping their values) and split into tokens. */
  mask(content: string): MaskedMessage {
    const masked: string[] = [];
    const re = this.maskRegex(content);
    let text = content;
    if (re) {
      // as content.replace(re, ...) does, without a call back into JavaScript per match
      text = '';
      let at = 0;
      re.lastIndex = 0;
      for (let m = re.exec(content); m; m = re.exec(content)) {
        if (m[0] === '') {
          re.lastIndex++;
          continue;
        }
        masked.push(m[0]);
        text += content.slice(at, m.index) + WILDCARD;
        at = m.index + m[0].length;
      }
      text += content.slice(at);
    }
    const trimmed = text.trim();
    let tokens = trimmed === '' ? [] : trimmed.split(/\s+/);
    if (this.opts.joinVariables && masked.length > 1) tokens = joinVariableRuns(tokens);
    return { tokens, masked };
  }

  /** Add one message: returns its cluster, whose template may have just been generalised. */
  add(content: string): { cluster: Cluster; message: MaskedMessage } {
    const message = this.mask(content);
    return { cluster: this.addTokens(message.tokens), message };
  }

  /** Add one message already masked (`mask`) and split into tokens: its cluster. */
  addTokens(tokens: string[]): Cluster {
    const found = this.search(tokens);
    if (!found) {
      const cluster: Cluster = { id: this.clusters.length, template: [...tokens], size: 1, insertedAs: [...tokens] };
      this.clusters.push(cluster);
      this.insert(cluster);
      return cluster;
    }
    found.size++;
    const t = found.template;
    const keyed = this.opts.keyedTokens;
    for (let i = 0; i < t.length; i++) {
      if (t[i] === tokens[i] || (keyed && keyCovers(t[i], tokens[i]))) continue;
      const merged = keyed ? mergeToken(t[i], tokens[i]) : WILDCARD;
      if (merged !== t[i]) {
        t[i] = merged;
        this.infos.delete(found); // (a wildcard meeting another value stays one: its facts hold)
      }
    }
    return found;
  }

  /** The best cluster for a message without changing anything (match-only mode). */
  match(content: string): { cluster: Cluster | null; message: MaskedMessage } {
    const message = this.mask(content);
    return { cluster: this.search(message.tokens), message };
  }

  /** The best cluster for tokens already masked, without changing anything. */
  matchTokens(tokens: readonly string[]): Cluster | null {
    return this.search(tokens);
  }

  /** Rebuild a miner from saved clusters (in id order): the same tree, the same answers. */
  static restore(opts: DrainOptions, clusters: readonly Cluster[]): Drain {
    const d = new Drain(opts);
    for (const c of [...clusters].sort((a, b) => a.id - b.id)) {
      const copy = { ...c, template: [...c.template], insertedAs: [...c.insertedAs] };
      d.clusters.push(copy);
      d.insert(copy);
    }
    return d;
  }

  private search(tokens: readonly string[]): Cluster | null {
    let n = this.root.get(tokens.length);
    if (!n) return null;
    for (let depth = 1; depth <= this.prefixDepth && depth <= tokens.length; depth++) {
      const next: TreeNode | undefined = n.children.get(tokens[depth - 1]) ?? n.children.get(WILDCARD);
      if (!next) return null;
      n = next;
    }
    return this.bestMatch(n.clusters, tokens);
  }

  private bestMatch(clusters: Cluster[], tokens: readonly string[]): Cluster | null {
    let best: Cluster | null = null;
    let bestSim = -1;
    let bestParams = -1;
    const keyed = this.opts.keyedTokens;
    for (const c of clusters) {
      let same = 0;
      let params = 0;
      const t = c.template;
      const info = this.tokenInfo(c);
      for (let i = 0; i < t.length; i++) {
        const ti = info[i];
        if (ti.param) {
          params++;
          continue;
        }
        const token = tokens[i];
        if (t[i] === token || (keyed && (hasKey(ti.covers, token) || sameKeyedVariable(ti, token)))) same++;
      }
      const sim = t.length ? same / t.length : 1;
      if (sim > bestSim || (sim === bestSim && params > bestParams)) {
        best = c;
        bestSim = sim;
        bestParams = params;
      }
    }
    return best && bestSim >= this.opts.similarity ? best : null;
  }

  /** What the similarity needs to know of each template token, kept until the template changes. */
  private tokenInfo(c: Cluster): TokenInfo[] {
    let info = this.infos.get(c);
    if (!info) {
      const constantOnly = this.opts.constantSimilarity;
      info = c.template.map((t) => {
        const k = KEYED.exec(t);
        return {
          param: t === WILDCARD || (constantOnly && t.includes(WILDCARD) && VARIABLE_TOKEN.test(t)),
          covers: coveredKey(t),
          variableKey: k && (k[2] === WILDCARD || HAS_DIGIT.test(k[2])) ? k[1] : null,
        };
      });
      this.infos.set(c, info);
    }
    return info;
  }

  private insert(cluster: Cluster): void {
    const tokens = cluster.insertedAs;
    let n = this.root.get(tokens.length);
    if (!n) this.root.set(tokens.length, (n = node()));
    for (let depth = 1; depth <= this.prefixDepth && depth <= tokens.length; depth++) {
      const token = tokens[depth - 1];
      let next: TreeNode | undefined = n.children.get(token);
      if (!next) {
        // a token holding a masked variable (`vis=<*>`) routes as a variable, as one holding a digit does
        const variable = token.includes(WILDCARD) || (this.opts.numbersAreVariables && HAS_DIGIT.test(token));
        if (variable) {
          next = n.children.get(WILDCARD);
          if (!next) n.children.set(WILDCARD, (next = node()));
        } else if (
          n.children.size + 1 < this.opts.maxChildren ||
          (n.children.has(WILDCARD) && n.children.size < this.opts.maxChildren)
        ) {
          n.children.set(token, (next = node()));
        } else {
          next = n.children.get(WILDCARD);
          if (!next) n.children.set(WILDCARD, (next = node()));
        }
      }
      n = next;
    }
    n.clusters.push(cluster);
  }
}
