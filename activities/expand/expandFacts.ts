import { setMaxListeners } from 'node:events';
import { canonicalJson } from '../common/canonicalJson';
import { sha256 } from '../common/files';
import { PiiMasker, type PiiOptions } from '../parse/pii';
import { qualityScore } from './checks';
import type { RejectReason } from './documents';
import { checkText, primaryReason, type FilterSettings, type FilterStats, type Rejection } from './filters';
import type { TextJudge } from './llmJudge';
import { rejectedLine, type CorpusDocument, type RejectedLine } from './documents';
import type { ExpansionJob } from './jobs';
import type { PlantVocabulary } from './plantVocabulary';
import { minhash, NearDuplicateIndex, normaliseForDedup } from './nearDuplicates';
import { Aborted, InvalidCompletion, NoText, Unanswered, type Expansion, type TextExpander } from './expander';
import { surelyBelowFloor, type LiveQuality } from './qualityStop';
export type { Expansion, TextExpander } from './expander';
import { countTokens } from './tokens';

/** A run's spending limit: generation stops cleanly once the tokens or the estimated cost reach it. */
export interface Budget {
  maxTokens: number | null;
  maxCostUsd: number | null;
  /** US dollars per million prompt and completion tokens */
  prices: { prompt: number; completion: number };
}

export function costOf(usage: { prompt_tokens: number; completion_tokens: number }, prices: Budget['prices']): number {
  return (usage.prompt_tokens * prices.prompt + usage.completion_tokens * prices.completion) / 1e6;
}

export interface ExpandOptions {
  concurrency: number;
  pii: PiiOptions;
  /**
   * near-duplicate removal: documents at least `threshold` similar (MinHash estimate of Jaccard over 5-gram shingles)
   * to one kept before - in this run, or in `index` from earlier runs of the same output directory - are rejected
   */
  nearDuplicates?: { threshold: number; index?: NearDuplicateIndex };
  budget?: Budget;
  /** false: leave de-duplication to the caller (texts written in batches are de-duplicated together) */
  dedup?: boolean;
  /** the filters' options (`expand.filters`); defaults where not given */
  filters?: FilterSettings;
  /** the plant's names from the knowledge graph, for the grounding filter */
  plant?: PlantVocabulary;
  /** an optional second model that may reject a text the filters passed */
  judge?: TextJudge | null;
  /**
   * stop early for quality (qualityStop.ts): once `after` of the run's texts are checked (`live`: those of
   * finished batches, of this call and of the run's other batches running here), an accepted share surely
   * under `floor` starts no more texts and cuts those in flight
   */
  qualityStop?: { floor: number; after: number; live: LiveQuality };
  /** the caller's cancellation (an activity cancelled or timed out): requests in flight are cut and the call throws */
  signal?: AbortSignal;
  /** called after each text, with how many are done of how many */
  onProgress?: (done: number, total: number) => void;
}

export type Rejected = RejectedLine;

/** Why generation stopped before every planned text was written. */
export type StopReason = 'budget' | 'quality';

export interface ExpandOutcome {
  docs: CorpusDocument[];
  /** jobs whose text was generated (accepted or rejected) */
  generated: number;
  rejected: Rejected[];
  /** jobs not written because the budget was reached or the quality was surely too low (`stopped`) */
  skipped: number;
  stopped: StopReason | null;
  /** texts that passed every check (before de-duplication) */
  accepted: number;
  /** prompts the endpoint did not answer after every try (rejected as `no_answer`) */
  unanswered: number;
  /** what each filter passed and rejected, and its time */
  filters: FilterStats;
  /** tokens sent and received over the network, by all jobs, accepted or not; texts that came from the cache */
  usage: { prompt_tokens: number; completion_tokens: number };
  cached: number;
}

