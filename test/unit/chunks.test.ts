import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { serialize } from 'node:v8';
import { asciiRuns, readLineBlocks } from '../../activities/parse/chunks';
import { parseChunkToFiles, type ChunkProgress } from '../../activities/parse/parseChunk';
import { DEFAULT_PII_OPTIONS } from '../../activities/parse/pii';
import { scanSource } from '../../activities/parse/scanSource';
import { SourceSpec } from '../../activities/parse/sourceSpec';
import { ChunkThreads } from '../../activities/parse/threads/chunkThreads';
import { readAll } from '../fixtures/runFiles';

const EXAMPLE = join(__dirname, '..', '..', 'examples', 'moulding-line');
const tmp = () => mkdtempSync(join(tmpdir(), 'forge-chunks-'));

/** A bigger text log: the example log repeated, so that it spans many chunks. */
function bigLog(): string {
  const dir = tmp();
  const path = join(dir, 'events.log');
  writeFileSync(path, readFileSync(join(EXAMPLE, 'events.log'), 'utf8').repeat(40));
  return path;
}

async function parseAll(path: string, format: SourceSpec['format'], chunkBytes: number, blockBytes?: number) {
  const spec = SourceSpec.parse({ format });
  const opts = { source: 'events.log', timezone: '+08:00', pii: { ...DEFAULT_PII_OPTIONS, pseudonymKey: 'test-key' } };
  const model = await scanSource(path, spec, { ...opts, chunkBytes });
  const out = tmp();
  for (const chunk of model.chunks) await parseChunkToFiles({ model, chunk, outDir: out, opts, blockBytes });
  return { model, out, opts };
}

test('the scan cuts chunks that cover the file on line boundaries, and counts its lines', async () => {
  const path = bigLog();
  const text = readFileSync(path);
  const { chunks, lines, bytes } = await scanSource(path, SourceSpec.parse({ format: 'text' }), {
    source: 'events.log',
    timezone: '+08:00',
    pii: DEFAULT_PII_OPTIONS,
    chunkBytes: 2000,
  });
  expect(bytes).toBe(text.length);
  expect(lines).toBe(text.toString('utf8').split('\n').length - 1);
  expect(chunks.length).toBeGreaterThan(10);
  chunks.forEach((c, i) => {
    expect(c.start).toBe(i === 0 ? 0 : chunks[i - 1].end);
    expect(text[c.end - 1]).toBe(10);
    expect(c.firstLine).toBe(text.subarray(0, c.start).toString('utf8').split('\n').length);
  });
  let seen = '';
  for await (const b of readLineBlocks(path, chunks[3].start, chunks[3].end, chunks[3].firstLine, 300)) seen += b.text;
  expect(seen).toBe(text.subarray(chunks[3].start, chunks[3].end).toString('utf8'));
});

test('runs of ASCII lines are blocks of their own, one-byte; the blocks cover the lines in order', async () => {
  const ascii = (n: number, tag: string) =>
    Array.from({ length: n }, (_, i) => `2026-03-02 09:00:00 INFO IMM-01 ${tag} cycle ${i} took 31.5 s\n`);
  const lines = [
    ...ascii(300, 'a'),
    '2026-03-02 09:00:01 INFO IMM-01 操作员 张伟 将料筒温度设定值从 252 调整到 240 degC\n',
    ...ascii(300, 'b'),
    '2026-03-02 09:00:02 WARN IMM-01 报警解除\n',
    ...ascii(10, 'c'), // too short a run to stand apart: it stays with the lines around it
    '2026-03-02 09:00:03 WARN IMM-01 温度 ü\n',
    ...ascii(300, 'd'),
  ];
  const path = join(tmp(), 'mixed.log');
  writeFileSync(path, lines.join(''));
  const size = Buffer.byteLength(lines.join(''));
  const blocks = [];
  for await (const b of readLineBlocks(path, 0, size, 1, 64 << 10, 1 << 20, 'sync', true)) blocks.push(b);
  // the V8 serializer tags a one-byte string '"', a two-byte one 'c'
  const oneByte = (s: string) => serialize(s)[2] === 0x22;
  expect(blocks.map((b) => [oneByte(b.text), b.newlines])).toEqual([
    [true, 300],
    [false, 1],
    [true, 300],
    [false, 12],
    [true, 300],
  ]);
  let line = 1;
  let bytes = 0;
  for (const b of blocks) {
    expect(b.text).toBe(lines.slice(line - 1, line - 1 + b.newlines).join(''));
    expect(b.firstLine).toBe(line);
    bytes += Buffer.byteLength(b.text);
    expect(b.next).toBe(bytes);
    line += b.newlines;
  }
  // without: one block, two-byte throughout
  const whole = [];
  for await (const b of readLineBlocks(path, 0, size, 1, 64 << 10)) whole.push(b);
  expect(whole.map((b) => [oneByte(b.text), b.newlines, b.next])).toEqual([[false, lines.length, size]]);
});

