// A worker thread that parses chunks (chunkThreads.ts): the TypeScript sources through ts-node with SWC, as
// cli/bin.js loads them (a thread does not inherit its parent's require hooks), then the message loop.
require('ts-node').register({ transpileOnly: true, swc: true, project: require('node:path').join(__dirname, '..', '..', '..', 'tsconfig.json') });
require('./chunkThreadMain.ts');
