// A worker thread that parses chunks (chunkThreads.ts): the TypeScript sources (a thread does not inherit its
// parent's require hooks: loaded as the forge command loads them, common/tsLoader.js), then the message loop.
require('../../common/tsLoader.js').register();
require('./chunkThreadMain.ts');
