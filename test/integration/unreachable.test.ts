import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { ROOT, EXAMPLE_INPUTS, tempDir } from './runHelpers';

jest.setTimeout(60_000);

/** Run the real CLI with the given environment (the developer's own settings removed). */
function forge(args: string[], env: Record<string, string>) {
  const clean = Object.fromEntries(
    Object.entries(process.env).filter(([k]) => !/^(TEMPORAL_|NEO4J_|OPENAI_|FORGE_)/.test(k)),
  );
  const res = spawnSync(process.execPath, [join(ROOT, 'cli', 'bin.js'), ...args], {
    env: { ...clean, ...env },
    encoding: 'utf8',
    timeout: 50_000,
  });
  return { status: res.status, stderr: res.stderr.trim() };
}

test('an unreachable Temporal is one clear line saying which and how to start it', () => {
  const r = forge(['run', '--input', EXAMPLE_INPUTS[0], '--out', tempDir('unreachable')], {
    TEMPORAL_ADDRESS: '127.0.0.1:1',
  });
  expect(r.status).toBe(1);
  expect(r.stderr.split('\n')).toHaveLength(1);
  expect(r.stderr).toMatch(
    /^forge: Temporal is not reachable at 127\.0\.0\.1:1 .*npx forge services up.*TEMPORAL_ADDRESS/,
  );
});

test('an unreachable Neo4j is one clear line saying which and how to start it', () => {
  const r = forge(['worker'], { NEO4J_URI: 'bolt://127.0.0.1:1' });
  expect(r.status).toBe(1);
  expect(r.stderr.split('\n')).toHaveLength(1);
  expect(r.stderr).toMatch(
    /^forge: Neo4j is not reachable at bolt:\/\/127\.0\.0\.1:1 .*npx forge services up.*NEO4J_URI/,
  );
});

test('a bad config file is one clear line naming the field', () => {
  const r = forge(
    ['run', '--input', EXAMPLE_INPUTS[0], '--out', tempDir('badconfig'), '--config', join(ROOT, 'package.json')],
    { TEMPORAL_ADDRESS: '127.0.0.1:1' },
  );
  expect(r.status).toBe(1);
  expect(r.stderr).toMatch(/^forge: .*package\.json: \(root\): Unrecognized keys?/);
});
