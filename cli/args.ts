import { parseArgs } from 'node:util';

/** A bad command line: `forge` prints it with the usage and exits with 2. */
export class UsageError extends Error {}

export const out = (line: string) => process.stdout.write(line + '\n');

type Options = NonNullable<Parameters<typeof parseArgs>[0]>['options'];

/**
 * parseArgs, with the contract's `--input A B C` form: the words after a `multiple` option, up to the
 * next option, all belong to it; other words are a usage error unless `allowPositionals`. A bad argument is a
 * usage error.
 */
export function parseFlags<O extends Options>(args: string[], options: O, allowPositionals = false) {
  const multi = new Set(
    Object.entries(options!)
      .filter(([, o]) => o.multiple)
      .map(([k]) => `--${k}`),
  );
  const expanded: string[] = [];
  let current: string | null = null;
  for (const a of args) {
    if (a.startsWith('--')) current = multi.has(a) ? a : null;
    else if (current && expanded[expanded.length - 1] !== current) expanded.push(current);
    expanded.push(a);
  }
  try {
    return parseArgs({ args: expanded, options, strict: true, allowPositionals });
  } catch (e) {
    throw new UsageError((e as Error).message);
  }
}
