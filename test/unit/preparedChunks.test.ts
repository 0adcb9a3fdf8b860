/**
 * A text log's chunks prepared during the scan (each line masked once) and finished after mining write the same
 * bytes as the one-pass scan followed by the chunk pass over the raw lines.
 */
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseChunkToFiles } from '../../activities/parse/parseChunk';
import { DEFAULT_PII_OPTIONS } from '../../activities/parse/pii';
import { planChunks } from '../../activities/parse/preparedScan';
import { preparedFile, runChunk } from '../../activities/parse/preparedChunk';
import { EventRecord, QuarantineEntry } from '../../activities/parse/records';
import { scanSource } from '../../activities/parse/scanSource';
import type { SourceModel } from '../../activities/parse/sourceModel';
import { SourceSpec } from '../../activities/parse/sourceSpec';
import { ChunkThreads } from '../../activities/parse/threads/chunkThreads';
import { readAll } from '../fixtures/runFiles';

const DATA = join(__dirname, '..', 'fixtures', 'data', 'loghub');
const HEADERS = JSON.parse(readFileSync(join(DATA, 'headers.json'), 'utf8')) as Record<string, string>;
const tmp = () => mkdtempSync(join(tmpdir(), 'forge-prepared-'));

/** OpenStack lines repeated, with the lines real files hold now and then: broken, untimed, odd, personal. */
function hostileLog(extra: string[]): string {
  const base = readFileSync(join(DATA, 'OpenStack.log'), 'utf8').split('\n').filter(Boolean);
  const parts: Buffer[] = [];
  base.forEach((line, i) => {
    parts.push(Buffer.from(`${line}${i % 3 === 0 ? '\r' : ''}\n`));
    if (i % 25 === 7) parts.push(Buffer.from('this line has no header at all\n'));
    if (i % 40 === 11)
      parts.push(
        Buffer.from(line.replace(/^(\S+) \S+ \S+/, '$1 yesterday noon') + ' mail ops@example.com, 13812345678\n'),
      );
    if (i % 50 === 3) parts.push(Buffer.concat([Buffer.from(line.slice(0, 60)), Buffer.from([0xff, 0xfe, 0x0a])]));
    if (i % 70 === 5) parts.push(Buffer.from(`${line.split('] ')[0]}] \n`)); // an empty message
    if (i % 90 === 9) parts.push(Buffer.from(`${line} ${'x'.repeat(3000)}\n`)); // over maxLineBytes below
    if (i % 60 === 1) parts.push(Buffer.from(`${line} 1e999\n`)); // no finite number
    // masked values holding the separators of a prepared line, and empty-looking ones
    if (i % 45 === 2) parts.push(Buffer.from(`${line} see http://a\u0001b/c\u0002d and 7\u0002 8\n`));
    // a message that starts with a separator and a number, as a prepared line names a message
    if (i % 80 === 4) parts.push(Buffer.from(`${line.split('] ')[0]}] \u00012 \u0001 starts so\n`));
  });
  for (const e of extra) parts.push(Buffer.from(`${e}\n`));
  const dir = tmp();
  const path = join(dir, 'openstack.log');
  writeFileSync(path, Buffer.concat(Array(6).fill(Buffer.concat(parts))));
  return path;
}

const spec = SourceSpec.parse({ format: 'text', text: { header: HEADERS.OpenStack } });
const opts = {
  source: 'openstack.log',
  timezone: '+00:00',
  pii: { ...DEFAULT_PII_OPTIONS, pseudonymKey: 'test-key' },
  maxLineBytes: 2048,
};

/** The one-pass scan (no prepared chunks), then each chunk from its raw lines. */
async function onePassScan(path: string) {
  const model = await scanSource(path, spec, { ...opts, chunkBytes: 20_000 });
  expect(model.prepared).toBe(false);
  const out = tmp();
  for (const chunk of model.chunks) await parseChunkToFiles({ model, chunk, outDir: out, opts });
  return { model, out };
}

/** A model's chunks parsed from their raw lines, as when their prepared files are gone. */
async function rawChunks(model: SourceModel) {
  const out = tmp();
  for (const chunk of model.chunks) await parseChunkToFiles({ model, chunk, outDir: out, opts });
  return out;
}

/** The prepared scan (chunks prepared on threads), then each chunk finished. */
async function preparedParse(path: string, beforeChunks?: (out: string) => void) {
  const out = tmp();
  const threads = new ChunkThreads(2);
  try {
    const model = await scanSource(path, spec, { ...opts, chunkBytes: 20_000, outDir: out, prepare: threads.prepare });
    beforeChunks?.(out);
    const outputs = await Promise.all(model.chunks.map((chunk) => runChunk({ model, chunk, outDir: out, opts })));
    return { model, out, outputs };
  } finally {
    await threads.close();
  }
}

