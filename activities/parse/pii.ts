/**
 * Personal data detection and masking: trigger keywords + regular expressions + checksums.
 * Every rule reports typed findings (spans of the original text); overlaps are resolved by priority;
 * then each span is replaced: names by a keyed pseudonym (`[NAME:3f2a9c]`, the same person always the
 * same within a key), everything else by a typed mask (`[PHONE]`). Pure functions apart from the
 * masker's memory of the names it has seen, which lets it mask a name where it stands bare.
 */
import { createHmac } from 'node:crypto';

export const PII_TYPES = [
  'name',
  'employee_id',
  'phone',
  'email',
  'id_number',
  'bank_card',
  'ip',
  'mac',
  'plate',
] as const;
export type PiiType = (typeof PII_TYPES)[number];
export type PiiCounts = Partial<Record<PiiType, number>>;

export const MASK: Record<PiiType, string> = {
  name: '[NAME]',
  employee_id: '[EMPLOYEE_ID]',
  phone: '[PHONE]',
  email: '[EMAIL]',
  id_number: '[ID_NUMBER]',
  bank_card: '[BANK_CARD]',
  ip: '[IP]',
  mac: '[MAC]',
  plate: '[PLATE]',
};
/** Any mask or pseudonym this module writes. */
export const MASK_TOKEN = /\[(?:NAME|EMPLOYEE_ID|PHONE|EMAIL|ID_NUMBER|BANK_CARD|IP|MAC|PLATE)(?::[0-9a-f]{6})?\]/;

export interface PiiOptions {
  /** extra employee-id patterns of this site (regex source strings), on top of the keyword rule */
  employeeIdPatterns: string[];
  /** key of the name pseudonyms; null masks names as [NAME] */
  pseudonymKey?: string | null;
  /**
   * key of the name digests a source's scan hands to its chunks (never names in clear): the pseudonym key,
   * or the installation's random key (infra/piiKey.ts); a fixed key only where neither is given (tests)
   */
  digestKey?: string | null;
}
export const DEFAULT_PII_OPTIONS: PiiOptions = { employeeIdPatterns: ['\\bE\\d{5}\\b'], pseudonymKey: null };

export interface Finding {
  type: PiiType;
  start: number;
  end: number;
  value: string;
}

/** Which finding wins where two overlap: the earlier type in this list. */
const PRIORITY: readonly PiiType[] = [
  'email',
  'id_number',
  'bank_card',
  'ip',
  'mac',
  'phone',
  'plate',
  'employee_id',
  'name',
];

// (the look-behind starts a match only where a run of address characters starts: linear on long runs)
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
const EMPLOYEE_ID_BY_KEYWORD = new RegExp(
  String.raw`(工号|员工号|员工编号|employee\s*(?:id|no\.?|number)|emp\.?\s*(?:id|no\.?)` +
    String.raw`|badge(?:\s*no\.?)?)(\s{0,4}[:：#]?\s{0,4})([A-Za-z]{0,3}\d{3,10})`,
  'gi',
);

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
    `)(\\s{0,3}[=:：]\\s{0,3}"?)([A-Za-z0-9][\\w.@-]{0,40}[A-Za-z0-9]|[A-Za-z0-9])(?![\\w.@=:-])`,
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

