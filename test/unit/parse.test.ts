import { readFileSync } from 'node:fs';
import { serialize } from 'node:v8';
import { join } from 'node:path';
import { detectFormat } from '../../activities/parse/formats';
import { parseSourceText } from '../../activities/parse/parseFile';
import { ParseContext } from '../../activities/parse/parseResult';
import { eventJson, TextLogParser } from '../../activities/parse/parsers/textLog';
import type { SourceTime } from '../../activities/parse/sourceModel';
import { DEFAULT_PII_OPTIONS } from '../../activities/parse/pii';
import { OperationRecord, SampleBatch, type SampleRecord } from '../../activities/parse/records';
import { openBatches } from '../../activities/parse/sampleBatch';
import { SourceSpec } from '../../activities/parse/sourceSpec';
import { parseInstant, parseTimestamp } from '../../activities/parse/timestamps';

const opts = (source: string) => ({ source, timezone: '+08:00', pii: DEFAULT_PII_OPTIONS });
const parseCsvSeries = (text: string, o: ReturnType<typeof opts>) => parseSourceText('csv', text, o);
const parseTextLog = (text: string, o: ReturnType<typeof opts>) => parseSourceText('text', text, o);
const parseJsonEvents = (text: string, o: ReturnType<typeof opts>) => parseSourceText('jsonl', text, o);
const parseWorkOrders = (text: string, o: ReturnType<typeof opts>) => parseSourceText('workorders', text, o);
/** The records of a parse with sample batches opened into rows. */
const rows = (r: { records: OperationRecord[] }) => openBatches(r.records);
const EXAMPLE = join(__dirname, '..', '..', 'examples', 'moulding-line');

describe('parseTimestamp', () => {
  test('applies the source offset to naive times and keeps explicit ones', () => {
    expect(parseTimestamp('2026-03-02 09:00:05', '+08:00')).toBe('2026-03-02T01:00:05.000Z');
    expect(parseTimestamp('2026-03-02T09:00:05Z', '+08:00')).toBe('2026-03-02T09:00:05.000Z');
    expect(parseTimestamp('2026-03-02T09:00:05-05:00', 'Z')).toBe('2026-03-02T14:00:05.000Z');
  });
  test('reads zoned ISO times by their fields, fractions and leap days included', () => {
    expect(parseTimestamp('2024-02-29T23:59:59.5+08:00', 'Z')).toBe('2024-02-29T15:59:59.500Z');
    expect(parseInstant('2026-01-01T00:00:00.123Z', '+08:00')).toBe(Date.UTC(2026, 0, 1) + 123);
  });
  test('reads every form of its pattern as Date.UTC reads the fields (separators, fractions, zones, bad days)', () => {
    let seed = 11;
    const rnd = (n: number) => {
      seed = (seed * 1103515245 + 12345) % 2 ** 31;
      return Math.floor(seed / 65536) % n;
    };
    const pad = (v: number, w = 2) => String(v).padStart(w, '0');
    for (let k = 0; k < 5000; k++) {
      const [y, mo, d, h, mi, s] = [1900 + rnd(200), 1 + rnd(12), 1 + rnd(31), rnd(24), rnd(60), rnd(60)];
      const digits = rnd(5); // 0: no fraction; 4: more digits than milliseconds hold
      const frac = digits ? `${'.,'[rnd(8) ? 0 : 1]}${String(rnd(10 ** digits)).padStart(digits, '0')}` : '';
      const zone = ['', 'Z', '+08:00', '-05:30', ' +0100'][rnd(5)];
      const offset = ['+00:00', '+08:00', 'Z', '-03:00'][rnd(4)];
      const text = `${y}-${pad(mo)}-${pad(d)}${rnd(2) ? 'T' : ' '}${pad(h)}:${pad(mi)}:${pad(s)}${frac}${zone}`;
      const valid = new Date(Date.UTC(y, mo - 1, d)).getUTCDate() === d;
      const ms = frac ? Math.floor(Number(`0.${frac.slice(1)}`) * 1000 + 1e-6) : 0;
      const z = (zone.trim() || offset).replace(/^([+-]\d{2}):?(\d{2})$/, '$1:$2');
      const minutes = z === 'Z' ? 0 : (z[0] === '-' ? -1 : 1) * (Number(z.slice(1, 3)) * 60 + Number(z.slice(4, 6)));
      const expected = valid ? Date.UTC(y, mo - 1, d, h, mi, s, ms) - minutes * 60_000 : null;
      expect({ text, offset, ms: parseInstant(text, offset) }).toEqual({ text, offset, ms: expected });
    }
  });
  test('years below 100 are read as written (ISO year 0 and 99), with and without a zone', () => {
    expect(parseTimestamp('0099-12-31T23:59:59Z', '+08:00')).toBe('0099-12-31T23:59:59.000Z');
    expect(parseInstant('0000-02-29T00:00:00Z', 'Z')).toBe(new Date('0000-02-29T00:00:00Z').getTime());
    expect(parseInstant('0000-02-29 08:00:00', '+08:00')).toBe(new Date('0000-02-29T00:00:00Z').getTime());
  });
  test.each([
    '2026-03-02 25:61:00',
    '02/03/2026 10:04',
    '2026-02-30 10:00',
    'yesterday',
    '2026-02-29T00:00:00Z',
    '2026-01-01T24:00:00Z',
    '2026-01-01T23:60:00Z',
    '2026-01-01T00:00:00+25:00',
  ])('rejects %s', (t) => {
    expect(parseTimestamp(t, 'Z')).toBeNull();
  });
});

