import { readFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import {
  ScheduleAlreadyRunning,
  ScheduleNotFoundError,
  ScheduleOverlapPolicy,
  type Client,
  type WorkflowHandle,
} from '@temporalio/client';
import { loadRunConfig, runDomain } from '../../activities/run/config';
import { matchInputs } from '../../activities/parse/cursors';
import { DatasetManifest, datasetManifestPath, type ScheduledRunInput } from '../../activities/run/increment';
import { scheduleUiUrl, type ForgeEnv } from '../../infra/env';
import { connectClient } from '../../infra/temporal';
import { scheduledRun, type ScheduledRunResult } from '../../workflows';
import { FORGE_DOMAIN, FORGE_SCHEDULE } from '../../workflows/searchAttributes';
import { out, parseFlags, UsageError } from '../args';
import { DEFAULT_GRAPHS } from '../graphFiles';

const SUBCOMMANDS = ['create', 'list', 'describe', 'pause', 'unpause', 'trigger', 'delete'] as const;

/**
 * `forge schedule create NAME --every 1d|--cron "0 2 * * *" --input PATTERN... --out DIR [--config FILE] [--queue Q]`
 * and `forge schedule list|describe|pause|unpause|trigger [--wait]|delete [NAME]`: Temporal Schedules whose runs
 * read what is new in their inputs (workflows/scheduledRun.ts), one at a time (overlap: buffer one), visible in the
 * Web UI's Schedules page.
 */
export async function scheduleCommand(args: string[], env: ForgeEnv): Promise<void> {
  const [sub, ...rest] = args;
  if (!SUBCOMMANDS.includes(sub as (typeof SUBCOMMANDS)[number]))
    throw new UsageError(`schedule needs one of ${SUBCOMMANDS.join(', ')}`);
  if (sub === 'create') return createSchedule(rest, env);
  const client = await connectClient(env);
  if (sub === 'list') return listSchedules(client);
  const name = rest[0];
  if (!name) throw new UsageError(`schedule ${sub} needs the schedule's NAME`);
  const handle = client.schedule.getHandle(name);
  try {
    if (sub === 'describe') return await describeSchedule(client, name);
    if (sub === 'trigger' && rest.includes('--wait')) return printRun(await triggerAndWait(client, name));
    if (sub === 'pause') await handle.pause(`paused with forge schedule pause`);
    if (sub === 'unpause') await handle.unpause(`unpaused with forge schedule unpause`);
    if (sub === 'trigger') await handle.trigger(ScheduleOverlapPolicy.BUFFER_ONE);
    if (sub === 'delete') await handle.delete();
  } catch (e) {
    if (e instanceof ScheduleNotFoundError) throw new Error(`no schedule named ${name}`);
    throw e;
  }
  out(`${sub === 'trigger' ? 'triggered' : `${sub}d`} ${name}`);
}

/**
 * Trigger a schedule's run now (waiting behind one that runs) and return its handle, once it has started: the run
 * among the schedule's recent actions that was not there before (the list keeps only the last few).
 */
export async function trigger(client: Client, name: string): Promise<WorkflowHandle<typeof scheduledRun>> {
  const handle = client.schedule.getHandle(name);
  const before = new Set((await handle.describe()).info.recentActions.map((a) => a.action.workflow.workflowId));
  await handle.trigger(ScheduleOverlapPolicy.BUFFER_ONE);
  for (;;) {
    const started = (await handle.describe()).info.recentActions.find((a) => !before.has(a.action.workflow.workflowId));
    if (started)
      return client.workflow.getHandle(started.action.workflow.workflowId, started.action.workflow.firstExecutionRunId);
    await new Promise((r) => setTimeout(r, 200));
  }
}

/** Trigger a schedule's run and wait for it: its workflow id and result. */
export async function triggerAndWait(
  client: Client,
  name: string,
): Promise<{ workflowId: string; result: ScheduledRunResult }> {
  const run = await trigger(client, name);
  return { workflowId: run.workflowId, result: await run.result() };
}

function printRun({ workflowId, result }: { workflowId: string; result: ScheduledRunResult }): void {
  const v = result.version;
  out(
    v
      ? `${workflowId}: version ${result.versions} (${result.runId}): ${v.counts.lines} lines -> ${v.counts.records} ` +
          `records, ${v.counts.facts} facts, ${v.counts.docs_written} documents`
      : `${workflowId}: nothing new (${result.versions} versions)`,
  );
  for (const n of result.notes) out(`  note: ${n}`);
}

async function createSchedule(args: string[], env: ForgeEnv): Promise<void> {
  const { values, positionals } = parseFlags(
    args,
    {
      every: { type: 'string' },
      cron: { type: 'string' },
      input: { type: 'string', multiple: true },
      out: { type: 'string' },
      config: { type: 'string' },
      queue: { type: 'string' },
    },
    true,
  );
  const name = positionals[0];
  if (!name || !/^[A-Za-z0-9][A-Za-z0-9._-]*$/.test(name))
    throw new UsageError('schedule create needs a NAME (letters, digits, ".", "_", "-")');
  if (!values.input?.length || !values.out)
    throw new UsageError('schedule create needs --input PATTERN... and --out DIR');
  if (!values.every === !values.cron) throw new UsageError('schedule create needs one of --every 1d and --cron "..."');
  // the config and the patterns are checked now (a clear error before anything is created), and read again by
  // every run
  const configPath = values.config ? resolve(values.config) : null;
  const config = await loadRunConfig(configPath, DEFAULT_GRAPHS);
  for (const p of values.input) {
    const matched = await matchInputs(p).catch((e: Error) => {
      throw new UsageError(e.message);
    });
    if (!matched.length) out(`note: ${p} matches no file yet`);
  }
  const input: ScheduledRunInput = {
    schedule: name,
    inputs: values.input.map((p) => resolve(p)),
    outDir: resolve(values.out),
    configPath,
    defaultGraphs: DEFAULT_GRAPHS,
  };
  const client = await connectClient(env);
  await client.schedule
    .create({
      scheduleId: name,
      spec: values.every
        ? { intervals: [{ every: values.every as `${number}d` }] }
        : { cronExpressions: [values.cron!] },
      action: {
        type: 'startWorkflow',
        workflowType: scheduledRun,
        workflowId: `forge-schedule-${name}`,
        taskQueue: values.queue ?? env.taskQueue,
        args: [input],
        typedSearchAttributes: [
          { key: FORGE_SCHEDULE, value: name },
          { key: FORGE_DOMAIN, value: runDomain(config) },
        ],
        staticSummary: `Forge schedule ${name}: ${input.inputs.length} input pattern(s) -> ${input.outDir}`,
      },
      // never two runs of a schedule at once: one that comes due meanwhile waits (one; more would read nothing new)
      policies: { overlap: ScheduleOverlapPolicy.BUFFER_ONE },
      memo: { outDir: input.outDir },
    })
    .catch((e: Error) => {
      if (e instanceof ScheduleAlreadyRunning)
        throw new Error(`a schedule named ${name} exists: "forge schedule delete ${name}" first, or another NAME`);
      throw e;
    });
  out(`created schedule ${name}: ${values.every ? `every ${values.every}` : `cron ${values.cron}`} -> ${input.outDir}`);
  out(`Web UI: ${scheduleUiUrl(name, env)}`);
}

async function listSchedules(client: Client): Promise<void> {
  let n = 0;
  for await (const s of client.schedule.list()) {
    if (s.action?.workflowType !== 'scheduledRun') continue;
    n++;
    const next = s.info.nextActionTimes[0]?.toISOString() ?? '-';
    const last = s.info.recentActions.at(-1);
    out(
      `${s.scheduleId}\t${s.state.paused ? 'paused' : 'active'}\tnext ${next}\t` +
        `${s.info.recentActions.length} recent run(s)${last ? `, last ${last.action.workflow.workflowId}` : ''}`,
    );
  }
  if (!n) out('no Forge schedules');
}

async function describeSchedule(client: Client, name: string): Promise<void> {
  const d = await client.schedule.getHandle(name).describe();
  const input = d.action.args?.[0] as ScheduledRunInput | undefined;
  out(`${d.scheduleId}: ${d.state.paused ? 'paused' : 'active'}${d.state.note ? ` (${d.state.note})` : ''}`);
  out(
    `  every: ${d.spec.intervals?.map((i) => `${Number(i.every) / 1000} s`).join(', ') || '-'}; ` +
      `calendars: ${d.spec.calendars?.length ?? 0}`,
  );
  out(
    `  next: ${
      d.info.nextActionTimes
        .slice(0, 3)
        .map((t) => t.toISOString())
        .join(', ') || '-'
    }`,
  );
  for (const a of d.info.recentActions) out(`  ran ${a.takenAt.toISOString()}: ${a.action.workflow.workflowId}`);
  if (!input) return;
  out(`  inputs: ${input.inputs.join(', ')}; out: ${input.outDir}; config: ${input.configPath ?? 'defaults'}`);
  const text = await readFile(datasetManifestPath(input.outDir), 'utf8').catch(() => null);
  if (!text) {
    out('  versions: none yet');
    return;
  }
  for (const v of DatasetManifest.parse(JSON.parse(text)).versions)
    out(
      `  v${v.version} ${v.run_id}: ${v.counts.lines} lines -> ${v.counts.records} records, ${v.counts.facts} facts, ` +
        `${v.counts.docs_written} documents`,
    );
}
