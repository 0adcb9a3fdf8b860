import { Context, heartbeat } from '@temporalio/activity';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { readJsonl, toJsonl, writeFileAtomic } from './common/files';
import { Fact } from './knowledge/facts';
import { describeEndpoint, sameEndpoint, type GeneratorEndpoint } from './expand/generatorEndpoint';
import { costOf, dedupDocuments, expandJobs, type Rejected } from './expand/expandFacts';
import { batchFiltersPath, batchPath, batchRejectedPath, readJobBatch, writeJobPlan } from './expand/jobFile';
import { planJobs } from './expand/jobs';
import { OFFLINE_GENERATOR, offlineExpander } from './expand/offlineExpander';
import { assessQuality, describeQuality, inFailedGroup, type QualityReport } from './expand/qualityFloor';
import { LiveQuality, type QualityTally } from './expand/qualityStop';
import { EndpointRefused, LlmExpander } from './expand/llmExpander';
import { loadDedupIndex, saveDedupIndex } from './expand/dedupIndexFile';
import { documentsPath, readDocuments, writeDocuments } from './expand/corpusFiles';
import { rejectedLine, RejectedLine, type CorpusDocument } from './expand/documents';
import { addFilterStats, FilterStats, roundStats } from './expand/filterTypes';
import { readPlantVocabulary } from './expand/plantVocabulary';
import { roundUsd } from './run/buildManifest';
import { mixOf, type RunConfig } from './run/config';
import type { BatchSummary, ExpandSummary, ExpandTotals } from './run/contracts';
import { fail, piiOptionsFor, type ActivityDeps } from './deps';

