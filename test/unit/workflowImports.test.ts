import { readdirSync, readFileSync } from 'node:fs';
import { builtinModules } from 'node:module';
import { join } from 'node:path';

/**
 * Workflows run in Temporal's deterministic sandbox: they import no Node.js builtins, and from the
 * activities only types (`import type`), so that no activity code - file I/O, clocks, network - is bundled
 * into a workflow. A lint rule as a test: it reads every import of every file under workflows/.
 */
const DIR = join(__dirname, '..', '..', 'workflows');
const IMPORT = /^\s*import\s+(type\s+)?[^'"]*?from\s+['"]([^'"]+)['"]/gm;

test.each(readdirSync(DIR).filter((f) => f.endsWith('.ts')))(
  'workflows/%s imports no Node builtin and only types from activities',
  (file) => {
    const src = readFileSync(join(DIR, file), 'utf8');
    const bad: string[] = [];
    for (const [line, typeOnly, from] of src.matchAll(IMPORT)) {
      const bare = from.replace(/^node:/, '').split('/')[0];
      if (from.startsWith('node:') || builtinModules.includes(bare)) bad.push(`${line.trim()} (a Node builtin)`);
      if (/(^|\/)activities(\/|$)/.test(from) && !typeOnly) bad.push(`${line.trim()} (a value from activities)`);
    }
    expect(bad).toEqual([]);
  },
);
