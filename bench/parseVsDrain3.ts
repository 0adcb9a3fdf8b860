/**
 * `forge parse` end to end beside Drain3 (the tool a user would pick instead), on Loghub-2k's OpenStack log
 * repeated 200 times (400,000 lines, ~119 MB; CRLF lines as published): both run in turn, several rounds;
 * prints per tool the median wall time, lines/s, peak RSS, and the ratio Drain3 / Forge. Drain3 0.9.11 is
 * installed by this script into the git-ignored .tools/drain3 venv (pip), run with logparser's header
 * regex and its OpenStack masks ("with masks") and without. Forge: the command a user runs, default settings
 * (PII masking, typed records, templates), on the cores it finds. Then the miners alone (each one's loop over
 * messages read before, one thread), with and without masks, and the floor of Forge's product path (its PII
 * masking and its miner's masking of every message, in core-seconds) - PII masking has no off switch in the
 * product, so this is what it costs.
 *   npx ts-node --transpile-only bench/parseVsDrain3.ts [--rounds 3] [--repeat 200]
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { sharedDataset } from './lib/shared';
import { DEFAULT_PII_OPTIONS, PiiMasker } from '../activities/parse/pii';
import { Drain } from '../activities/parse/templates/drain';
import { compileLogFormat, matchLogFormat } from '../activities/parse/templates/logFormat';
import { drainOptions, MinerSettings } from '../activities/parse/templates/templateModel';

const { values } = parseArgs({
  options: { rounds: { type: 'string', default: '3' }, repeat: { type: 'string', default: '200' } },
});
const ROOT = join(__dirname, '..');
const VENV = join(ROOT, '.tools', 'drain3');
const HEADER = '<Logrecord> <Date> <Time> <Pid> <Level> <Component> \\[<ADDR>\\] <Content>';
const MASKS = ['((\\d+\\.){3}\\d+,?)+', '/.+?\\s', '\\d+'];

const DRAIN3 = `
import re, sys, time
from drain3 import TemplateMiner
from drain3.template_miner_config import TemplateMinerConfig
from drain3.masking import MaskingInstruction
path, masks = sys.argv[1], sys.argv[2] == 'masks'
cfg = TemplateMinerConfig()
cfg.drain_sim_th, cfg.drain_depth, cfg.profiling_enabled = 0.5, 5, False
if masks:
    cfg.masking_instructions = [MaskingInstruction(r, '<*>') for r in ${JSON.stringify(MASKS)}]
miner = TemplateMiner(config=cfg)
header = re.compile(r'^(?P<Logrecord>.*?)\\s+(?P<Date>.*?)\\s+(?P<Time>.*?)\\s+(?P<Pid>.*?)\\s+(?P<Level>.*?)\\s+'
                    r'(?P<Component>.*?)\\s+\\[(?P<ADDR>.*?)\\]\\s+(?P<Content>.*?)$')
def content(line):
    m = header.match(line.strip())
    return m.group('Content') if m else line.strip()
n = 0
if sys.argv[3] == 'end-to-end':
    with open(path, encoding='utf-8') as f:
        for line in f:
            miner.add_log_message(content(line))
            n += 1
    print(n, len(miner.drain.clusters))
else:  # the miner alone: its loop over messages read and split before
    with open(path, encoding='utf-8') as f:
        contents = [content(line) for line in f]
    start = time.perf_counter()
    for c in contents:
        miner.add_log_message(c)
    print(len(contents), len(miner.drain.clusters), time.perf_counter() - start)
`;

function ensureDrain3(): string {
  const py = join(VENV, 'bin', 'python');
  if (!existsSync(py)) {
    execFileSync('python3', ['-m', 'venv', VENV], { stdio: 'inherit' });
    execFileSync(join(VENV, 'bin', 'pip'), ['install', '--quiet', 'drain3==0.9.11'], { stdio: 'inherit' });
  }
  return py;
}

/** Wall seconds and peak RSS (MB) of one command, from GNU time. */
function timed(cmd: string, args: string[]): { wall: number; rssMb: number; out: string } {
  const res = spawnSync('/usr/bin/time', ['-f', '%e %M', cmd, ...args], { encoding: 'utf8', maxBuffer: 1 << 26 });
  if (res.status !== 0) throw new Error(`${cmd} failed: ${res.stderr.slice(-500)}`);
  const [wall, kb] = res.stderr.trim().split('\n').pop()!.split(' ').map(Number);
  return { wall, rssMb: kb / 1024, out: res.stdout };
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

/** Seconds of `fn` over every item, on this thread. */
function seconds<T>(items: T[], fn: (x: T) => void): number {
  const t = process.hrtime.bigint();
  for (const x of items) fn(x);
  return Number(process.hrtime.bigint() - t) / 1e9;
}

/**
 * The miner alone, as Drain3's is timed (its loop over messages already read and split from their headers), one
 * thread: Forge's miner with its default masks (`Drain.add`: masks, tokens, tree), and without masks (tokens and
 * tree), beside Drain3 with and without masks. Then the floor of the product path: the PII masking and the
 * miner's masking of every message (what every line goes through), in core-seconds: on N cores, stage one
 * cannot take less than this / N.
 */
function forgeMiner(log: string): { lines: number; mine: number; bare: number; floor: number } {
  const format = compileLogFormat(HEADER);
  const contents = readFileSync(log, 'utf8')
    .split('\n')
    .filter((l) => l.trim())
    .map((l) => matchLogFormat(format, l.replace(/\r$/, ''))?.Content ?? l);
  const options = drainOptions(MinerSettings.parse({}));
  const noMasks = new Drain({ ...options, masks: [] });
  const bare = seconds(contents, (c) => noMasks.add(c));
  const miner = new Drain(options);
  const mine = seconds(contents, (c) => miner.add(c));
  const pii = new PiiMasker({ ...DEFAULT_PII_OPTIONS, digestKey: 'bench' });
  const floor = seconds(contents, (c) => miner.mask(pii.text(c)));
  return { lines: contents.length, mine, bare, floor };
}

function main(): void {
  const dir = mkdtempSync(join(tmpdir(), 'forge-vs-drain3-'));
  try {
    const log = join(dir, 'openstack.log');
    const one = readFileSync(join(sharedDataset('loghub-2k'), 'OpenStack', 'OpenStack_2k.log'));
    const piece = one[one.length - 1] === 10 ? one : Buffer.concat([one, Buffer.from('\r\n')]);
    writeFileSync(log, Buffer.concat(Array(Number(values.repeat)).fill(piece)));
    const lines = readFileSync(log)
      .toString('latin1')
      .split('\n')
      .filter((l) => l.trim()).length;
    const config = join(dir, 'openstack.json');
    writeFileSync(config, JSON.stringify({ path: log, format: 'text', text: { header: HEADER } }));
    writeFileSync(join(dir, 'drain3_run.py'), DRAIN3);
    const py = ensureDrain3();
    const runs: Record<string, { wall: number; rssMb: number }[]> = {
      forge: [],
      'drain3 with masks': [],
      'drain3 without masks': [],
    };
    for (let r = 0; r < Number(values.rounds); r++) {
      const out = join(dir, `out-${r}`);
      runs.forge.push(
        timed(process.execPath, [join(ROOT, 'cli', 'bin.js'), 'parse', '--source', config, '--out', out]),
      );
      rmSync(out, { recursive: true, force: true });
      runs['drain3 with masks'].push(timed(py, [join(dir, 'drain3_run.py'), log, 'masks', 'end-to-end']));
      runs['drain3 without masks'].push(timed(py, [join(dir, 'drain3_run.py'), log, 'none', 'end-to-end']));
    }
    console.log(
      `${lines} lines (${(readFileSync(log).length / 1e6).toFixed(0)} MB), ${values.rounds} rounds, ` +
        `${cpus().length} cores`,
    );
    const forgeWall = median(runs.forge.map((x) => x.wall));
    for (const [name, xs] of Object.entries(runs)) {
      const wall = median(xs.map((x) => x.wall));
      // each round's ratio (its runs follow one another), then their median: steady while the machine's speed drifts
      const paired = median(xs.map((x, i) => x.wall / runs.forge[i].wall));
      console.log(
        `${name.padEnd(22)} median ${wall.toFixed(2)} s (${xs.map((x) => x.wall.toFixed(2)).join(' / ')}), ` +
          `${Math.round(lines / wall)} lines/s, peak RSS ${Math.max(...xs.map((x) => x.rssMb)).toFixed(0)} MB` +
          (name === 'forge'
            ? ''
            : `; Forge's speed / this: ${(wall / forgeWall).toFixed(2)}x (round by round: ${paired.toFixed(2)}x)`),
      );
    }
    // the miners alone, and the floor of the product path
    const drain3Loop = (masks: string) =>
      median(
        Array.from({ length: Number(values.rounds) }, () =>
          Number(
            timed(py, [join(dir, 'drain3_run.py'), log, masks, 'loop'])
              .out.trim()
              .split(' ')[2],
          ),
        ),
      );
    const d3 = { masks: drain3Loop('masks'), none: drain3Loop('none') };
    const f = Array.from({ length: Number(values.rounds) }, () => forgeMiner(log));
    const mine = median(f.map((x) => x.mine));
    const bare = median(f.map((x) => x.bare));
    const floor = median(f.map((x) => x.floor));
    const perSec = (s: number) => `${Math.round(lines / s)} lines/s`;
    console.log(
      `miner alone, one thread (its loop over messages read before): Forge with its masks ${mine.toFixed(2)} s ` +
        `(${perSec(mine)}), Drain3 with masks ${d3.masks.toFixed(2)} s: ${(d3.masks / mine).toFixed(2)}x; ` +
        `without masks: Forge ${bare.toFixed(2)} s (${perSec(bare)}), Drain3 ${d3.none.toFixed(2)} s: ` +
        `${(d3.none / bare).toFixed(2)}x`,
    );
    console.log(
      `floor of the product path: PII masking + the miner's masking of every message ${floor.toFixed(2)} ` +
        `core-s, so >= ${(floor / cpus().length).toFixed(2)} s on ${cpus().length} cores ` +
        `(3x Drain3 with masks end to end: ${(median(runs['drain3 with masks'].map((x) => x.wall)) / 3).toFixed(2)} s)`,
    );
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

main();