describe('parseCsvSeries', () => {
  const csv = [
    'timestamp,machine,melt_temp (degC),hold_pressure [bar],quality,operator',
    '2026-03-02T08:00:00+08:00,IMM-01,238.3,480,OK,Zhang Wei (E10234)',
    '2026-03-02T08:00:30+08:00,IMM-01,###,480,OK,Zhang Wei (E10234)',
    '2026-03-02T08:01:00+08:00,IMM-01,238.3',
    '',
    '02/03/2026 08:01,IMM-01,238.3,480,NG,李娜',
    '2026-03-02T08:02:00+08:00,IMM-01,251.0,470,NG,"Zhang Wei, shift A"',
  ].join('\n');
  let r: Awaited<ReturnType<typeof parseCsvSeries>>;
  beforeAll(async () => {
    r = await parseCsvSeries(csv, opts('s.csv'));
  });

  test('reads units from the header and values as numbers', () => {
    expect(rows(r)[0]).toMatchObject({
      kind: 'sample',
      source: 's.csv',
      line: 2,
      asset: 'IMM-01',
      ts: '2026-03-02T00:00:00.000Z',
      values: { melt_temp: { value: 238.3, unit: 'degC' }, hold_pressure: { value: 480, unit: 'bar' } },
      labels: { quality: 'OK' },
    });
  });
  test('quarantines bad rows with line and reason, and loses none', () => {
    expect(r.quarantine.map((q) => [q.line, q.reason])).toEqual([
      [3, 'non-numeric value "###" in column melt_temp'],
      [4, 'expected 6 columns, found 3'],
      [6, 'invalid timestamp "02/03/2026 08:01" in column timestamp'],
    ]);
    expect(r.lines).toBe(5);
    expect(rows(r).length + r.quarantine.length).toBe(r.lines);
  });
  test('masks name columns in records and in quarantined raw lines', () => {
    const all = JSON.stringify(r);
    expect(all).not.toMatch(/Zhang Wei|李娜|E10234/);
    expect(rows(r)[1].kind === 'sample' && (rows(r)[1] as SampleRecord).labels.operator).toBe('[NAME], shift A');
  });
  test('a table without a timestamp column is an error naming the source', async () => {
    await expect(parseCsvSeries('a,b\n1,2\n', opts('x.csv'))).rejects.toThrow(/x\.csv: no timestamp column/);
  });
});

