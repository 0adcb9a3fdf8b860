import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { readJsonl, toJsonl, writeFileAtomic } from '../common/files';
import { NonRetryableError } from '../common/failures';
import { documentsPath, readDocuments, writeDocuments } from '../expand/corpusFiles';
import { loadDedupIndex, saveDedupIndex } from '../expand/dedupIndexFile';
import { rejectedLine, RejectedLine, type CorpusDocument } from '../expand/documents';
import { costOf, dedupDocuments, expandJobs, type Rejected } from '../expand/expandFacts';
import { addFilterStats, FilterStats, roundStats } from '../expand/filterTypes';
import { batchFiltersPath, batchPath, batchRejectedPath, readJobBatch } from '../expand/jobFile';
import { OFFLINE_GENERATOR, offlineExpander } from '../expand/offlineExpander';
import { readPlantVocabulary } from '../expand/plantVocabulary';
import { assessQuality, describeQuality, inFailedGroup, type QualityReport } from '../expand/qualityFloor';
import { Fact } from '../kinds';
import type { PiiOptions } from '../parse/pii';
import { roundUsd } from './buildManifest';
import type { RunConfig } from './config';
import type { ExpandSummary, ExpandTotals } from './contracts';
import { countBy } from '../common/counts';

export interface CollectInput {
  outDir: string;
  factsPath: string;
  config: RunConfig;
  totals: ExpandTotals;
  planned: number;
}

/** What the batches wrote: the accepted texts, the rejected ones, and the filters' counts. */
interface Collected {
  written: CorpusDocument[];
  rejected: Rejected[];
  filters: FilterStats;
}

/**
 * Stage 3c: the batches' documents together - under the quality floor (groups below it rewritten offline, or the
 * run failed or sent to its backup corpus by `expand.onLowQuality`), exact and near-duplicates removed (also against
 * earlier runs of the directory) - written to documents.jsonl and rejected.jsonl, and summed up.
 */
export async function collectDocuments(input: CollectInput, pii: PiiOptions, beat: () => void): Promise<ExpandSummary> {
  const { config, outDir, totals } = input;
  // the endpoint left too many prompts unanswered: the run fails with that message (default: all of them)
  const unansweredShare = totals.generated ? totals.unanswered / totals.generated : 0;
  if (totals.unanswered && unansweredShare >= config.expand.maxUnanswered)
    throw new NonRetryableError(
      'Unanswered',
      `the endpoint left ${totals.unanswered} of ${totals.generated} prompts unanswered after every try ` +
        `(expand.maxUnanswered ${config.expand.maxUnanswered}): see no_answer in the batches' rejected texts`,
    );
  const collected = await readBatches(outDir, totals.started, beat);
  // the quality floor, on what the generator wrote (before de-duplication, which is no fault of its texts)
  const assessed = assessQuality(collected.written, collected.rejected, config.expand.qualityFloor);
  const action: QualityReport['action'] = !assessed.below.length
    ? 'none'
    : config.expand.onLowQuality === 'fail'
      ? 'fail'
      : config.backup.path
        ? 'backup'
        : 'offline';
  const { written, rejected, filters } =
    action === 'offline' ? await rewriteOffline(input, collected, assessed.below, pii) : collected;
  const early =
    totals.stopped === 'quality' ? `; the LLM stopped early, after ${totals.generated} of ${input.planned} texts` : '';
  const quality: QualityReport = { ...assessed, action, summary: describeQuality({ ...assessed, action }) + early };
  const threshold = config.expand.nearDuplicateThreshold;
  const index = threshold > 0 ? await loadDedupIndex(outDir, threshold) : undefined;
  const docs = dedupDocuments(written, rejected, index ? { threshold, index } : null).sort((a, b) =>
    a.id.localeCompare(b.id),
  );
  if (index) await saveDedupIndex(outDir, index);
  const docsPath = documentsPath(outDir);
  await writeDocuments(docsPath, docs);
  await writeFileAtomic(join(outDir, 'rejected.jsonl'), toJsonl(rejected));
  return summarise(input, docs, docsPath, rejected, filters, quality);
}

