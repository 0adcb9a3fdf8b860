import { Drain, skeleton } from '../../activities/parse/templates/drain';
import { compileLogFormat, matchLogFormat } from '../../activities/parse/templates/logFormat';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import {
  ALL_STANDARD_MASKS,
  STANDARD_MASK,
  STANDARD_MASKS,
  standardMaskKey,
  standardMaskVariant,
} from '../../activities/parse/templates/masks';
import { EnumerationCounter } from '../../activities/parse/templates/enumerations';
import {
  compileSlots,
  drainOptions,
  freezeTemplates,
  paramsJson,
  MinerSettings,
  TemplateMatcher,
} from '../../activities/parse/templates/templateModel';

const forge = () =>
  new Drain({
    depth: 4,
    similarity: 0.5,
    maxChildren: 100,
    masks: [...STANDARD_MASKS],
    numbersAreVariables: true,
    constantSimilarity: true,
  });

describe('Drain', () => {
  test('messages of one event share a cluster; differing positions become <*>', () => {
    const d = forge();
    const a = d.add('Hold pressure setpoint raised from 420 to 480 bar by operator A').cluster;
    const b = d.add('Hold pressure setpoint raised from 400 to 470 bar by operator B').cluster;
    expect(b).toBe(a);
    expect(a.template.join(' ')).toBe('Hold pressure setpoint raised from <*> to <*> bar by operator <*>');
    expect(a.size).toBe(2);
    expect(d.add('Melt temperature high: 254.4 degC > 250 degC').cluster).not.toBe(a);
    expect(d.clusters).toHaveLength(2);
  });

  test('masking keeps the masked values in order', () => {
    const m = forge().mask('conn from 10.0.0.7:5070 took 12ms id 3fa85f64-5717-4562-b3fc-2c963f66afa6');
    expect(m.tokens).toEqual(['conn', 'from', '<*>', 'took', '<*>', 'id', '<*>']);
    expect(m.masked).toEqual(['10.0.0.7:5070', '12ms', '3fa85f64-5717-4562-b3fc-2c963f66afa6']);
  });

  test('standard masks replace whole values, never digits inside a word', () => {
    const m = forge().mask('block blk_38865 on IMM-01 at Sun Jul 10 03:55:15 2005 list an14 an15 an16');
    expect(m.tokens).toEqual(['block', 'blk_38865', 'on', 'IMM-01', 'at', '<*>', 'list', '<*>']);
  });

  test('shared variable slots do not make two messages alike', () => {
    const d = forge();
    const bye = d.add('Received disconnect from 1.2.3.4: 11: Bye Bye [preauth]').cluster;
    expect(d.add('Received disconnect from 1.2.3.5: 11: disconnected by user').cluster).not.toBe(bye);
  });

  test('match() finds the cluster without changing it', () => {
    const d = forge();
    const c = d.add('PacketResponder 1 for block x terminating').cluster;
    const before = c.template.join(' ');
    expect(d.match('PacketResponder 2 for block y terminating').cluster).toBe(c);
    expect(c.template.join(' ')).toBe(before);
    expect(d.match('something else entirely').cluster).toBeNull();
  });

  test('skeleton leaves out variable-only tokens', () => {
    expect(skeleton(['<*>', 'close,', '<*>', 'bytes', '(<*>', '<*>)', 'sent'])).toBe('close, bytes sent');
  });
});

