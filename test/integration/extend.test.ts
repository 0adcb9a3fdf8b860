import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { cpSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Probe } from '../../activities/corpus/probes';
import { allFiles, readManifest, readShardLines, ROOT, tempDir } from './runHelpers';
import { testEnv } from './testEnv';

/**
 * Forge extends in one place (issue 30): a toy fact kind and a toy source format are added to a copy of the
 * repository's sources as users add them - one new module each and its line in the registry (plus the line that
 * imports the module) - and the copy type-checks and runs them through `forge run` against the test servers.
 */
jest.setTimeout(300_000);

const FIXTURES = join(ROOT, 'test', 'fixtures', 'extend');
const env = testEnv();
const scratch = tempDir('extend');
const sh = (cmd: string, args: string[], opts: { cwd?: string; env?: NodeJS.ProcessEnv } = {}) =>
  spawnSync(cmd, args, { encoding: 'utf8', cwd: scratch, ...opts });
const serverEnv = {
  ...process.env,
  TEMPORAL_ADDRESS: env.temporalAddress,
  NEO4J_URI: env.neo4jUri,
  FORGE_TASK_QUEUE: env.taskQueue,
  OPENAI_BASE_URL: '',
};

/** Replace `from` with `to` in a file of the copy, once; the test fails when the registry no longer reads so. */
function edit(path: string, from: string, to: string): void {
  const file = join(scratch, path);
  const text = readFileSync(file, 'utf8');
  expect(text.split(from)).toHaveLength(2);
  writeFileSync(file, text.replace(from, to));
}

beforeAll(() => {
  for (const dir of ['activities', 'workflows', 'cli', 'infra', 'graphs'])
    cpSync(join(ROOT, dir), join(scratch, dir), {
      recursive: true,
      filter: (src) => !/\/(target|node_modules)(\/|$)/.test(src),
    });
  for (const f of ['package.json', 'tsconfig.json']) cpSync(join(ROOT, f), join(scratch, f));
  symlinkSync(join(ROOT, 'node_modules'), join(scratch, 'node_modules'));
  // the kind: one module (its schema, miner, release rule, texts, probes) and its line in the registry
  cpSync(join(FIXTURES, 'toyKind.ts.in'), join(scratch, 'activities', 'kinds', 'warningShare.ts'));
  edit(
    'activities/kinds/index.ts',
    "import { thresholdRule } from './thresholdRule';\n",
    "import { thresholdRule } from './thresholdRule';\nimport { warningShare } from './warningShare';\n",
  );
  edit(
    'activities/kinds/index.ts',
    '  graphAgreement,\n] as const;',
    '  graphAgreement,\n  warningShare,\n] as const;',
  );
  // the format: one module (detection, scan, parser) and its line in the registry
  cpSync(join(FIXTURES, 'toyFormat.ts.in'), join(scratch, 'activities', 'parse', 'formats', 'toy.ts'));
  edit(
    'activities/parse/formats/index.ts',
    "import { workorders } from './workorders';\n",
    "import { workorders } from './workorders';\nimport { toy } from './toy';\n",
  );
  edit('activities/parse/formats/index.ts', '  workorders,\n} as const', '  workorders,\n  toy,\n} as const');
});

const tsc = () => sh(process.execPath, [join(ROOT, 'node_modules', 'typescript', 'bin', 'tsc'), '--noEmit', '-p', '.']);

test('the copy type-checks; without its release rule the kind, without name learning the format, does not', () => {
  const ok = tsc();
  expect(ok.stdout + ok.stderr).toBe('');
  expect(ok.status).toBe(0);
  const kind = join(scratch, 'activities', 'kinds', 'warningShare.ts');
  const full = readFileSync(kind, 'utf8');
  writeFileSync(kind, full.replace('  privateRelease: false,\n', ''));
  const missing = tsc();
  writeFileSync(kind, full);
  expect(missing.status).not.toBe(0);
  expect(missing.stdout).toMatch(/warningShare\.ts.*Property 'privateRelease' is missing/);
  const format = join(scratch, 'activities', 'parse', 'formats', 'toy.ts');
  const whole = readFileSync(format, 'utf8');
  const scan = /  scan: [\s\S]*?\n  \}\),\n/;
  expect(whole).toMatch(scan);
  writeFileSync(format, whole.replace(scan, ''));
  const unlearned = tsc();
  writeFileSync(format, whole);
  expect(unlearned.status).not.toBe(0);
  expect(unlearned.stdout).toMatch(/toy\.ts.*Property 'scan' is missing/);
});

describe('forge run on a toy-format file', () => {
  let worker: ChildProcess;
  const outDir = tempDir('extend-run');
  const input = join(tempDir('extend-input'), 'line.toy');
  let run: ReturnType<typeof sh>;

  beforeAll(async () => {
    writeFileSync(
      input,
      [
        '2024-05-01T08:00:00Z | IMM-01 | WARN | operator Zhang Wei reset the heater, call 13812345678',
        '2024-05-01T08:05:00Z | IMM-01 | INFO | cycle ok',
        '2024-05-01T08:09:00Z | IMM-01 | WARN | nozzle temperature high',
        'a line without the four cells',
        '2024-05-01T08:15:00Z | IMM-01 | WARN | nozzle temperature high again',
        '',
      ].join('\n'),
    );
    worker = spawn(process.execPath, [join(scratch, 'cli', 'bin.js'), 'worker'], {
      cwd: scratch,
      env: serverEnv,
      detached: true,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    await new Promise<void>((resolve, reject) => {
      let said = '';
      const hear = (d: Buffer) => {
        said += d.toString();
        if (said.includes('worker polling')) resolve();
      };
      worker.stdout!.on('data', hear);
      worker.stderr!.on('data', hear);
      worker.once('exit', (code) => reject(new Error(`the copy's worker exited (${code}): ${said}`)));
    });
    run = sh(process.execPath, [join(scratch, 'cli', 'bin.js'), 'run', '--input', input, '--out', outDir, '--wait'], {
      env: serverEnv,
    });
  });

  afterAll(() => {
    if (worker?.pid && worker.exitCode === null) process.kill(-worker.pid, 'SIGTERM');
  });

  test('the run reads the format (a bad line quarantined) and mines, writes and probes the kind', () => {
    expect(run.stderr).toBe('');
    expect(run.status).toBe(0);
    const m = readManifest(outDir);
    expect(m.counts.lines).toBe(5);
    expect(m.counts.records).toBe(4);
    expect(m.counts.quarantined).toBe(1);
    expect(m.counts.facts_by_kind).toEqual({ warning_share: 1 });
    const docs = readShardLines(outDir);
    expect(docs.length).toBeGreaterThan(0);
    expect(docs.some((d) => /IMM-01/.test(d.text) && /\b3\b/.test(d.text))).toBe(true);
    const probes = readFileSync(join(outDir, 'probes', 'probes.jsonl'), 'utf8')
      .trim()
      .split('\n')
      .map((l) => Probe.parse(JSON.parse(l)));
    expect(probes.map((p) => p.kind)).toContain('warning_share');
    // the format's scan learned the name: nothing the run wrote holds it, or the phone number
    for (const f of allFiles(outDir)) expect(readFileSync(f, 'utf8')).not.toMatch(/Zhang Wei|13812345678/);
  });
});
