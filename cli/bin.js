#!/usr/bin/env node
// The `forge` command: TypeScript sources run through ts-node with its SWC transpiler (no build step).
require('ts-node').register({ transpileOnly: true, swc: true, project: require('node:path').join(__dirname, '..', 'tsconfig.json') });
require('./forge.ts').main(process.argv.slice(2));