describe('parseTextLog', () => {
  let r: Awaited<ReturnType<typeof parseTextLog>>;
  beforeAll(async () => {
    r = await parseTextLog(
      [
        '2026-03-02 09:00:05 WARN IMM-01 ALM-203 Melt temperature high: 254.4 degC > 250 degC',
        '2026-03-02 09:04:00 INFO IMM-01 操作员 张伟 将料筒温度设定值从 252 调整到 240 degC',
        'cut line',
        '2026-03-02 09:09:55 INFO IMM-01 ALM-203 cleared, melt temperature 248.7 degC',
      ].join('\r\n'),
      opts('e.log'),
    );
  });
  test('splits header, alarm code and state; masks the message', () => {
    expect(r.records.map((x) => x.kind === 'event' && [x.line, x.level, x.code, x.state])).toEqual([
      [1, 'WARN', 'ALM-203', 'raised'],
      [2, 'INFO', null, 'info'],
      [4, 'INFO', 'ALM-203', 'cleared'],
    ]);
    expect(r.records[1].kind === 'event' && r.records[1].text).toBe(
      '操作员 [NAME] 将料筒温度设定值从 252 调整到 240 degC',
    );
    expect(r.quarantine).toEqual([
      { source: 'e.log', line: 3, raw: 'cut line', reason: expect.stringMatching(/does not match the log header/) },
    ]);
  });
});

test('messages alike once masked share their event, each with its own values', async () => {
  const lines = [1, 2, 3, 4, 5, 6].map((i) => `2026-03-02 09:00:0${i} INFO IMM-01 cycle ${i * 7} took ${i}.5`);
  lines.push('2026-03-02 09:00:07 INFO IMM-01 cycle 8 took 0x1f', '2026-03-02 09:00:08 INFO IMM-01 cycle 9 took 9.5');
  const r = await parseTextLog(lines.join('\n'), opts('c.log'));
  const events = r.records.flatMap((x) => (x.kind === 'event' ? [x] : []));
  expect(new Set(events.map((e) => e.template_id)).size).toBe(1);
  expect(events.map((e) => e.params.map((p) => [p.type, p.value]))).toEqual([
    ...[1, 2, 3, 4, 5, 6].map((i) => [
      ['int', i * 7],
      ['float', i + 0.5],
    ]),
    [
      ['int', 8],
      ['hex', '0x1f'],
    ],
    [
      ['int', 9],
      ['float', 9.5],
    ],
  ]);
});

describe('parseJsonEvents', () => {
  test('validates each line and quarantines bad JSON and bad events', async () => {
    const r = await parseJsonEvents(
      [
        '{"ts":"2026-03-02T09:00:05+08:00","asset":"IMM-01","level":"warn","code":"ALM-203","message":"melt ' +
          'temperature high, operator Zhang Wei"}',
        '{"ts":"2026-03-02T09:00:05+08:00"',
        '{"ts":"2026-03-02T09:00:05+08:00","message":"no asset"}',
      ].join('\n'),
      opts('e.jsonl'),
    );
    expect(r.records).toHaveLength(1);
    expect(r.records[0]).toMatchObject({
      level: 'WARN',
      code: 'ALM-203',
      state: 'raised',
      text: 'melt temperature high, operator [NAME]',
    });
    expect(r.quarantine.map((q) => q.line)).toEqual([2, 3]);
    expect(r.quarantine[1].reason).toMatch(/asset/);
  });
});

describe('parseWorkOrders', () => {
  test('reads fields, masks the technician, requires symptom/cause/action', async () => {
    const r = await parseWorkOrders(
      [
        '# comment',
        'WO-1 | 2026-03-02 09:12 | IMM-01/barrel | symptom: overshoot | cause: contactor stuck | action: ' +
          'replaced contactor | technician: Liu Yang (E20417) | downtime_min: 40',
        'WO-2 | 2026-03-05 | IMM-01 | symptom: noise',
        'WO-3 | 2026-03-05 10:00 | IMM-01 | symptom: a | cause: b | action: c | downtime_min: soon',
      ].join('\n'),
      opts('w.txt'),
    );
    expect(r.lines).toBe(3);
    expect(r.records[0]).toMatchObject({
      order_id: 'WO-1',
      asset: 'IMM-01/barrel',
      line: 2,
      downtime_min: 40,
      fields: { technician: '[NAME] ([EMPLOYEE_ID])' },
    });
    expect(r.quarantine.map((q) => [q.line, q.reason])).toEqual([
      [3, 'invalid opened time "2026-03-05"; missing cause, action'],
      [4, 'downtime_min is not a number: "soon"'],
    ]);
  });
});

