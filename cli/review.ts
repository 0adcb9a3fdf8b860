import { createInterface } from 'node:readline/promises';
import type { WorkflowHandle } from '@temporalio/client';
import { readSample } from '../activities/expand/corpusFiles';
import type { ReviewDecision } from '../activities/run/contracts';
import { reviewQuery, reviewUpdate } from '../workflows';
import { failureMessage } from './runs';

export interface ReviewArgs {
  approve: boolean;
  reject: string | null;
  shards: string[];
  reviewer: string | null;
  show: number;
}

/**
 * `forge review`: print the run's review sample (per shard, up to `show` documents, each cut to a few
 * lines), then send the decision as the run's `review` Update - from the flags, or asked on the terminal.
 * The run validates it (a rejection needs a reason; shards must be the run's) and says so if it refuses.
 */
export async function reviewRun(handle: WorkflowHandle, args: ReviewArgs, out: (line: string) => void): Promise<void> {
  const state = await handle.query(reviewQuery);
  if (state.state !== 'awaiting') {
    out(`${handle.workflowId} is not waiting for a review (${state.state}).`);
    return;
  }
  const sample = await readSample(state.samplePath!);
  const byShard = new Map<string, typeof sample>();
  for (const d of sample) byShard.set(d.shard, [...(byShard.get(d.shard) ?? []), d]);
  out(
    `Review sample of ${handle.workflowId}: ${sample.length} documents ` +
      `from ${state.shards.length} shards (${state.samplePath}); the run waits until ${state.deadline}.`,
  );
  for (const [shard, docs] of byShard) {
    out('');
    out(`== ${shard}`);
    for (const d of docs.slice(0, args.show)) {
      const label = d.origin === 'synthetic' ? `${d.style}, ${d.audience}, ${d.input}` : `real, ${d.source}`;
      out(`-- ${d.id} (${d.lang}; ${label})`);
      const lines = d.text.split('\n');
      out(
        lines
          .slice(0, 6)
          .map((l) => (l.length > 160 ? `${l.slice(0, 157)}...` : l))
          .join('\n') + (lines.length > 6 ? '\n...' : ''),
      );
    }
  }
  let decision: ReviewDecision;
  if (args.approve) decision = { decision: 'approve' };
  else if (args.reject !== null) decision = { decision: 'reject', reason: args.reject, shards: args.shards };
  else {
    const rl = createInterface({ input: process.stdin, output: process.stdout });
    try {
      const answer = (await rl.question('\nApprove this corpus? [a]pprove / [r]eject: ')).trim().toLowerCase();
      if (answer.startsWith('a')) decision = { decision: 'approve' };
      else if (answer.startsWith('r')) {
        const reason = (await rl.question('Reason: ')).trim();
        const shards = (await rl.question('Shards to reject (comma-separated, empty = all): '))
          .split(',')
          .map((x) => x.trim())
          .filter(Boolean);
        decision = { decision: 'reject', reason, shards };
      } else {
        out('No decision sent.');
        return;
      }
    } finally {
      rl.close();
    }
  }
  const result = await handle
    .executeUpdate(reviewUpdate, { args: [{ ...decision, ...(args.reviewer ? { reviewer: args.reviewer } : {}) }] })
    .catch((e: unknown) => {
      throw new Error(`the run refused the decision: ${failureMessage(e)}`);
    });
  out(
    `sent: ${result.decision}${result.reason ? ` (${result.reason})` : ''}` +
      (result.shards.length ? ` for ${result.shards.join(', ')}` : ''),
  );
}