/** Stage 3: facts expanded into checked texts, in batches on the LLM queue, collected under the quality floor. */
export function createExpandActivities(deps: ActivityDeps) {
  const piiOptions = piiOptionsFor(deps);
  return {
    /** Stage 3a: plan every text of the run (facts and bundles in the configured mix), cut into batches. */
    async planExpansion(input: {
      outDir: string;
      factsPath: string;
      config: RunConfig;
    }): Promise<{ jobs: number; batches: number; batchSize: number }> {
      const facts = await readJsonl(input.factsPath, Fact);
      const jobs = planJobs(facts, mixOf(input.config.expand));
      const batchSize = input.config.expand.batchSize;
      await writeJobPlan(input.outDir, jobs, batchSize);
      return { jobs: jobs.length, batches: Math.ceil(jobs.length / batchSize), batchSize };
    },

    /** Stage 3b (LLM task queue), once per run: the generator this worker writes with, which the run then fixes. */
    async generatorEndpoint(): Promise<GeneratorEndpoint> {
      return deps.endpoint;
    },

    /**
     * Stage 3b (LLM task queue): write and check one batch's texts, within what is left of the budget - only on a
     * worker that writes with the run's generator (`endpoint`); another refuses, writing nothing.
     */
    async expandBatch(input: {
      outDir: string;
      factsPath: string;
      batch: number;
      config: RunConfig;
      budget: { maxTokens: number | null; maxCostUsd: number | null };
      quality?: QualityTally;
      endpoint: GeneratorEndpoint;
    }): Promise<BatchSummary> {
      const { config } = input;
      if (!sameEndpoint(deps.endpoint, input.endpoint))
        throw fail(
          'GeneratorMismatch',
          `this worker writes with ${describeEndpoint(deps.endpoint)}, the run with ` +
            `${describeEndpoint(input.endpoint)}: one corpus is written by one generator - give every LLM worker ` +
            'the same OPENAI_BASE_URL and FORGE_MODEL (or none), or run them on another --queue',
        );
      const jobs = await readJobBatch(input.outDir, await readJsonl(input.factsPath, Fact), input.batch);
      const expander = deps.expanderFor(config.expand, join(input.outDir, 'cache', 'llm'), piiOptions(config));
      const ctx = Context.current();
      // the run's batches on this worker share their quality as it is counted (the expand workflow names the run)
      const live = new LiveQuality(
        ctx.info.workflowExecution?.workflowId ?? null,
        input.quality ?? { accepted: 0, checked: 0 },
      );
      // alive while it waits: against a slow endpoint a text can take minutes (queued requests, retries), and
      // only a worker that is gone should miss the heartbeat timeout; a timed-out attempt is cancelled here
      let progress = { done: 0, total: jobs.length };
      const alive = setInterval(() => ctx.heartbeat(progress), 5_000);
      const outcome = await expandJobs(jobs, expander, {
        // twice as many texts in flight as requests: while one text is checked, another's request is already out
        concurrency: 2 * config.expand.concurrency,
        pii: piiOptions(config),
        filters: config.expand.filters,
        plant: await readPlantVocabulary(input.factsPath),
        dedup: false,
        budget: { ...input.budget, prices: config.expand.prices },
        judge: deps.judgeFor?.(config.expand) ?? null,
        qualityStop: { floor: config.expand.qualityFloor, after: config.expand.qualityStopAfter, live },
        signal: ctx.cancellationSignal,
        onProgress: (done, total) => heartbeat((progress = { done, total })),
      })
        .catch((e: unknown) => {
          throw e instanceof EndpointRefused ? fail('EndpointRefused', e.message) : e;
        })
        .finally(() => {
          clearInterval(alive);
          live.leave();
        });
      await writeDocuments(batchPath(input.outDir, input.batch), outcome.docs);
      await writeFileAtomic(batchRejectedPath(input.outDir, input.batch), toJsonl(outcome.rejected));
      await writeFileAtomic(batchFiltersPath(input.outDir, input.batch), JSON.stringify(outcome.filters));
      return {
        batch: input.batch,
        jobs: jobs.length,
        generated: outcome.generated,
        accepted: outcome.accepted,
        skipped: outcome.skipped,
        cached: outcome.cached,
        stopped: outcome.stopped,
        usage: outcome.usage,
        unanswered: outcome.unanswered,
        requests: expander instanceof LlmExpander ? expander.requests : null,
        generator: expander.generator,
      };
    },

    /**
     * Stage 3c: the batches' documents together, exact and near-duplicates removed (also against earlier runs of the
     * directory).
     */
    async collectDocuments(input: {
      outDir: string;
      factsPath: string;
      config: RunConfig;
      totals: ExpandTotals;
      planned: number;
    }): Promise<ExpandSummary> {
      const { config, outDir, totals } = input;
      // the endpoint left too many prompts unanswered: the run fails with that message (default: all of them)
      const unansweredShare = totals.generated ? totals.unanswered / totals.generated : 0;
      if (totals.unanswered && unansweredShare >= config.expand.maxUnanswered)
        throw fail(
          'Unanswered',
          `the endpoint left ${totals.unanswered} of ${totals.generated} prompts unanswered after every try ` +
            `(expand.maxUnanswered ${config.expand.maxUnanswered}): see no_answer in the batches' rejected texts`,
        );
      const filters: FilterStats = {};
      let rejected: Rejected[] = [];
      let written: CorpusDocument[] = [];
      for (let b = 0; b < totals.started; b++) {
        written.push(
          ...(await readDocuments(batchPath(outDir, b))).filter((d): d is CorpusDocument => d.origin === 'synthetic'),
        );
        rejected.push(...(await readJsonl(batchRejectedPath(outDir, b), RejectedLine)));
        addFilterStats(filters, FilterStats.parse(JSON.parse(await readFile(batchFiltersPath(outDir, b), 'utf8'))));
        if (b % 100 === 99) heartbeat();
      }
      // the quality floor, on what the generator wrote (before de-duplication, which is no fault of its texts)
      const assessed = assessQuality(written, rejected, config.expand.qualityFloor);
      const action: QualityReport['action'] = !assessed.below.length
        ? 'none'
        : config.expand.onLowQuality === 'fail'
          ? 'fail'
          : config.backup.path
            ? 'backup'
            : 'offline';
      if (action === 'offline') {
        // the groups under the floor are written by the offline expander instead, labelled as such
        const facts = await readJsonl(input.factsPath, Fact);
        // after a stop for quality, the batches never started are written offline too: the run is not cut short
        const batches =
          totals.stopped === 'quality' ? Math.ceil(input.planned / config.expand.batchSize) : totals.started;
        const jobs = (await Promise.all(Array.from({ length: batches }, (_, b) => readJobBatch(outDir, facts, b))))
          .flat()
          .filter((j) => inFailedGroup(assessed.below, j));
        const fallback = {
          generator: {
            ...OFFLINE_GENERATOR,
            note: `fallback: the LLM's texts fell under the quality floor (${assessed.below.join(', ')})`,
          },
          expand: offlineExpander.expand,
        };
        const out = await expandJobs(jobs, fallback, {
          concurrency: 8,
          pii: piiOptions(config),
          filters: config.expand.filters,
          plant: await readPlantVocabulary(input.factsPath),
          dedup: false,
        });
        addFilterStats(filters, out.filters);
        // the LLM's rejections stay in rejected.jsonl; its accepted texts of those groups go there too, replaced
        const replaced = written.filter((d) => inFailedGroup(assessed.below, d));
        written = [...written.filter((d) => !inFailedGroup(assessed.below, d)), ...out.docs];
        rejected = [
          ...rejected,
          ...out.rejected,
          ...replaced.map((d) =>
            rejectedLine(
              d,
              'quality_floor',
              `replaced by the offline text: its group is under the floor (${assessed.below.join(', ')})`,
              d.text,
            ),
          ),
        ];
      }
      const early =
        totals.stopped === 'quality'
          ? `; the LLM stopped early, after ${totals.generated} of ${input.planned} texts`
          : '';
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
      const tally = (key: (d: CorpusDocument) => string) => {
        const out: Record<string, number> = {};
        for (const d of docs) out[key(d)] = (out[key(d)] ?? 0) + 1;
        return out;
      };
      const byReason: Record<string, number> = {};
      for (const r of rejected) byReason[r.reason] = (byReason[r.reason] ?? 0) + 1;
      const skipped = totals.skipped + (input.planned - totals.jobs);
      return {
        generated: totals.generated,
        rejected: byReason,
        written: docs.length,
        tokens: docs.reduce((a, d) => a + d.tokens, 0),
        byLang: tally((d) => d.lang),
        byStyle: tally((d) => d.style),
        byAudience: tally((d) => d.audience),
        byInput: tally((d) => d.input),
        documentsPath: docsPath,
        // the generator as the run fixed it: the model and where it is served (no secrets), and how it was asked
        generator: {
          ...(totals.generator ?? OFFLINE_GENERATOR),
          ...(totals.endpoint?.kind === 'llm' ? { base_url: totals.endpoint.base_url } : {}),
        },
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
        modelTexts:
          (totals.generator ?? OFFLINE_GENERATOR).kind === 'llm'
            ? docs.filter((d) => d.generator.kind === 'llm').length
            : null,
        filters: roundStats(filters),
      };
    },
  };
}
