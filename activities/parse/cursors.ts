import { open, readdir, stat } from 'node:fs/promises';
import { basename, dirname, join, resolve } from 'node:path';
import { z } from 'zod';
import { eachNewline, type LinePosition } from './chunks';
import { sha256 } from '../common/files';

/**
 * Sources with a cursor: what earlier runs of a schedule read of each file, so that a run reads only what is new -
 * appended lines, new files, a rotated log from its start (and its old file's tail, when a pattern still matches
 * it), a truncated file again from its start (said). A file is the same file while its device and inode are, and
 * its first bytes (as many as were read, up to HEAD_BYTES) hash the same: a file rewritten in place starts again.
 */
export const SourceCursor = z.object({
  /** where the file was last read */
  path: z.string(),
  dev: z.number(),
  ino: z.number(),
  /** sha256 of the file's first `headBytes` bytes */
  head: z.string(),
  headBytes: z.number().int().min(0),
  /** the end of the last complete line read, and that line's number */
  offset: z.number().int().min(0),
  line: z.number().int().min(0),
});
export type SourceCursor = z.infer<typeof SourceCursor>;

/** A schedule's cursors (**contract**: `<out>/cursors.json`, advanced only when a run's version is committed). */
export const Cursors = z.object({ sources: z.array(SourceCursor) });
export type Cursors = z.infer<typeof Cursors>;

const HEAD_BYTES = 4096;

/** A file's identity across names: its device and inode. */
export const fileKey = (c: Pick<SourceCursor, 'dev' | 'ino'>) => `${c.dev}:${c.ino}`;

/** One read a run makes of a file: from a line to the end of its last complete line, and the cursor after it. */
export interface PlannedRead {
  path: string;
  from: LinePosition;
  end: number;
  /** lines in the read */
  lines: number;
  /** the file's cursor after the read */
  next: SourceCursor;
}

/**
 * The files a pattern names: a file, every file of a directory, or a directory and a file-name pattern with `*` and
 * `?` (`/data/plant/*.log`); sorted, hidden files left out. A pattern that names nothing gives none (the run says so).
 */
export async function matchInputs(pattern: string): Promise<string[]> {
  const path = resolve(pattern);
  const st = await stat(path).catch(() => null);
  if (st?.isFile()) return [path];
  const [dir, name] = st?.isDirectory() ? [path, '*'] : [dirname(path), basename(path)];
  if (/[*?[\]{}]/.test(dir)) throw new Error(`${pattern}: a pattern may have wildcards in its file name only`);
  const re = new RegExp(
    `^${name
      .replace(/[.+^$()|\\]/g, '\\$&')
      .replace(/\*/g, '[^/]*')
      .replace(/\?/g, '[^/]')}$`,
  );
  const entries = await readdir(dir, { withFileTypes: true }).catch(() => []);
  return entries
    .filter((e) => e.isFile() && !e.name.startsWith('.') && re.test(e.name))
    .map((e) => join(dir, e.name))
    .sort();
}

async function headHash(path: string, bytes: number): Promise<string> {
  const fh = await open(path);
  try {
    const buf = Buffer.alloc(bytes);
    const { bytesRead } = await fh.read(buf, 0, bytes, 0);
    return sha256(buf.subarray(0, bytesRead));
  } finally {
    await fh.close();
  }
}

/** The end of the last complete line in [from, size), and how many lines end there; `from` when none does. */
async function completeLines(path: string, from: number, size: number): Promise<{ end: number; lines: number }> {
  let end = from;
  let lines = 0;
  await eachNewline(path, from, size, (after) => {
    lines++;
    end = after;
  });
  return { end, lines };
}

/** A run's reads (each with lines to read), what it says about them, and the cursors once it is committed. */
export interface ReadPlan {
  reads: PlannedRead[];
  notes: string[];
  cursors: Cursors;
}

/**
 * What to read of each file now, after `cursors`: the same file from its cursor (nothing when it has not grown by a
 * complete line), a new file or a file rewritten in place from its start. A partial last line waits for the next
 * run. Cursors of files not read now are kept.
 */
export async function planReads(files: readonly string[], cursors: readonly SourceCursor[]): Promise<ReadPlan> {
  const reads: PlannedRead[] = [];
  const notes: string[] = [];
  const moved: SourceCursor[] = [];
  for (const path of files) {
    const st = await stat(path);
    const known = cursors.find((c) => c.dev === st.dev && c.ino === st.ino);
    let from: LinePosition = { byte: 0, line: 1 };
    if (known) {
      const same = st.size >= known.offset && (await headHash(path, known.headBytes)) === known.head;
      if (same) from = { byte: known.offset, line: known.line + 1 };
      else
        notes.push(`${basename(path)}: not the file an earlier run read (truncated or rewritten): read from its start`);
    }
    const { end, lines } = await completeLines(path, from.byte, st.size);
    if (known && end === known.offset && from.byte === known.offset) continue; // nothing new
    const headBytes = Math.min(HEAD_BYTES, end);
    const next = {
      path,
      dev: st.dev,
      ino: st.ino,
      head: await headHash(path, headBytes),
      headBytes,
      offset: end,
      line: from.line - 1 + lines,
    };
    moved.push(next);
    if (end > from.byte) reads.push({ path, from, end, lines, next });
  }
  const changed = new Set(moved.map(fileKey));
  const kept = cursors.filter((c) => !changed.has(fileKey(c)));
  return { reads, notes, cursors: { sources: [...kept, ...moved].sort((a, b) => a.path.localeCompare(b.path)) } };
}
