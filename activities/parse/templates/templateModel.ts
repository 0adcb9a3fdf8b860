import { createHash } from 'node:crypto';
import { z } from 'zod';
import {
  Drain,
  HAS_DIGIT,
  keyCovers,
  skeleton,
  WILDCARD,
  type Cluster,
  type DrainOptions,
  type MaskedMessage,
} from './drain';
import { STANDARD_MASK } from './masks';
import { MASK_TOKEN } from '../pii';
import type { TemplateParam } from '../records';
import { EnumerationCounter, enumeratedTemplate } from './enumerations';

/** Mining settings of a text source (part of its configuration). */
export const MinerSettings = z
  .object({
    depth: z.number().int().min(3).max(12).default(5),
    similarity: z.number().min(0).max(1).default(0.5),
    maxChildren: z.number().int().min(2).default(100),
    /** extra variable patterns of this source, masked before the standard ones */
    masks: z.array(z.string()).default([]),
  })
  .strict();
export type MinerSettings = z.infer<typeof MinerSettings>;

// masks and pseudonyms written by the PII stage are variables too
const PII_MASK = MASK_TOKEN.source;

export function drainOptions(s: MinerSettings): DrainOptions {
  return {
    depth: s.depth,
    similarity: s.similarity,
    maxChildren: s.maxChildren,
    masks: [PII_MASK, ...s.masks, STANDARD_MASK],
    numbersAreVariables: true,
    constantSimilarity: true,
    keyedTokens: true,
    joinVariables: true,
  };
}

/** The saved result of mining a source: clusters, and the event (template id and text) of each. */
export const TemplateModelData = z.object({
  settings: MinerSettings,
  clusters: z.array(
    z.object({
      id: z.number().int(),
      template: z.array(z.string()),
      size: z.number().int(),
      insertedAs: z.array(z.string()),
    }),
  ),
  /** per cluster id: its event's template id */
  eventOf: z.array(z.string()),
  /** per template id: the event's template text (its largest cluster's) */
  events: z.record(z.string(), z.object({ template: z.string(), size: z.number().int() })),
  /** per cluster id: generalised positions that only held a few words, one event per word (enumerations.ts) */
  enumerated: z
    .record(z.string(), z.object({ positions: z.array(z.number().int()), words: z.array(z.array(z.string())) }))
    .default({}),
  /** per template id: the earlier versions' templates it merged (templateCarry.ts); none in a single run */
  predecessors: z.record(z.string(), z.array(z.string())).default({}),
});
export type TemplateModelData = z.infer<typeof TemplateModelData>;

export const templateId = (skel: string) => `t-${createHash('sha256').update(skel).digest('hex').slice(0, 12)}`;

/** Freeze a miner: clusters grouped into events by constant skeleton; ids are hashes of the skeletons. */
export function freezeTemplates(
  drain: Drain,
  settings: MinerSettings,
  counter?: EnumerationCounter,
): TemplateModelData {
  const eventOf: string[] = [];
  const events: TemplateModelData['events'] = {};
  const best = new Map<string, Cluster>();
  for (const c of drain.clusters) {
    const id = templateId(skeleton(c.template));
    eventOf[c.id] = id;
    const cur = best.get(id);
    if (!cur || c.size > cur.size) best.set(id, c);
    events[id] = { template: '', size: (events[id]?.size ?? 0) + c.size };
  }
  for (const [id, c] of best) events[id].template = c.template.join(' ');
  return {
    settings,
    clusters: drain.clusters.map((c) => ({ ...c })),
    eventOf,
    events,
    enumerated: counter?.enumerated(drain.clusters) ?? {},
    predecessors: {},
  };
}

type ParamType = TemplateParam['type'];

const UUID = /^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$/;

/** An IPv6-like value: hex digits and three or more colon-separated groups. */
const ipv6Like = (v: string) => v.includes(':') && /^[0-9a-fA-F:]+$/.test(v) && v.split(':').length > 2;