test('asciiRuns cuts whole lines, and every run of ASCII lines of 8 KiB or more is a part of its own', () => {
  let seed = 7;
  const rand = () => (seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31;
  let checked = 0;
  for (let k = 0; k < 300; k++) {
    const lines: string[] = [];
    const mixed = [0.003, 0.02, 0.3][k % 3]; // the share of lines outside ASCII
    for (let i = 0, n = 1 + Math.floor(rand() * 600); i < n; i++) {
      const long = rand() < 0.02 ? 'x'.repeat(5000) : '';
      lines.push(`${rand() < mixed ? '温度 ü' : 'line'} ${i} ${'a'.repeat(Math.floor(rand() * 120))}${long}`);
    }
    const text = lines.join('\n') + (rand() < 0.5 ? '\n' : '');
    const bytes = Buffer.from(text);
    const parts = asciiRuns(bytes);
    expect(Buffer.concat(parts).equals(bytes)).toBe(true);
    parts.slice(0, -1).forEach((p) => expect(p[p.length - 1]).toBe(10));
    // the runs of ASCII lines, each with the bytes of its lines
    const runs: string[] = [];
    let run = '';
    for (const line of text.split(/(?<=\n)/)) {
      if (/^[\x00-\x7f]*$/.test(line)) run += line;
      else {
        runs.push(run);
        run = '';
      }
    }
    runs.push(run);
    const texts = parts.map((p) => p.toString());
    for (const r of runs)
      if (Buffer.byteLength(r) >= 8192 && r !== text) {
        expect(texts).toContain(r);
        checked++;
      }
    if (/^[\x00-\x7f]*$/.test(text)) expect(parts).toHaveLength(1);
  }
  expect(checked).toBeGreaterThan(100);
});

test('many small chunks give exactly the output of one chunk', async () => {
  const path = bigLog();
  const one = await parseAll(path, 'text', 1 << 30);
  const many = await parseAll(path, 'text', 3000, 700);
  expect(one.model.chunks).toHaveLength(1);
  expect(many.model.chunks.length).toBeGreaterThan(10);
  expect(readAll(many.out, 'records')).toBe(readAll(one.out, 'records'));
  expect(readAll(many.out, 'quarantine')).toBe(readAll(one.out, 'quarantine'));
  expect(readAll(one.out, 'records')).not.toMatch(/Zhang Wei|李娜|13812345678/);
});

test(
  'chunks parsed on worker threads, two at a time, give exactly the output of one chunk in this ' + 'thread',
  async () => {
    const path = bigLog();
    const one = await parseAll(path, 'text', 1 << 30);
    const spec = SourceSpec.parse({ format: 'text' });
    const model = await scanSource(path, spec, { ...one.opts, chunkBytes: 3000 });
    const out = tmp();
    const threads = new ChunkThreads(2);
    const progress: number[] = [];
    try {
      const outputs = await Promise.all(
        model.chunks.map((chunk) =>
          threads.parse({ model, chunk, outDir: out, opts: one.opts }, (p) => progress.push(p.line)),
        ),
      );
      expect(outputs.map((o) => o.recordsPath)).toEqual(
        model.chunks.map((c) =>
          expect.stringMatching(new RegExp(`events\\.log\\.${String(c.index).padStart(5, '0')}\\.jsonl$`)),
        ),
      );
      expect(outputs.reduce((a, o) => a + o.counts.lines, 0)).toBe(one.model.lines);
    } finally {
      await threads.close();
    }
    expect(model.chunks.length).toBeGreaterThan(10);
    expect(progress.length).toBeGreaterThanOrEqual(model.chunks.length);
    expect(readAll(out, 'records')).toBe(readAll(one.out, 'records'));
    expect(readAll(out, 'quarantine')).toBe(readAll(one.out, 'quarantine'));
  },
);

test('a chunk that fails on a thread fails with its reason, and the pool goes on', async () => {
  const path = bigLog();
  const { model, opts } = await parseAll(path, 'text', 1 << 30);
  const threads = new ChunkThreads(1);
  try {
    const gone = { ...model, path: join(tmp(), 'missing.log') };
    await expect(threads.parse({ model: gone, chunk: model.chunks[0], outDir: tmp(), opts })).rejects.toThrow(
      /ENOENT|no such file/,
    );
    const ok = await threads.parse({ model, chunk: model.chunks[0], outDir: tmp(), opts });
    expect(ok.counts.lines).toBe(model.lines);
  } finally {
    await threads.close();
  }
});

test('an interrupted chunk resumed from its last progress writes identical files', async () => {
  const path = bigLog();
  const ref = await parseAll(path, 'text', 1 << 30, 1000);
  const { model, opts } = ref;
  const out = tmp();
  let last: ChunkProgress | null = null;
  let blocks = 0;
  await expect(
    parseChunkToFiles({
      model,
      chunk: model.chunks[0],
      outDir: out,
      opts,
      blockBytes: 1000,
      onProgress: (p) => {
        last = p;
        if (++blocks === 5) throw new Error('worker killed');
      },
    }),
  ).rejects.toThrow('worker killed');
  expect(last).not.toBeNull();
  // the crash may leave more output than the last heartbeat covered: resume truncates it
  const result = await parseChunkToFiles({
    model,
    chunk: model.chunks[0],
    outDir: out,
    opts,
    blockBytes: 1000,
    resume: last,
  });
  expect(readAll(out, 'records')).toBe(readAll(ref.out, 'records'));
  expect(readAll(out, 'quarantine')).toBe(readAll(ref.out, 'quarantine'));
  expect(result.counts.lines).toBe(27 * 40);
});

test('text records carry the mined template id, template and typed parameters', async () => {
  const { out } = await parseAll(bigLog(), 'text', 1 << 30);
  const records = readAll(out, 'records')
    .trim()
    .split('\n')
    .map((l) => JSON.parse(l));
  const alarm = records.find((r) => r.text.startsWith('ALM-311 Hold pressure low'));
  expect(alarm.template).toBe('ALM-311 Hold pressure low: <*> bar < <*> bar');
  expect(alarm.template_id).toMatch(/^t-[0-9a-f]{12}$/);
  expect(alarm.params).toEqual([
    { name: 'low', type: 'int', value: 356 },
    { name: 'p', type: 'int', value: 400 },
  ]);
  const same = records.filter((r) => r.template_id === alarm.template_id);
  expect(same).toHaveLength(40);
  // names are pseudonyms: the same person, the same pseudonym, everywhere in the source
  const shift = records.find((r) => r.text.startsWith('Shift A start'));
  expect(shift.text).toMatch(
    /^Shift A start, operator \[NAME:[0-9a-f]{6}\] \(工号 \[EMPLOYEE_ID\]\) logged in at HMI-1$/,
  );
});

describe('an incremental read (a range from a later line) parses the lines a whole read parses there, once', () => {
  const cases: [string, SourceSpec['format'], string][] = [
    ['events.log', 'text', readFileSync(join(EXAMPLE, 'events.log'), 'utf8').repeat(6)],
    ['sensors.csv', 'csv', readFileSync(join(EXAMPLE, 'sensors.csv'), 'utf8')],
    ['workorders.txt', 'workorders', readFileSync(join(EXAMPLE, 'workorders.txt'), 'utf8')],
  ];
  test.each(cases)('%s (%s), with and without prepared chunks', async (name, format, text) => {
    const path = join(tmp(), name);
    writeFileSync(path, text);
    const spec = SourceSpec.parse({ format });
    const opts = { source: name, timezone: '+08:00', pii: { ...DEFAULT_PII_OPTIONS, pseudonymKey: 'test-key' } };
    // the read's end and the next one's start: the line after about 60 % of the bytes
    const cut = text.indexOf('\n', Math.floor(text.length * 0.6)) + 1;
    const from = { byte: Buffer.byteLength(text.slice(0, cut)), line: text.slice(0, cut).split('\n').length };
    const size = Buffer.byteLength(text);
    for (const outDir of [undefined, tmp()]) {
      const read = async (range?: { from: { byte: number; line: number }; end: number }) => {
        const model = await scanSource(path, spec, { ...opts, chunkBytes: 1500, outDir, range });
        const out = tmp();
        for (const chunk of model.chunks) await parseChunkToFiles({ model, chunk, outDir: out, opts });
        const lines = (sub: string) =>
          readAll(out, sub)
            .split('\n')
            .filter(Boolean)
            .flatMap((l) => {
              const r = JSON.parse(l) as { line?: number; lines?: number[] };
              return r.lines ?? (r.line !== undefined ? [r.line] : []);
            });
        return { model, lines: [...lines('records'), ...lines('quarantine')].sort((a, b) => a - b) };
      };
      const whole = await read();
      const first = await read({ from: { byte: 0, line: 1 }, end: from.byte });
      const rest = await read({ from, end: size });
      expect(whole.lines.length).toBeGreaterThan(5);
      expect(rest.lines.length).toBeGreaterThan(0);
      expect(first.model.lines + rest.model.lines).toBe(whole.model.lines);
      expect(rest.model.chunks[0].firstLine).toBe(from.line);
      expect(rest.model.headerLine).toBe(whole.model.headerLine);
      expect([...first.lines, ...rest.lines].sort((a, b) => a - b)).toEqual(whole.lines);
      expect(Math.min(...rest.lines)).toBeGreaterThanOrEqual(from.line);
    }
  });
});
