/**
 * Hostile input through the stage functions `forge parse` runs (scanSource, then parseChunkToFiles per
 * chunk): random and adversarial bytes for every parser (fast-check), and the classes of input that broke
 * stage one before. Every input line ends as a record or a quarantined line, nothing throws, the output is
 * the same run after run, and no planted personal datum is anywhere in the output directory.
 */
import fc from 'fast-check';
import { mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync, appendFileSync } from 'node:fs';
import { isUtf8 } from 'node:buffer';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseChunkToFiles } from '../../activities/parse/parseChunk';
import { grownPast, scanBlocks, scanSource } from '../../activities/parse/scanSource';
import { readLineBlocks } from '../../activities/parse/chunks';
import { SourceSpec } from '../../activities/parse/sourceSpec';
import { detectFormat, formatOf, type SourceFormatName } from '../../activities/parse/formats';
import { DEFAULT_PII_OPTIONS } from '../../activities/parse/pii';
import { describeInput } from '../../activities/parse/parseFile';

const tmp = () => mkdtempSync(join(tmpdir(), 'forge-hostile-'));
const opts = (source: string) => ({
  source,
  timezone: 'Z',
  pii: { ...DEFAULT_PII_OPTIONS, digestKey: 'test-digest-key' },
  maxLineBytes: 4096,
});

/** Parse a file as forge parse does; every output file's text, and the line numbers each line ended in. */
async function parse(path: string, spec: SourceSpec, blockBytes?: number, maxLineBytes = 4096) {
  const o = { ...opts('input'), maxLineBytes };
  const model = await scanSource(path, spec, { ...o, chunkBytes: 4096 });
  const out = tmp();
  const counts = { lines: 0, records: 0, quarantined: 0 };
  for (const chunk of model.chunks) {
    const c = await parseChunkToFiles({ model, chunk, outDir: out, opts: o, blockBytes });
    counts.lines += c.counts.lines;
    counts.records += c.counts.records;
    counts.quarantined += c.counts.quarantined;
  }
  const files = (sub: string) => {
    try {
      return readdirSync(join(out, sub))
        .sort()
        .map((f) => readFileSync(join(out, sub, f), 'utf8'))
        .join('');
    } catch {
      return '';
    }
  };
  const records = files('records')
    .split('\n')
    .filter(Boolean)
    .map((l) => JSON.parse(l) as { line: number; lines?: number[] });
  const quarantine = files('quarantine')
    .split('\n')
    .filter(Boolean)
    .map((l) => JSON.parse(l) as { line: number; reason: string; raw: string });
  const seen = [...records.flatMap((r) => r.lines ?? [r.line]), ...quarantine.map((q) => q.line)].sort((a, b) => a - b);
  rmSync(out, { recursive: true, force: true });
  return { counts, records, quarantine, seen, output: files.length };
}

/** The numbers of the lines a parser must account for: not blank (after decoding), or not UTF-8. */
function dataLines(bytes: Buffer, skip: (text: string, n: number) => boolean = () => false): number[] {
  const start = bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf ? 3 : 0;
  const out: number[] = [];
  let n = 1;
  let at = start;
  while (at < bytes.length) {
    let nl = bytes.indexOf(10, at);
    if (nl < 0) nl = bytes.length;
    const raw = bytes.subarray(at, nl);
    const text = raw.toString('utf8').replace(/\r$/, '');
    if (!isUtf8(raw) || raw.length > 4096 || (text.trim() !== '' && !skip(text, n))) out.push(n);
    n++;
    at = nl + 1;
  }
  return out;
}

const HEADERS: Partial<Record<SourceFormatName, SourceSpec>> = {
  text: SourceSpec.parse({ format: 'text', text: { header: '<Date> <Time> <Level> <Component>: <Content>' } }),
  jsonl: SourceSpec.parse({ format: 'jsonl' }),
  workorders: SourceSpec.parse({ format: 'workorders' }),
};

