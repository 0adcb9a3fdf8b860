import { spawn, type ChildProcess } from 'node:child_process';
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import type { WorkflowHandle } from '@temporalio/client';
import { ROOT } from '../../infra/services';
import { progressQuery, type Progress } from '../../workflows';
import { loadRunConfig, type RunConfig } from '../../activities/run/config';
import { EXAMPLE, readManifest, readShardLines } from './runHelpers';

/**
 * Workers as processes for the fault tests (durability.test.ts, cluster.test.ts): started as users start
 * them, killed as machines die, and the run's outcome compared with an undisturbed one.
 */
export const workers = new Set<ChildProcess>();

/**
 * A `forge worker` process (bin.js and the node process it re-executes, in a process group of its own), once it polls.
 */
export async function startWorker(env: NodeJS.ProcessEnv, cwd = ROOT): Promise<ChildProcess> {
  const w = spawn(process.execPath, [join(ROOT, 'cli', 'bin.js'), 'worker'], {
    env,
    cwd,
    detached: true,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  workers.add(w);
  w.on('exit', () => workers.delete(w));
  await new Promise<void>((resolve, reject) => {
    let out = '';
    w.stdout!.on('data', (d: Buffer) => {
      out += d.toString();
      if (out.includes('worker polling')) resolve();
    });
    w.stderr!.on('data', (d: Buffer) => {
      out += d.toString();
    });
    w.once('exit', (code) => reject(new Error(`worker exited (${code}): ${out}`)));
  });
  return w;
}

/** The processes whose parent is `pid` (from /proc). */
function childrenOf(pid: number): number[] {
  return readdirSync('/proc')
    .filter((d) => /^\d+$/.test(d))
    .flatMap((d) => {
      try {
        const stat = readFileSync(`/proc/${d}/stat`, 'utf8');
        return Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]) === pid ? [Number(d)] : [];
      } catch {
        return []; // gone meanwhile
      }
    });
}

/** A machine's crash, as near as one process tree gets: the worker (bin.js's re-executed node) and bin.js, SIGKILL. */
export const killHard = (w: ChildProcess) => {
  for (const pid of childrenOf(w.pid!)) process.kill(pid, 'SIGKILL');
  process.kill(-w.pid!, 'SIGKILL');
};

/** A run's documents (ids, sorted) and counts. */
export function outcome(outDir: string) {
  const m = readManifest(outDir);
  return {
    ids: readShardLines(outDir)
      .map((d) => d.id)
      .sort(),
    counts: m.counts,
  };
}

/** The run's result, asking again while the Temporal server (or one of its services) is away. */
export async function completed(handle: WorkflowHandle): Promise<void> {
  for (let i = 0; ; i++) {
    try {
      await handle.result();
      return;
    } catch (e) {
      // the run's own end (failed, terminated, cancelled) is final; the server away or restarting is not
      const name = (e as Error).name;
      if (i > 180 || /WorkflowFailedError|WorkflowExecution(Terminated|Cancelled)/.test(name)) throw e;
      await new Promise((r) => setTimeout(r, 1000));
    }
  }
}

/** Wait until the run's progress says so. */
export async function until(handle: WorkflowHandle, pred: (p: Progress) => boolean): Promise<void> {
  for (let i = 0; i < 600; i++) {
    const p = await handle.query(progressQuery).catch(() => null);
    if (p && pred(p)) return;
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error('the run never reached the awaited point');
}

/**
 * The example's configuration with many small expansion batches one after another, and heartbeats every 5 s:
 * the run is in its expansion stage long enough to disturb, and a lost worker's batch is soon run elsewhere.
 */
export async function disturbableConfig(): Promise<RunConfig> {
  const base = await loadRunConfig(join(EXAMPLE, 'forge.config.json'), []);
  return {
    ...base,
    expand: {
      ...base.expand,
      languages: ['en'],
      variants: 3,
      bundles: { pairs: 4, triples: 2, variants: 1 },
      batchSize: 3,
      parallelBatches: 1,
    },
    activities: { heartbeatSeconds: 5 },
  };
}
