import { Drain, skeleton } from '../../activities/parse/templates/drain';
import { compileLogFormat, matchLogFormat } from '../../activities/parse/templates/logFormat';
import { STANDARD_MASKS } from '../../activities/parse/templates/masks';
import { EnumerationCounter } from '../../activities/parse/templates/enumerations';
import {
  drainOptions,
  freezeTemplates,
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
