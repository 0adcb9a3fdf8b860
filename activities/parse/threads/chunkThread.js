// A worker thread that parses chunks (chunkThreads.ts): the TypeScript sources (a thread does not inherit its
// parent's require hooks: loaded as the forge command loads them, infra/tsLoader.js), then the message loop.
require('../../../infra/tsLoader.js').register();
require('./chunkThreadMain.ts');