/** Write every job's text, check it, drop duplicates; documents come sorted by id. */
export async function expandJobs(
  jobs: readonly ExpansionJob[],
  expander: TextExpander,
  opts: ExpandOptions,
): Promise<ExpandOutcome> {
  const rejected: Rejected[] = [];
  const results: (CorpusDocument | null)[] = new Array(jobs.length).fill(null);
  let done = 0;
  const usage = { prompt_tokens: 0, completion_tokens: 0 };
  let cached = 0,
    generated = 0,
    skipped = 0,
    accepted = 0,
    unanswered = 0;
  const filterStats: FilterStats = {};
  let stopped: StopReason | null = null;
  const spent = () => {
    const b = opts.budget;
    return (
      !!b &&
      ((b.maxTokens !== null && usage.prompt_tokens + usage.completion_tokens >= b.maxTokens) ||
        (b.maxCostUsd !== null && costOf(usage, b.prices) >= b.maxCostUsd))
    );
  };
  const q = opts.qualityStop;
  // what cuts a request: a quality stop of the run, or the caller's cancellation
  const cut = q && opts.signal ? AbortSignal.any([q.live.signal, opts.signal]) : (q?.live.signal ?? opts.signal);
  if (cut) setMaxListeners(Infinity, cut); // one listener per request in flight
  const poor = () => !!q && (q.live.signal.aborted || surelyBelowFloor(q.live.tally, q.floor, q.after));
  /** the reason to start no more texts, if there is one now; once stopped, stopped for good */
  const stopNow = () => {
    stopped ??= spent() ? 'budget' : poor() ? 'quality' : null;
    if (stopped === 'quality') q!.live.stop(); // texts in flight are not wanted either, in any batch of the run here
    return stopped;
  };
  /** a text checked: counted for the run's quality, and the rule looked at */
  const checked = (ok: boolean) => {
    q?.live.count(ok);
    stopNow();
  };
  await mapPool(jobs, opts.concurrency, async (job, i) => {
    const { facts, input, style, audience, lang } = job;
    // a rejected text is written down masked, and so are the details (a number a filter quotes can be a phone
    // number): it passed no PII check (a model can invent one)
    const mask = (t: string | undefined) => (t === undefined ? undefined : new PiiMasker(opts.pii, [], true).text(t));
    const reject = (reason: RejectReason, detail?: string, text?: string, all?: Rejection[]) =>
      rejected.push(
        rejectedLine(
          { fact_ids: facts.map((f) => f.id), input, style, audience, lang },
          reason,
          mask(detail),
          mask(text),
          all?.map((r) => ({ reason: r.reason, ...(r.detail ? { detail: mask(r.detail) } : {}) })),
        ),
      );
    // after the budget is reached texts in flight finish and none starts; after a quality stop, none goes on
    opts.signal?.throwIfAborted();
    if (stopNow()) {
      skipped++;
      opts.onProgress?.(++done, jobs.length);
      return;
    }
    let text: string;
    let jobUsage: Expansion['usage'];
    let found: string[] = [];
    try {
      const out = await expander.expand(job, cut);
      text = out.text.trim();
      found = out.pii ?? [];
      jobUsage = out.usage;
      usage.prompt_tokens += out.usage.prompt_tokens;
      usage.completion_tokens += out.usage.completion_tokens;
      if (out.cached) cached++;
      generated++;
    } catch (e) {
      if (e instanceof Aborted) {
        opts.signal?.throwIfAborted();
        skipped++;
        return;
      }
      if (e instanceof NoText) {
        generated++; // attempted, and rejected: generated = written + rejected holds
        reject(e.reason, e.message);
        return;
      }
      if (e instanceof Unanswered) {
        // the endpoint kept failing on this prompt: its text is missing, the batch goes on
        generated++;
        unanswered++;
        reject('no_answer', e.message);
        return;
      }
      if (!(e instanceof InvalidCompletion)) throw e;
      generated++;
      usage.prompt_tokens += e.usage.prompt_tokens; // an unusable answer was paid for too
      usage.completion_tokens += e.usage.completion_tokens;
      reject(e.reason, e.message, e.answer || undefined);
      checked(false);
      return;
    } finally {
      opts.onProgress?.(++done, jobs.length);
    }
    const check = checkText(text, lang, facts, opts.pii, style, {
      filters: opts.filters,
      stats: filterStats,
      plant: opts.plant,
    });
    // personal data the writer found and masked before handing the text on is a rejection like the filter's
    const reasons = found.length
      ? [{ reason: 'pii' as const, detail: found.join(', ') }, ...check.reasons]
      : check.reasons;
    if (reasons.length) {
      const primary = primaryReason(reasons);
      reject(primary.reason, primary.detail, text, reasons);
      checked(false);
      return;
    }
    if (opts.judge) {
      const verdict = await opts.judge.judge(text, facts, lang, style);
      if (verdict) {
        reject(verdict.reason, verdict.detail, text);
        checked(false);
        return;
      }
      check.checks.push('judge');
    }
    const tokens = countTokens(text);
    const body = { text, lang, style, audience, input, fact_ids: facts.map((f) => f.id) };
    results[i] = {
      id: `doc-${sha256(canonicalJson(body)).slice(0, 24)}`,
      ...body,
      sources: [...new Set(facts.flatMap((f) => f.sources))],
      generator: expander.generator,
      quality: { score: qualityScore(text, tokens), checks: check.checks },
      tokens,
      usage: jobUsage,
      origin: 'synthetic',
    };
    accepted++;
    checked(true);
  });
  opts.signal?.throwIfAborted();
  const written = results.filter((d): d is CorpusDocument => d !== null);
  const docs = opts.dedup === false ? written : dedupDocuments(written, rejected, opts.nearDuplicates ?? null);
  docs.sort((a, b) => a.id.localeCompare(b.id));
  return {
    docs,
    generated,
    rejected,
    skipped,
    stopped: skipped ? (stopped ?? 'budget') : null,
    usage,
    cached,
    accepted,
    unanswered,
    filters: filterStats,
  };
}

/**
 * Keep each text once: exact duplicates (same normalised text) and, when asked, near-duplicates (MinHash)
 * of a document kept before - in this list, or in `near.index` from earlier runs - go to `rejected`.
 */
export function dedupDocuments(
  docs: readonly CorpusDocument[],
  rejected: Rejected[],
  near: { threshold: number; index?: NearDuplicateIndex } | null,
): CorpusDocument[] {
  const seen = new Set<string>();
  const index = near ? (near.index ?? new NearDuplicateIndex(near.threshold)) : null;
  const out: CorpusDocument[] = [];
  for (const d of docs) {
    const dup = (reason: RejectReason, detail?: string) => rejected.push(rejectedLine(d, reason, detail, d.text));
    const key = sha256(normaliseForDedup(d.text));
    if (seen.has(key)) {
      dup('duplicate');
      continue;
    }
    seen.add(key);
    if (index && !index.has(d.id)) {
      // a document an earlier run of this directory kept is itself, not a duplicate
      const sig = minhash(d.text);
      const hit = index.near(sig);
      if (hit) {
        dup('near_duplicate', `${Math.round(hit.similarity * 100)} % like ${hit.id}`);
        continue;
      }
      index.add(d.id, sig);
    }
    out.push({ ...d, quality: { ...d.quality, checks: [...d.quality.checks, index ? 'unique_near' : 'unique'] } });
  }
  return out;
}

/** Run `fn` over `items` with at most `limit` in flight. */
async function mapPool<T>(
  items: readonly T[],
  limit: number,
  fn: (item: T, index: number) => Promise<void>,
): Promise<void> {
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const i = next++;
      await fn(items[i], i);
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, Math.min(limit, items.length)) }, worker));
}
