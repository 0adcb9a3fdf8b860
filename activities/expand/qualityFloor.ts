/**
 * The quality floor: the share of generated texts that passed every filter, for the run, each style and
 * each language. A group under the floor means the generator cannot write it well (a small local model,
 * a misconfigured endpoint): its texts are replaced - from the backup corpus when one is configured, by
 * the offline expander (labelled as such) otherwise - or the run fails, naming the top rejection reasons.
 * Never "done" over a near-empty corpus without saying so.
 */
import type { Rejected } from './expandFacts';
import type { CorpusDocument } from './documents';

/** What the floor found and what was done about it (**contract**: the manifest's `quality_floor`). */
export interface QualityReport {
  floor: number;
  /** accepted / generated, for the run, per style, per language (groups with at least MIN_TEXTS texts) */
  accepted_share: number | null;
  by_style: Record<string, number>;
  by_lang: Record<string, number>;
  /** the groups under the floor: "run", "style:qa", "lang:zh" */
  below: string[];
  /** the most frequent rejection reasons, most first, with counts */
  top_reasons: string[];
  action: 'none' | 'backup' | 'offline' | 'fail';
  /** the same in one line for people (CLI, Web UI, dataset card) */
  summary: string;
}

/** Groups with fewer texts than this are too small to judge. */
export const MIN_TEXTS = 5;

const round3 = (x: number) => Math.round(x * 1000) / 1000;

/** The accepted shares of the run's texts, and the groups under `floor`. The action is the caller's. */
export function assessQuality(
  docs: readonly Pick<CorpusDocument, 'style' | 'lang'>[],
  rejected: readonly Pick<Rejected, 'style' | 'lang' | 'reason'>[],
  floor: number,
): Omit<QualityReport, 'action' | 'summary'> {
  const count = (key: (x: { style: string; lang: string }) => string) => {
    const out = new Map<string, { ok: number; all: number }>();
    const bump = (k: string, ok: boolean) => {
      const v = out.get(k) ?? { ok: 0, all: 0 };
      v.all++;
      if (ok) v.ok++;
      out.set(k, v);
    };
    for (const d of docs) bump(key(d), true);
    for (const r of rejected) bump(key(r), false);
    return out;
  };
  const shares = (m: Map<string, { ok: number; all: number }>) =>
    Object.fromEntries([...m].filter(([, v]) => v.all >= MIN_TEXTS).map(([k, v]) => [k, round3(v.ok / v.all)]));
  const total = docs.length + rejected.length;
  const accepted = total >= MIN_TEXTS ? round3(docs.length / total) : null;
  const byStyle = shares(count((x) => x.style));
  const byLang = shares(count((x) => x.lang));
  const below = [
    ...(accepted !== null && accepted < floor ? ['run'] : []),
    ...Object.entries(byStyle)
      .filter(([, s]) => s < floor)
      .map(([k]) => `style:${k}`),
    ...Object.entries(byLang)
      .filter(([, s]) => s < floor)
      .map(([k]) => `lang:${k}`),
  ];
  const reasons = new Map<string, number>();
  for (const r of rejected) reasons.set(r.reason, (reasons.get(r.reason) ?? 0) + 1);
  const top = [...reasons]
    .sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0]))
    .slice(0, 3)
    .map(([k, n]) => `${k} (${n})`);
  return { floor, accepted_share: accepted, by_style: byStyle, by_lang: byLang, below, top_reasons: top };
}

/** Whether a text belongs to a group under the floor (the whole run, its style, or its language). */
export function inFailedGroup(below: readonly string[], x: { style: string; lang: string }): boolean {
  return below.includes('run') || below.includes(`style:${x.style}`) || below.includes(`lang:${x.lang}`);
}

/** One line for people (CLI, Web UI, card): what the floor found and did. */
export function describeQuality(q: Omit<QualityReport, 'summary'>): string {
  if (!q.below.length) return `quality floor ${q.floor}: passed (accepted share ${q.accepted_share ?? '-'})`;
  const what = {
    none: 'kept',
    backup: 'their shards replaced from the backup corpus',
    offline: 'their texts written by the offline expander instead (labelled offline)',
    fail: 'the run failed',
  }[q.action];
  return (
    `quality floor ${q.floor}: ${q.below.join(', ')} under it (accepted ` +
    `share ${q.accepted_share ?? '-'}; top rejections ${q.top_reasons.join(', ') || 'none'}): ${what}`
  );
}
