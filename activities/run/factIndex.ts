import { z } from 'zod';
import { canonicalJson } from '../common/canonicalJson';
import { sha256 } from '../common/files';
import type { Fact } from '../kinds';

/**
 * A schedule's facts over its versions (`dataset.json` `facts`): per fact id (stable: its kind's identity), the
 * version its statement was last written in, a hash of that statement, the documents written for it then, and - when
 * a later version's data no longer gives it - the version that ended it. Read by the next version's expansion (only
 * new and changed facts are expanded) and written when a version is committed.
 */
export const FactEntry = z.object({
  version: z.number().int(),
  statement: z.string(),
  texts: z.array(z.string()),
  ended: z.object({ version: z.number().int(), run_id: z.string() }).nullable(),
});
export const FactIndex = z.record(z.string(), FactEntry);
export type FactIndex = z.infer<typeof FactIndex>;

/** What a version did to the facts and texts before it (**contract**: `dataset.json`, each version). */
export const VersionChanges = z.object({
  facts: z.object({
    new: z.number().int(),
    changed: z.number().int(),
    unchanged: z.number().int(),
    /** a changed fact: its statement of `version` is superseded by this version's */
    superseded: z.array(z.object({ id: z.string(), version: z.number().int() })),
    /** a fact the data so far no longer gives: kept in the index, marked ended by this version */
    ended: z.array(z.object({ id: z.string(), version: z.number().int() })),
  }),
  documents: z.object({
    added: z.number().int(),
    /** earlier versions' documents about a fact this version changed or ended */
    superseded: z.array(z.string()),
  }),
});
export type VersionChanges = z.infer<typeof VersionChanges>;

export const statementHash = (f: Pick<Fact, 'statement'>) => sha256(canonicalJson(f.statement));

/** Whether a fact is said already, as it is: an earlier version wrote its statement and no version ended it since. */
export function settled(index: FactIndex, f: Fact): boolean {
  const e = index[f.id];
  return !!e && e.ended === null && e.statement === statementHash(f);
}

/** The earlier texts of the facts a version changed: superseded by the texts it writes for them. */
export function supersededTexts(index: FactIndex, facts: readonly Fact[]): Set<string> {
  return new Set(facts.flatMap((f) => (index[f.id] && !settled(index, f) ? index[f.id].texts : [])));
}

/**
 * A version's facts and documents beside the index: facts new, changed (the earlier statement and its texts
 * superseded) or unchanged; facts of the index it does not give ended (their texts superseded); the index after.
 */
export function compareFacts(
  index: FactIndex,
  facts: readonly Fact[],
  docs: readonly { id: string; fact_ids: string[] }[],
  version: { version: number; run_id: string },
): VersionChanges & { index: FactIndex } {
  const next: FactIndex = { ...index };
  const out: VersionChanges = {
    facts: { new: 0, changed: 0, unchanged: 0, superseded: [], ended: [] },
    documents: { added: docs.length, superseded: [] },
  };
  const textsOf = new Map<string, string[]>();
  for (const d of docs) for (const id of d.fact_ids) textsOf.set(id, [...(textsOf.get(id) ?? []), d.id]);
  const supersede = (id: string) => {
    for (const t of index[id].texts) if (!out.documents.superseded.includes(t)) out.documents.superseded.push(t);
  };
  const given = new Set<string>();
  for (const f of facts) {
    given.add(f.id);
    const before = index[f.id];
    const statement = statementHash(f);
    const texts = textsOf.get(f.id) ?? [];
    if (before && before.ended === null && before.statement === statement) {
      out.facts.unchanged++;
      next[f.id] = { ...before, texts: [...before.texts, ...texts] };
      continue;
    }
    if (!before || before.ended) out.facts.new++;
    else {
      out.facts.changed++;
      out.facts.superseded.push({ id: f.id, version: before.version });
      supersede(f.id);
    }
    next[f.id] = { version: version.version, statement, texts, ended: null };
  }
  for (const [id, e] of Object.entries(index)) {
    if (given.has(id) || e.ended) continue;
    out.facts.ended.push({ id, version: e.version });
    supersede(id);
    next[id] = { ...e, ended: { version: version.version, run_id: version.run_id } };
  }
  return { ...out, index: next };
}
