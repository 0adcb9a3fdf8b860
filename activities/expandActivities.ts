import { Context, heartbeat } from '@temporalio/activity';
import { join } from 'node:path';
import { readJsonl, toJsonl, writeFileAtomic } from './common/files';
import { Fact } from './kinds';
import { describeEndpoint, sameEndpoint, type GeneratorEndpoint } from './expand/generatorEndpoint';
import { expandJobs } from './expand/expandFacts';
import { batchFiltersPath, batchPath, batchRejectedPath, readJobBatch, writeJobPlan } from './expand/jobFile';
import { planJobs } from './expand/jobs';
import { readFactIndex } from './run/increment';
import { settled, supersededTexts } from './run/factIndex';
import { dropFromDedupIndex } from './expand/dedupIndexFile';
import { LiveQuality, type QualityTally } from './expand/qualityStop';
import { EndpointRefused, LlmExpander } from './expand/llmExpander';
import { writeDocuments } from './expand/corpusFiles';
import { readPlantVocabulary } from './expand/plantVocabulary';
import { mixOf, type RunConfig } from './run/config';
import type { BatchSummary, ExpandSummary } from './run/contracts';
import { collectDocuments, type CollectInput } from './run/collectDocuments';
import { asFailure, fail, piiOptionsFor, type ActivityDeps } from './deps';

/** Stage 3: facts expanded into checked texts, in batches on the LLM queue, collected under the quality floor. */
export function createExpandActivities(deps: ActivityDeps) {
  const piiOptions = piiOptionsFor(deps);
  return {
    /** Stage 3a: plan every text of the run (facts and bundles in the configured mix), cut into batches. */
    async planExpansion(input: {
      outDir: string;
      factsPath: string;
      config: RunConfig;
      /** a schedule's version: the dataset, whose facts said already (unchanged) are not expanded again */
      dataset?: string;
    }): Promise<{ jobs: number; batches: number; batchSize: number }> {
      const facts = await readJsonl(input.factsPath, Fact);
      const said = input.dataset ? await readFactIndex(input.dataset) : {};
      // the earlier texts of the facts changed leave the near-duplicate index: their new texts replace them
      await dropFromDedupIndex(input.outDir, supersededTexts(said, facts));
      // a text only about facts said already, as they are, is not asked for again
      const jobs = planJobs(facts, mixOf(input.config.expand)).filter((j) => j.facts.some((f) => !settled(said, f)));
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

    /** Stage 3c: the batches' documents together under the quality floor, de-duplicated (run/collectDocuments.ts). */
    collectDocuments: (input: CollectInput): Promise<ExpandSummary> =>
      asFailure(() => collectDocuments(input, piiOptions(input.config), heartbeat)),
  };
}
