import { execFileSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/**
 * `forge run` with a configuration that breaks a rule across keys, or names a missing file, fails before it
 * connects to Temporal or starts a workflow: here no server is reachable at all (TEMPORAL_ADDRESS points at a
 * closed port), so the only way to the config's message is a check made first. Each message names the key.
 */
const cases: [string, object, RegExp][] = [
  [
    'review fallback without a backup corpus',
    { review: { wait: true, onTimeout: 'fallback' } },
    /review\.onTimeout: "fallback" needs a real-data corpus: set backup\.path/,
  ],
  [
    'a quality bar without a backup corpus',
    { review: { minQuality: 0.5 } },
    /review\.minQuality: a quality bar above 0 needs a real-data corpus/,
  ],
  [
    'a mix ratio without a backup corpus',
    { backup: { mixRatio: 0.2 } },
    /backup\.mixRatio: a mix ratio above 0 needs a real-data corpus/,
  ],
  [
    'a timeout policy for a review not waited for',
    { review: { onTimeout: 'fail' } },
    /review\.onTimeout: "fail" applies only to a review the run waits for: set review\.wait to true/,
  ],
  ['a missing graph file', { graphs: ['nowhere.cypher'] }, /graphs\[0\]: graph file not found: .*nowhere\.cypher/],
  [
    'a missing backup corpus',
    { backup: { path: 'nowhere.jsonl', mixRatio: 0.1 } },
    /backup\.path: backup corpus not found: .*nowhere\.jsonl/,
  ],
];

test.each(cases)('%s: forge run fails before any workflow starts, naming the key', (_name, config, message) => {
  const dir = mkdtempSync(join(tmpdir(), 'forge-config-'));
  writeFileSync(join(dir, 'forge.json'), JSON.stringify({ graphs: [], ...config }));
  writeFileSync(join(dir, 'events.log'), '2026-01-01 00:00:00 INFO M1 started\n');
  let stderr = '';
  try {
    execFileSync(
      process.execPath,
      [
        join(__dirname, '..', '..', 'cli', 'bin.js'),
        'run',
        '--input',
        join(dir, 'events.log'),
        '--out',
        join(dir, 'out'),
        '--config',
        join(dir, 'forge.json'),
      ],
      { encoding: 'utf8', stdio: 'pipe', env: { ...process.env, TEMPORAL_ADDRESS: '127.0.0.1:1' } },
    );
  } catch (e) {
    stderr = String((e as { stderr: string }).stderr);
  }
  expect(stderr).toMatch(message);
  expect(stderr).not.toMatch(/connect|started forge-/i);
});
