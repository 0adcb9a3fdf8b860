import { setFlagsFromString } from 'node:v8';

// V8's linear-time regular-expression engine takes over from the backtracking one when a match backtracks
// too much (it runs patterns without lookarounds or back-references, as header patterns are): a hostile
// line then costs time linear in its length instead of polynomial in its number of words.
setFlagsFromString('--enable-experimental-regexp-engine-on-excessive-backtracks');

/**
 * The Loghub/logparser header notation: `<Date> <Time> <Level> <Component>: <Content>`. Text outside
 * `<Field>` is a regular-expression fragment (so `\[<Pid>\]` and `(\[<PID>\])?` work as in logparser),
 * runs of spaces match any whitespace, and every field matches lazily. `Content` is the message.
 */
export interface LogFormat {
  fields: string[];
  regex: RegExp;
}

/**
 * V8 keeps a capture group's name as a two-byte string unless a one-byte string of the same text exists already:
 * field names are made known first, as keys of this object (kept, so that no optimiser drops the stores), so that
 * the groups' keys - and every record's JSON built from them - stay one-byte (a two-byte record costs twice the
 * memory and a slower encoding at each write).
 */
const FIELD_NAMES: Record<string, true> = {};

export function compileLogFormat(format: string): LogFormat {
  const parts = format.split(/(<[^<>]+>)/);
  const fields: string[] = [];
  let src = '';
  parts.forEach((part, i) => {
    if (i % 2 === 0) src += part.replace(/ +/g, '\\s+');
    else {
      const name = part.slice(1, -1);
      if (!/^[A-Za-z_][A-Za-z0-9_]*$/.test(name)) throw new Error(`header format: "${part}" is not a field name`);
      if (fields.includes(name)) throw new Error(`header format: field <${name}> appears twice`);
      fields.push(name);
      src += `(?<${name}>.*?)`;
    }
  });
  if (!fields.includes('Content')) throw new Error('header format: needs a <Content> field');
  for (const f of fields) FIELD_NAMES[f] = true;
  let regex: RegExp;
  try {
    regex = new RegExp(`^${src}$`, 's'); // 's': a carriage return inside a line is text like any other
  } catch (e) {
    throw new Error(`header format: not a valid pattern (${(e as Error).message})`);
  }
  return { fields, regex };
}

/** The header fields of one line, or null when the line does not have this format. */
export function matchLogFormat(format: LogFormat, line: string): Record<string, string> | null {
  const m = format.regex.exec(line.trim());
  return m ? (m.groups as Record<string, string>) : null; // (a fresh object per match: no copy needed)
}
