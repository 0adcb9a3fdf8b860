/** Call `fn` for every line of a block that is not blank, with its 1-based line number in the file. */
export function eachLine(text: string, firstLine: number, fn: (raw: string, line: number) => void): void {
  let line = firstLine;
  let at = 0;
  while (at < text.length) {
    let nl = text.indexOf('\n', at);
    if (nl < 0) nl = text.length;
    const raw = text.charCodeAt(nl - 1) === 13 ? text.slice(at, nl - 1) : text.slice(at, nl);
    if (raw.trim() !== '') fn(raw, line);
    line++;
    at = nl + 1;
  }
}
