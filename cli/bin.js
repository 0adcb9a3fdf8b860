#!/usr/bin/env node
// The `forge` command: TypeScript sources run through ts-node with its SWC transpiler (no build step).
//
// V8 sizes its heap by its limit: with the default limit a streaming parse lets garbage grow to ~450-520 MB
// before collecting; with an explicit limit it stays near 300 MB at the same speed (bench/parseThroughput.ts).
// So forge runs itself once more with --max-old-space-size, unless the user chose a limit.
const { spawn } = require('node:child_process');
const HEAP = '--max-old-space-size=1536';
const chosen = [...process.execArgv, ...(process.env.NODE_OPTIONS ?? '').split(/\s+/)].some((a) => a.startsWith('--max-old-space-size'));
if (!chosen) {
  const child = spawn(process.execPath, [HEAP, ...process.execArgv, __filename, ...process.argv.slice(2)], { stdio: 'inherit' });
  // a terminal's Ctrl-C reaches the child itself (same process group); signals sent to this pid are passed on
  process.on('SIGINT', () => undefined);
  for (const sig of ['SIGTERM', 'SIGHUP']) process.on(sig, () => child.kill(sig));
  child.on('exit', (code, signal) => {
    if (signal) {
      process.removeAllListeners(signal);
      process.kill(process.pid, signal);
    } else process.exit(code ?? 1);
  });
} else {
  require('ts-node').register({ transpileOnly: true, swc: true, project: require('node:path').join(__dirname, '..', 'tsconfig.json') });
  require('./forge.ts').main(process.argv.slice(2));
}
