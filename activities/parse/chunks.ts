import { closeSync, openSync, readSync } from 'node:fs';
import { open, stat } from 'node:fs/promises';
import { isAscii, isUtf8 } from 'node:buffer';

/** A byte range of a source on line boundaries, and the number of its first line. */
export interface ChunkRef {
  index: number;
  start: number;
  end: number;
  firstLine: number;
}

/** A place in a file: a byte offset at the start of a line, and that line's number (1-based). */
export interface LinePosition {
  byte: number;
  line: number;
}
export const FILE_START: LinePosition = { byte: 0, line: 1 };

/** What a read covers: from a line to a byte offset (an incremental read ends after its last complete line). */
export interface LineRange {
  from: LinePosition;
  end: number;
}

const READ = 1 << 20;

/** Lines longer than this are quarantined as `line_too_long` by default (`parse.maxLineBytes`). */
export const DEFAULT_MAX_LINE_BYTES = 1 << 20;

/**
 * How blocks are read: through libuv's pool (`async`: the event loop goes on meanwhile), or synchronously
 * (`sync`: on a worker thread of its own, a read from the page cache costs less than the trip through the pool).
 */
export type BlockIo = 'async' | 'sync';

/** A file descriptor read synchronously, behind the two calls of a file handle the reader makes. */
const syncHandle = (fd: number) => ({
  read: async (buf: Buffer, offset: number, length: number, position: number) => ({
    bytesRead: readSync(fd, buf, offset, length, position),
  }),
  close: async () => closeSync(fd),
});

/** A line the reader set aside: too long, or not UTF-8. Its place in the block's text is an empty line. */
export interface RejectedRawLine {
  line: number;
  reason: 'line_too_long' | 'invalid_utf8';
  detail: string;
  raw: string;
}

/**
 * A block of whole lines: its text, the number of its first line, its newlines, the byte offset just after
 * it, and the lines the reader set aside (each stands in `text` as an empty line, so numbering holds).
 */
export interface LineBlock {
  text: string;
  firstLine: number;
  newlines: number;
  next: number;
  rejected?: RejectedRawLine[];
}

/** The start of a set-aside line kept in quarantine (masked there like any raw line). */
const HEAD_CHARS = 200;
const BOM = [0xef, 0xbb, 0xbf];

/**
 * Read bytes [start, end) as blocks of whole lines of about `blockBytes` (a block always ends at a
 * newline, or at `end`). Memory stays at one block whatever the file size: a line longer than
 * `maxLineBytes` is skipped to its end without being held, and reported as `line_too_long`; a line that
 * is not valid UTF-8 is reported as `invalid_utf8` instead of being decoded with replacement characters.
 * A UTF-8 byte-order mark at the start of the file is dropped. With `asciiApart`, runs of ASCII lines are blocks
 * of their own (`asciiRuns`): for sources whose lines are read one by one, whatever the blocks.
 */
