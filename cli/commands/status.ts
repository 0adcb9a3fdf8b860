import type { ForgeEnv } from '../../infra/env';
import { connectClient } from '../../infra/temporal';
import { progressQuery, type Progress } from '../../workflows';
import { out, parseFlags, UsageError } from '../args';
import { describeProgress, EMPTY_PROGRESS, progressBar, uiLink } from '../runs';

/** `forge status WORKFLOW_ID [--watch]`: a run's progress, once or as a live bar until it ends. */
export async function statusCommand(args: string[], env: ForgeEnv): Promise<void> {
  const { values, positionals } = parseFlags(args, { watch: { type: 'boolean' } }, true);
  const id = positionals[0];
  if (!id) throw new UsageError('status needs a WORKFLOW_ID');
  const client = await connectClient(env);
  const handle = client.workflow.getHandle(id);
  let progress: Progress | null = null;
  for (;;) {
    const desc = await handle.describe();
    const running = desc.status.name === 'RUNNING';
    // a closed run's query needs a worker to replay it: asked only when not watching, or while it runs
    if (running || !values.watch) progress = await handle.query(progressQuery).catch(() => progress);
    if (!values.watch) {
      out(`${id}: ${desc.status.name}`);
      if (progress) out(`  ${describeProgress(progress)}`);
      out(`Web UI: ${uiLink(env, id)}`);
      return;
    }
    const shown =
      desc.status.name === 'COMPLETED' ? { ...(progress ?? EMPTY_PROGRESS), stage: 'done' as const } : progress;
    const state = running ? (progress ? describeProgress(progress) : 'starting') : desc.status.name;
    const line = `${progressBar(shown)} ${state}`;
    process.stdout.write(process.stdout.isTTY ? `\r\x1b[K${line}` : `${line}\n`);
    if (!running) {
      if (process.stdout.isTTY) process.stdout.write('\n');
      out(`Web UI: ${uiLink(env, id)}`);
      return;
    }
    await new Promise((r) => setTimeout(r, 1000));
  }
}
