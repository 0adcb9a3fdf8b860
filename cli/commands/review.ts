import type { ForgeEnv } from '../../infra/env';
import { connectClient } from '../../infra/temporal';
import { out, parseFlags, UsageError } from '../args';
import { reviewRun } from '../review';

/** `forge review WORKFLOW_ID [--approve | --reject REASON [--shards a,b]] [--reviewer NAME] [--show N]`. */
export async function reviewCommand(args: string[], env: ForgeEnv): Promise<void> {
  const { values, positionals } = parseFlags(
    args,
    {
      approve: { type: 'boolean' },
      reject: { type: 'string' },
      shards: { type: 'string' },
      reviewer: { type: 'string' },
      show: { type: 'string' },
    },
    true,
  );
  if (!positionals[0]) throw new UsageError('review needs a WORKFLOW_ID');
  if (values.approve && values.reject !== undefined) throw new UsageError('--approve or --reject REASON, not both');
  const client = await connectClient(env);
  const shards = (values.shards ?? '')
    .split(',')
    .map((x) => x.trim())
    .filter(Boolean);
  await reviewRun(
    client.workflow.getHandle(positionals[0]),
    {
      approve: values.approve ?? false,
      reject: values.reject ?? null,
      shards,
      reviewer: values.reviewer ?? process.env.USER ?? null,
      show: values.show === undefined ? 3 : Number(values.show),
    },
    out,
  );
}