async function readBatches(outDir: string, started: number, beat: () => void): Promise<Collected> {
  const out: Collected = { written: [], rejected: [], filters: {} };
  for (let b = 0; b < started; b++) {
    const docs = await readDocuments(batchPath(outDir, b));
    out.written.push(...docs.filter((d): d is CorpusDocument => d.origin === 'synthetic'));
    out.rejected.push(...(await readJsonl(batchRejectedPath(outDir, b), RejectedLine)));
    addFilterStats(out.filters, FilterStats.parse(JSON.parse(await readFile(batchFiltersPath(outDir, b), 'utf8'))));
    if (b % 100 === 99) beat();
  }
  return out;
}

/**
 * The groups under the floor written by the offline expander instead, labelled as such; the LLM's rejections stay
 * in rejected.jsonl, and its accepted texts of those groups go there too, replaced.
 */
async function rewriteOffline(
  input: CollectInput,
  collected: Collected,
  below: string[],
  pii: PiiOptions,
): Promise<Collected> {
  const { config, outDir, totals } = input;
  const facts = await readJsonl(input.factsPath, Fact);
  // after a stop for quality, the batches never started are written offline too: the run is not cut short
  const batches = totals.stopped === 'quality' ? Math.ceil(input.planned / config.expand.batchSize) : totals.started;
  const jobs = (await Promise.all(Array.from({ length: batches }, (_, b) => readJobBatch(outDir, facts, b))))
    .flat()
    .filter((j) => inFailedGroup(below, j));
  const fallback = {
    generator: {
      ...OFFLINE_GENERATOR,
      note: `fallback: the LLM's texts fell under the quality floor (${below.join(', ')})`,
    },
    expand: offlineExpander.expand,
  };
  const out = await expandJobs(jobs, fallback, {
    concurrency: 8,
    pii,
    filters: config.expand.filters,
    plant: await readPlantVocabulary(input.factsPath),
    dedup: false,
  });
  const filters = { ...collected.filters };
  addFilterStats(filters, out.filters);
  const replaced = collected.written.filter((d) => inFailedGroup(below, d));
  const why = `replaced by the offline text: its group is under the floor (${below.join(', ')})`;
  return {
    written: [...collected.written.filter((d) => !inFailedGroup(below, d)), ...out.docs],
    rejected: [
      ...collected.rejected,
      ...out.rejected,
      ...replaced.map((d) => rejectedLine(d, 'quality_floor', why, d.text)),
    ],
    filters,
  };
}

/** The stage's summary: counts by reason, language, style, audience and input, the generator, usage and cost. */
function summarise(
  input: CollectInput,
  docs: CorpusDocument[],
  docsPath: string,
  rejected: Rejected[],
  filters: FilterStats,
  quality: QualityReport,
): ExpandSummary {
  const { config, totals } = input;
  const skipped = totals.skipped + (input.planned - totals.jobs);
  const generator = totals.generator ?? OFFLINE_GENERATOR;
  return {
    generated: totals.generated,
    rejected: countBy(rejected, (r) => r.reason),
    written: docs.length,
    tokens: docs.reduce((a, d) => a + d.tokens, 0),
    byLang: countBy(docs, (d) => d.lang),
    byStyle: countBy(docs, (d) => d.style),
    byAudience: countBy(docs, (d) => d.audience),
    byInput: countBy(docs, (d) => d.input),
    documentsPath: docsPath,
    // the generator as the run fixed it: the model and where it is served (no secrets), and how it was asked
    generator: { ...generator, ...(totals.endpoint?.kind === 'llm' ? { base_url: totals.endpoint.base_url } : {}) },
    usage: {
      ...totals.usage,
      cost_usd: roundUsd(costOf(totals.usage, config.expand.prices)),
      cached: totals.cached,
      requests: totals.requests,
    },
    skipped,
    stopped: skipped ? (totals.stopped ?? 'budget') : null,
    quality,
    unanswered: totals.unanswered,
    modelTexts: generator.kind === 'llm' ? docs.filter((d) => d.generator.kind === 'llm').length : null,
    filters: roundStats(filters),
  };
}
