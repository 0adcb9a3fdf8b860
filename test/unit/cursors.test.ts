import { appendFileSync, mkdirSync, mkdtempSync, renameSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { matchInputs, planReads, type SourceCursor } from '../../activities/parse/cursors';
import { commitIncrement, planIncrement } from '../../activities/run/increment';

const dir = () => mkdtempSync(join(tmpdir(), 'forge-cursors-'));
const lines = (from: number, n: number) =>
  Array.from(
    { length: n },
    (_, i) => `2026-03-02 08:00:${String(from + i).padStart(2, '0')} INFO line ${from + i}\n`,
  ).join('');

/** Plan, then commit: the cursors a run leaves for the next one. */
async function run(files: string[], cursors: SourceCursor[]) {
  const plan = await planReads(files, cursors);
  return { plan, cursors: plan.cursors.sources };
}

test('appended lines are read from the cursor; a partial last line waits; nothing new reads nothing', async () => {
  const d = dir();
  const log = join(d, 'a.log');
  writeFileSync(log, `${lines(0, 3)}2026-03-02 08:00:03 INFO half`);
  const one = await run([log], []);
  expect(one.plan.reads.map((r) => [r.from, r.end, r.lines])).toEqual([[{ byte: 0, line: 1 }, lines(0, 3).length, 3]]);
  appendFileSync(log, ` a line\n${lines(4, 2)}`);
  const two = await run([log], one.cursors);
  expect(two.plan.reads.map((r) => [r.from, r.lines, r.next.line])).toEqual([
    [{ byte: lines(0, 3).length, line: 4 }, 3, 6],
  ]);
  const three = await run([log], two.cursors);
  expect(three.plan.reads).toEqual([]);
  expect(three.cursors).toEqual(two.cursors);
});

test('a new file from its start; a rotated log from its start and the old tail; a truncated file again', async () => {
  const d = dir();
  const log = join(d, 'a.log');
  writeFileSync(log, lines(0, 4));
  const one = await run(await matchInputs(join(d, 'a.log*')), []);
  // the writer adds two lines, then rotates: a.log -> a.log.1 (same file), a new a.log
  appendFileSync(log, lines(4, 2));
  renameSync(log, `${log}.1`);
  writeFileSync(log, lines(10, 3));
  writeFileSync(join(d, 'b.csv'), 'time,TT1 (Cel)\n2026-01-01T00:00:00Z,1\n');
  const files = [...(await matchInputs(join(d, 'a.log*'))), ...(await matchInputs(join(d, '*.csv')))];
  const two = await run(files, one.cursors);
  const byName = Object.fromEntries(two.plan.reads.map((r) => [r.path.slice(d.length + 1), [r.from.line, r.lines]]));
  expect(byName).toEqual({ 'a.log': [1, 3], 'a.log.1': [5, 2], 'b.csv': [1, 2] });
  // a.log is cut and written anew, shorter: read again from its start, and said
  writeFileSync(log, lines(20, 1));
  const three = await run(files, two.cursors);
  expect(three.plan.reads.map((r) => [r.path.slice(d.length + 1), r.from.line, r.lines])).toEqual([['a.log', 1, 1]]);
  expect(three.plan.notes).toEqual([expect.stringMatching(/^a\.log: not the file an earlier run read/)]);
});

test('patterns: a file, a directory, a file-name pattern; wildcards in a directory are refused', async () => {
  const d = dir();
  for (const f of ['x.log', 'y.log', 'z.csv', '.hidden.log']) writeFileSync(join(d, f), 'a\n');
  expect(await matchInputs(join(d, 'x.log'))).toEqual([join(d, 'x.log')]);
  expect(await matchInputs(d)).toEqual(['x.log', 'y.log', 'z.csv'].map((f) => join(d, f)));
  expect(await matchInputs(join(d, '?.log'))).toEqual(['x.log', 'y.log'].map((f) => join(d, f)));
  expect(await matchInputs(join(d, 'none-*.log'))).toEqual([]);
  await expect(matchInputs(join(d, '*', 'x.log'))).rejects.toThrow(/wildcards in its file name only/);
});

test('a scheduled run reads after the committed cursors, and says when the clock went backwards', async () => {
  const d = dir();
  const out = dir();
  writeFileSync(join(d, 'a.log'), lines(0, 2));
  const input = { schedule: 's', inputs: [join(d, '*.log')], outDir: out, configPath: null, defaultGraphs: [] };
  const plan = await planIncrement(input, 'run-1', '2026-12-05T10:00:00.000Z');
  expect(plan.reads).toEqual([{ name: 'a.log', path: join(d, 'a.log'), from_line: 1, to_line: 2 }]);
  expect(plan.notes).toEqual([]);
  // the version's run wrote its facts and documents (none here)
  mkdirSync(join(plan.versionDir, 'documents'), { recursive: true });
  writeFileSync(join(plan.versionDir, 'facts.jsonl'), '');
  writeFileSync(join(plan.versionDir, 'documents', 'synthetic.jsonl'), '');
  await commitIncrement({
    input,
    increment: plan,
    result: { counts: { lines: 2, records: 2, quarantined: 0, facts: 0, docs_written: 0 } as never },
    now: '2026-12-05T10:00:00.000Z',
  });
  // the commit retried (its worker died after it): still one version, the cursors committed
  const again = await commitIncrement({
    input,
    increment: plan,
    result: { counts: { lines: 2, records: 2, quarantined: 0, facts: 0, docs_written: 0 } as never },
    now: '2026-12-05T10:00:00.000Z',
  });
  expect(again.versions).toHaveLength(1);
  appendFileSync(join(d, 'a.log'), lines(2, 1));
  const next = await planIncrement(input, 'run-2', '2026-12-04T10:00:00.000Z');
  expect(next.reads).toEqual([{ name: 'a.log', path: join(d, 'a.log'), from_line: 3, to_line: 3 }]);
  expect(next.notes).toEqual([
    expect.stringMatching(/^the clock went backwards: now 2026-12-04T10:00:00.000Z, the latest version \(v1\)/),
  ]);
});

test('two inputs of a schedule with one name are refused (provenance is file:line), naming both', async () => {
  const [a, b] = [dir(), dir()];
  for (const d of [a, b]) writeFileSync(join(d, 'x.log'), lines(0, 1));
  const input = { schedule: 's', inputs: [a, b], outDir: dir(), configPath: null, defaultGraphs: [] };
  await expect(planIncrement(input, 'run-1')).rejects.toThrow(
    `two inputs share the name x.log (${join(a, 'x.log')} and ${join(b, 'x.log')})`,
  );
});
