import { continueAsNew, getExternalWorkflowHandle, setCurrentDetails } from '@temporalio/workflow';
import type { RunConfig } from '../activities/run/config';
import type { BatchSummary, ExpandTotals } from '../activities/run/contracts';
import { batchedReport, expandProgressSignal, limiter, longActivities, PROGRESS_REPORTS } from './common';

export interface ExpandFactsInput {
  /** the run's workflow id: progress goes there as signals */
  parent: string;
  outDir: string;
  factsPath: string;
  config: RunConfig;
  /** batches planned in all */
  batches: number;
  /** the first batch of this run of the workflow, and the totals of the batches before it (after continue-as-new) */
  from: number;
  totals: ExpandTotals;
}

export const EMPTY_EXPAND_TOTALS: ExpandTotals = {
  started: 0,
  jobs: 0,
  generated: 0,
  accepted: 0,
  skipped: 0,
  stopped: null,
  cached: 0,
  usage: { prompt_tokens: 0, completion_tokens: 0 },
  requests: null,
  generator: null,
  endpoint: null,
  unanswered: 0,
};

function addBatch(t: ExpandTotals, b: BatchSummary): void {
  t.jobs += b.jobs;
  t.generated += b.generated;
  t.accepted += b.accepted;
  t.skipped += b.skipped;
  t.cached += b.cached;
  t.unanswered += b.unanswered;
  t.usage.prompt_tokens += b.usage.prompt_tokens;
  t.usage.completion_tokens += b.usage.completion_tokens;
  if (b.requests !== null) t.requests = (t.requests ?? 0) + b.requests;
  t.generator ??= b.generator;
  t.stopped ??= b.stopped;
}

/**
 * Stage 3b, a child workflow of the run: expansion batches on the LLM task queue, at most
 * `expand.parallelBatches` at once, each given what is left of the budget and the run's quality so far;
 * once the budget is spent or a batch stopped for quality (expand/qualityStop.ts), no further batch starts.
 * After `expand.continueAsNewAfter` batches it continues as new with the totals so far.
 */
export async function expandFacts(input: ExpandFactsInput): Promise<ExpandTotals> {
  const { config } = input;
  const { llm } = longActivities(config);
  const { budget, prices } = config.expand;
  const totals: ExpandTotals = { ...input.totals, usage: { ...input.totals.usage } };
  const end = Math.min(input.batches, input.from + config.expand.continueAsNewAfter);
  const parent = getExternalWorkflowHandle(input.parent);
  const report = batchedReport<{ texts: number; batches: number }>(
    Math.max(1, Math.ceil(input.batches / PROGRESS_REPORTS)),
    () => ({ texts: 0, batches: 0 }),
    (d) => parent.signal(expandProgressSignal, { texts: d.texts }),
    'batches',
  );
  const show = () =>
    setCurrentDetails(
      `**Batches:** ${totals.started}/${input.batches} started (this run of the ` +
        `workflow: ${input.from + 1}-${end})\n\n**Texts:** ${totals.generated} generated, ${totals.cached} from ` +
        `the cache, ${totals.usage.prompt_tokens + totals.usage.completion_tokens} tokens`,
    );
  show();
  // the run's generator, fixed once (kept across continue-as-new): every batch runs only on a worker writing with it
  totals.endpoint ??= await llm('the run generator').generatorEndpoint();
  const endpoint = totals.endpoint;
  const slot = limiter(config.expand.parallelBatches);
  await Promise.all(
    Array.from({ length: end - input.from }, (_, k) => input.from + k).map((batch) =>
      slot(async () => {
        const spent = {
          tokens: totals.usage.prompt_tokens + totals.usage.completion_tokens,
          cost: (totals.usage.prompt_tokens * prices.prompt + totals.usage.completion_tokens * prices.completion) / 1e6,
        };
        const left = {
          maxTokens: budget.maxTokens === null ? null : budget.maxTokens - spent.tokens,
          maxCostUsd: budget.maxCostUsd === null ? null : budget.maxCostUsd - spent.cost,
        };
        if (
          totals.stopped ||
          (left.maxTokens !== null && left.maxTokens <= 0) ||
          (left.maxCostUsd !== null && left.maxCostUsd <= 0)
        ) {
          totals.stopped ??= 'budget'; // this batch and every later one are not started
          return;
        }
        totals.started = batch + 1;
        const quality = { accepted: totals.accepted, checked: totals.generated };
        const b = await llm(`expand batch ${batch + 1}/${input.batches}`).expandBatch({
          outDir: input.outDir,
          factsPath: input.factsPath,
          batch,
          config,
          budget: left,
          quality,
          endpoint,
        });
        addBatch(totals, b);
        show();
        await report.add({ texts: b.jobs, batches: 1 });
      }),
    ),
  );
  await report.flush();
  if (end < input.batches && !totals.stopped) return continueAsNew<typeof expandFacts>({ ...input, from: end, totals });
  return totals;
}