test('prepared chunks write the bytes of the chunk pass over raw lines, and mine the one-pass templates', async () => {
  const path = hostileLog([]);
  const prepared = await preparedParse(path);
  expect(prepared.model.prepared).toBe(true);
  expect(prepared.model.chunks.length).toBeGreaterThan(5);
  const records = readAll(prepared.out, 'records');
  const quarantine = readAll(prepared.out, 'quarantine');
  const raw = await rawChunks(prepared.model);
  expect(records).toBe(readAll(raw, 'records'));
  expect(quarantine).toBe(readAll(raw, 'quarantine'));
  // beside the one-pass scan: the same templates and time; the same records (quarantined lines come in another
  // order: a block's unreadable lines first, and the chunks end elsewhere)
  const onePass = await onePassScan(path);
  expect(prepared.model.templates).toEqual(onePass.model.templates);
  expect(prepared.model.time).toEqual(onePass.model.time);
  expect(prepared.model.lines).toBe(onePass.model.lines);
  expect(records).toBe(readAll(onePass.out, 'records'));
  const sorted = (s: string) => s.trim().split('\n').sort();
  expect(sorted(quarantine)).toEqual(sorted(readAll(onePass.out, 'quarantine')));
  // every line accounted for, every record valid, nothing personal left, the prepared files gone
  const r = records.trim().split('\n');
  const q = quarantine.trim().split('\n');
  const counts = prepared.outputs.reduce((a, c) => a + c.counts.records, 0);
  expect(r.length).toBe(counts);
  // each line is the record as its schema gives it (its keys in the schema's order)
  for (const line of r) expect(JSON.stringify(EventRecord.parse(JSON.parse(line)))).toBe(line);
  for (const line of q) QuarantineEntry.parse(JSON.parse(line));
  const reasons = new Set(q.map((l) => (JSON.parse(l) as QuarantineEntry).reason.split(':')[0]));
  expect([...reasons].sort()).toEqual(
    [
      'invalid_utf8',
      'line does not match the log header <Logrecord> <Date> <Time> <Pid> <Level> ' +
        '<Component> \\[<ADDR>\\] <Content>',
      'line_too_long',
    ].sort(),
  );
  const lines = prepared.outputs.reduce((a, c) => a + c.counts.lines, 0);
  expect(lines).toBe(r.length + q.length);
  expect(lines).toBe(
    readFileSync(path, 'utf8')
      .split('\n')
      .filter((l) => l.trim()).length,
  );
  expect(records).not.toMatch(/ops@example\.com|13812345678/);
  expect(records).toMatch(/\[EMAIL\]/);
  expect(prepared.outputs.some((c) => c.counts.untimed > 0)).toBe(true);
  expect(existsSync(preparedFile(prepared.out, 'openstack.log', 0))).toBe(false);
}, 60_000);

test('a log revealing names is not finished from its prepared chunks: every chunk masks every name', async () => {
  const name = 'nova.compute.manager [req-1 - - - - -] Shift handed over by operator Zhang Wei at the console';
  const bare = 'nova.compute.manager [req-2 - - - - -] Zhang Wei restarted the scheduler';
  const line = (msg: string) => `nova-compute.log.1 2017-05-16 00:00:01.000 2931 INFO ${msg}`;
  const path = hostileLog([line(bare), line(name)]);
  const prepared = await preparedParse(path);
  expect(prepared.model.prepared).toBe(false);
  expect(prepared.model.nameDigests.length).toBeGreaterThan(0);
  expect(existsSync(join(prepared.out, 'prepared', 'openstack.log.00000.txt'))).toBe(false);
  const records = readAll(prepared.out, 'records');
  expect(records).not.toMatch(/Zhang Wei/);
  // the bare name, in the first copy of the log, before any line named it with its trigger word
  const texts = records
    .trim()
    .split('\n')
    .map((l) => (JSON.parse(l) as EventRecord).text);
  expect(texts.filter((t) => /^\[NAME:[0-9a-f]{6}\] restarted the scheduler$/.test(t)).length).toBe(6);
}, 60_000);

test('a prepared file cut short or gone: its chunk is parsed from the raw lines, with the same bytes', async () => {
  const path = hostileLog([]);
  const prepared = await preparedParse(path, (out) => {
    const cut = preparedFile(out, 'openstack.log', 1);
    writeFileSync(cut, readFileSync(cut).subarray(0, 5000)); // the scan's disk filled up
    rmSync(preparedFile(out, 'openstack.log', 2));
  });
  expect(prepared.model.prepared).toBe(true);
  const raw = await rawChunks(prepared.model);
  expect(readAll(prepared.out, 'records')).toBe(readAll(raw, 'records'));
  expect(readAll(prepared.out, 'quarantine')).toBe(readAll(raw, 'quarantine'));
  expect(prepared.outputs.reduce((a, c) => a + c.counts.lines, 0)).toBe(
    readFileSync(path, 'utf8')
      .split('\n')
      .filter((l) => l.trim()).length,
  );
  expect(existsSync(preparedFile(prepared.out, 'openstack.log', 1))).toBe(false);
}, 60_000);

test('chunks end after a newline, cover the file, and number their first lines', async () => {
  const dir = tmp();
  const path = join(dir, 'a.log');
  writeFileSync(path, 'a\nbb\r\n\nccc\nd');
  const plan = await planChunks(path, 3);
  expect(plan).toEqual({
    bytes: 12,
    lines: 5,
    chunks: [
      { index: 0, start: 0, end: 6, firstLine: 1 },
      { index: 1, start: 6, end: 11, firstLine: 3 },
      { index: 2, start: 11, end: 12, firstLine: 5 },
    ],
  });
  // a file still being written: its half-written last line is left for later
  expect((await planChunks(path, 3, async () => true)).chunks.at(-1)).toEqual({
    index: 1,
    start: 6,
    end: 11,
    firstLine: 3,
  });
  writeFileSync(path, '');
  expect(await planChunks(path, 3)).toEqual({ bytes: 0, lines: 0, chunks: [] });
});
