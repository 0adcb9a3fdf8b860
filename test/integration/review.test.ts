import { execFile } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import type { Client, WorkflowHandle } from '@temporalio/client';
import { difficulty } from '../../activities/expand/assemble';
import { loadRunConfig, type RunConfig } from '../../activities/run/config';
import type { ReviewDecision } from '../../activities/run/contracts';
import { failureMessage, startRun, waitForRun } from '../../cli/runs';
import { reviewQuery, reviewUpdate } from '../../workflows';
import { EXAMPLE, EXAMPLE_INPUTS, readManifest, readShardLines, ROOT, runningWorker, tempDir } from './runHelpers';
import { testEnv } from './testEnv';

jest.setTimeout(120_000);
const execFileP = promisify(execFile);

const env = testEnv();
let client: Client;
let stopWorker: () => Promise<void>;
let backup: string;

beforeAll(async () => {
  ({ client, stop: stopWorker } = await runningWorker(env));
  // a real-data corpus: plant notes as maintenance teams write them, plus lines that must be left out
  backup = join(tempDir('backup'), 'plant-notes.jsonl');
  const notes = Array.from({ length: 80 }, (_, i) =>
    JSON.stringify(
      i % 2
        ? {
            text:
              `Shift note ${i}: the mould temperature controller was checked, the water filter was blocked ` +
              `and was cleaned; the mould temperature came back to its setpoint within ${10 + i} minutes.`,
          }
        : {
            text: `交接班记录 ${i}：检查了模温机，发现水过滤器堵塞，清洗后模具温度在 ${10 + i} 分钟内回到设定值，制品外观恢复正常。`,
            lang: 'zh',
          },
    ),
  );
  writeFileSync(
    backup,
    [
      ...notes,
      'not json',
      JSON.stringify({
        text:
          'Please call Zhang Wei on 13812345678 about the mould temperature controller and the blocked ' +
          'water filter of line three.',
      }),
    ].join('\n') + '\n',
  );
});

afterAll(async () => {
  await stopWorker?.();
});

/** The example line with a small mix (fewer texts, several shards) and the given review and backup settings. */
async function config(over: {
  review?: Partial<RunConfig['review']>;
  backup?: Partial<RunConfig['backup']>;
}): Promise<RunConfig> {
  const base = await loadRunConfig(join(EXAMPLE, 'forge.config.json'), []);
  return {
    ...base,
    expand: { ...base.expand, variants: 2, languages: ['en'], bundles: { pairs: 2, triples: 0, variants: 1 } },
    shards: { ...base.shards, maxDocs: 10 },
    review: { ...base.review, ...over.review },
    backup: { ...base.backup, ...over.backup },
  };
}
const cli = (...args: string[]) =>
  execFileP(process.execPath, [join(ROOT, 'cli', 'bin.js'), ...args], {
    env: { ...process.env, TEMPORAL_ADDRESS: env.temporalAddress },
    encoding: 'utf8',
  });
