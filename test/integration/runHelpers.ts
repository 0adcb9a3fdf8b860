import { mkdtempSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { bundleWorkflowCode, Runtime, DefaultLogger, type WorkflowBundleWithSourceMap } from '@temporalio/worker';
import { CorpusDocument, ShardDocument } from '../../activities/expand/documents';
import { Manifest } from '../../activities/run/contracts';
import type { Client } from '@temporalio/client';
import type { ForgeEnv } from '../../infra/env';
import { connectClient } from '../../infra/temporal';
import { createForgeWorker } from '../../infra/worker';

export const ROOT = join(__dirname, '..', '..');
export const EXAMPLE = join(ROOT, 'examples', 'moulding-line');
export const EXAMPLE_INPUTS = ['sensors.csv', 'events.log', 'workorders.txt'].map((f) => join(EXAMPLE, f));

let runtimeInstalled = false;
/** Quiet SDK logs in tests; bundle the workflows once per suite. */
export async function bundle(): Promise<WorkflowBundleWithSourceMap> {
  if (!runtimeInstalled) {
    Runtime.install({ logger: new DefaultLogger('WARN') });
    runtimeInstalled = true;
  }
  return bundleWorkflowCode({ workflowsPath: require.resolve('../../workflows'), logger: new DefaultLogger('WARN') });
}

export function tempDir(prefix: string): string {
  return mkdtempSync(join(tmpdir(), `forge-${prefix}-`));
}

export function readManifest(dir: string): Manifest {
  return Manifest.parse(JSON.parse(readFileSync(join(dir, 'manifest.json'), 'utf8')));
}

/** Every line of the run's JSON-lines shards, validated. */
export function readShardLines(dir: string): ShardDocument[] {
  const shards = join(dir, 'shards');
  return readdirSync(shards)
    .sort()
    .flatMap((f) =>
      readFileSync(join(shards, f), 'utf8')
        .trim()
        .split('\n')
        .map((l) => ShardDocument.parse(JSON.parse(l))),
    );
}
/** The synthetic documents of the run's shards. */
export function readDocs(dir: string): CorpusDocument[] {
  return readShardLines(dir).filter((d): d is CorpusDocument => d.origin === 'synthetic');
}

/** Every file under `dir`, recursively. */
export function allFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((f) => {
    const p = join(dir, f);
    return statSync(p).isDirectory() ? allFiles(p) : [p];
  });
}

/** Data lines of a source as the parsers count them: not blank, not a header, not a comment. */
export function dataLines(file: string): number {
  const lines = readFileSync(file, 'utf8')
    .split(/\r?\n/)
    .filter((l) => l.trim() !== '');
  if (file.endsWith('.csv')) return lines.length - 1;
  return lines.filter((l) => !l.trimStart().startsWith('#')).length;
}

/** A worker for the whole test file, running until `stop()`; and a client. */
export async function runningWorker(env: ForgeEnv): Promise<{ client: Client; stop: () => Promise<void> }> {
  const fw = await createForgeWorker(env, { workflowBundle: await bundle() });
  const running = fw.worker.run();
  const client = await connectClient(env);
  return {
    client,
    stop: async () => {
      fw.worker.shutdown();
      await running;
      await fw.close();
    },
  };
}