describe('the miner as forge parse runs it (default settings)', () => {
  const settings = MinerSettings.parse({});
  /** Mine messages as the scan does, then match them as a chunk does: the event id of each. */
  function events(messages: string[]): string[] {
    const d = new Drain(drainOptions(settings));
    const counter = new EnumerationCounter();
    for (const m of messages) {
      const { cluster, message } = d.add(m);
      counter.observe(cluster.id, message.tokens);
    }
    const matcher = new TemplateMatcher(freezeTemplates(d, settings, counter));
    return messages.map((m) => matcher.match(m)!.templateId);
  }

  test('key=value tokens generalise to key=<*>, whichever value came first', () => {
    const d = new Drain(drainOptions(settings));
    const a = d.add('setSystemUiVisibility vis=c0000700 mask=ffffffff oldVal=708').cluster;
    expect(d.add('setSystemUiVisibility vis=0 mask=1 oldVal=40000500').cluster).toBe(a);
    expect(a.template).toEqual(['setSystemUiVisibility', 'vis=<*>', 'mask=<*>', 'oldVal=<*>']);
  });

  test('a variable spanning a varying number of words keeps the other tokens aligned', () => {
    const ids = events([
      'proxy.example.edu.hk:5070 close, 1190 bytes (1.16 KB) sent, 1671 bytes (1.63 KB) received, lifetime 00:02',
      'proxy.example.edu.hk:5070 close, 451 bytes sent, 18846 bytes (18.4 KB) received, lifetime <1 sec',
      'www.example.com:80 close, 45 bytes sent, 188 bytes received, lifetime 00:01',
    ]);
    expect(new Set(ids).size).toBe(1);
  });

  test("parameters written from their slots are the JSON of the message's parameters", () => {
    const messages = [
      ...maskTestLines(),
      // values that JSON writes otherwise than their text, a literal wildcard with no masked value behind it
      'read 007 of +5 items at -0 with 1.10 ratio, 1e999 left, 0x1F "q\\"x" v=\u2028',
      'read 12 of -3 items at 4 with 9.5 ratio, 2e3 left, 0xab "r" v=ü',
      'slot <*> got 5 and <*>',
    ];
    const d = new Drain(drainOptions(settings));
    for (const m of messages) d.add(m);
    const matcher = new TemplateMatcher(freezeTemplates(d, settings));
    let compared = 0;
    for (const m of messages) {
      const message = d.mask(m);
      const matched = matcher.matchMasked(message);
      const slots = matcher.matchTokens(message.tokens);
      expect(slots === null).toBe(matched === null);
      if (!matched || !slots) continue;
      expect(paramsJson(compileSlots(slots.slots), message.masked)).toBe(JSON.stringify(matched.params));
      compared += matched.params.length;
    }
    expect(compared).toBeGreaterThan(5000);
  });

  test('a position holding a few plain words names different events; many words are a variable', () => {
    const states = ['LOOKING', 'LEADING', 'FOLLOWING'];
    const notes = states.flatMap((s, i) => [1, 2].map((k) => `Notification: ${i + k} (n.leader), ${s} (n.state)`));
    const ids = events(notes);
    expect(new Set(ids).size).toBe(3);
    expect(ids[0]).toBe(ids[1]);
    const users = ['root', 'news', 'cyrus', 'test', 'guest'].map((u) => `session opened for user ${u} by (uid=0)`);
    expect(new Set(events(users)).size).toBe(1);
  });
});

describe('log header notation', () => {
  test('fields, regex fragments and the content', () => {
    const f = compileLogFormat('<Date> <Time> <Level> \\[<Process>\\] <Component>: <Content>');
    expect(f.fields).toEqual(['Date', 'Time', 'Level', 'Process', 'Component', 'Content']);
    expect(matchLogFormat(f, '2015-10-18 18:01:47,978 INFO [main] org.apache.Foo: Created MRAppMaster')).toEqual({
      Date: '2015-10-18',
      Time: '18:01:47,978',
      Level: 'INFO',
      Process: 'main',
      Component: 'org.apache.Foo',
      Content: 'Created MRAppMaster',
    });
    expect(matchLogFormat(f, 'garbage')).toBeNull();
  });
  test('bad formats are clear errors', () => {
    expect(() => compileLogFormat('<Date> <Time>')).toThrow(/needs a <Content> field/);
    expect(() => compileLogFormat('<Date> <Date> <Content>')).toThrow(/appears twice/);
    expect(() => compileLogFormat('<Date> ( <Content>')).toThrow(/not a valid pattern/);
  });
});