async function awaitingReview(handle: WorkflowHandle) {
  for (let i = 0; i < 200; i++) {
    const s = await handle.query(reviewQuery).catch(() => null);
    if (s?.state === 'awaiting') return;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error('the run never came to wait for review');
}

test(
  'forge review shows the sample and rejects one shard: it is replaced from the backup corpus, mixed at the ' +
    'configured ratio, in curriculum order',
  async () => {
    const outDir = tempDir('review-reject');
    const handle = await startRun(client, env, {
      inputs: EXAMPLE_INPUTS,
      outDir,
      config: await config({ review: { wait: true, perShard: 2 }, backup: { path: backup, mixRatio: 0.2 } }),
    });
    await awaitingReview(handle);
    const { stdout } = await cli(
      'review',
      handle.workflowId,
      '--reject',
      'too generic for operators',
      '--shards',
      'part-00001.jsonl',
      '--reviewer',
      'qa-lead',
    );
    expect(stdout).toMatch(
      new RegExp(
        String.raw`^Review sample of forge-run-[\s\S]*== part-00000\.jsonl[\s\S]*sent: reject \(too generic` +
          String.raw` for operators\) for part-00001\.jsonl\n$`,
      ),
    );
    await waitForRun(handle, () => undefined);
    const m = readManifest(outDir);
    expect(m.review).toMatchObject({
      requested: true,
      decision: 'reject',
      reason: 'too generic for operators',
      shards: ['part-00001.jsonl'],
      reviewer: 'qa-lead',
      timed_out: false,
      sample: 'review/sample.jsonl',
    });
    expect(m.review.sampled).toBe(2 * m.shards.length);
    expect(m.fallback).toEqual([
      {
        shard: 'part-00001.jsonl',
        gate: 'review',
        reason: 'rejected in review: too generic for operators',
        replaced: expect.any(Number),
        from_backup: expect.any(Number),
      },
    ]);
    expect(m.fallback[0].from_backup).toBe(m.fallback[0].replaced);
    const lines = readShardLines(outDir);
    // the rejected shard now holds only real documents; the others mix real ones in at about 0.2
    const shard1 = m.shards.find((s) => s.path === 'shards/part-00001.jsonl')!;
    expect(shard1.real).toBe(shard1.docs);
    expect(m.mix).toMatchObject({
      real_ratio: 0.2,
      backup,
      backup_rejected: { not_json: 1, pii: 1 },
      order: 'curriculum',
    });
    expect(m.mix.real).toBe(lines.filter((d) => d.origin === 'real').length);
    // curriculum: outside the replaced shard, basic to complex from the first shard to the last
    let at = 0;
    const byShard = m.shards.map((sh) => ({ path: sh.path, docs: lines.slice(at, (at += sh.docs)) }));
    const order = byShard.filter((sh) => sh.path !== shard1.path).flatMap((sh) => sh.docs.map(difficulty));
    expect(order).toEqual([...order].sort((a, b) => a - b));
    // nothing personal from the backup reached the corpus
    expect(lines.some((d) => d.text.includes('13812345678'))).toBe(false);
  },
);

test('an invalid decision is refused by the run with the reason; approving then lets it finish', async () => {
  const outDir = tempDir('review-approve');
  const handle = await startRun(client, env, {
    inputs: EXAMPLE_INPUTS,
    outDir,
    config: await config({ review: { wait: true } }),
  });
  await awaitingReview(handle);
  const refused = (d: ReviewDecision) =>
    handle.executeUpdate(reviewUpdate, { args: [d] }).then(() => 'accepted', failureMessage);
  expect(await refused({ decision: 'reject' })).toBe('a rejection needs a reason');
  expect(await refused({ decision: 'reject', reason: 'x', shards: ['part-99999.jsonl'] })).toMatch(
    /^no such shard in this run: part-99999\.jsonl/,
  );
  await expect(cli('review', handle.workflowId, '--reject', ' ')).rejects.toThrow(
    /the run refused the decision: a rejection needs a reason/,
  );
  const { stdout } = await cli('review', handle.workflowId, '--approve', '--show', '0');
  expect(stdout).toMatch(/sent: approve\n$/);
  await waitForRun(handle, () => undefined);
  expect(readManifest(outDir).review).toMatchObject({ decision: 'approve', timed_out: false });
  expect(readManifest(outDir).fallback).toEqual([]);
  expect((await cli('review', handle.workflowId)).stdout).toMatch(/is not waiting for a review \(decided\)/);
});

test.each([
  [
    'approve',
    (m: ReturnType<typeof readManifest>) => expect(m.review).toMatchObject({ decision: 'approve', timed_out: true }),
  ],
  [
    'fallback',
    (m: ReturnType<typeof readManifest>) => {
      expect(m.review).toMatchObject({ decision: 'reject', timed_out: true });
      expect(m.fallback.length).toBe(m.shards.length);
    },
  ],
] as const)('no review in time, policy %s', async (policy, check) => {
  const outDir = tempDir(`review-timeout-${policy}`);
  const handle = await startRun(client, env, {
    inputs: EXAMPLE_INPUTS,
    outDir,
    config: await config({ review: { wait: true, timeoutSeconds: 1, onTimeout: policy }, backup: { path: backup } }),
  });
  await waitForRun(handle, () => undefined);
  check(readManifest(outDir));
});

test(
  'no review in time with policy fail, or a rejection with no backup corpus: the run fails and ' + 'says why',
  async () => {
    const late = await startRun(client, env, {
      inputs: EXAMPLE_INPUTS,
      outDir: tempDir('review-fail'),
      config: await config({ review: { wait: true, timeoutSeconds: 1, onTimeout: 'fail' } }),
    });
    expect(failureMessage(await late.result().catch((e: unknown) => e))).toBe(
      'no review within 1 s (review.onTimeout = fail)',
    );
    const rejected = await startRun(client, env, {
      inputs: EXAMPLE_INPUTS,
      outDir: tempDir('review-nobackup'),
      config: await config({ review: { wait: true } }),
    });
    await awaitingReview(rejected);
    await rejected.executeUpdate(reviewUpdate, { args: [{ decision: 'reject', reason: 'wrong plant' }] });
    expect(failureMessage(await rejected.result().catch((e: unknown) => e))).toMatch(
      /shard\(s\) failed \(rejected in review: wrong plant\) and no backup corpus is configured/,
    );
  },
);

test(
  'a backup corpus that is not there, or real data asked for without one, fails the run at once with the ' + 'reason',
  async () => {
    const missing = join(tempDir('no-backup'), 'nowhere.jsonl');
    const a = await startRun(client, env, {
      inputs: EXAMPLE_INPUTS,
      outDir: tempDir('bad-backup'),
      config: await config({ backup: { path: missing } }),
    });
    // (a config object built in code skips loadRunConfig's checks; the run's first activity makes the same ones)
    expect(failureMessage(await a.result().catch((e: unknown) => e))).toBe(
      `backup.path: backup corpus not found: ${missing}`,
    );
    const b = await startRun(client, env, {
      inputs: EXAMPLE_INPUTS,
      outDir: tempDir('bad-mix'),
      config: await config({ backup: { mixRatio: 0.3 } }),
    });
    expect(failureMessage(await b.result().catch((e: unknown) => e))).toMatch(
      /backup\.mixRatio: a mix ratio above 0 needs a real-data corpus: set backup\.path/,
    );
    // and forge review on a run that has not come to its review says so
    const c = await startRun(client, env, {
      inputs: EXAMPLE_INPUTS,
      outDir: tempDir('early-review'),
      config: await config({}),
    });
    expect((await cli('review', c.workflowId)).stdout).toMatch(
      /is not waiting for a review \((pending|not_requested)\)/,
    );
    await c.result();
  },
);