/** Bytes a hostile source is made of: real-looking lines, fragments of them, control and invalid bytes. */
const piece = fc.oneof(
  fc.constantFrom(
    '2026-03-02 07:58:12 INFO IMM-01: Melt temperature high 254 degC',
    '{"ts":"2026-03-02T07:58:12Z","asset":"IMM-01","message":"m"}',
    'WO-1 | 2026-03-02 08:00 | IMM-01 | symptom: leak | cause: seal | action: replace',
    '\r',
    '\n',
    '\r\n',
    '"',
    '{',
    '[',
    '|',
    ':',
    ' ',
    '\t',
    '\u00a0',
    '\u2028',
    '\ufeff',
    'operator Zhang Wei',
    '操作员张伟',
    '13812345678',
    '#',
    '\\',
    '\u0000',
  ),
  fc.string({ maxLength: 40 }),
  fc.uint8Array({ maxLength: 12 }).map((a) => Buffer.from(a).toString('latin1')),
);
const hostileBytes = fc
  .array(
    fc.oneof(
      piece.map((s) => Buffer.from(s, 'utf8')),
      fc.uint8Array({ maxLength: 8 }).map((a) => Buffer.from(a)),
    ),
    { maxLength: 60 },
  )
  .map((parts) => Buffer.concat(parts));

describe('every parser on random and adversarial bytes (fast-check)', () => {
  test.each(Object.keys(HEADERS) as SourceFormatName[])(
    '%s: no throw, every line a record or quarantined, the same output twice',
    async (format) => {
      const dir = tmp();
      await fc.assert(
        fc.asyncProperty(hostileBytes, async (bytes) => {
          const path = join(dir, `in.${format}`);
          writeFileSync(path, bytes);
          const a = await parse(path, HEADERS[format]!);
          const b = await parse(path, HEADERS[format]!, 97); // other block boundaries: the same output
          const comment = format === 'workorders' ? (t: string) => t.trimStart().startsWith('#') : undefined;
          expect(a.seen).toEqual(dataLines(bytes, comment));
          expect(a.counts.lines).toBe(a.counts.records + a.counts.quarantined);
          expect(b.records).toEqual(a.records);
          expect(b.quarantine).toEqual(a.quarantine);
        }),
        { numRuns: 60, seed: 20261201 },
      );
      rmSync(dir, { recursive: true, force: true });
    },
    120_000,
  );

  test('csv: no throw, lines counted once, the same output twice', async () => {
    const dir = tmp();
    const spec = SourceSpec.parse({ format: 'csv' });
    await fc.assert(
      fc.asyncProperty(hostileBytes, async (body) => {
        const path = join(dir, 'in.csv');
        writeFileSync(path, Buffer.concat([Buffer.from('timestamp,machine,operator,melt_temp (degC)\n'), body]));
        const a = await parse(path, spec);
        const b = await parse(path, spec, 97);
        expect(a.counts.lines).toBe(a.counts.records + a.counts.quarantined);
        expect(new Set(a.seen).size).toBe(a.seen.length);
        expect(b.records).toEqual(a.records);
        expect(b.quarantine).toEqual(a.quarantine);
      }),
      { numRuns: 60, seed: 20261201 },
    );
    rmSync(dir, { recursive: true, force: true });
  }, 120_000);
});

