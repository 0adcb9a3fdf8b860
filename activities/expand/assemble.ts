import { sha256 } from '../common/files';
import type { PiiOptions } from '../parse/pii';
import { PiiMasker } from '../parse/pii';
import { looksLike } from './checks';
import { Lang, type CorpusDocument, type RealDocument, type ShardDocument, type Style } from './documents';
import { planShards } from './shards';
import { countTokens } from './tokens';

/**
 * Assembling the corpus from the accepted documents: real documents mixed in at a configured ratio,
 * everything ordered from basic to complex (a curriculum), cut into shards, a sample of each shard set
 * aside for human review, and shards that failed review or the quality floor replaced from the real data.
 * Pure functions; the activities read and write the files.
 */

/** How demanding a style is to read: lists and definitions first, diagnosis and cases last. */
export const STYLE_LEVEL: Record<Style, number> = {
  knowledge_list: 1,
  textbook: 2,
  qa: 2,
  lecture: 3,
  sop: 3,
  case_study: 4,
  troubleshooting: 4,
};
const INPUT_LEVEL = { fact: 0, pair: 1, triple: 2 } as const;

/**
 * A document's level in the curriculum: its style, plus one per extra fact it connects; a real document by its length.
 */
export function difficulty(d: ShardDocument): number {
  if (d.origin === 'real') return d.tokens < 200 ? 1 : d.tokens < 600 ? 2 : 3;
  return STYLE_LEVEL[d.style] + INPUT_LEVEL[d.input];
}

/** Basic to complex; within a level by id (deterministic, and real and synthetic documents interleave). */
export function curriculumOrder<T extends ShardDocument>(docs: readonly T[]): T[] {
  return [...docs].sort((a, b) => difficulty(a) - difficulty(b) || a.id.localeCompare(b.id));
}

export interface BackupReading {
  docs: RealDocument[];
  rejected: Record<string, number>;
}

/**
 * The backup corpus's lines (`{"text", "lang"?, "id"?}` per JSON line) as real documents: a line that is not
 * such an object, is in neither language or holds personal data is counted by reason and left out.
 */
export function readBackupLines(name: string, text: string, pii: PiiOptions): BackupReading {
  const docs: RealDocument[] = [];
  const rejected: Record<string, number> = {};
  const bump = (r: string) => {
    rejected[r] = (rejected[r] ?? 0) + 1;
  };
  for (const [i, line] of text.split('\n').entries()) {
    if (!line.trim()) continue;
    let v: unknown;
    try {
      v = JSON.parse(line);
    } catch {
      bump('not_json');
      continue;
    }
    const o = v as { text?: unknown; lang?: unknown; id?: unknown };
    if (typeof o?.text !== 'string' || !o.text.trim()) {
      bump('no_text');
      continue;
    }
    const lang = Lang.safeParse(o.lang).success
      ? (o.lang as Lang)
      : looksLike(o.text, 'zh')
        ? 'zh'
        : looksLike(o.text, 'en')
          ? 'en'
          : null;
    if (!lang) {
      bump('language');
      continue;
    }
    if (new PiiMasker(pii).text(o.text) !== o.text) {
      bump('pii');
      continue;
    }
    docs.push({
      id: typeof o.id === 'string' ? `real-${o.id}` : `real-${sha256(o.text).slice(0, 24)}`,
      text: o.text,
      lang,
      origin: 'real',
      source: `${name}:${i + 1}`,
      tokens: countTokens(o.text),
    });
  }
  return { docs, rejected };
}

/**
 * Real documents to mix in so that they make `ratio` of the output (0 = none), taken in id order (stable);
 * fewer when the backup has fewer. The rest stay available to replace rejected shards.
 */
export function mixReal(
  synthetic: number,
  real: readonly RealDocument[],
  ratio: number,
): { mixed: RealDocument[]; spare: RealDocument[] } {
  const sorted = [...real].sort((a, b) => a.id.localeCompare(b.id));
  const want = ratio > 0 && ratio < 1 ? Math.round((ratio / (1 - ratio)) * synthetic) : ratio >= 1 ? sorted.length : 0;
  return { mixed: sorted.slice(0, want), spare: sorted.slice(want) };
}

export interface PlannedShard {
  name: string;
  ids: string[];
  quality: number | null;
}

/** The shard plan of ordered documents: names, member ids and mean quality score of the synthetic ones. */
export function planCorpus(
  docs: readonly ShardDocument[],
  maxDocs: number,
  maxBytes: number,
  ext: string,
): PlannedShard[] {
  return planShards(docs, maxDocs, maxBytes).map((shard, i) => {
    const synthetic = shard.filter((d): d is CorpusDocument => d.origin === 'synthetic');
    return {
      name: `part-${String(i).padStart(5, '0')}.${ext}`,
      ids: shard.map((d) => d.id),
      quality: synthetic.length
        ? Math.round((1000 * synthetic.reduce((a, d) => a + d.quality.score, 0)) / synthetic.length) / 1000
        : null,
    };
  });
}

/** `perShard` documents of each shard, evenly spread over it, tagged with their shard: what a reviewer reads. */
export function reviewSample(
  plan: readonly PlannedShard[],
  byId: ReadonlyMap<string, ShardDocument>,
  perShard: number,
): (ShardDocument & { shard: string })[] {
  return plan.flatMap((s) => {
    const k = Math.min(perShard, s.ids.length);
    return Array.from({ length: k }, (_, j) => ({
      ...byId.get(s.ids[Math.floor(((j + 0.5) * s.ids.length) / k)])!,
      shard: s.name,
    }));
  });
}

export interface Replacement {
  shard: string;
  /** the shard gate that failed it (run/shardGates/) */
  gate: string;
  reason: string;
  replaced: number;
  from_backup: number;
}

/**
 * The shards' documents after replacing the synthetic documents of failed shards with spare real ones
 * (one for one, as far as the spare lasts; a shard with no real document left to take is emptied).
 */
export function replaceShards(
  plan: readonly PlannedShard[],
  byId: ReadonlyMap<string, ShardDocument>,
  failed: ReadonlyMap<string, { gate: string; reason: string }>,
  spare: readonly RealDocument[],
): { shards: ShardDocument[][]; replacements: Replacement[] } {
  let next = 0;
  const replacements: Replacement[] = [];
  const shards = plan.map((s) => {
    const docs = s.ids.map((id) => byId.get(id)!);
    const why = failed.get(s.name);
    if (!why) return docs;
    const kept = docs.filter((d) => d.origin === 'real');
    const n = docs.length - kept.length;
    const taken = spare.slice(next, next + n);
    next += taken.length;
    replacements.push({ shard: s.name, ...why, replaced: n, from_backup: taken.length });
    return curriculumOrder([...kept, ...taken]);
  });
  return { shards, replacements };
}