/** The type of a parameter's value (an int or a float is written as a number). */
function typeOf(v: string): ParamType {
  // (most values hold no digit: of the types below, only an IPv6-like or a UUID value can)
  if (!HAS_DIGIT.test(v)) {
    if (ipv6Like(v)) return 'ip';
    return v.length === 36 && UUID.test(v) ? 'uuid' : 'string';
  }
  if (/^[-+]?\d+$/.test(v) && Math.abs(Number(v)) <= Number.MAX_SAFE_INTEGER) return 'int';
  // (a number too large for a double, 1e999, stays a string: a record holds finite numbers only)
  if (/^[-+]?\d*\.\d+(?:[eE][-+]?\d+)?$|^[-+]?\d+[eE][-+]?\d+$/.test(v) && Number.isFinite(Number(v))) return 'float';
  if (/^(?:\d{1,3}\.){3}\d{1,3}(?::\d+)?$/.test(v) || ipv6Like(v)) return 'ip';
  if (UUID.test(v)) return 'uuid';
  if (/^0[xX][0-9a-fA-F]+$/.test(v)) return 'hex';
  if (/^\d{1,2}:\d{2}(?::\d{2})?/.test(v) || /^\d{4}-\d{2}-\d{2}/.test(v)) return 'time';
  return 'string';
}

/**
 * The name a parameter takes from its template: the key it is the value of, or the word before it (memoised by
 * token, then by the token before it: template tokens are the same strings line after line, their hashes kept).
 */
const KEY_NAMES = new Map<string, Map<string, string>>();
let keyNames = 0;

function paramBase(token: string, before: string | null): string {
  let byBefore = KEY_NAMES.get(token);
  if (byBefore === undefined) KEY_NAMES.set(token, (byBefore = new Map()));
  let base = byBefore.get(before ?? '');
  if (base === undefined) {
    const key =
      /([A-Za-z_][\w.-]*)\s*[=:]\s*<\*>/.exec(token)?.[1] ??
      (before !== null && !before.includes(WILDCARD) ? before.replace(/[^\w\u4e00-\u9fff]+/g, '') : '');
    base = (key || 'p').toLowerCase();
    if (++keyNames > 10_000) {
      KEY_NAMES.clear();
      keyNames = 0;
    }
    byBefore.set(before ?? '', base);
  }
  return base;
}

/** How many `<*>` a token holds (most hold none, or are one). */
function wildcards(token: string): number {
  if (token === WILDCARD) return 1;
  let n = 0;
  for (let at = 0; at < token.length - 2; at++)
    if (token.charCodeAt(at) === 60 && token.charCodeAt(at + 1) === 42 && token.charCodeAt(at + 2) === 62) {
      n++;
      at += 2;
    }
  return n;
}

/** Where a parameter of a template's message comes from: its `masked`-th masked value, or (-1) a token, `value`. */
export interface ParamSlot {
  name: string;
  masked: number;
  value: string;
}

/**
 * The parameters of a message under a template, as slots: every masked value and every token the template
 * generalised, in order, named after the key they follow (`uid=<*>` -> uid, `port <*>` -> port). They depend on the
 * message's tokens only: messages alike once masked share them, their masked values apart.
 */
export function paramSlots(template: readonly string[], tokens: readonly string[]): ParamSlot[] {
  const out: ParamSlot[] = [];
  let k = 0;
  const bases: string[] = []; // each parameter's base name: the n-th of a base is named base_n
  const name = (i: number, token: string) => {
    const base = paramBase(token, i > 0 ? template[i - 1] : null);
    let n = 1;
    for (const b of bases) if (b === base) n++;
    bases.push(base);
    return n === 1 ? base : `${base}_${n}`;
  };
  for (let i = 0; i < tokens.length; i++) {
    const token = tokens[i];
    const placeholders = wildcards(token);
    if (placeholders > 0) {
      for (let j = 0; j < placeholders; j++) out.push({ name: name(i, template[i] ?? token), masked: k++, value: '' });
    } else if (template[i] === WILDCARD) {
      out.push({ name: name(i, template[i]), masked: -1, value: token });
    } else if (template[i] !== undefined && keyCovers(template[i], token)) {
      out.push({ name: name(i, template[i]), masked: -1, value: token.slice(template[i].length - WILDCARD.length) });
    }
  }
  return out;
}

