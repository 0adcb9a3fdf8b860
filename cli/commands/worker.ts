import { createForgeWorker, llmQueue, type WorkerRole } from '../../infra/worker';
import type { ForgeEnv } from '../../infra/env';
import { out, parseFlags, UsageError } from '../args';

/** `forge worker [--queue Q] [--role all|main|llm] [--llm-slots N]`: one worker until Ctrl-C. */
export async function workerCommand(args: string[], env: ForgeEnv): Promise<void> {
  const { values } = parseFlags(args, {
    queue: { type: 'string' },
    role: { type: 'string' },
    'llm-slots': { type: 'string' },
  });
  const role = (values.role ?? 'all') as WorkerRole;
  if (!['all', 'main', 'llm'].includes(role)) throw new UsageError('--role must be all, main or llm');
  const llmSlots = values['llm-slots'] === undefined ? undefined : Number(values['llm-slots']);
  if (llmSlots !== undefined && !(Number.isInteger(llmSlots) && llmSlots > 0))
    throw new UsageError('--llm-slots must be a positive whole number');
  const queue = values.queue ?? env.taskQueue;
  const w = await createForgeWorker(env, { taskQueue: queue, role, llmSlots });
  const polls = { all: `"${queue}" and "${llmQueue(queue)}"`, main: `"${queue}"`, llm: `"${llmQueue(queue)}"` }[role];
  out(
    `worker polling task queue ${polls} on ${env.temporalAddress} (Neo4j ${env.neo4jUri}, expander: ` +
      `${env.openaiBaseUrl ? `LLM ${env.model} at ${env.openaiBaseUrl}` : 'offline'}); Ctrl-C stops it`,
  );
  try {
    await w.worker.run();
  } finally {
    await w.close();
  }
}
