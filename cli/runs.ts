import { randomBytes } from 'node:crypto';
import { basename, resolve } from 'node:path';
import { WorkflowFailedError, type Client, type WorkflowHandle } from '@temporalio/client';
import { temporal } from '@temporalio/proto';
import { runDomain, type RunConfig } from '../activities/run/config';
import type { RunInput, RunResult } from '../activities/run/contracts';
import { EMPTY_PROGRESS, progressQuery, synthesizeCorpus, type Progress } from '../workflows';

export { EMPTY_PROGRESS };
import { FORGE_DOMAIN, FORGE_RUN_ID, FORGE_STAGE } from '../workflows/searchAttributes';
import { workflowUiUrl, type ForgeEnv } from '../infra/env';

export function newRunId(now = new Date()): string {
  const stamp = now.toISOString().replace(/[-:]/g, '').replace(/\..*$/, '').replace('T', '-');
  return `run-${stamp}-${randomBytes(3).toString('hex')}`;
}

/** Start one run; returns its handle. Paths are made absolute: the worker reads them. */
export async function startRun(
  client: Client,
  env: ForgeEnv,
  args: { inputs: string[]; outDir: string; config: RunConfig; runId?: string; taskQueue?: string },
): Promise<WorkflowHandle<typeof synthesizeCorpus>> {
  const runId = args.runId ?? newRunId();
  const input: RunInput = {
    runId,
    inputs: args.inputs.map((p) => resolve(p)),
    outDir: resolve(args.outDir),
    config: args.config,
  };
  const domain = runDomain(args.config);
  try {
    return await client.workflow.start(synthesizeCorpus, {
      taskQueue: args.taskQueue ?? env.taskQueue,
      workflowId: `forge-${runId}`,
      args: [input],
      typedSearchAttributes: [
        { key: FORGE_RUN_ID, value: runId },
        { key: FORGE_DOMAIN, value: domain },
        { key: FORGE_STAGE, value: 'prepare' },
      ],
      staticSummary:
        `Forge ${domain}: ${input.inputs.length} input${input.inputs.length === 1 ? '' : 's'} -> ` + `${input.outDir}`,
      staticDetails: [
        `**Run** ${runId} (domain ${domain})`,
        `**Inputs**\n${input.inputs.map((p) => `- ${p}`).join('\n')}`,
        `**Output** ${input.outDir}`,
        `**Graphs** ${args.config.graphs.map((g) => basename(g)).join(', ') || 'none'}`,
        `**Mix** styles ${args.config.expand.styles.join(', ')}; languages ${args.config.expand.languages.join(', ')}`,
      ].join('\n\n'),
    });
  } catch (e) {
    if (/search attribute/i.test((e as Error).message)) {
      throw new Error(
        `the namespace ${env.temporalNamespace} lacks Forge's search attributes (${(e as Error).message}): run ` +
          `"npx forge search-attributes" once for this cluster`,
      );
    }
    throw e;
  }
}

/**
 * A progress bar from the run's progress query: each stage has its share of the bar (parsing by chunks,
 * expansion by the texts of finished batches); an estimate of where the run is, not a time.
 */
export function progressBar(p: Progress | null, width = 30): string {
  let f = 0;
  if (p) {
    const parse = p.chunksTotal ? p.chunks / p.chunksTotal : 0;
    f = {
      prepare: 0,
      parse: 0.05 + 0.45 * parse,
      knowledge: 0.5,
      expand: 0.6 + 0.35 * (p.texts?.total ? p.texts.done / p.texts.total : 0),
      review: 0.95,
      manifest: 0.98,
      done: 1,
    }[p.stage];
  }
  const n = Math.round(f * width);
  return `[${'#'.repeat(n)}${'.'.repeat(width - n)}] ${String(Math.round(f * 100)).padStart(3)}%`;
}

export function describeProgress(p: Progress): string {
  const facts = p.facts === null ? '' : `, ${p.facts} facts`;
  const docs = p.docsWritten === null ? '' : `, ${p.docsWritten} documents`;
  return (
    `${p.stage}: ${p.parsed}/${p.inputs} sources (${p.chunks}/${p.chunksTotal} chunks) ` +
    `parsed, ${p.lines} lines -> ${p.records} records (${p.quarantined} quarantined)${facts}${docs}`
  );
}

/** How long one progress query is waited for. */
const QUERY_WAIT_MS = 5_000;

export interface WaitOptions {
  /** between progress queries */
  pollMs?: number;
  /** the run's task queue: checked for workers once progress goes unanswered for `noWorkerAfterMs` */
  taskQueue?: string;
  noWorkerAfterMs?: number;
}

/**
 * Follow a run until it ends, printing each change of progress; throws with the run's own failure message.
 * A run nobody works on waits silently in Temporal: when its progress goes unanswered for a while and no
 * worker polls its task queue, the CLI says so (once) and keeps waiting.
 */
export async function waitForRun(
  handle: WorkflowHandle<typeof synthesizeCorpus>,
  print: (line: string) => void,
  opts: WaitOptions = {},
): Promise<RunResult> {
  const { pollMs = 1000, taskQueue, noWorkerAfterMs = 20_000 } = opts;
  let last = '';
  let done = false;
  let answered = Date.now();
  let warned = false;
  const result = handle.result().finally(() => {
    done = true;
  });
  while (!done) {
    // a query waits for a worker to answer it: without one it does not come back soon, so it is not awaited long
    const query = handle
      .query(progressQuery)
      .then(describeProgress)
      .catch(() => null);
    let timer: NodeJS.Timeout | undefined;
    const line = await Promise.race([
      query,
      new Promise<null>((r) => (timer = setTimeout(() => r(null), QUERY_WAIT_MS))),
    ]).finally(() => clearTimeout(timer));
    if (line !== null) {
      answered = Date.now();
      if (line !== last) print((last = line));
    }
    if (
      taskQueue &&
      !warned &&
      Date.now() - answered >= noWorkerAfterMs &&
      !(await hasWorkflowPollers(handle, taskQueue))
    ) {
      warned = true;
      print(
        `no worker polls the task queue "${taskQueue}": the run waits until one does - start one with "npx ` +
          `forge worker"`,
      );
    }
    await Promise.race([result.catch(() => undefined), new Promise((r) => setTimeout(r, pollMs))]);
  }
  try {
    return await result;
  } catch (e) {
    throw new Error(`run ${handle.workflowId} failed: ${failureMessage(e)}`);
  }
}

/** Whether any worker polls `taskQueue` for workflow tasks (true when the server cannot tell: no false alarm). */
async function hasWorkflowPollers(handle: WorkflowHandle, taskQueue: string): Promise<boolean> {
  try {
    const res = await handle.client.workflowService.describeTaskQueue({
      namespace: handle.client.options.namespace,
      taskQueue: { name: taskQueue },
      taskQueueType: temporal.api.enums.v1.TaskQueueType.TASK_QUEUE_TYPE_WORKFLOW,
    });
    return (res.pollers?.length ?? 0) > 0;
  } catch {
    return true;
  }
}

/** The innermost cause of a workflow failure: the message the activity raised. */
export function failureMessage(e: unknown): string {
  let err = e as { message?: string; cause?: unknown } | undefined;
  if (e instanceof WorkflowFailedError) err = e.cause as typeof err;
  while (err && err.cause) err = err.cause as typeof err;
  return err?.message ?? String(e);
}

export function uiLink(env: ForgeEnv, workflowId: string): string {
  return workflowUiUrl(workflowId, env);
}