/** Every line of the Loghub excerpts, and lines that put each mask at the edges of words. */
function maskTestLines(): string[] {
  const dir = join(__dirname, '..', 'fixtures', 'data', 'loghub');
  const lines = readdirSync(dir)
    .filter((f) => f.endsWith('.log'))
    .flatMap((f) => readFileSync(join(dir, f), 'utf8').split('\n'));
  lines.push(
    'xhttp://a.b/c Xhttp://a.b/c _ftp://h/x a1.2.3.4 1.2.3.4b -1.5e3ms +7 sec x-7 a_12 *x12 #a1 b2 c3,d4 e5',
    'id=550e8400-e29b-41d4-a716-446655440000 mail:a.b+c@d.example.org 0xFFee x0x1 00:1A:2b:3C:4d:5E',
    'Sun Jul 10 03:55:15 2005 Jul 10, 2005 2026-03-02T07:58:12.5 07:58:12,25 deadbeef00112233 host.a.example:80',
    '[IP] [NAME:3f2a9c] [x]1 ..1 .-1 µ5 5µs 3 KiB 4 bytes 12%',
    // words of letters up to a character (plain words), and those that are not: months, days, a MAC's start
    'Market 12 Mayday 5 Sun, Jul 10 2005 Monitor 3 ab:cd:ef:01:23:45 ab-cd-ef-01-23-45 abc:12 key=12 x/12 café 12',
    'status: 200 user+tag@ex.com word) 12 a_b@x.io abc-12 abc_12 _x 7 deadbeef-dead-beef-dead-beefdeadbeef Feb. 3',
  );
  return lines;
}

/** Where a pattern matches in a line, and what. */
const spans = (re: RegExp, line: string) => [...line.matchAll(re)].map((m) => `${m.index}:${m[0]}`).join('|');

test('the standard masks as one pattern match exactly what their plain alternation matches', () => {
  // (the one pattern dismisses positions early: the lines put each mask at the edges of words)
  const lines = maskTestLines();
  expect(lines.length).toBeGreaterThan(2000);
  const plain = new RegExp(STANDARD_MASKS.map((m) => `(?:${m})`).join('|'), 'g');
  const one = new RegExp(STANDARD_MASK, 'g');
  for (const line of lines) expect(spans(one, line)).toBe(spans(plain, line));
  // the miner's options use the one pattern
  expect(drainOptions(MinerSettings.parse({})).masks).toContain(STANDARD_MASK);
});

test('the pattern for a message without some masks matches what the whole pattern matches', () => {
  const lines = maskTestLines();
  lines.push(
    'mail a.b+c@d.example.org at http://x.y/z via proxy.example.edu.hk:5070 from 10.0.0.1 in 12ms',
    'no@host but ftp://h and a.b.c; a@b.c; x://y; .a. ..; host.example; a.b.c.d:80 1.2.3.4 a1.b2.c3',
    // each mix of the three: none, @, ://, both, a host shape with each
    'took 12 ms',
    'u@h 7',
    'see x://y 7',
    'u@h.io x://y 7',
    'at a.b.c 7',
    'u@h a.b.c 7',
    'x://y a.b.c 7',
  );
  const all = new RegExp(STANDARD_MASK, 'g');
  const keys = new Set<number>();
  for (const line of lines) {
    const key = standardMaskKey(line);
    keys.add(key);
    expect(spans(new RegExp(standardMaskVariant(key), 'g'), line)).toBe(spans(all, line));
  }
  // every variant was put to the test, and a message holding everything gets the whole pattern
  expect(keys.size).toBe(ALL_STANDARD_MASKS + 1);
  expect(standardMaskVariant(ALL_STANDARD_MASKS)).toBe(STANDARD_MASK);
  expect(standardMaskVariant(0).length).toBeLessThan(STANDARD_MASK.length);
});
