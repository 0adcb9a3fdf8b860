import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { OperationRecord, type SampleBatch } from '../../activities/parse/records';

/**
 * A plain CSV as a historian or a PLC exports it: no unit anywhere, a flag, a rising counter, an id, text, a phone
 * column; one reading a second; temp steps up by 9 of its standard deviations at row 400.
 */
function plainCsv(dir: string): string {
  let s = 5;
  const g = () => {
    let a = 0;
    for (let i = 0; i < 12; i++) a += (s = (s * 1103515245 + 12345) % 2147483648) / 2147483648;
    return a - 6;
  };
  const rows = Array.from({ length: 600 }, (_, i) => {
    const time = new Date(Date.UTC(2026, 0, 1) + i * 1000).toISOString();
    const temp = (50 + g() + (i >= 400 ? 9 : 0)).toFixed(2);
    const pressure = (10 + 0.2 * g()).toFixed(3),
      speed = (1200 + 5 * g()).toFixed(1);
    return `${time},M1,${temp},${pressure},${speed},1,7,${1000 + i},OK,1381234${5678 + (i % 3)},x${i % 5}`;
  });
  const path = join(dir, 'plain.csv');
  writeFileSync(
    path,
    ['time,machine,temp,pressure,speed,running,batch_id,serial,status,phone,note', ...rows].join('\n') + '\n',
  );
  return path;
}

const parse = (source: string, out: string) =>
  execFileSync(
    process.execPath,
    [join(__dirname, '..', '..', 'cli', 'bin.js'), 'parse', '--source', source, '--out', out],
    { encoding: 'utf8' },
  );

const records = (out: string, file: string) =>
  readFileSync(join(out, 'records', file), 'utf8')
    .trim()
    .split('\n')
    .map((l) => OperationRecord.parse(JSON.parse(l)));

test('a CSV without units: numeric columns are series of unknown unit; flags, ids, text, phones stay labels', () => {
  const dir = mkdtempSync(join(tmpdir(), 'forge-cols-'));
  const out = join(dir, 'out');
  const stdout = parse(plainCsv(dir), out);
  for (const c of ['temp', 'pressure', 'speed'])
    expect(stdout).toContain(`plain.csv: column "${c}" has no unit (in its header as "${c} (unit)" or in csv.tags)`);
  expect(stdout).toContain(
    'plain.csv: columns: series temp, pressure, speed; labels running (a flag (two values)), batch_id (a name, an ' +
      'id or personal data), serial (an id or counter (integers rising every row)), status (text), phone (a name, ' +
      'an id or personal data), note (text)',
  );
  const batch = records(out, 'plain.csv.00000.jsonl').find((r): r is SampleBatch => r.kind === 'samples')!;
  expect(Object.keys(batch.values)).toEqual(['temp', 'pressure', 'speed']);
  expect(batch.units).toEqual({ temp: '', pressure: '', speed: '' });
  expect(Object.keys(batch.labels)).toEqual(['running', 'batch_id', 'serial', 'status', 'phone', 'note']);
  expect(JSON.stringify(batch)).not.toMatch(/13812345678/); // the phone column is masked as a label
  // the series: the step of temp at row 400 (line 402) is one change, at one reading a second
  const changes = records(out, 'plain.csv.series.jsonl').filter((r) => r.kind === 'change');
  expect(changes).toEqual([expect.objectContaining({ tag: 'temp', direction: 'up', line: 402 })]);
});

test('csv.labels and csv.ignore declare columns: a numeric column kept as a label, another left out', () => {
  const dir = mkdtempSync(join(tmpdir(), 'forge-cols-'));
  plainCsv(dir);
  writeFileSync(
    join(dir, 'plain.json'),
    JSON.stringify({ path: 'plain.csv', format: 'csv', csv: { labels: ['pressure'], ignore: ['speed', 'note'] } }),
  );
  const out = join(dir, 'out');
  const stdout = parse(join(dir, 'plain.json'), out);
  expect(stdout).toMatch(/columns: series temp; labels pressure \(declared in csv\.labels\), .*; ignored speed, note/);
  const batch = records(out, 'plain.csv.00000.jsonl').find((r): r is SampleBatch => r.kind === 'samples')!;
  expect(Object.keys(batch.values)).toEqual(['temp']);
  expect(Object.keys(batch.labels)).toEqual(['pressure', 'running', 'batch_id', 'serial', 'status', 'phone']);
});
