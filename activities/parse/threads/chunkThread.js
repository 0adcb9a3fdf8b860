// A worker thread that parses chunks (chunkThreads.ts): the TypeScript sources through ts-node (a thread does
// not inherit its parent's require hooks), then the message loop. TypeScript's own transpiler, not SWC as
// cli/bin.js uses: SWC's native module crashed the process (segmentation fault) in about one run of three
// when threads that had loaded it ended; this costs each thread ~0.5 s at start.
require('ts-node').register({
  transpileOnly: true,
  swc: false,
  project: require('node:path').join(__dirname, '..', '..', '..', 'tsconfig.json'),
});
require('./chunkThreadMain.ts');
