import { neo4jWarnings } from '../../infra/env';
import { EMPTY_PROGRESS, progressBar } from '../../cli/runs';
import { join } from 'node:path';
import { parseRunConfig, RunConfig } from '../../activities/run/config';
import { splitCypher } from '../../graphs/store';
import { readFileSync } from 'node:fs';

describe('RunConfig', () => {
  test('every field has a default', () => {
    const c = parseRunConfig({}, '/base');
    expect(c).toMatchObject({
      timezone: 'Z',
      graphs: [],
      expand: {
        styles: ['textbook', 'qa', 'sop', 'troubleshooting', 'case_study', 'knowledge_list', 'lecture'],
        audiences: ['student', 'operator', 'process_engineer', 'maintenance_technician'],
        languages: ['en', 'zh'],
        variants: 7,
        nearDuplicateThreshold: 0.8,
        bundles: { pairs: 20, triples: 10, variants: 3 },
        concurrency: 16,
        initialConcurrency: 4,
      },
      facts: { minSupport: 3 },
    });
    expect(RunConfig.parse({ expand: { concurrency: 8 } }).expand.languages).toEqual(['en', 'zh']);
  });
  test('graph paths are resolved against the config file', () => {
    expect(parseRunConfig({ graphs: ['../g.cypher'] }, '/a/b').graphs).toEqual(['/a/g.cypher']);
  });
  test('errors name every bad field', () => {
    let message = '';
    try {
      parseRunConfig(
        { timezone: 'CET', expand: { styles: ['poem'] }, pii: { employeeIdPatterns: ['('] }, extra: 1 },
        '/',
        'my.json',
      );
    } catch (e) {
      message = (e as Error).message;
    }
    expect(message).toMatch(/^my\.json: /);
    for (const part of [
      'timezone: an offset',
      'expand.styles.0: Invalid option',
      'pii.employeeIdPatterns.0: not a valid regular expression',
      'Unrecognized key: "extra"',
    ]) {
      expect(message).toContain(part);
    }
  });
  test('the example config is valid', () => {
    const path = join(__dirname, '..', '..', 'examples', 'moulding-line', 'forge.config.json');
    expect(parseRunConfig(JSON.parse(readFileSync(path, 'utf8')), join(path, '..')).timezone).toBe('+08:00');
  });
});

test('splitCypher splits on statement ends and drops comment lines', () => {
  expect(splitCypher('// header\nCREATE (a);\nMATCH (n)\n// note\nRETURN n;\n\n')).toEqual([
    'CREATE (a)',
    'MATCH (n)\nRETURN n',
  ]);
  const seed = readFileSync(join(__dirname, '..', '..', 'graphs', 'injection-moulding.cypher'), 'utf8');
  expect(splitCypher(seed).every((s) => !s.includes(';\n'))).toBe(true);
});

test('progress bar: stages take their share, parsing by chunks, expansion by texts of finished batches', () => {
  const p = { ...EMPTY_PROGRESS, stage: 'parse' as const, chunks: 1, chunksTotal: 2 };
  expect(progressBar(p, 20)).toBe('[######..............]  28%');
  expect(progressBar({ ...p, stage: 'expand', texts: { done: 50, total: 100 } }, 20)).toBe(
    '[###############.....]  77%',
  );
  expect(progressBar({ ...p, stage: 'done' }, 10)).toBe('[##########] 100%');
  expect(progressBar(null, 10)).toBe('[..........]   0%');
});

describe('a remote Neo4j without credentials or TLS is warned about', () => {
  test.each([
    ['bolt://127.0.0.1:7687', null, 0],
    ['bolt://localhost:7687', null, 0],
    ['bolt://graph.plant.internal:7687', null, 2],
    ['bolt://graph.plant.internal:7687', 'secret', 1],
    ['neo4j+s://graph.plant.internal:7687', 'secret', 0],
    ['bolt+ssc://10.0.0.5:7687', null, 1],
  ] as const)('%s (password %s): %i warnings', (uri, password, n) => {
    expect(
      neo4jWarnings({ neo4jUri: uri, neo4jUser: password ? 'neo4j' : null, neo4jPassword: password }),
    ).toHaveLength(n);
  });
});
