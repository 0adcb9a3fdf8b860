// A worker thread that parses chunks (chunkThreads.ts): the TypeScript sources, then the message loop. A thread
// does not inherit its parent's require hooks, so it loads `.ts` files itself: each transpiled once by
// TypeScript (module by module, as ts-node does with transpileOnly) and kept in node_modules/.cache, keyed by
// the file and its text; later threads and runs load the kept JavaScript without loading TypeScript at all
// (~0.1 s a thread instead of ~1.5 s with ts-node). Not SWC, as cli/bin.js uses: SWC's native module crashed
// the process (segmentation fault) in about one run of three when threads that had loaded it ended.
const { createHash } = require('node:crypto');
const { mkdirSync, readFileSync, renameSync, writeFileSync } = require('node:fs');
const { join } = require('node:path');
const { threadId } = require('node:worker_threads');

const ROOT = join(__dirname, '..', '..', '..');
const CACHE = join(ROOT, 'node_modules', '.cache', 'forge-threads');
let ts = null;

function transpile(source, filename) {
  ts ??= require('typescript');
  return ts.transpileModule(source, {
    fileName: filename,
    compilerOptions: {
      module: ts.ModuleKind.CommonJS,
      target: ts.ScriptTarget.ES2022,
      esModuleInterop: true,
      isolatedModules: true,
      resolveJsonModule: true,
    },
  }).outputText;
}

require.extensions['.ts'] = (module, filename) => {
  const source = readFileSync(filename, 'utf8');
  const key = createHash('sha256').update(`${filename}\0${source}`).digest('hex').slice(0, 32);
  const kept = join(CACHE, `${key}.js`);
  let js;
  try {
    js = readFileSync(kept, 'utf8');
  } catch {
    js = transpile(source, filename);
    try {
      mkdirSync(CACHE, { recursive: true });
      const tmp = `${kept}.${process.pid}.${threadId}`;
      writeFileSync(tmp, js);
      renameSync(tmp, kept); // whole or not at all, also when threads of several processes write it at once
    } catch {
      /* a read-only tree: transpiled again next time */
    }
  }
  module._compile(js, filename);
};

require('./chunkThreadMain.ts');
