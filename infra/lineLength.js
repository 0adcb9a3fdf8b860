#!/usr/bin/env node
// Lines of code at most 120 characters (the formatter's width): Biome wraps code but not long strings,
// template text or comments, so those are checked here. Prints each long line; exits 1 if there is one.
const { execFileSync } = require('node:child_process');
const { readFileSync } = require('node:fs');
const MAX = 120;
const dirs = ['activities', 'workflows', 'cli', 'graphs', 'infra', 'test', 'bench'];
const files = execFileSync('git', ['ls-files', ...dirs], { encoding: 'utf8' })
  .split('\n')
  .filter((f) => /\.(ts|js)$/.test(f) && !f.startsWith('infra/neo4j/'));
let long = 0;
for (const f of files) {
  readFileSync(f, 'utf8')
    .split('\n')
    .forEach((line, i) => {
      if (line.length > MAX) {
        long++;
        console.log(`${f}:${i + 1}: ${line.length} characters`);
      }
    });
}
if (long) {
  console.log(`${long} lines over ${MAX} characters`);
  process.exit(1);
}
