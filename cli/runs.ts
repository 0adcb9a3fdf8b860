import { randomBytes } from 'node:crypto';
import { resolve } from 'node:path';
import { WorkflowFailedError, type Client, type WorkflowHandle } from '@temporalio/client';
import type { RunConfig } from '../activities/run/config';
import type { RunInput, RunResult } from '../activities/run/contracts';
import { progressQuery, synthesizeCorpus, type Progress } from '../workflows';
import { workflowUiUrl, type ForgeEnv } from '../infra/env';

export function newRunId(now = new Date()): string {
  const stamp = now.toISOString().replace(/[-:]/g, '').replace(/\..*$/, '').replace('T', '-');
  return `run-${stamp}-${randomBytes(3).toString('hex')}`;
}

/** Start one run; returns its handle. Paths are made absolute: the worker reads them. */
export async function startRun(client: Client, env: ForgeEnv, args: { inputs: string[]; outDir: string; config: RunConfig; runId?: string; taskQueue?: string }): Promise<WorkflowHandle<typeof synthesizeCorpus>> {
  const runId = args.runId ?? newRunId();
  const input: RunInput = { runId, inputs: args.inputs.map((p) => resolve(p)), outDir: resolve(args.outDir), config: args.config };
  return client.workflow.start(synthesizeCorpus, { taskQueue: args.taskQueue ?? env.taskQueue, workflowId: `forge-${runId}`, args: [input] });
}

export function describeProgress(p: Progress): string {
  const facts = p.facts === null ? '' : `, ${p.facts} facts`;
  const docs = p.docsWritten === null ? '' : `, ${p.docsWritten} documents`;
  return `${p.stage}: ${p.parsed}/${p.inputs} sources (${p.chunks}/${p.chunksTotal} chunks) parsed, ${p.lines} lines -> ${p.records} records (${p.quarantined} quarantined)${facts}${docs}`;
}

/** Follow a run until it ends, printing each change of progress; throws with the run's own failure message. */
export async function waitForRun(handle: WorkflowHandle<typeof synthesizeCorpus>, print: (line: string) => void, pollMs = 1000): Promise<RunResult> {
  let last = '';
  let done = false;
  const result = handle.result().finally(() => { done = true; });
  while (!done) {
    const line = await handle.query(progressQuery).then(describeProgress).catch(() => last);
    if (line !== last) print((last = line));
    await Promise.race([result.catch(() => undefined), new Promise((r) => setTimeout(r, pollMs))]);
  }
  try {
    return await result;
  } catch (e) {
    throw new Error(`run ${handle.workflowId} failed: ${failureMessage(e)}`);
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
