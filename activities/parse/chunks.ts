import { open } from 'node:fs/promises';

/** A byte range of a source on line boundaries, and the number of its first line. */
export interface ChunkRef { index: number; start: number; end: number; firstLine: number }

const READ = 1 << 20;

/** A block of whole lines: its text, the number of its first line, its newlines, and the byte offset just after it. */
export interface LineBlock { text: string; firstLine: number; newlines: number; next: number }

/**
 * Read bytes [start, end) as blocks of whole lines of about `blockBytes` (a block always ends at a
 * newline, or at `end`). Memory stays at one block whatever the file size.
 */
export async function* readLineBlocks(path: string, start: number, end: number, firstLine: number, blockBytes = READ): AsyncGenerator<LineBlock> {
  const fh = await open(path);
  try {
    let pos = start;
    let line = firstLine;
    let carry = Buffer.alloc(0);
    while (pos < end) {
      const want = Math.min(blockBytes, end - pos);
      const buf = Buffer.allocUnsafe(want); // filled by the read below (bytesRead of it used)
      const { bytesRead } = await fh.read(buf, 0, want, pos);
      if (bytesRead === 0) break;
      pos += bytesRead;
      const data = carry.length ? Buffer.concat([carry, buf.subarray(0, bytesRead)]) : buf.subarray(0, bytesRead);
      const cut = pos >= end ? data.length : data.lastIndexOf(10) + 1;
      if (cut === 0) { carry = data; continue; }
      const text = data.subarray(0, cut).toString('utf8');
      const newlines = countNewlines(data, cut);
      yield { text, firstLine: line, newlines, next: pos - (data.length - cut) };
      line += newlines;
      carry = data.subarray(cut);
    }
    if (carry.length) yield { text: carry.toString('utf8'), firstLine: line, newlines: countNewlines(carry, carry.length), next: pos };
  } finally {
    await fh.close();
  }
}

function countNewlines(buf: Buffer, upTo: number): number {
  let n = 0;
  for (let i = buf.indexOf(10); i >= 0 && i < upTo; i = buf.indexOf(10, i + 1)) n++;
  return n;
}
