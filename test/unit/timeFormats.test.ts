import { isoInstant } from '../../activities/parse/timestamps';
import { compileTimeFormat, detectTime, KNOWN_TIME_FORMATS } from '../../activities/parse/timeFormats';
import { normaliseLevel } from '../../activities/parse/levels';
import { parseSourceText } from '../../activities/parse/parseFile';
import { SourceSpec } from '../../activities/parse/sourceSpec';
import { DEFAULT_PII_OPTIONS } from '../../activities/parse/pii';
import type { EventRecord } from '../../activities/parse/records';

const ctx = { offset: 'Z', year: 2005 };
const iso = (ms: number | null) => (ms === null ? null : new Date(ms).toISOString());

describe('time formats as real logs write them', () => {
  test.each([
    // [time text, as the header fields join it], the format detection must find, the instant
    [{ Date: '2015-10-18', Time: '18:01:47,978' }, 'iso', '2015-10-18T18:01:47.978Z'], // log4j
    [{ Date: '081109', Time: '203615' }, 'yyMMdd HHmmss', '2008-11-09T20:36:15.000Z'], // HDFS
    [{ Date: '17/06/09', Time: '20:10:40' }, 'yy/MM/dd HH:mm:ss', '2017-06-09T20:10:40.000Z'], // Spark
    [{ Month: 'Dec', Date: '10', Time: '06:55:46' }, 'MMM d HH:mm:ss', '2005-12-10T06:55:46.000Z'], // syslog, no year
    [{ Time: '1117838570' }, 'epoch_s', '2005-06-03T22:42:50.000Z'], // epoch seconds
    [{ Time: '20171223-22:15:29:606' }, 'yyyyMMdd-HH:mm:ss:S', '2017-12-23T22:15:29.606Z'], // HealthApp
    [{ Time: '20171224-2:3:49:99' }, 'yyyyMMdd-HH:mm:ss:S', '2017-12-24T02:03:49.990Z'], // unpadded fields
    [{ Time: 'Sun Dec 04 04:47:44 2005' }, 'EEE MMM d HH:mm:ss yyyy', '2005-12-04T04:47:44.000Z'], // Apache, ctime
    [{ Time: '10.30 16:49:06' }, 'MM.dd HH:mm:ss', '2005-10-30T16:49:06.000Z'], // Proxifier
    [{ Date: '03-17', Time: '16:13:38.811' }, 'MM-dd HH:mm:ss.S', '2005-03-17T16:13:38.811Z'], // Android logcat
    [{ Time: '2005-06-03-15.42.50.675872' }, 'yyyy-MM-dd-HH.mm.ss.S', '2005-06-03T15:42:50.675Z'], // BlueGene
    [{ Time: '10/Oct/2000:13:55:36 -0700' }, 'dd/MMM/yyyy:HH:mm:ss X', '2000-10-10T20:55:36.000Z'], // common log format
  ])('%j reads as %s', (row, format, instant) => {
    const fields = Object.keys(row);
    const found = detectTime([row as Record<string, string>], fields, KNOWN_TIME_FORMATS, ctx);
    expect(found?.format).toBe(format);
    expect(found?.fields).toEqual(fields);
    expect(iso(compileTimeFormat(format, ctx)(fields.map((f) => (row as Record<string, string>)[f]).join(' ')))).toBe(
      instant,
    );
  });

  test('invalid dates are not times', () => {
    expect(compileTimeFormat('yyMMdd HHmmss', ctx)('080230 101010')).toBeNull();
    expect(compileTimeFormat('MMM d HH:mm:ss', ctx)('Foo 10 06:55:46')).toBeNull();
    expect(compileTimeFormat('epoch_s', ctx)('12')).toBeNull();
  });

  test('date and time fields together beat the date alone, even when a few times are broken', () => {
    const sample = [...Array(19)].map((_, i) => ({ Date: '2026-03-02', Time: `10:${String(i).padStart(2, '0')}:00` }));
    sample.push({ Date: '2026-03-02', Time: '25:61:00' });
    expect(detectTime(sample, ['Date', 'Time'], KNOWN_TIME_FORMATS, ctx)).toMatchObject({
      fields: ['Date', 'Time'],
      format: 'iso',
    });
  });

  test('a pattern it cannot read is a clear error', () => {
    expect(() => compileTimeFormat('yyyy-MM-dd Q', ctx)).toThrow(/unknown letter "Q"/);
    expect(() => compileTimeFormat('HH:mm', ctx)).toThrow(/needs a month and a day/);
  });
});

describe('levels are free text, normalised where known', () => {
  test.each([
    ['D', 'DEBUG'],
    ['W', 'WARN'],
    ['warning', 'WARN'],
    ['err', 'ERROR'],
    ['crit', 'CRITICAL'],
    ['3', 'ERROR'],
    ['combo', 'COMBO'],
    ['[INFO]', 'INFO'],
  ])('%s -> %s', (raw, level) => {
    expect(normaliseLevel(raw)).toBe(level);
  });
});

describe('a text log through the parser', () => {
  const opts = { source: 'x.log', timezone: 'Z', pii: DEFAULT_PII_OPTIONS };
  test(
    'any level is kept; a line whose time cannot be read keeps its record with ts null and its ' + 'time text',
    async () => {
      const spec = SourceSpec.parse({
        format: 'text',
        text: { header: '<Date> <Time> <Level> <Component>: <Content>' },
      });
      const text = [
        '2015-10-18 18:01:47,978 INFO main: started',
        '2015-10-18 18:01:48,001 D main: tick',
        '2015-10-18 25:99:00,000 combo main: late',
      ].join('\n');
      const r = await parseSourceText(spec, text, opts);
      expect(r.quarantine).toEqual([]);
      const events = r.records as EventRecord[];
      expect(events.map((e) => [e.ts, e.level])).toEqual([
        ['2015-10-18T18:01:47.978Z', 'INFO'],
        ['2015-10-18T18:01:48.001Z', 'DEBUG'],
        [null, 'COMBO'],
      ]);
      expect(events[2].time_text).toBe('2015-10-18 25:99:00,000');
    },
  );

  test('a configured format that reads none of the times is an error naming it', async () => {
    const spec = SourceSpec.parse({
      format: 'text',
      text: { header: '<Date> <Time> <Content>', timeFormat: 'dd.MM.yyyy HH:mm:ss' },
    });
    await expect(parseSourceText(spec, '2015-10-18 18:01:47 hello', opts)).rejects.toThrow(
      /time format "dd.MM.yyyy HH:mm:ss" reads none/,
    );
  });
});

test('isoInstant writes what Date#toISOString writes, second after second and across years', () => {
  const times = [0, 1, 999, 1000, -1, -999, -1000, -1001, 1494892800008, 1494892800272, 1494892801000, 1494892800999];
  times.push(253402300799999, 253402300800000, -62167219200000, -62167219200001, 8.64e15, -8.64e15, 0.5, -0.5);
  for (let t = 1494892800000, step = 1; t < 1494892800000 + 5e6; t += step, step = (step * 7 + 3) % 997) times.push(t);
  for (const t of times) expect(isoInstant(t)).toBe(new Date(t).toISOString());
  expect(() => isoInstant(8.64e15 + 1)).toThrow(RangeError);
});
