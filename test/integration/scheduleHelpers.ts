import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Fact } from '../../activities/kinds';
import type { Client } from '@temporalio/client';
import { scheduleCommand, triggerAndWait as runAndWait } from '../../cli/commands/schedule';
import type { ForgeEnv } from '../../infra/env';
import type { ScheduledRunResult } from '../../workflows';
import { allFiles } from './runHelpers';

/** `forge schedule ...` in process; what it printed. */
export async function forgeSchedule(env: ForgeEnv, ...args: string[]): Promise<string> {
  let said = '';
  const spy = jest.spyOn(process.stdout, 'write').mockImplementation((s) => {
    said += String(s);
    return true;
  });
  try {
    await scheduleCommand(args, env);
  } finally {
    spy.mockRestore();
  }
  return said;
}

export { trigger } from '../../cli/commands/schedule';

export const triggerAndWait = async (client: Client, _env: ForgeEnv, name: string): Promise<ScheduledRunResult> =>
  (await runAndWait(client, name)).result;

/** Every (version, file, line) the versions' records and quarantine hold, with how often. */
export function versionLines(outDir: string): Map<string, number> {
  const seen = new Map<string, number>();
  for (const f of versionFiles(outDir, /\/(records|quarantine)\/[^/]+\.jsonl$/)) {
    const version = f.slice(join(outDir, 'versions').length + 1).split('/')[0];
    for (const l of readFileSync(f, 'utf8').split('\n').filter(Boolean)) {
      const r = JSON.parse(l) as { source?: string; line?: number; lines?: number[] };
      for (const n of r.lines ?? (r.line !== undefined ? [r.line] : [])) {
        const key = `${version}/${r.source}:${n}`;
        seen.set(key, (seen.get(key) ?? 0) + 1);
      }
    }
  }
  return seen;
}

/** A version's facts. */
export const readFacts = (outDir: string, dir: string): Fact[] =>
  readFileSync(join(outDir, dir, 'facts.jsonl'), 'utf8')
    .split('\n')
    .filter(Boolean)
    .map((l) => Fact.parse(JSON.parse(l)));

/** The alarms raised, as a version's event-chain facts count them (the data so far). */
export const raisedSoFar = (facts: readonly Fact[]) =>
  facts.reduce((a, f) => a + (f.kind === 'event_chain' ? f.statement.raised : 0), 0);

/** The alarm lines raised in all of a schedule's versions' records. */
export const raisedLines = (outDir: string) =>
  [...versionEvents(outDir)].filter((e) => e.state === 'raised' && e.code).length;

/** Every event record of a schedule's versions (each version's record files). */
function* versionEvents(outDir: string): Generator<{ state?: string; code?: string | null }> {
  for (const f of versionFiles(outDir, /\/records\/[^/]+\.jsonl$/)) {
    for (const l of readFileSync(f, 'utf8').split('\n').filter(Boolean)) {
      const r = JSON.parse(l) as { kind: string; state?: string; code?: string | null };
      if (r.kind === 'event') yield r;
    }
  }
}

/** The record files of a schedule's versions whose path matches `pattern` (segmented series files left out). */
const versionFiles = (outDir: string, pattern: RegExp) =>
  allFiles(join(outDir, 'versions')).filter((f) => pattern.test(f) && !f.endsWith('.series.jsonl'));