export async function* readLineBlocks(
  path: string,
  start: number,
  end: number,
  firstLine: number,
  blockBytes = READ,
  maxLineBytes = DEFAULT_MAX_LINE_BYTES,
  io: BlockIo = 'async',
  asciiApart = false,
): AsyncGenerator<LineBlock> {
  const fh = io === 'sync' ? syncHandle(openSync(path, 'r')) : await open(path);
  try {
    let pos = start;
    let line = firstLine;
    let carry = Buffer.alloc(0);
    /** while skipping a line that is too long: its number, its bytes so far, its head */
    let skipping: { line: number; bytes: number; head: string } | null = null;
    let pending: RejectedRawLine[] = [];
    while (pos < end) {
      const want = Math.min(blockBytes, end - pos);
      const buf = Buffer.allocUnsafe(want); // filled by the read below (bytesRead of it used)
      const { bytesRead } = await fh.read(buf, 0, want, pos);
      if (bytesRead === 0) break;
      let data = buf.subarray(0, bytesRead);
      if (pos === 0 && data[0] === BOM[0] && data[1] === BOM[1] && data[2] === BOM[2]) data = data.subarray(3);
      pos += bytesRead;
      if (skipping) {
        const nl = data.indexOf(10);
        if (nl < 0) {
          skipping.bytes += data.length;
          continue;
        }
        skipping.bytes += nl;
        pending.push(tooLong(skipping.line, skipping.bytes, skipping.head, maxLineBytes));
        skipping = null;
        data = data.subarray(nl); // the newline stays: the skipped line is an empty first line of the next block
      }
      data = carry.length ? Buffer.concat([carry, data]) : data;
      const cut = pos >= end ? data.length : data.lastIndexOf(10) + 1;
      if (cut === 0) {
        if (data.length > maxLineBytes) {
          skipping = { line, bytes: data.length, head: headOf(data) };
          carry = Buffer.alloc(0);
        } else carry = data;
        continue;
      }
      const whole = data.subarray(0, cut);
      let next = pos - (data.length - cut) - whole.length;
      for (const part of asciiApart ? asciiRuns(whole) : [whole]) {
        next += part.length;
        const b = block(part, line, next, pending, maxLineBytes);
        yield b;
        pending = [];
        line += b.newlines;
      }
      carry = data.subarray(cut);
    }
    if (skipping) pending.push(tooLong(skipping.line, skipping.bytes, skipping.head, maxLineBytes));
    if (carry.length || pending.length) yield block(carry, line, pos, pending, maxLineBytes);
  } finally {
    await fh.close();
  }
}

/**
 * Walk the newlines of bytes [start, end) of a file in order, calling `onNewline` with the offset just after each;
 * one buffer of READ bytes whatever the size.
 */
export async function eachNewline(
  path: string,
  start: number,
  end: number,
  onNewline: (after: number) => void,
): Promise<void> {
  const fh = await open(path);
  try {
    const buf = Buffer.allocUnsafe(READ);
    for (let pos = start; pos < end; ) {
      const { bytesRead } = await fh.read(buf, 0, Math.min(READ, end - pos), pos);
      if (bytesRead === 0) break;
      for (let i = buf.indexOf(10); i >= 0 && i < bytesRead; i = buf.indexOf(10, i + 1)) onNewline(pos + i + 1);
      pos += bytesRead;
    }
  } finally {
    await fh.close();
  }
}

/**
 * A file's first line alone, as a block (a table's header, for a scan that starts at a later line); null for an
 * empty file.
 */
export async function firstLineBlock(path: string, maxLineBytes = DEFAULT_MAX_LINE_BYTES): Promise<LineBlock | null> {
  const { size } = await stat(path);
  for await (const b of readLineBlocks(path, 0, size, 1, 64 * 1024, maxLineBytes)) {
    const nl = b.text.indexOf('\n');
    if (nl < 0) return b;
    const text = b.text.slice(0, nl + 1);
    return { text, firstLine: 1, newlines: 1, next: Buffer.byteLength(text) };
  }
  return null;
}

/** A window of bytes: a run of ASCII lines that holds a whole one is a block of its own (`asciiRuns`). */
const ASCII_WINDOW = 4096;

/**
 * Whole lines of bytes cut where runs of ASCII lines begin and end - runs that hold a whole window of ASCII_WINDOW
 * bytes (every run of twice that does). V8 decodes a text holding one character outside Latin-1 as two-byte
 * throughout: one Chinese line in a block made each of its lines, and every record made of them, two-byte - twice
 * the memory, slower to mask and to write (400,000 OpenStack lines with one in 300 holding Chinese took 1.19x the
 * time of the same lines without). Windows are tested natively (`isAscii`), so a block of Chinese lines costs a
 * few calls, not one per line; a run found is extended to its lines' ends byte by byte.
 */
