import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { loadRunConfig } from '../../activities/run/config';
import type { ForgeEnv } from '../../infra/env';
import { connectClient } from '../../infra/temporal';
import { out, parseFlags, UsageError } from '../args';
import { DEFAULT_GRAPHS } from '../graphFiles';
import { startRun, uiLink, waitForRun } from '../runs';

/**
 * `forge run --input PATH... --out DIR [--config FILE] [--wait] [--queue Q]`: the configuration is read and checked
 * (every key and cross-field rule) before the run starts; prints the workflow id and its Web UI link.
 */
export async function runCommand(args: string[], env: ForgeEnv): Promise<void> {
  const { values } = parseFlags(args, {
    input: { type: 'string', multiple: true },
    out: { type: 'string' },
    config: { type: 'string' },
    wait: { type: 'boolean' },
    queue: { type: 'string' },
  });
  if (!values.input?.length || !values.out) throw new UsageError('run needs --input PATH (one or more) and --out DIR');
  const config = await loadRunConfig(values.config ?? null, DEFAULT_GRAPHS);
  const client = await connectClient(env);
  const handle = await startRun(client, env, {
    inputs: values.input,
    outDir: values.out,
    config,
    taskQueue: values.queue,
  });
  out(`started ${handle.workflowId}`);
  out(`Web UI: ${uiLink(env, handle.workflowId)}`);
  if (!values.wait) return;
  const result = await waitForRun(handle, (l) => out(`  ${l}`), { taskQueue: values.queue ?? env.taskQueue });
  const manifest = JSON.parse(await readFile(result.manifestPath, 'utf8')) as {
    quality_floor?: { summary: string };
    generation?: { model_texts?: number | null; unanswered?: number };
  };
  if (manifest.quality_floor) out(manifest.quality_floor.summary);
  const g = manifest.generation;
  // a model run that kept none of the model's texts says so first
  const none = g?.model_texts === 0 ? 'no model text kept (every document is offline or real); ' : '';
  const unanswered = g?.unanswered ? `; ${g.unanswered} prompts unanswered (no_answer)` : '';
  out(
    `done: ${none}${result.counts.docs_written} documents ` +
      `in ${join(result.outDir, 'shards')}; manifest ${result.manifestPath}${unanswered}`,
  );
}