const ZH_TRIGGERS = [
  '姓名',
  '操作员',
  '操作工',
  '维修人员',
  '维修人',
  '维修工',
  '技术员',
  '班长',
  '质检员',
  '检验员',
  '工程师',
  '负责人',
  '联系人',
  '值班员',
];
const EN_TRIGGERS = [
  'operator',
  'technician',
  'tech',
  'inspector',
  'supervisor',
  'engineer',
  'foreman',
  'mechanic',
  'contact',
  'operators',
  'technicians',
  'inspectors',
  'engineers',
  'mechanics',
  'contacts',
];
/** verbs that record who did a thing: "signed off by John Doe", "checked by", "由李娜确认" */
const EN_BY = new RegExp(
  String.raw`\b(?:signed(?: off)?|checked|approved|reported|confirmed|performed|done|written` +
    String.raw`|recorded|inspected|verified|reviewed|repaired|replaced|acknowledged|handed over` +
    String.raw`|assigned|entered|logged|completed|released|closed|opened|authori[sz]ed)\s+(?:by` +
    String.raw`|to)\s+((?:[A-Za-z][A-Za-z'’.-]*)(?:\s+[A-Za-z][A-Za-z'’.-]*){0,2})`,
  'gi',
);
const ZH_BY = new RegExp(
  String.raw`由\s*([\u4e00-\u9fff]{2,4}?)\s*(?:确认|负责|完成|签字|签收|签名|处理|检查|操作|记录|批准|审核|执行|更换|维修|跟进|填写|复核)` +
    String.raw`|(?<![\u4e00-\u9fff])([\u4e00-\u9fff]{2,4}?)\s*(?:签字|签收|签名)`,
  'g',
);
/** joins a further name to a name list: 操作员张伟、李娜、王芳 / operators John Smith, Mary Jones and Li Na */
const ZH_LIST_NEXT = /^\s*[、,，/和与及跟]\s*([\u4e00-\u9fff]{2,4})/;
const EN_LIST_NEXT = /^(\s*(?:,|&|\/|\band\b)\s*)((?:[A-Za-z][A-Za-z'’.-]*)(?:\s+[A-Za-z][A-Za-z'’.-]*){0,2})/i;
const ZH_NAME = new RegExp(`(${ZH_TRIGGERS.join('|')})([\\s:：]*)([\\u4e00-\\u9fff]{2,4})`, 'g');
const ZH_COMPOUND_SURNAMES = [
  '欧阳',
  '司马',
  '上官',
  '诸葛',
  '东方',
  '皇甫',
  '尉迟',
  '公孙',
  '慕容',
  '长孙',
  '宇文',
  '司徒',
  '夏侯',
  '令狐',
];
const EN_NAME = new RegExp(
  `\\b(${EN_TRIGGERS.join('|')})\\b([\\s:：]+)((?:[A-Za-z][A-Za-z'’.-]*)(?:\\s+[A-Za-z][A-Za-z'’.-]*){0,2})`,
  'gi',
);
/** characters that follow a Chinese name but do not belong to it (verbs, particles) */
const ZH_NAME_STOP = new Set(
  '将把在已对发确更调报处检巡到的了和与及从向为被让给说称抽负联是有也都就还再又没不很完签复填执批审跟'.split(''),
);
/** the most common Chinese surnames (a name after a trigger word usually starts with one) */
const ZH_SURNAMES = new Set(
  '王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程苏魏吕丁任沈姚卢姜崔钟谭陆汪范金石廖贾夏韦付傅方白邹孟熊秦邱江尹薛闫段雷侯龙史陶黎贺顾毛郝龚邵万钱严覃武戴莫孔向汤常温康施文牛樊葛' +
    '邢安齐易乔伍庞颜倪庄聂章鲁岳翟殷詹申欧耿关兰焦俞左柳甘祝包宁尚符舒阮柯纪梅童凌毕单季裴霍涂成苗谷盛曲翁冉骆蓝路游辛靳管柴蒙鲍华喻祁蒲房滕屈饶解牟艾尤阳时穆农司卓古吉缪简车项连芦麦褚娄窦戚岑景党宫费卜冷晏席卫米柏宗瞿' +
    '桂全佟应臧闵苟邬边卞姬师和仇栾隋商刁沙荣巫寇桑郎甄丛仲虞敖巩明佘池查麻苑迟邝'.split(''),
);
/** capitalised English words that follow "Operator:" in dialogue and are not names */
const EN_NOT_NAMES = new Set(
  (
    'We What That It The How Yes No About Check Then There This These Those Our My Your I You He She They Is ' +
    'Are Was Were Can Could Should ' +
    'Would Will Do Does Did If When Where Why Which Who A An And But Or So Not Please Thanks Thank OK Ok Let ' +
    'Plan First After Before Now Call Stop Start ' +
    'Raise Lower Reduce Replace Clean Inspect Confirm Read Take Keep Note Out In On At For From With By To Up ' +
    'Down Also Just Only Same Good Fine Right ' +
    'Sure Hello Hi Well Okay Got Looks Seems Shift Line Machine Alarm Maintenance Quality Production'
  ).split(' '),
);
/** a capitalised name word: Wei, O'Brien, D’Angelo, Jean-Luc, Smith-Jones, an initial (J.) */
const EN_NAME_WORD = /^(?:[A-Z][a-z]*['’][A-Z]?[a-z]+|[A-Z][a-z'’]+(?:-[A-Z][a-z'’]+)*|[A-Z]\.)$/;
/** the common Chinese surnames in pinyin: a surname written in capitals (ZHANG Wei) or in lower case (zhang wei) */
const PINYIN_SURNAMES = new Set(
  (
    'zhang wang li liu chen yang huang zhao wu zhou xu sun ma zhu hu guo he gao lin luo zheng liang xie song ' +
    'tang han feng deng cao ' +
    'peng zeng xiao tian dong yuan pan yu jiang cai du ye cheng su wei lu ding ren shen yao cui zhong tan fan ' +
    'jin shi liao jia xia fu fang bai zou meng xiong ' +
    'qin qiu yin xue yan duan lei hou long tao gu mao hao gong shao wan qian dai mo kong xiang chang wen kang ' +
    'niu ge xing an qi yi qiao pang ni zhuang nie ' +
    'yue zhai ouyang situ shangguan zhuge sima murong'
  ).split(' '),
);
const PINYIN_SYLLABLE =
  '(?:zh|ch|sh|[bpmfdtnlgkhjqxrzcsyw])?(?:iang|iong|uang|ang|eng|ing|ong|ian|iao|uai|uan|ai|ei|ao|ou|an|en|in|un' +
  '|ia|ie|iu|ua|uo|ui|ue|er|a|o|e|i|u|v)';
const PINYIN_GIVEN = new RegExp(`^(?:${PINYIN_SYLLABLE}){1,2}$`);
/** English words that look like pinyin given names and are not (after "operator li" ...) */
const NOT_GIVEN = new Set(
  'a an and as at he her his in is it on or our she the to we you yes no hang long men ran bang tan ban pan fan ' +
    'can man ding'.split(' '),
);

/** Is this word a name word: capitalised, a pinyin surname in capitals (first only), or - lower case - pinyin? */
function nameWord(w: string, i: number, words: readonly string[]): boolean {
  if (EN_NAME_WORD.test(w)) return true;
  const lower = w.toLowerCase();
  if (i === 0 && /^[A-Z]{2,}$/.test(w) && PINYIN_SURNAMES.has(lower))
    return words.length > 1 && EN_NAME_WORD.test(words[1]); // ZHANG Wei
  if (/^[a-z]+$/.test(w)) {
    // zhang wei: a lower-case pinyin surname, then a pinyin given name
    if (i === 0)
      return (
        PINYIN_SURNAMES.has(w) &&
        words.length > 1 &&
        /^[a-z]+$/.test(words[1]) &&
        PINYIN_GIVEN.test(words[1]) &&
        !NOT_GIVEN.has(words[1])
      );
    return /^[a-z]+$/.test(words[0]) && PINYIN_GIVEN.test(w) && !NOT_GIVEN.has(w) && i === 1;
  }
  return false;
}

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

function collect(
  re: RegExp,
  text: string,
  type: PiiType,
  accept: (m: RegExpExecArray) => boolean = () => true,
  group = 0,
): Finding[] {
  const out: Finding[] = [];
  re.lastIndex = 0;
  for (let m = re.exec(text); m; m = re.exec(text)) {
    if (m[0] === '') {
      re.lastIndex++;
      continue;
    }
    if (!accept(m)) continue;
    // a capture group that ends the match (the id after its keyword) starts where its text last occurs
    const start = group ? m.index + m[0].lastIndexOf(m[group]) : m.index;
    const value = group ? m[group] : m[0];
    out.push({ type, start, end: start + value.length, value });
  }
  return out;
}

const HAS_CJK = /[\u4e00-\u9fff]/;

/** How many colons `s` holds. */
function colons(s: string): number {
  let n = 0;
  for (let i = s.indexOf(':'); i >= 0; i = s.indexOf(':', i + 1)) n++;
  return n;
}

/** Typed personal data (everything but names) in `text`; `employeeIds` are the site's patterns, compiled. */
function typedFindings(text: string, employeeIds: readonly RegExp[]): Finding[] {
  const before = (m: RegExpExecArray, n = 24) => text.slice(Math.max(0, m.index - n), m.index);
  return [
    ...(text.includes('@') ? collect(EMAIL, text, 'email') : []),
    ...collect(RESIDENT_ID, text, 'id_number', (m) => isResidentId(m[0])),
    ...collect(
      CARD,
      text,
      'bank_card',
      (m) => luhnValid(m[0]) && (CARD_CONTEXT.test(before(m, 30)) || /[ -]/.test(m[0])),
    ),
    ...collect(IPV4, text, 'ip', (m) => !VERSION_CONTEXT.test(before(m, 12))),
    // an IPv6 address has "::" or eight groups (seven colons): lines with neither skip the long pattern
    ...(text.includes('::') || colons(text) >= 7
      ? collect(
          IPV6,
          text,
          'ip',
          (m) =>
            (m[0].match(/:/g) ?? []).length >= 2 && /[0-9a-fA-F]/.test(m[0]) && !/^\d{1,2}:\d{2}(:\d{2})?$/.test(m[0]),
        )
      : []),
    ...collect(MAC, text, 'mac'),
    ...collect(MOBILE, text, 'phone'),
    ...collect(LANDLINE, text, 'phone'),
    ...(HAS_CJK.test(text) ? collect(PLATE, text, 'plate') : []),
    ...collect(EMPLOYEE_ID_BY_KEYWORD, text, 'employee_id', () => true, 3),
    ...collect(KEYED_ID, text, 'employee_id', (m) => !ACCOUNT_KEY.test(m[1]) || personalAccount(m[3]), 3),
    ...employeeIds.flatMap((re) => collect(re, text, 'employee_id')),
  ];
}

/**
 * A Chinese name candidate cut at its end: stop characters (verbs, particles) dropped, at most 3 characters unless
 * compound.
 */
function zhNameAt(name: string): string {
  let n = ZH_COMPOUND_SURNAMES.some((c) => name.startsWith(c)) ? name : name.slice(0, 3);
  while (n.length > 2 && ZH_NAME_STOP.has(n[n.length - 1])) n = n.slice(0, -1);
  return n;
}
const hasZhSurname = (n: string) => ZH_SURNAMES.has(n[0]) || ZH_COMPOUND_SURNAMES.some((c) => n.startsWith(c));

/** The name words at the start of `words` (a capitalised or pinyin full name), and how many there are. */
function englishName(words: string): { parts: string[]; k: number } {
  const parts = words
    .split(/\s+/)
    .map((w, i, all) => (i === all.length - 1 || !EN_NAME_WORD.test(w) ? w.replace(/[.,;:!?)\]]+$/, '') : w));
  let k = 0;
  while (k < parts.length && nameWord(parts[k], k, parts) && !EN_NOT_NAMES.has(parts[k])) k++;
  return { parts, k };
}

/**
 * Names after trigger words ("operator Zhang Wei", "操作员 李娜"), after recording verbs, and the names listed after them.
 */
function nameFindings(text: string): Finding[] {
  const out: Finding[] = [];
  const zhList = (end: number) => {
    // 操作员张伟、李娜、王芳: each further name in the list (with a surname)
    for (let m = ZH_LIST_NEXT.exec(text.slice(end, end + 16)); m; m = ZH_LIST_NEXT.exec(text.slice(end, end + 16))) {
      const n = zhNameAt(m[1]);
      if (!hasZhSurname(n) || ZH_NAME_STOP.has(n[0])) return;
      const start = end + m[0].length - m[1].length;
      out.push({ type: 'name', start, end: start + n.length, value: n });
      end = start + n.length;
    }
  };
  const enList = (end: number) => {
    for (let m = EN_LIST_NEXT.exec(text.slice(end, end + 80)); m; m = EN_LIST_NEXT.exec(text.slice(end, end + 80))) {
      const { parts, k } = englishName(m[2]);
      if (k < 2) return; // a list goes on with full names
      const start = end + m[1].length;
      const stop = start + text.slice(start).indexOf(parts[k - 1]) + parts[k - 1].length;
      out.push({ type: 'name', start, end: stop, value: parts.slice(0, k).join(' ') });
      end = stop;
    }
  };
  // (the Chinese patterns need Chinese characters: a line without any skips them)
  const cjk = HAS_CJK.test(text);
  ZH_NAME.lastIndex = 0;
  for (let m = cjk ? ZH_NAME.exec(text) : null; m; m = ZH_NAME.exec(text)) {
    const [whole, kw, sep, name] = m;
    const n = zhNameAt(name);
    const start = m.index + kw.length + sep.length;
    const next = text.charAt(start + n.length);
    const bounded = next === '' || !/[\u4e00-\u9fff]/.test(next);
    // A name starts with a known surname, or (no colon) is a clean word standing alone. After a colon the
    // trigger may be a dialogue role ("操作工：注塑机…"), so a surname is required there.
    // ("工程师建议" glues a word to its trigger: without a space, only a surname makes it a name)
    const clean = bounded && ![...n].some((c) => ZH_NAME_STOP.has(c)) && /\s/.test(sep) && !/[:：]/.test(sep);
    if (!ZH_NAME_STOP.has(n[0]) && (hasZhSurname(n) || clean)) {
      out.push({ type: 'name', start, end: start + n.length, value: n });
      zhList(start + n.length);
    }
    ZH_NAME.lastIndex = m.index + whole.length - (name.length - n.length);
  }
  ZH_BY.lastIndex = 0;
  for (let m = cjk ? ZH_BY.exec(text) : null; m; m = ZH_BY.exec(text)) {
    const name = m[1] ?? m[2];
    const n = zhNameAt(name);
    if (n.length !== name.length || !hasZhSurname(n)) continue;
    const start = m.index + m[0].indexOf(name);
    out.push({ type: 'name', start, end: start + n.length, value: n });
  }
  EN_NAME.lastIndex = 0;
  for (let m = EN_NAME.exec(text); m; m = EN_NAME.exec(text)) {
    const [, kw, sep, words] = m;
    const { parts, k } = englishName(words);
    // after a colon the trigger may be a dialogue role ("Operator: Cycle time…"): a full name is required
    if (k === 0 || (k === 1 && /[:：]/.test(sep))) continue;
    const start = m.index + kw.length + sep.length;
    const end = start + text.slice(start).indexOf(parts[k - 1]) + parts[k - 1].length;
    out.push({ type: 'name', start, end, value: parts.slice(0, k).join(' ') });
    enList(end);
  }
  EN_BY.lastIndex = 0;
  for (let m = EN_BY.exec(text); m; m = EN_BY.exec(text)) {
    const { parts, k } = englishName(m[1]);
    if (k < 2) continue; // "checked by Smith" is too thin; "checked by John Smith" is a name
    const start = m.index + m[0].length - m[1].length;
    const end = start + text.slice(start).indexOf(parts[k - 1]) + parts[k - 1].length;
    out.push({ type: 'name', start, end, value: parts.slice(0, k).join(' ') });
    enList(end);
  }
  return out;
}

/** Keep the findings that win: by priority, then the longer; no two overlap. Sorted by position. */
export function resolveFindings(findings: Finding[]): Finding[] {
  const rank = (f: Finding) => PRIORITY.indexOf(f.type);
  const sorted = [...findings].sort(
    (a, b) => rank(a) - rank(b) || b.end - b.start - (a.end - a.start) || a.start - b.start,
  );
  const kept: Finding[] = [];
  for (const f of sorted) if (!kept.some((k) => f.start < k.end && k.start < f.end)) kept.push(f);
  return kept.sort((a, b) => a.start - b.start);
}

const NAME_FIELD = new RegExp(
  String.raw`^(operator|technician|inspector|supervisor|engineer|mechanic|name|person|contact|author` +
    String.raw`|user|操作员|维修人员?|技术员|班长|质检员|姓名|联系人)$`,
  'i',
);

/** Is this column or field one that holds a person's name? */
export function isNameField(field: string): boolean {
  return NAME_FIELD.test(field.trim());
}

function count(counts: PiiCounts, type: PiiType): void {
  counts[type] = (counts[type] ?? 0) + 1;
}

/** A masked value and the types found in it; `generation` is the masker's when it was computed (-1: not kept). */
interface MemoEntry {
  out: string;
  types: PiiType[];
  generation: number;
}

/**
 * Finds and masks personal data, and remembers (as keyed digests, never in clear) the names it found,
 * so that a name seen once with a trigger word - or in a name column, or in another chunk of the same
 * source - is also masked where it stands bare.
 */
export class PiiMasker {
  readonly counts: PiiCounts = {};
  private readonly digests = new Set<string>();
  private readonly key: string;
  /** digests by name, and masked results of short values (table cells repeat): both bounded */
  private readonly digestMemo = new Map<string, string>();
  private readonly valueMemo = { t: new Map<string, MemoEntry>(), n: new Map<string, MemoEntry>() };
  /** bumped whenever a name is learned: memo entries from before it are stale */
  private generation = 0;
  /** the last value of each table column (`cell`) */
  private readonly lastCells: { value: string; entry: MemoEntry }[] = [];
  private static readonly MEMO_LIMIT = 20_000;
  private static readonly MEMO_MAX_LENGTH = 64;

  private readonly employeeIds: RegExp[];

  constructor(
    private readonly opts: PiiOptions = DEFAULT_PII_OPTIONS,
    knownNames: Iterable<string> = [],
  ) {
    this.key = opts.pseudonymKey ?? opts.digestKey ?? 'forge-names';
    this.employeeIds = opts.employeeIdPatterns.map((src) => new RegExp(src, 'g'));
    for (const d of knownNames) this.digests.add(d);
  }

  /** A short check of the digest key (not the key, nor any name): chunks compare it with their scan's. */
  keyCheck(): string {
    return createHmac('sha256', this.key).update('forge key check').digest('hex').slice(0, 16);
  }

  /** Keyed digests of every name seen so far: what a later chunk needs to recognise them. */
  knownNameDigests(): string[] {
    return [...this.digests].sort();
  }

  /** Every finding in `text`, names learned earlier included. */
  detect(text: string): Finding[] {
    const found = resolveFindings([
      ...typedFindings(text, this.employeeIds),
      ...nameFindings(text),
      ...this.bareNames(text),
    ]);
    for (const f of found) if (f.type === 'name') this.learn(f.value);
    return found;
  }

  /**
   * Mask text that repeats data masked and counted elsewhere (a quarantine reason quoting its line's cells):
   * masked the same way, not counted a second time.
   */
  again(text: string): string {
    const before = { ...this.counts };
    const out = this.text(text);
    for (const k of Object.keys(this.counts) as PiiType[]) {
      if (before[k] === undefined) delete this.counts[k];
      else this.counts[k] = before[k];
    }
    return out;
  }

  /** Mask every personal datum found in free text. */
  text(text: string): string {
    return this.textEntry(text).out;
  }

  private textEntry(text: string): MemoEntry {
    return this.memoEntry('t', text, () => this.apply(text, this.detect(text)));
  }

  /**
   * A masked value from the memo, or computed and remembered. A hit replays the counts and the names
   * learned, so that results and counts are the same as without the memo. Only short values are kept,
   * and only while no new name has been learned since (a new name can change a later result).
   */
  private memoEntry(mode: 't' | 'n', value: string, compute: () => string): MemoEntry {
    if (value.length > PiiMasker.MEMO_MAX_LENGTH) return { out: compute(), types: [], generation: -1 };
    const memo = this.valueMemo[mode];
    const hit = memo.get(value);
    if (hit !== undefined) return this.replay(hit);
    const before = { ...this.counts };
    const learned = this.digests.size;
    const out = compute();
    if (this.digests.size !== learned) {
      this.valueMemo.t.clear();
      this.valueMemo.n.clear();
      this.generation++;
    } // bare-name results may change from now on
    const types = (Object.keys(this.counts) as PiiType[]).flatMap((t) =>
      Array<PiiType>((this.counts[t] ?? 0) - (before[t] ?? 0)).fill(t),
    );
    if (memo.size >= PiiMasker.MEMO_LIMIT) memo.clear();
    const entry = { out, types, generation: this.generation };
    memo.set(value, entry);
    return entry;
  }

  /** A memo hit: its counts counted again, so that counts are the same as without the memo. */
  private replay(entry: MemoEntry): MemoEntry {
    for (const t of entry.types) count(this.counts, t);
    return entry;
  }

  /**
   * Mask a cell of table column `slot` (free text, or a name field): as `text` or `nameField`, and faster
   * when the column repeats its last value, as table columns do row after row (no memo lookup).
   */
  cell(slot: number, value: string, isName: boolean): string {
    const last = this.lastCells[slot];
    if (last !== undefined && last.value === value && last.entry.generation === this.generation)
      return this.replay(last.entry).out;
    const entry = isName ? this.nameFieldEntry(value) : this.textEntry(value);
    if (entry.generation >= 0) this.lastCells[slot] = { value, entry };
    return entry.out;
  }

  /**
   * Mask a value of a name field (e.g. `operator: Zhang Wei (E10234)`): typed data and names found as in
   * free text, and the text before the first bracket or comma as a name.
   */
  nameField(value: string): string {
    return this.nameFieldEntry(value).out;
  }

  private nameFieldEntry(value: string): MemoEntry {
    return this.memoEntry('n', value, () => this.maskNameField(value));
  }

  private maskNameField(value: string): string {
    const found = this.detect(value);
    const head = /^([^(（,，;；[]*)/.exec(value)![1];
    const name = head.trim();
    const start = head.indexOf(name);
    if (name && !MASK_TOKEN.test(name) && !found.some((f) => f.start < start + name.length && start < f.end)) {
      found.push({ type: 'name', start, end: start + name.length, value: name });
      this.learn(name);
    }
    return this.apply(
      value,
      found.sort((a, b) => a.start - b.start),
    );
  }

  /** Mask names learned so far where they stand bare in `text` (text already masked once). */
  sweep(text: string): string {
    return this.apply(text, resolveFindings(this.bareNames(text)));
  }

  /** The pseudonym of a name: the same name always gets the same one under the same key. */
  pseudonym(name: string): string {
    if (!this.opts.pseudonymKey) return MASK.name;
    return `[NAME:${this.digest(name).slice(0, 6)}]`;
  }

  private apply(text: string, findings: Finding[]): string {
    let out = '';
    let at = 0;
    for (const f of findings) {
      count(this.counts, f.type);
      out += text.slice(at, f.start) + (f.type === 'name' ? this.pseudonym(f.value) : MASK[f.type]);
      at = f.end;
    }
    return out + text.slice(at);
  }

  private digest(name: string): string {
    let d = this.digestMemo.get(name);
    if (d === undefined) {
      d = createHmac('sha256', this.key).update(name.replace(/\s+/g, ' ').trim()).digest('hex');
      if (this.digestMemo.size >= PiiMasker.MEMO_LIMIT) this.digestMemo.clear();
      this.digestMemo.set(name, d);
    }
    return d;
  }

  private learn(name: string): void {
    // a bare single Latin word is too ambiguous to mask everywhere; full names and CJK names are not
    if (!/[\u4e00-\u9fff]/.test(name) && !/\s/.test(name)) return;
    const d = this.digest(name);
    if (!this.digests.has(d)) this.digests.add(d);
  }

  /** Names learned earlier, standing without a trigger word: candidate spans checked against the digests. */
  private bareNames(text: string): Finding[] {
    if (this.digests.size === 0) return [];
    const out: Finding[] = [];
    const cjk = /[\u4e00-\u9fff]{2,}/g;
    for (let m = cjk.exec(text); m; m = cjk.exec(text)) {
      const run = m[0];
      for (let i = 0; i + 2 <= run.length; i++) {
        for (let len = Math.min(4, run.length - i); len >= 2; len--) {
          const cand = run.slice(i, i + len);
          if (this.digests.has(this.digest(cand))) {
            out.push({ type: 'name', start: m.index + i, end: m.index + i + len, value: cand });
            i += len - 1;
            break;
          }
        }
      }
    }
    const latin = /\b[A-Z][a-z'’]+(?:[ -][A-Z][a-z'’]+){1,2}\b/g;
    for (let m = latin.exec(text); m; m = latin.exec(text)) {
      const words = m[0].split(' ');
      for (let len = words.length; len >= 2; len--) {
        for (let i = 0; i + len <= words.length; i++) {
          const cand = words.slice(i, i + len).join(' ');
          if (this.digests.has(this.digest(cand))) {
            const start = m.index + m[0].indexOf(cand);
            out.push({ type: 'name', start, end: start + cand.length, value: cand });
          }
        }
      }
    }
    return out;
  }
}

export function addCounts(into: PiiCounts, from: PiiCounts): PiiCounts {
  for (const [k, v] of Object.entries(from) as [PiiType, number][]) into[k] = (into[k] ?? 0) + v;
  return into;
}

export function totalCount(c: PiiCounts): number {
  return Object.values(c).reduce((a, b) => a + (b ?? 0), 0);
}
