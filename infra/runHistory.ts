import type { Client, WorkflowHandle } from '@temporalio/client';

type HistoryEvent = NonNullable<Awaited<ReturnType<WorkflowHandle['fetchHistory']>>['events']>[number];

/** One run of one workflow execution of a Forge run: the run itself, or a run of one of its child workflows. */
export interface WorkflowRunHistory {
  workflowId: string;
  runId: string;
  /** the child workflow's type, or the run's */
  type: string;
  events: HistoryEvent[];
  /** bytes of history, as the server counts them (Temporal's limit: 50 MB per run) */
  sizeBytes: number;
}

/**
 * The histories of a Forge run and of every run of its child workflows (continue-as-new followed to the
 * end): what Temporal's per-run limits (51,200 events, 50 MB) apply to, and where activities of a stage are.
 */
export async function runHistories(client: Client, handle: WorkflowHandle): Promise<WorkflowRunHistory[]> {
  const out: WorkflowRunHistory[] = [];
  const visit = async (workflowId: string, runId: string | undefined): Promise<void> => {
    for (let run: string | undefined = runId; ; ) {
      const h = client.workflow.getHandle(workflowId, run);
      const [events, desc] = await Promise.all([h.fetchHistory().then((x) => x.events ?? []), h.describe()]);
      out.push({
        workflowId,
        runId: desc.runId,
        type: desc.type,
        events,
        sizeBytes: Number(desc.raw.workflowExecutionInfo?.historySizeBytes ?? 0),
      });
      for (const e of events) {
        const child = e.childWorkflowExecutionStartedEventAttributes?.workflowExecution;
        if (child?.workflowId) await visit(child.workflowId, child.runId ?? undefined);
      }
      run =
        events.find((e) => e.workflowExecutionContinuedAsNewEventAttributes)
          ?.workflowExecutionContinuedAsNewEventAttributes?.newExecutionRunId ?? undefined;
      if (!run) return;
    }
  };
  await visit(handle.workflowId, (await handle.describe()).runId);
  return out;
}

/** The activities scheduled in some histories, as [type, summary] pairs. */
export function scheduledActivities(
  histories: readonly WorkflowRunHistory[],
): { type: string; summary: string | null }[] {
  return histories.flatMap((h) =>
    h.events
      .filter((e) => e.activityTaskScheduledEventAttributes)
      .map((e) => {
        const data = e.userMetadata?.summary?.data;
        return {
          type: e.activityTaskScheduledEventAttributes!.activityType?.name ?? '',
          summary: data ? (JSON.parse(Buffer.from(data).toString('utf8')) as string) : null,
        };
      }),
  );
}
