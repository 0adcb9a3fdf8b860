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
  const run = new ExpansionTally(opts);
  const results: (CorpusDocument | null)[] = new Array(jobs.length).fill(null);
  let done = 0;
  await mapPool(jobs, opts.concurrency, async (job, i) => {
    // after the budget is reached texts in flight finish and none starts; after a quality stop, none goes on
    opts.signal?.throwIfAborted();
    if (run.stopNow()) {
      run.skipped++;
      opts.onProgress?.(++done, jobs.length);
      return;
    }
    let out: Generated | null;
    try {
      out = await generate(job, expander, run);
    } finally {
      opts.onProgress?.(++done, jobs.length);
    }
    if (out) results[i] = await accept(job, out, expander.generator, run);
  });
  opts.signal?.throwIfAborted();
  const written = results.filter((d): d is CorpusDocument => d !== null);
  const docs = opts.dedup === false ? written : dedupDocuments(written, run.rejected, opts.nearDuplicates ?? null);
  docs.sort((a, b) => a.id.localeCompare(b.id));
  const { generated, rejected, skipped, stopped, usage, cached, accepted, unanswered, filterStats } = run;
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
 * What one call of expandJobs counts as its texts come in, and when it stops: the budget spent, or the run's
 * accepted share surely under the quality floor (qualityStop.ts).
 */
class ExpansionTally {
  readonly rejected: Rejected[] = [];
  readonly usage = { prompt_tokens: 0, completion_tokens: 0 };
  readonly filterStats: FilterStats = {};
  cached = 0;
  generated = 0;
  skipped = 0;
  accepted = 0;
  unanswered = 0;
  stopped: StopReason | null = null;
  /** what cuts a request: a quality stop of the run, or the caller's cancellation */
  readonly cut: AbortSignal | undefined;

  constructor(readonly opts: ExpandOptions) {
    const q = opts.qualityStop;
    this.cut = q && opts.signal ? AbortSignal.any([q.live.signal, opts.signal]) : (q?.live.signal ?? opts.signal);
    if (this.cut) setMaxListeners(Infinity, this.cut); // one listener per request in flight
  }

  private spent(): boolean {
    const b = this.opts.budget;
    const u = this.usage;
    return (
      !!b &&
      ((b.maxTokens !== null && u.prompt_tokens + u.completion_tokens >= b.maxTokens) ||
        (b.maxCostUsd !== null && costOf(u, b.prices) >= b.maxCostUsd))
    );
  }

  private poor(): boolean {
    const q = this.opts.qualityStop;
    return !!q && (q.live.signal.aborted || surelyBelowFloor(q.live.tally, q.floor, q.after));
  }

  /** the reason to start no more texts, if there is one now; once stopped, stopped for good */
  stopNow(): StopReason | null {
    this.stopped ??= this.spent() ? 'budget' : this.poor() ? 'quality' : null;
    // texts in flight are not wanted either, in any batch of the run here
    if (this.stopped === 'quality') this.opts.qualityStop!.live.stop();
    return this.stopped;
  }

  /** a text checked: counted for the run's quality, and the rule looked at */
  checked(ok: boolean): void {
    this.opts.qualityStop?.live.count(ok);
    this.stopNow();
  }

  paid(usage: Expansion['usage']): void {
    this.usage.prompt_tokens += usage.prompt_tokens;
    this.usage.completion_tokens += usage.completion_tokens;
  }

  /**
   * A job's text rejected. It is written down masked, and so are the details (a number a filter quotes can be a
   * phone number): it passed no PII check (a model can invent one).
   */
  reject(job: ExpansionJob, reason: RejectReason, detail?: string, text?: string, all?: Rejection[]): void {
    const mask = (t: string | undefined) =>
      t === undefined ? undefined : new PiiMasker(this.opts.pii, [], true).text(t);
    const { facts, input, style, audience, lang } = job;
    this.rejected.push(
      rejectedLine(
        { fact_ids: facts.map((f) => f.id), input, style, audience, lang },
        reason,
        mask(detail),
        mask(text),
        all?.map((r) => ({ reason: r.reason, ...(r.detail ? { detail: mask(r.detail) } : {}) })),
      ),
    );
  }
}

/** A job's text as the writer gave it: trimmed, with what it masked and what it cost. */
interface Generated {
  text: string;
  found: string[];
  usage: Expansion['usage'];
}

/**
 * Ask the writer for a job's text. Null when there is none to check: cut by a stop (skipped), or rejected already
 * (no text, no answer, an unusable completion - paid for too). Other errors propagate.
 */
async function generate(job: ExpansionJob, expander: TextExpander, run: ExpansionTally): Promise<Generated | null> {
  try {
    const out = await expander.expand(job, run.cut);
    run.paid(out.usage);
    if (out.cached) run.cached++;
    run.generated++;
    return { text: out.text.trim(), found: out.pii ?? [], usage: out.usage };
  } catch (e) {
    if (e instanceof Aborted) {
      run.opts.signal?.throwIfAborted();
      run.skipped++;
      return null;
    }
    if (e instanceof NoText) {
      run.generated++; // attempted, and rejected: generated = written + rejected holds
      run.reject(job, e.reason, e.message);
      return null;
    }
    if (e instanceof Unanswered) {
      // the endpoint kept failing on this prompt: its text is missing, the batch goes on
      run.generated++;
      run.unanswered++;
      run.reject(job, 'no_answer', e.message);
      return null;
    }
    if (!(e instanceof InvalidCompletion)) throw e;
    run.generated++;
    run.paid(e.usage); // an unusable answer was paid for too
    run.reject(job, e.reason, e.message, e.answer || undefined);
    run.checked(false);
    return null;
  }
}

/** Check a job's text (the filters, then the judge if any): its document, or null when rejected. */
async function accept(
  job: ExpansionJob,
  { text, found, usage }: Generated,
  generator: CorpusDocument['generator'],
  run: ExpansionTally,
): Promise<CorpusDocument | null> {
  const { facts, input, style, audience, lang } = job;
  const { opts } = run;
  const check = checkText(text, lang, facts, opts.pii, style, {
    filters: opts.filters,
    stats: run.filterStats,
    plant: opts.plant,
  });
  // personal data the writer found and masked before handing the text on is a rejection like the filter's
  const reasons = found.length
    ? [{ reason: 'pii' as const, detail: found.join(', ') }, ...check.reasons]
    : check.reasons;
  if (reasons.length) {
    const primary = primaryReason(reasons);
    run.reject(job, primary.reason, primary.detail, text, reasons);
    run.checked(false);
    return null;
  }
  if (opts.judge) {
    const verdict = await opts.judge.judge(text, facts, lang, style);
    if (verdict) {
      run.reject(job, verdict.reason, verdict.detail, text);
      run.checked(false);
      return null;
    }
    check.checks.push('judge');
  }
  const tokens = countTokens(text);
  const body = { text, lang, style, audience, input, fact_ids: facts.map((f) => f.id) };
  run.accepted++;
  run.checked(true);
  return {
    id: `doc-${sha256(canonicalJson(body)).slice(0, 24)}`,
    ...body,
    sources: [...new Set(facts.flatMap((f) => f.sources))],
    generator,
    quality: { score: qualityScore(text, tokens), checks: check.checks },
    tokens,
    usage,
    origin: 'synthetic',
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
