import { type ActivityOptions, defineSignal, proxyActivities, workflowInfo } from '@temporalio/workflow';
import type { Activities } from '../activities/runActivities';
import { NON_RETRYABLE } from '../activities/common/failures';
import type { RunConfig } from '../activities/run/config';

/** The LLM task queue of a main task queue: expansion activities go there (workers with `--role llm` poll it). */
export const llmQueue = (taskQueue: string) => `${taskQueue}-llm`;

const retry = {
  initialInterval: '1s',
  backoffCoefficient: 2,
  maximumInterval: '30s',
  maximumAttempts: 10,
  nonRetryableErrorTypes: [...NON_RETRYABLE],
};
const FAST: ActivityOptions = { startToCloseTimeout: '5 minutes', retry };
/** activities that stream a whole source or chunk: they heartbeat their progress */
const LONG: ActivityOptions = { startToCloseTimeout: '2 hours', heartbeatTimeout: '2 minutes', retry };

/** Activities with a one-line summary that the Web UI shows on each of them. */
export const fast = (summary: string) => proxyActivities<Activities>({ ...FAST, summary });

/**
 * Long activities, which heartbeat: a silent one (its worker gone) is retried elsewhere after
 * `activities.heartbeatSeconds`. `llm` ones go to the LLM task queue (`<queue>-llm`); a batch there may
 * take hours against a slow local model (one answer at a time, ~10 s each), so only the heartbeat - after
 * every text - bounds it: a 2-hour limit would cut a batch that is progressing and redo it.
 */
export function longActivities(config: RunConfig) {
  const heartbeatTimeout = `${config.activities.heartbeatSeconds}s`;
  return {
    long: (summary: string) => proxyActivities<Activities>({ ...LONG, heartbeatTimeout, summary }),
    llm: (summary: string) =>
      proxyActivities<Activities>({
        ...LONG,
        startToCloseTimeout: '24 hours',
        heartbeatTimeout,
        summary,
        taskQueue: llmQueue(workflowInfo().taskQueue),
      }),
  };
}

/**
 * At most `limit` of the calls at once (bounded fan-out), started in the order they were asked for: a slot
 * freed goes to the longest waiter. Plain promises: deterministic. (A `condition(() => running < limit)`
 * per caller would let every waiter through at once when one slot frees: all conditions are checked before
 * any of them resumes.)
 */
export function limiter(limit: number) {
  let running = 0;
  const waiting: (() => void)[] = [];
  return async <T>(fn: () => Promise<T>): Promise<T> => {
    if (running < limit) running++;
    else await new Promise<void>((resolve) => waiting.push(resolve));
    try {
      return await fn();
    } finally {
      const next = waiting.shift();
      if (next)
        next(); // the slot passes on
      else running--;
    }
  };
}

export const fileName = (path: string) => path.split(/[\\/]/).pop() ?? path;

/**
 * What a child workflow reports to the run as it goes: about this many times (every 5 % of its chunks or
 * batches, and at the end), not once per activity - each signal costs the run's history ~2-4 events.
 */
export const PROGRESS_REPORTS = 20;
/** A child's progress since its last report. */
export type ParseProgressDelta = { chunks: number; lines: number; records: number; quarantined: number };
export const parseProgressSignal = defineSignal<[ParseProgressDelta]>('parseProgress');
export const expandProgressSignal = defineSignal<[{ texts: number }]>('expandProgress');

/** Report progress to the parent every `every` units, and what is left at the end: `add` then `flush`. */
export function batchedReport<D extends Record<string, number>>(
  every: number,
  zero: () => D,
  send: (d: D) => Promise<void>,
  unit: keyof D,
) {
  let pending = zero();
  const flush = async () => {
    if (!pending[unit]) return;
    const d = pending;
    pending = zero();
    await send(d);
  };
  return {
    add: async (d: D) => {
      for (const k of Object.keys(d) as (keyof D)[]) (pending[k] as number) += d[k];
      if (pending[unit] >= every) await flush();
    },
    flush,
  };
}