export function asciiRuns(bytes: Buffer): Buffer[] {
  const n = bytes.length;
  if (isAscii(bytes)) return [bytes];
  const parts: Buffer[] = [];
  let from = 0; // start of the part being gathered: a line's start
  for (let w = 0; w + ASCII_WINDOW <= n; ) {
    if (!isAscii(bytes.subarray(w, w + ASCII_WINDOW))) {
      w += ASCII_WINDOW;
      continue;
    }
    // the run: back to the line after the last byte outside ASCII, on to the line of the next one
    let a = w;
    while (a > from && bytes[a - 1] < 0x80) a--;
    let start = from;
    if (a > from) {
      const nl = bytes.indexOf(10, a - 1); // the newline ending the line of that byte outside ASCII
      start = nl < 0 ? n : nl + 1;
    }
    let b = w + ASCII_WINDOW;
    while (b + ASCII_WINDOW <= n && isAscii(bytes.subarray(b, b + ASCII_WINDOW))) b += ASCII_WINDOW;
    while (b < n && bytes[b] < 0x80) b++;
    const end = b === n ? n : bytes.lastIndexOf(10, b) + 1;
    if (end - start >= ASCII_WINDOW) {
      if (start > from) parts.push(bytes.subarray(from, start));
      parts.push(bytes.subarray(start, end));
      from = end;
    }
    w = b;
  }
  if (from < n) parts.push(bytes.subarray(from));
  return parts;
}

function tooLong(line: number, bytes: number, head: string, max: number): RejectedRawLine {
  return {
    line,
    reason: 'line_too_long',
    detail: `${bytes} bytes, over the limit of ${max} (parse.maxLineBytes)`,
    raw: head,
  };
}

/** The start of a line as quarantine keeps it: HEAD_CHARS characters. */
const headOf = (raw: Buffer) =>
  raw
    .subarray(0, HEAD_CHARS * 4)
    .toString('utf8')
    .slice(0, HEAD_CHARS);

/** A block from whole lines of bytes: lines too long or not UTF-8 are set aside (empty lines in the text). */
function block(
  bytes: Buffer,
  firstLine: number,
  next: number,
  rejected: RejectedRawLine[],
  maxLineBytes: number,
): LineBlock {
  const newlines = countNewlines(bytes, bytes.length);
  const longest = bytes.length > maxLineBytes;
  if (isUtf8(bytes) && !longest)
    return { text: bytes.toString('utf8'), firstLine, newlines, next, ...(rejected.length ? { rejected } : {}) };
  // slow path, rare: line by line
  const parts: string[] = [];
  let at = 0;
  let line = firstLine;
  while (at <= bytes.length) {
    let nl = bytes.indexOf(10, at);
    if (nl < 0) nl = bytes.length;
    const raw = bytes.subarray(at, nl);
    if (raw.length > maxLineBytes) {
      rejected.push(tooLong(line, raw.length, headOf(raw), maxLineBytes));
      parts.push('');
    } else if (!isUtf8(raw)) {
      const bad = firstInvalidByte(raw);
      rejected.push({
        line,
        reason: 'invalid_utf8',
        detail: `byte 0x${raw[bad].toString(16).padStart(2, '0')} at column ${bad + 1} is not UTF-8`,
        raw: raw.toString('utf8').slice(0, HEAD_CHARS),
      });
      parts.push('');
    } else parts.push(raw.toString('utf8'));
    line++;
    at = nl + 1;
  }
  return { text: parts.join('\n'), firstLine, newlines, next, rejected };
}

/** The offset of the first byte where `raw` stops being valid UTF-8. */
function firstInvalidByte(raw: Buffer): number {
  let lo = 0,
    hi = raw.length;
  while (hi - lo > 1) {
    const mid = (lo + hi) >> 1;
    if (isUtf8(raw.subarray(0, mid))) lo = mid;
    else hi = mid;
  }
  // raw[0, lo) is valid (or ends inside a sequence the next bytes would complete): step to the sequence start
  while (lo > 0 && (raw[lo] & 0xc0) === 0x80) lo--;
  return Math.min(lo, raw.length - 1);
}

function countNewlines(buf: Buffer, upTo: number): number {
  let n = 0;
  for (let i = buf.indexOf(10); i >= 0 && i < upTo; i = buf.indexOf(10, i + 1)) n++;
  return n;
}
