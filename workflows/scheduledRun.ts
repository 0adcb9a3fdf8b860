import { executeChild, setCurrentDetails, workflowInfo } from '@temporalio/workflow';
import type { RunResult } from '../activities/run/contracts';
import type { ScheduledRunInput } from '../activities/run/increment';
import { fast } from './common';
import { synthesizeCorpus } from './synthesizeCorpus';
import { FORGE_DOMAIN, FORGE_RUN_ID, FORGE_SCHEDULE, FORGE_STAGE } from './searchAttributes';

/** What a scheduled run did: the version it added (null when nothing was new), and the dataset's versions. */
export interface ScheduledRunResult {
  runId: string;
  version: RunResult | null;
  versions: number;
  notes: string[];
}

/** A run id from the workflow's start (deterministic): `run-YYYYMMDD-HHMMSS-<last 6 hex of the Temporal run id>`. */
function scheduledRunId(): string {
  const info = workflowInfo();
  const stamp = info.startTime.toISOString().replace(/[-:]/g, '').replace(/\..*$/, '').replace('T', '-');
  return `run-${stamp}-${info.runId.replace(/-/g, '').slice(-6)}`;
}

/**
 * One run of a schedule (`forge schedule create`): plan what is new in its inputs since the committed cursors, run
 * the corpus pipeline on it into a version of its own (a child run), then commit the cursors and the version. A run
 * with nothing new commits its cursors and adds no version (no fact is derived, no text asked for); a run that fails
 * commits nothing, so the next one reads the same lines. The schedule's overlap policy keeps its runs one at a time.
 */
export async function scheduledRun(input: ScheduledRunInput): Promise<ScheduledRunResult> {
  const runId = scheduledRunId();
  const increment = await fast('plan: what is new since the last version').planIncrement({ ...input, runId });
  const read = increment.reads.map((r) => `- ${r.name}: lines ${r.from_line}-${r.to_line}`).join('\n');
  setCurrentDetails(
    `**Schedule** ${input.schedule}\n\n**Run** ${runId}\n\n` +
      `**Reads**\n${read || 'nothing new'}` +
      (increment.notes.length ? `\n\n**Notes**\n${increment.notes.join('\n')}` : ''),
  );
  let version: RunResult | null = null;
  if (increment.sources.length) {
    version = await executeChild(synthesizeCorpus, {
      workflowId: `${workflowInfo().workflowId}/version`,
      staticSummary: `Forge ${input.schedule}: ${increment.sources.length} input(s) -> ${increment.versionDir}`,
      typedSearchAttributes: [
        { key: FORGE_SCHEDULE, value: input.schedule },
        { key: FORGE_RUN_ID, value: runId },
        { key: FORGE_DOMAIN, value: increment.domain },
        { key: FORGE_STAGE, value: 'prepare' },
      ],
      args: [
        {
          runId,
          inputs: [],
          sources: increment.sources,
          outDir: increment.versionDir,
          config: increment.config,
          history: increment.history,
        },
      ],
    });
  }
  const { versions } = await fast('commit: cursors and the dataset manifest').commitIncrement({
    input,
    increment,
    result: version ? { counts: version.counts } : null,
  });
  return { runId, version, versions, notes: increment.notes };
}
