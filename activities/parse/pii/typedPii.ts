/**
 * Typed personal data (everything but names): e-mail addresses, resident ids (with their checksum), bank cards
 * (Luhn, in context), phones, IP and MAC addresses, plates, employee ids and personal accounts after their keys.
 */
import { ANY, collect, type Finding } from './piiTypes';

const EMAIL = /(?<![A-Za-z0-9._%+-])[A-Za-z0-9._%+-]+@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)*\.[A-Za-z]{2,}/g;
const RESIDENT_ID = /(?<![0-9A-Za-z_-])\d{17}[\dXx](?![0-9A-Za-z])/g;
// 16-19 digits, plain or in groups of four
const CARD = /(?<![\d-])(?:\d{4}[ -]){3}\d{4}(?:[ -]?\d{1,3})?(?![\d-])|(?<!\d)\d{16,19}(?!\d)/g;
const CARD_CONTEXT =
  /(卡号|银行卡|信用卡|借记卡|储蓄卡|账号|帐号|card|acct|account|iban|visa|mastercard|unionpay|银联|工资卡)/i;
// mainland mobile: optional +86, 1[3-9]x, then 8 digits, optionally grouped 3-4-4 with spaces or dashes
const MOBILE = /(?<![\w+])(?:\+?86[-\s]?)?1[3-9]\d(?:[-\s]?\d{4}){2}(?!\w)/g;
// landline: area code 0xx / 0xxx, then 7-8 digits, optionally split
const LANDLINE = /(?<![\w.])(?:\+?86[-\s]?)?\(?0\d{2,3}\)?[-\s]\d{3,4}[-\s]?\d{4}(?![\w.])/g;
const OCTET = '(?:25[0-5]|2[0-4]\\d|1\\d\\d|[1-9]?\\d)';
const IPV4 = new RegExp(`(?<![\\w.])${OCTET}(?:\\.${OCTET}){3}(?![\\w]|\\.\\d)`, 'g');
const VERSION_CONTEXT =
  /(?:\bv|\bver\.?|version|firmware|\bfw|\bsw|release|\bspec|section|clause|\brev|§|固件|版本|标准|条款|章节)\s*[:：]?\s*$/i;
const H = '[0-9A-Fa-f]{1,4}';
const IPV6 = new RegExp(
  `(?<![\\w:.])(?:(?:${H}:){7}${H}|(?:${H}:){1,7}:|(?:${H}:){1,6}:${H}|(?:${H}:){1,5}(?::${H}){1,2}|(?:${H}` +
    `:){1,4}(?::${H}){1,3}` +
    `|(?:${H}:){1,3}(?::${H}){1,4}|(?:${H}:){1,2}(?::${H}){1,5}|${H}:(?::${H}){1,6}|:(?::${H}){1,7}|::)(?![\\w:.])`,
  'g',
);
const MAC = new RegExp(
  String.raw`(?<![\w:-])(?:[0-9A-Fa-f]{2}([:-]))(?:[0-9A-Fa-f]{2}\1){4}[0-9A-Fa-f]{2}(?![\w:-])` +
    String.raw`|(?<![\w.])[0-9A-Fa-f]{4}\.[0-9A-Fa-f]{4}\.[0-9A-Fa-f]{4}(?![\w.])`,
  'g',
);
// mainland licence plates: province character, issuing-office letter, 5 (or 6 for new-energy) characters
const PLATE = new RegExp(
  String.raw`[京津沪渝冀豫云辽黑湘皖鲁新苏浙赣鄂桂甘晋蒙陕吉闽贵粤青藏川宁琼][A-HJ-NP-Z][·•\s-]?(?:[A-HJ-NP-Z0-9]{5,6}` +
    String.raw`|[A-HJ-NP-Z0-9]{4}[挂学警港澳])(?![A-Za-z0-9])`,
  'g',
);
/**
 * A staff id after its trigger word, in either language (`工号 SZ-0022394`, `员工编号为 HR/2023/0457`,
 * `employee ID: E.20231`, `badge no. 7781`): letters and digits, in up to five parts joined by `-`, `/`, `.` or
 * `_`, holding a digit and at least three letters or digits. `工号` after a word that ends in 工 (加工号, 施工号:
 * a machining or construction number) is no trigger. What the id stands beside (work orders, lots, parts, tags)
 * is masked only after a trigger.
 */
