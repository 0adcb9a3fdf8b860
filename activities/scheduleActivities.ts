import { NonRetryableError } from './common/failures';
import { asFailure } from './deps';
import { InvalidConfig } from './run/config';
import type { RunResult } from './run/contracts';
import {
  commitIncrement,
  planIncrement,
  type DatasetManifest,
  type Increment,
  type ScheduledRunInput,
} from './run/increment';

/** A scheduled run's two ends: plan what is new since the committed cursors; commit the version and the cursors. */
export function createScheduleActivities() {
  return {
    /** What is new in the schedule's inputs; a config that cannot be read is the run's clear, non-retryable error. */
    async planIncrement(input: ScheduledRunInput & { runId: string }): Promise<Increment> {
      return asFailure(async () => {
        try {
          return await planIncrement(input, input.runId);
        } catch (e) {
          if (e instanceof InvalidConfig)
            throw new NonRetryableError('InvalidConfig', `schedule ${input.schedule}: ${e.message}`);
          throw e;
        }
      });
    },

    /** The run's cursors become the schedule's; its version (when it read anything) goes into dataset.json. */
    async commitIncrement(args: {
      input: ScheduledRunInput;
      increment: Pick<Increment, 'runId' | 'versionDir' | 'notes' | 'reads'>;
      result: Pick<RunResult, 'counts'> | null;
    }): Promise<{ versions: number; datasetPath: string }> {
      const dataset: DatasetManifest = await commitIncrement({ ...args, now: new Date().toISOString() });
      return { versions: dataset.versions.length, datasetPath: `${args.input.outDir}/dataset.json` };
    },
  };
}