describe('the example line', () => {
  test.each([
    // every operator cell of the 303 data rows holds a name and an employee id
    ['sensors.csv', 300, [52, 97, 252], { name: 302, employee_id: 302 }],
    // line 24 (cut by the log shipper) and line 26 (hour 25) keep their records, without a readable time
    ['events.log', 27, [], { name: 9, employee_id: 3, phone: 3, email: 1 }],
    ['workorders.txt', 6, [7], { name: 6, employee_id: 6, phone: 1 }],
  ] as const)(
    '%s: every data line is a valid record or quarantined, every datum masked once',
    async (file, records, quarantined, pii) => {
      const text = readFileSync(join(EXAMPLE, file), 'utf8');
      const format = detectFormat(file, text.slice(0, 4096))!;
      const r = await parseSourceText(format, text, opts(file));
      expect(rows(r)).toHaveLength(records);
      expect(r.quarantine.map((q) => q.line)).toEqual(quarantined);
      expect(rows(r).length + r.quarantine.length).toBe(r.lines);
      for (const rec of r.records) expect(OperationRecord.safeParse(rec).success).toBe(true);
      expect(r.pii).toEqual(pii);
    },
  );
});

test('detectFormat', () => {
  expect(detectFormat('a.csv', '')).toBe('csv');
  expect(detectFormat('a.jsonl', '')).toBe('jsonl');
  expect(detectFormat('a.txt', '# x\nWO-1 | 2026-01-01 10:00 | A | symptom: s')).toBe('workorders');
  expect(detectFormat('a.log', '2026-01-01 10:00:00 INFO A hello')).toBe('text');
  expect(detectFormat('a.bin', 'xyz')).toBeNull();
});

