#!/usr/bin/env node
// The `forge` command: TypeScript sources loaded by activities/common/tsLoader.js (transpiled once and kept; no
// build step).
//
// V8 sizes its heap by its limit: with the default limit a streaming parse lets garbage grow to ~450-520 MB
// before collecting; with an explicit limit it stays near 300 MB at the same speed (bench/parseThroughput.ts).
// So forge runs itself once more with --max-old-space-size, unless the user chose a limit. The child never
// outlives this process: every signal this process gets is passed on (the child has a process group of its
// own, so a terminal's Ctrl-C reaches it once, through here), and the child exits when this process is gone
// (its IPC channel closes, even after a SIGKILL that no handler sees).
const { spawn } = require('node:child_process');
const HEAP = '--max-old-space-size=1536';
const chosen = [...process.execArgv, ...(process.env.NODE_OPTIONS ?? '').split(/\s+/)].some((a) =>
  a.startsWith('--max-old-space-size'),
);
// `forge review` asks at the terminal: it runs in this process (a child in its own process group could not read it)
const interactive = process.argv[2] === 'review';
// `forge parse` keeps every core busy with its chunk threads: V8's parallel garbage-collection helpers then find
// no idle core and only contend with them (400,000 OpenStack lines on 2 cores: 6.2 s with one GC thread per
// isolate, 6.7-7.2 s with helpers; bench/parseVsDrain3.ts)
const gc =
  process.argv[2] === 'parse' && !process.execArgv.some((a) => a.includes('threaded-gc'))
    ? ['--single-threaded-gc']
    : [];
if (!chosen && !interactive) {
  const child = spawn(process.execPath, [HEAP, ...gc, ...process.execArgv, __filename, ...process.argv.slice(2)], {
    stdio: ['inherit', 'inherit', 'inherit', 'ipc'],
    detached: true,
    env: { ...process.env, FORGE_PARENT_WATCH: '1' },
  });
  for (const sig of ['SIGINT', 'SIGTERM', 'SIGHUP']) process.on(sig, () => child.kill(sig));
  child.on('exit', (code, signal) => {
    if (signal) {
      process.removeAllListeners(signal);
      process.kill(process.pid, signal);
    } else process.exit(code ?? 1);
  });
} else {
  if (process.env.FORGE_PARENT_WATCH && process.channel) {
    // the parent is gone (killed, even with SIGKILL): stop as its SIGTERM would have
    process.on('disconnect', () => process.kill(process.pid, 'SIGTERM'));
    process.channel.unref();
  }
  delete process.env.FORGE_PARENT_WATCH;
  require('../activities/common/tsLoader.js').register();
  require('./forge.ts').main(process.argv.slice(2));
}