const ID_TRIGGERS =
  '(?<![加施竣完开])工号|员工号|员工编号|员工代码|员工ID|职工号|职工编号|人员编号|人员代码|工卡号|工牌号|胸牌号|胸卡号|' +
  '(?<![A-Za-z])(?:employee\\s*(?:id|no\\.?|number|code|#)|emp\\.?\\s*(?:id|no\\.?|number|#)|' +
  '(?:staff|personnel|worker|operator|payroll)\\s*(?:id|no\\.?|number|code)|clock\\s*(?:no\\.?|number)|' +
  'badge(?:\\s*(?:id|no\\.?|number))?)';
const EMPLOYEE_ID_BY_KEYWORD = new RegExp(
  `(${ID_TRIGGERS})(\\s{0,4}(?:[:：#=＝]|(?:is|was)\\b|为|是)?\\s{0,4})` +
    `((?=[\\w./-]*\\d)[A-Za-z0-9]+(?:[-/._][A-Za-z0-9]+){0,4})(?![A-Za-z0-9])`,
  'gi',
);
/** An id after a trigger: at least three letters or digits (`工号 12` is a count, not an id). */
const idLongEnough = (m: RegExpExecArray) => m[3].replace(/[^A-Za-z0-9]/g, '').length >= 3;

/**
 * Identifiers in key=value / key: value form (`emp_id=GH93140`, `user=E2023456`, `工号=A1234`). Keys of staff
 * ids mask any value; keys of accounts mask a value unless it is a system account (root, admin, ...).
 */
const ID_KEYS =
  'emp(?:loyee)?[_ .-]?(?:id|no|num(?:ber)?|code)|empid|empno|staff[_ .-]?(?:id|no)|worker[_ ' +
  '.-]?(?:id|no)|operator[_ .-]?(?:id|no)|' +
  'badge(?:[_ .-]?(?:id|no))?|person(?:nel)?[_ .-]?(?:id|no)|工号|员工号|员工编号|人员编号|工卡号';
const ACCOUNT_KEYS =
  'user(?:[_ .-]?(?:id|name))?|userid|username|login|logname|account|owner|用户|用户名|账号|帐号|登录名';
const KEYED_ID = new RegExp(
  `(?<![\\w])(${ID_KEYS}|${ACCOUNT_KEYS}` +
    `)(\\s{0,3}[=:：]\\s{0,3}"?)([A-Za-z0-9][\\w./@-]{0,40}[A-Za-z0-9]|[A-Za-z0-9])(?![\\w./@=:-])`,
  'gi',
);
const ACCOUNT_KEY = new RegExp(`^(?:${ACCOUNT_KEYS})$`, 'i');
/**
 * Is an account's value a person's: a staff-id shape (E2023456, op1234) or a login made of a person's names
 * (zhang.wei, li_na, lina_123)? Service accounts (git, zookeeper, root), products (CentOS-4) and dotted
 * component names (com.apple.x) are not.
 */
function personalAccount(v: string): boolean {
  if (SYSTEM_ACCOUNTS.has(v.toLowerCase())) return false;
  return /^[A-Za-z]{0,3}\d{3,10}$/.test(v) || /^[a-z]+[._][a-z]+\d{0,4}$/i.test(v) || /^[a-z]+_\d{1,6}$/i.test(v);
}
const SYSTEM_ACCOUNTS = new Set(
  (
    'root admin administrator guest nobody daemon system sys bin mail ftp www www-data apache nginx httpd ' +
    'postgres mysql ' +
    'oracle test user unknown anonymous operator news cyrus sshd uucp lp sync shutdown halt games gopher adm ' +
    'null none true false'
  ).split(' '),
);

/** ISO 7064 MOD 11-2 check and a valid birth date: a real 18-digit resident id, not a lot number. */
export function isResidentId(s: string): boolean {
  if (!/^\d{17}[\dXx]$/.test(s)) return false;
  const weights = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2];
  let sum = 0;
  for (let i = 0; i < 17; i++) sum += Number(s[i]) * weights[i];
  const check = '10X98765432'[sum % 11];
  if (check !== s[17].toUpperCase()) return false;
  const y = Number(s.slice(6, 10)),
    m = Number(s.slice(10, 12)),
    d = Number(s.slice(12, 14));
  const date = new Date(Date.UTC(y, m - 1, d));
  return y >= 1900 && date.getUTCFullYear() === y && date.getUTCMonth() === m - 1 && date.getUTCDate() === d;
}