describe('source specs', () => {
  const o = opts('t.csv');
  test('a long table: one sample per row, units from a column, tags mapped to parameters', async () => {
    const spec = SourceSpec.parse({
      format: 'csv',
      csv: {
        layout: 'long',
        long: { tag: 'tag', value: 'value', unit: 'unit' },
        tags: { TT101: { parameter: 'melt_temp' } },
      },
    });
    const r = await parseSourceText(
      spec,
      'ts,machine,tag,value,unit\n2026-03-02T08:00:00Z,IMM-01,TT101,238.5,degC\n2026-03-02T08:00:00Z,IMM-01,PT7,' +
        '480,bar\n2026-03-02T08:00:01Z,IMM-01,PT7,n/a,bar\n',
      o,
    );
    expect(rows(r).map((x) => x.kind === 'sample' && x.values)).toEqual([
      { melt_temp: { value: 238.5, unit: 'degC' } },
      { PT7: { value: 480, unit: 'bar' } },
    ]);
    expect(r.quarantine.map((q) => [q.line, q.reason])).toEqual([[4, 'non-numeric value "n/a" in column value']]);
  });
  test('epoch times, a named timestamp column and units given in the spec', async () => {
    const spec = SourceSpec.parse({
      format: 'csv',
      csv: { timestamp: 'Zeit', timeFormat: 'epoch_ms', assetValue: 'IMM-02', tags: { TT1: { unit: 'degC' } } },
    });
    const r = await parseSourceText(spec, 'Zeit;TT1\n1772409600000;231.5\n', o);
    expect(rows(r)[0]).toMatchObject({
      ts: '2026-03-02T00:00:00.000Z',
      asset: 'IMM-02',
      values: { TT1: { value: 231.5, unit: 'degC' } },
    });
  });
  test(
    'samples are written as one columnar batch per asset and block (per tag and unit in a long table); ' +
      'counts are rows',
    async () => {
      const wide = await parseCsvSeries(
        'timestamp,machine,t ' +
          '(degC),status\n2026-03-02T08:00:00Z,A,1,RUN\n2026-03-02T08:00:01Z,B,2,\n2026-03-02T08:00:02Z,A,x,RUN' +
          '\n2026-03-02T08:00:03Z,A,3,STOP\n',
        o,
      );
      expect(wide.records).toEqual([
        expect.objectContaining({
          kind: 'samples',
          asset: 'A',
          line: 2,
          ts: '2026-03-02T08:00:00.000Z',
          lines: [2, 5],
          times: [Date.UTC(2026, 2, 2, 8), Date.UTC(2026, 2, 2, 8, 0, 3)],
          units: { t: 'degC' },
          values: { t: [1, 3] },
          labels: { status: ['RUN', 'STOP'] },
        }),
        expect.objectContaining({ kind: 'samples', asset: 'B', lines: [3], values: { t: [2] }, labels: {} }),
      ]);
      expect([rows(wide).length, wide.quarantine.length, wide.lines]).toEqual([3, 1, 4]);
      const spec = SourceSpec.parse({
        format: 'csv',
        csv: { layout: 'long', long: { tag: 'tag', value: 'value', unit: 'unit' } },
      });
      const long = await parseSourceText(
        spec,
        'ts,machine,tag,value,unit\n2026-03-02T08:00:00Z,A,T1,1,degC\n2026-03-02T08:00:00Z,A,P1,2,bar\n2026-03-0' +
          '2T08:00:01Z,A,T1,3,degC\n',
        o,
      );
      expect(long.records.map((r) => r.kind === 'samples' && [r.lines, r.values])).toEqual([
        [[2, 4], { T1: [1, 3] }],
        [[3], { P1: [2] }],
      ]);
    },
  );
  test('CRLF lines, blank lines and padded cells keep their line numbers, with and without quotes', async () => {
    const plain = await parseCsvSeries(
      'timestamp,machine,t (degC)\r\n2026-03-02T08:00:00Z, A ' +
        ',1\r\n\r\n2026-03-02T08:00:01Z,A,x\r\n2026-03-02T08:00:02Z,A,3\r\n',
      o,
    );
    const quoted = await parseCsvSeries(
      'timestamp,machine,t ' +
        '(degC)\r\n2026-03-02T08:00:00Z,"A",1\r\n\r\n2026-03-02T08:00:01Z,A,x\r\n2026-03-02T08:00:02Z,A,3\r\n',
      o,
    );
    for (const r of [plain, quoted]) {
      expect(r.records.map((b) => b.kind === 'samples' && [b.asset, b.lines, b.values])).toEqual([
        ['A', [2, 5], { t: [1, 3] }],
      ]);
      expect(r.quarantine.map((q) => [q.line, q.reason])).toEqual([[4, 'non-numeric value "x" in column t']]);
    }
  });
  /** A valid batch of two rows. */
  const BATCH = {
    kind: 'samples',
    id: 'x-2',
    source: 's.csv',
    line: 2,
    ts: '2026-03-02T08:00:00.000Z',
    asset: 'A',
    lines: [2, 3],
    times: [0, 1000],
    units: { t: 'degC' },
    values: { t: [1, 2] },
    labels: { q: ['OK', ''] },
  };
  test('a batch column with a bad entry is not a valid record, and the issue names the entry', () => {
    const b = BATCH;
    const issues = (x: unknown) => SampleBatch.safeParse(x).error?.issues.map((i) => [i.path.join('.'), i.message]);
    expect(issues(b)).toBeUndefined();
    expect(issues({ ...b, values: { t: [1, '2'] } })).toEqual([['values.t.1', 'expected finite numbers, found "2"']]);
    expect(issues({ ...b, values: { t: [1, null] } })).toEqual([['values.t.1', 'expected finite numbers, found null']]);
    expect(issues({ ...b, times: 'now' })).toEqual([['times', 'expected an array of finite numbers']]);
    expect(issues({ ...b, lines: [2, 2.5] })).toEqual([['lines.1', 'expected line numbers, found 2.5']]);
    expect(issues({ ...b, lines: [], times: [], values: { t: [] }, labels: {} })).toEqual([['lines', 'has no rows']]);
    expect(issues({ ...b, labels: { q: ['OK', 3] } })).toEqual([['labels.q.1', 'expected strings, found 3']]);
  });
  test('a batch whose columns disagree in length is not a valid record', () => {
    const b = { ...BATCH, values: { t: [1] }, labels: {} };
    expect(SampleBatch.safeParse(b).success).toBe(false);
    expect(SampleBatch.safeParse({ ...b, values: { t: [1, 2] } }).success).toBe(true);
    expect(SampleBatch.safeParse({ ...b, values: { t: [1, 2] }, units: {} }).success).toBe(false);
    expect(
      SampleBatch.safeParse({ ...b, values: { 'T1.PV': [1] }, units: { 'T1.PV': 'degC' } }).error?.issues.map(
        (i) => i.path,
      ),
    ).toEqual([['values', 'T1.PV']]);
  });
  test('an epoch time beyond the range of dates is quarantined, not a crash', async () => {
    const spec = SourceSpec.parse({
      format: 'csv',
      csv: { timeFormat: 'epoch_ms', assetValue: 'A', tags: { TT1: { unit: 'degC' } } },
    });
    const r = await parseSourceText(spec, 'ts,TT1\n1e20,1\n1772409600000,2\n', o);
    expect(r.quarantine.map((q) => [q.line, q.reason])).toEqual([[2, 'invalid timestamp "1e20" in column ts']]);
    expect(rows(r)).toHaveLength(1);
  });
  test('a headerless whitespace table with index times', async () => {
    const spec = SourceSpec.parse({
      format: 'csv',
      csv: {
        delimiter: 'whitespace',
        headerRow: false,
        columns: ['a', 'b'],
        timeFormat: 'index',
        start: '2026-01-01T00:00:00Z',
        intervalSeconds: 180,
        tags: { a: { unit: 'kPa' }, b: { unit: '%' } },
      },
    });
    const r = await parseSourceText(spec, '  1.5e+01   2.0\n  1.6e+01   2.1\n', o);
    expect(rows(r).map((x) => x.kind === 'sample' && [x.line, x.ts, x.values.a.value])).toEqual([
      [1, '2026-01-01T00:00:00.000Z', 15],
      [2, '2026-01-01T00:03:00.000Z', 16],
    ]);
  });
  test('the source config example in the README is valid', () => {
    const readme = readFileSync(join(__dirname, '..', '..', 'README.md'), 'utf8');
    const json = JSON.parse(/```json\n([\s\S]*?)```/.exec(readme)![1]) as Record<string, unknown>;
    const { path: _p, ...spec } = json;
    expect(SourceSpec.safeParse(spec).success).toBe(true);
  });
});

test('a text log writes one-byte JSON lines whatever its header field names', () => {
  // V8 keeps a regular expression's capture-group name two-byte unless that text is known one-byte already; a
  // record built from such a name is two-byte (twice the memory, a slower write). A name no source holds:
  const name = ['Qz', 'Fld', 'Nm'].join('');
  const spec = SourceSpec.parse({ format: 'text', text: { header: `<Date> <Time> <${name}> <Level> <Content>` } });
  const ctx = new ParseContext({ source: 'x.log', timezone: '+00:00', pii: DEFAULT_PII_OPTIONS });
  const time = { fields: ['Date', 'Time'], format: 'yyyy-MM-dd HH:mm:ss', year: 2024 };
  const parts = new TextLogParser(ctx, spec, null, time as SourceTime).parts(
    '2024-01-02 03:04:05 req-1 INFO disk sda1 at 91 %',
    1,
  )!;
  // the V8 serializer tags a one-byte string '"', a two-byte one 'c'
  const oneByte = (s: string) => serialize(s)[2] === 0x22;
  expect(parts.fields).toBe(`{"${name}":"req-1"}`);
  expect([oneByte(parts.fields), oneByte(parts.head), oneByte(eventJson(parts, null))]).toEqual([true, true, true]);
});