/** A slot's value in a message (a masked value the message lacks is empty: its text held a literal `<*>`). */
const slotValue = (s: ParamSlot, masked: readonly string[]) => (s.masked < 0 ? s.value : (masked[s.masked] ?? ''));

/** Is a value of this type written as a number (an int or a float)? */
const numeric = (type: ParamType) => type === 'int' || type === 'float';

/** A parameter, typed from its value. */
function param(name: string, value: string): TemplateParam {
  const type = typeOf(value);
  return { name, type, value: numeric(type) ? Number(value) : value };
}

/**
 * Parameters as JSON, written from their slots: `JSON.stringify` of `matchMasked`'s (a test compares), with each
 * parameter's text up to its type, or the whole of a token's, written once per slot list (`compileSlots`).
 */
export interface CompiledSlot {
  masked: number;
  /** `{"name":...,"type":"` of a masked value */
  prefix: string;
  /** the whole parameter's JSON when its value is a token of the message: fixed */
  json: string | null;
}

export function compileSlots(slots: readonly ParamSlot[]): CompiledSlot[] {
  return slots.map((s) => ({
    masked: s.masked,
    prefix: `{"name":${JSON.stringify(s.name)},"type":"`,
    json: s.masked < 0 ? JSON.stringify(param(s.name, s.value)) : null,
  }));
}

export function paramsJson(slots: readonly CompiledSlot[], masked: readonly string[]): string {
  let out = '[';
  for (let i = 0; i < slots.length; i++) {
    const s = slots[i];
    if (i > 0) out += ',';
    if (s.json !== null) {
      out += s.json;
      continue;
    }
    const v = masked[s.masked] ?? '';
    const type = typeOf(v);
    out += `${s.prefix}${type}","value":${numeric(type) ? Number(v) : JSON.stringify(v)}}`;
  }
  return `${out}]`;
}

/** The event of a message under a frozen model: its template, and the message's parameters. */
export interface MatchedEvent {
  templateId: string;
  template: string;
  params: TemplateParam[];
}

/** The event of a message's masked tokens: its template, and its parameters' slots. */
export interface MatchedSlots {
  templateId: string;
  template: string;
  slots: ParamSlot[];
}

/** A frozen model in match-only mode: the event of a message, and its parameters. */
export class TemplateMatcher {
  private readonly drain: Drain;

  constructor(private readonly data: TemplateModelData) {
    this.drain = Drain.restore(drainOptions(data.settings), data.clusters);
  }

  match(content: string): MatchedEvent | null {
    return this.matchMasked(this.drain.mask(content));
  }

  /** The event of a message already masked by a miner of the same settings (`Drain.mask`). */
  matchMasked(message: MaskedMessage): MatchedEvent | null {
    const m = this.matchTokens(message.tokens);
    if (!m) return null;
    const params = m.slots.map((s) => param(s.name, slotValue(s, message.masked)));
    return { templateId: m.templateId, template: m.template, params };
  }

  /** The event of a message's masked tokens, and where its parameters come from (its masked values apart). */
  matchTokens(tokens: readonly string[]): MatchedSlots | null {
    const cluster = this.drain.matchTokens(tokens);
    if (!cluster) return null;
    const slots = paramSlots(cluster.template, tokens);
    const e = this.data.enumerated[cluster.id];
    const named = e ? enumeratedTemplate(cluster.template, e, tokens) : null;
    if (named) return { ...this.enumeratedEvent(named), slots };
    const id = this.data.eventOf[cluster.id];
    return { templateId: id, template: this.data.events[id].template, slots };
  }

  private readonly named = new Map<string, { templateId: string; template: string }>();

  /** The event of a template whose enumerated words are filled in (memoised: a few per cluster). */
  private enumeratedEvent(template: string[]): { templateId: string; template: string } {
    const text = template.join(' ');
    let ev = this.named.get(text);
    if (!ev) this.named.set(text, (ev = { templateId: templateId(skeleton(template)), template: text }));
    return ev;
  }
}