/** The Luhn check digit test, over the digits of `s`. */
export function luhnValid(s: string): boolean {
  const digits = s.replace(/\D/g, '');
  let sum = 0;
  for (let i = 0; i < digits.length; i++) {
    let d = Number(digits[digits.length - 1 - i]);
    if (i % 2 === 1) {
      d *= 2;
      if (d > 9) d -= 9;
    }
    sum += d;
  }
  return digits.length >= 12 && sum % 10 === 0;
}

export const HAS_CJK = /[\u4e00-\u9fff]/;

/** How many colons `s` holds. */
function colons(s: string): number {
  let n = 0;
  for (let i = s.indexOf(':'); i >= 0; i = s.indexOf(':', i + 1)) n++;
  return n;
}

/**
 * Necessary conditions of the costliest patterns, so that a text that cannot hold them is not searched for them
 * (most log lines): each a pattern that starts at a rare character, where the patterns it stands for start at
 * common ones (V8 skips to a first character it can tell; a hexadecimal digit is everywhere in machine logs).
 * `digits`: ten digits, at most two separators (whitespace, `-`, `)`) apart - every resident id, bank card,
 * mobile or landline number holds them; sought from the first digit of a run only (ten found from inside a run
 * are ten from its start too), so a run of n digits costs n steps, not n*n. `mac`: `hh:hh:`, `hh-hh-` or
 * `hhhh.hhhh.`, found from its first separator - every MAC address starts so. Never a false "no": a test checks
 * each pattern's matches against them.
 */
const DIGITS = /(?<!\d)\d(?:[\s)-]{0,2}\d){9}/;
const MAC_START = /[:-](?<=[0-9A-Fa-f]{2}[:-])[0-9A-Fa-f]{2}[:-]|\.(?<=[0-9A-Fa-f]{4}\.)[0-9A-Fa-f]{4}\./;

/** What a text could hold: see `DIGITS` and `MAC_START`. */
export function textShape(text: string): { digits: boolean; mac: boolean } {
  return { digits: DIGITS.test(text), mac: MAC_START.test(text) };
}

/** The patterns each `textShape` flag gates: each matches only in texts where its flag holds (a test checks it). */
export const GATED = { digits: [RESIDENT_ID, CARD, MOBILE, LANDLINE], mac: [MAC] } as const;

/** Typed personal data (everything but names) in `text`; `employeeIds` are the site's patterns, compiled. */
export function typedFindings(text: string, employeeIds: readonly RegExp[]): Finding[] {
  const before = (m: RegExpExecArray, n = 24) => text.slice(Math.max(0, m.index - n), m.index);
  const out: Finding[] = [];
  const shape = textShape(text);
  if (text.includes('@')) collect(EMAIL, text, 'email', ANY, 0, out);
  if (shape.digits) collect(RESIDENT_ID, text, 'id_number', (m) => isResidentId(m[0]), 0, out);
  if (shape.digits)
    collect(
      CARD,
      text,
      'bank_card',
      (m) => luhnValid(m[0]) && (CARD_CONTEXT.test(before(m, 30)) || /[ -]/.test(m[0])),
      0,
      out,
    );
  collect(IPV4, text, 'ip', (m) => !VERSION_CONTEXT.test(before(m, 12)), 0, out);
  // an IPv6 address has "::" or eight groups (seven colons): lines with neither skip the long pattern
  if (text.includes('::') || colons(text) >= 7)
    collect(
      IPV6,
      text,
      'ip',
      (m) => (m[0].match(/:/g) ?? []).length >= 2 && /[0-9a-fA-F]/.test(m[0]) && !/^\d{1,2}:\d{2}(:\d{2})?$/.test(m[0]),
      0,
      out,
    );
  if (shape.mac) collect(MAC, text, 'mac', ANY, 0, out);
  if (shape.digits) collect(MOBILE, text, 'phone', ANY, 0, out);
  if (shape.digits) collect(LANDLINE, text, 'phone', ANY, 0, out);
  if (HAS_CJK.test(text)) collect(PLATE, text, 'plate', ANY, 0, out);
  collect(EMPLOYEE_ID_BY_KEYWORD, text, 'employee_id', idLongEnough, 3, out);
  collect(KEYED_ID, text, 'employee_id', (m) => !ACCOUNT_KEY.test(m[1]) || personalAccount(m[3]), 3, out);
  for (const re of employeeIds) collect(re, text, 'employee_id', ANY, 0, out);
  return out;
}