describe('the classes of hostile input that broke stage one', () => {
  const textSpec = HEADERS.text!;
  const file = (name: string, data: string | Buffer) => {
    const path = join(tmp(), name);
    writeFileSync(path, data);
    return path;
  };

  test('a 200 KB line of hex and a line of many words and carriage returns', async () => {
    const hex = '0123456789abcdef'.repeat(12_500);
    const words = Array.from({ length: 3000 }, (_, i) => `w${i}:`).join(' \r ');
    const r = await parse(
      file('h.log', `2026-03-02 07:58:12 INFO IMM-01: ${hex}\n${words}\n2026-03-02 07:58:13 INFO IMM-01: ${words}\n`),
      textSpec,
      undefined,
      1 << 20,
    );
    // the words line has the header's shape (fields w0: w1: ...): a record whose time cannot be read
    expect(r.records.map((x) => x.line)).toEqual([1, 2, 3]);
  });

  test('a line over the limit is quarantined as line_too_long, the lines around it parsed', async () => {
    const r = await parse(
      file(
        'long.log',
        `2026-03-02 07:58:12 INFO IMM-01: a\n2026-03-02 07:58:13 INFO IMM-01: ${'x'.repeat(50_000)}\n2026-03-02 ` +
          `07:58:14 INFO IMM-01: b\n`,
      ),
      textSpec,
    );
    expect(r.quarantine.map((q) => [q.line, q.reason.split(':')[0]])).toEqual([[2, 'line_too_long']]);
    expect(r.records.map((x) => x.line)).toEqual([1, 3]);
  });

  test('invalid UTF-8 is quarantined as invalid_utf8, never decoded into replacement characters', async () => {
    const bytes = Buffer.concat([
      Buffer.from('2026-03-02 07:58:12 INFO IMM-01: ok\n2026-03-02 07:58:13 INFO IMM-01: bad '),
      Buffer.from([0xff, 0xc3]),
      Buffer.from('\n'),
    ]);
    const r = await parse(file('bad.log', bytes), textSpec);
    expect(r.quarantine.map((q) => [q.line, q.reason.split(':')[0]])).toEqual([[2, 'invalid_utf8']]);
  });

  test('deeply nested JSON quarantines its line; a BOM does not quarantine line 1', async () => {
    const deep =
      `{"ts":"2026-03-02T07:58:12Z","asset":"a","message":"m","x":` + `${'['.repeat(50_000)}${']'.repeat(50_000)}}`;
    const r = await parse(
      file('e.jsonl', `\ufeff{"ts":"2026-03-02T07:58:11Z","asset":"a","message":"first"}\n${deep}\n`),
      HEADERS.jsonl!,
    );
    expect(r.records.map((x) => x.line)).toEqual([1]);
    expect(r.quarantine.map((q) => q.line)).toEqual([2]);
  });

  test('CSV: an unbalanced quote quarantines its own line only; repeated column names are kept apart', async () => {
    const csv =
      'timestamp,machine,temp (degC),temp ' +
      '(degC)\n2026-03-02T07:58:12Z,IMM-01,230,240\n2026-03-02T07:58:13Z,"IMM-01,231,241\n2026-03-02T07:58:14Z,I' +
      'MM-01,232,242\n';
    const r = await parse(file('q.csv', csv), SourceSpec.parse({ format: 'csv' }));
    expect(r.quarantine.map((q) => [q.line, q.reason])).toEqual([
      [3, 'unbalanced quote: a quoted cell opened on this line is never closed'],
    ]);
    const batch = r.records[0] as unknown as { lines: number[]; values: Record<string, number[]> };
    expect(batch.lines).toEqual([2, 4]);
    expect(batch.values).toEqual({ temp: [230, 232], temp_2: [240, 242] });
  });

  test('CSV: a quote that closes only in a later row costs its own line, never the rows it ran into', async () => {
    const rows = (bad: (t: string) => string, note: string) => {
      const out = ['timestamp,machine,melt_temp (degC),note'];
      for (let i = 0; i < 1000; i++) {
        const t = `2024-03-01T10:${String(Math.floor(i / 60)).padStart(2, '0')}:${String(i % 60).padStart(2, '0')}Z`;
        out.push(i === 9 ? bad(t) : `${t},M1,${200 + (i % 5)},${note}`);
      }
      return `${out.join('\n')}\n`;
    };
    // quoted notes on every other row: the open quote closes on the next row; one quote at the very end: it
    // closes 990 rows later
    for (const [name, text] of [
      ['notes.csv', rows((t) => `${t},M1,"201,[x]`, '"ok, fine"')],
      ['late.csv', rows((t) => `${t},M1,"201,[x]`, 'ok').replace(/ok\n$/, '"a ""quoted"" note"\n')],
    ]) {
      const r = await parse(file(name, text), SourceSpec.parse({ format: 'csv' }));
      expect(r.counts).toEqual({ lines: 1000, records: 999, quarantined: 1 });
      expect(r.quarantine.map((q) => [q.line, q.raw])).toEqual([[11, '2024-03-01T10:00:09Z,M1,"201,[x]']]);
      const lines = r.records.flatMap((x) => (x as unknown as { lines: number[] }).lines);
      expect(lines).toHaveLength(999);
      expect(lines).toContain(12);
    }
  });

  test('CSV: a real multi-line quoted cell stays one row', async () => {
    const csv =
      'timestamp,machine,melt_temp (degC),note\n2024-03-01T10:00:00Z,M1,200,"first line of the note\n' +
      'second line, with a comma"\n2024-03-01T10:00:01Z,M1,201,"ok, fine"\n2024-03-01T10:00:02Z,M1,202,plain\n';
    const r = await parse(file('multi.csv', csv), SourceSpec.parse({ format: 'csv' }));
    expect(r.quarantine).toEqual([]);
    const batch = r.records[0] as unknown as { lines: number[]; labels: Record<string, string[]> };
    expect(batch.lines).toEqual([2, 4, 5]);
    expect(batch.labels.note[0]).toBe('first line of the note\nsecond line, with a comma');
  });

  test('empty and header-only files give no records and no error', async () => {
    for (const [name, text] of [
      ['e.csv', ''],
      ['h.csv', 'timestamp,machine,temp (degC)\n'],
      ['e.log', ''],
      ['e.jsonl', '\n\n'],
    ]) {
      const spec = SourceSpec.parse({
        format: name.endsWith('.csv') ? 'csv' : name.endsWith('.log') ? 'text' : 'jsonl',
      });
      const r = await parse(file(name, text), spec);
      expect(r.counts).toEqual({ lines: 0, records: 0, quarantined: 0 });
    }
  });

  test('UTF-16 is refused with a clear message', async () => {
    await expect(describeInput(file('u.log', Buffer.from('\ufeff2026-03-02 hello\n', 'utf16le')))).rejects.toThrow(
      /UTF-16LE text: Forge reads UTF-8/,
    );
  });

  test('an unknown format is refused, naming the registered ones; an undetectable file is told how', async () => {
    const cfg = file('odd.json', JSON.stringify({ path: 'u.log', format: 'xml' }));
    file('u.log', '2026-03-02 07:58:12 INFO IMM-01: one\n');
    await expect(describeInput(cfg)).rejects.toThrow(/odd\.json: format: one of csv, jsonl, text, workorders/);
    expect(() => formatOf('xml')).toThrow('unknown source format "xml": one of csv, jsonl, text, workorders');
    // a rotated log keeps its format
    expect(['app.log.1', 'app.log-20261205', 'a.csv.2'].map((p) => detectFormat(p, 'x'))).toEqual([
      'text',
      'text',
      'csv',
    ]);
    await expect(describeInput(file('u.dat', 'x'))).rejects.toThrow(
      'use .csv/.tsv (csv), .jsonl/.ndjson (jsonl), .log/.txt (text), --format csv|jsonl|text|workorders, or a ' +
        'source config',
    );
  });

  test('a file growing during the scan is read up to its last complete line', async () => {
    const path = file('grow.log', '2026-03-02 07:58:12 INFO IMM-01: one\n2026-03-02 07:58:13 INFO IMM-01: tw');
    const o = { ...opts('grow.log'), chunkBytes: 4096 };
    const size = readFileSync(path).length;
    // the writer appends while the scan reads: the scan saw `size` bytes, the file is longer when it ends
    const model = await scanBlocks(readLineBlocks(path, 0, size, 1), path, textSpec, {
      ...o,
      growing: async (bytes) => {
        appendFileSync(path, 'o\n');
        return grownPast(path)(bytes);
      },
    });
    expect(model.lines).toBe(1);
    expect(model.chunks.at(-1)!.end).toBe(Buffer.byteLength('2026-03-02 07:58:12 INFO IMM-01: one\n'));
  });

  test('no personal datum anywhere in the output, in any field, quarantine reasons included', async () => {
    const text = [
      '2026-03-02 07:58:12 INFO Zhang Wei: operator Zhang Wei logged in',
      '2026-03-02 07:58:13 13812345678 IMM-01: level field holds a phone',
      '2026-03-02 07:58:14 INFO IMM-01: user=E2023456 emp_id=GH93140 reset the alarm',
      'not a header line, mail zhang.wei@example.com',
    ].join('\n');
    const out = tmp();
    const o = opts('p.log');
    const model = await scanSource(file('p.log', text), textSpec, { ...o, chunkBytes: 4096 });
    for (const chunk of model.chunks) await parseChunkToFiles({ model, chunk, outDir: out, opts: o });
    const all =
      ['records', 'quarantine']
        .flatMap((d) => readdirSync(join(out, d)).map((f) => readFileSync(join(out, d, f), 'utf8')))
        .join('\n') + JSON.stringify(model);
    for (const datum of ['Zhang Wei', '13812345678', 'E2023456', 'GH93140', 'zhang.wei@example.com'])
      expect({ datum, found: all.includes(datum) }).toEqual({ datum, found: false });
  });
});
