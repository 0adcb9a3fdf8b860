import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { builtinModules } from 'node:module';
import { dirname, join, relative, resolve } from 'node:path';

/**
 * Workflows run in Temporal's deterministic sandbox: they import no Node.js builtins, and from the activities only
 * types (`import type`) or values of pure modules - a module whose own imports are types or other pure modules of
 * this repository (the failure names, the shard-failure policy) - so that no activity code, file I/O, clock or
 * network is bundled into a workflow. A lint rule as a test: it reads every import of every file under workflows/.
 */
const ROOT = join(__dirname, '..', '..');
const DIR = join(ROOT, 'workflows');
const IMPORT = /^\s*import\s+(type\s+)?[^'"]*?from\s+['"]([^'"]+)['"]/gm;

const isBuiltin = (from: string) => from.startsWith('node:') || builtinModules.includes(from.split('/')[0]);

/** Why a module of the activities is not pure (null when it is): each of its value imports, followed. */
function impurity(file: string, seen = new Set<string>()): string | null {
  if (seen.has(file)) return null;
  seen.add(file);
  for (const [line, typeOnly, from] of readFileSync(file, 'utf8').matchAll(IMPORT)) {
    if (typeOnly) continue;
    const target = resolve(dirname(file), `${from}.ts`);
    if (isBuiltin(from) || !from.startsWith('.') || !existsSync(target))
      return `${relative(ROOT, file)}: ${line.trim()} (not a module of this repository)`;
    const why = impurity(target, seen);
    if (why) return why;
  }
  return null;
}

test.each(readdirSync(DIR).filter((f) => f.endsWith('.ts')))(
  'workflows/%s imports no Node builtin, and from activities only types or pure modules',
  (file) => {
    const src = readFileSync(join(DIR, file), 'utf8');
    const bad: string[] = [];
    for (const [line, typeOnly, from] of src.matchAll(IMPORT)) {
      if (isBuiltin(from)) bad.push(`${line.trim()} (a Node builtin)`);
      if (/(^|\/)activities(\/|$)/.test(from) && !typeOnly) {
        const why = impurity(resolve(DIR, `${from}.ts`));
        if (why) bad.push(`${line.trim()} (a value from activities: ${why})`);
      }
    }
    expect(bad).toEqual([]);
  },
);

test('the rule finds an impure module: a value import of an activity module that reads files', () => {
  expect(impurity(join(ROOT, 'activities', 'run', 'collectDocuments.ts'))).toMatch(/node:fs\/promises|not a module/);
  expect(impurity(join(ROOT, 'activities', 'run', 'failedShards.ts'))).toBeNull();
});
