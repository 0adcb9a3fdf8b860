import { spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { addChunk, EMPTY_TOTALS, finishSource, sourceVerdict } from '../../workflows/stageOne';

/** Stage one's sequence, shared by the parseSource workflow and forge parse (workflows/stageOne.ts). */
const chunk = (lines: number, records: number, untimed = 0) => ({
  recordsPath: 'r',
  quarantinePath: 'q',
  counts: { lines, records, quarantined: lines - records, untimed },
  pii: { name: 1 },
});

test('totals add up chunk by chunk, personal data by type', () => {
  const t = { ...EMPTY_TOTALS, pii: {} };
  addChunk(t, chunk(10, 9));
  addChunk(t, chunk(5, 5, 1));
  expect(t).toEqual({ lines: 15, records: 14, quarantined: 1, untimed: 1, pii: { name: 2 } });
  expect(EMPTY_TOTALS).toEqual({ lines: 0, records: 0, quarantined: 0, untimed: 0, pii: {} });
});

test(
  'the verdict: a wholly quarantined source, or one whose times never read, cannot go on; an empty ' + 'one can',
  async () => {
    const summary = (lines: number, records: number, untimed: number) => ({
      source: 'a.log',
      chunks: 1,
      lines,
      records,
      quarantined: lines - records,
      untimed,
      pii: {},
    });
    expect(sourceVerdict(summary(2, 0, 0), '/out')).toMatch(
      /^a\.log is wholly unreadable: all 2 lines were quarantined/,
    );
    expect(sourceVerdict(summary(3, 3, 3), '/out')).toMatch(/^a\.log: none of its 3 lines has a time that can be read/);
    expect(sourceVerdict(summary(0, 0, 0), '/out')).toBeNull();
    expect(sourceVerdict(summary(3, 2, 1), '/out')).toBeNull();
    const segmented = await finishSource(
      { source: 't.csv', chunks: 1, series: true },
      { ...EMPTY_TOTALS, lines: 1, records: 1, pii: {} },
      '/out',
      {
        fail: (m) => {
          throw new Error(m);
        },
        segment: async () => ({ windows: 1, changes: 0, states: 0, anomalies: 0 }),
      },
    );
    expect(segmented.series).toEqual({ windows: 1, changes: 0, states: 0, anomalies: 0 });
  },
);

test.each([
  ['one chunk', 'garbage line one\nanother garbage\n', 2],
  // several chunks, parsed on threads: the verdict is given after they end (once, a process with only idle threads
  // left exited with 0 while it waited for them to end, before it said why)
  ['several chunks', 'garbage line\n'.repeat(600), 600],
])(
  'forge parse follows the same sequence: a wholly unreadable source (%s) fails with the verdict of the run',
  (_, text, n) => {
    const dir = mkdtempSync(join(tmpdir(), 'forge-stage-one-'));
    writeFileSync(join(dir, 'garbage.log'), text);
    writeFileSync(join(dir, 'config.json'), JSON.stringify({ parse: { chunkBytes: 4096 } }));
    const res = spawnSync(
      process.execPath,
      [
        join(__dirname, '..', '..', 'cli', 'bin.js'),
        'parse',
        '--source',
        join(dir, 'garbage.log'),
        '--format',
        'text',
        '--config',
        join(dir, 'config.json'),
        '--out',
        join(dir, 'out'),
      ],
      { encoding: 'utf8' },
    );
    expect(res.status).toBe(1);
    expect(res.stderr).toMatch(
      new RegExp(
        `^forge: garbage\\.log is wholly unreadable: all ${n} lines were quarantined ` +
          `\\(see .*garbage\\.log\\.00000\\.jsonl`,
      ),
    );
  },
);
