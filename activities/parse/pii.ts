/**
 * Personal data detection and masking: trigger keywords + regular expressions (+ checksums).
 * Pure functions; the parse stage runs every free-text field and every name-like column through them
 * before a record or a quarantine line is written.
 */
export type PiiType = 'name' | 'employee_id' | 'phone' | 'email' | 'id_number';
export type PiiCounts = Partial<Record<PiiType, number>>;

export const MASK: Record<PiiType, string> = {
  name: '[NAME]',
  employee_id: '[EMPLOYEE_ID]',
  phone: '[PHONE]',
  email: '[EMAIL]',
  id_number: '[ID_NUMBER]',
};

export interface PiiOptions {
  /** extra employee-id patterns of this site (regex source strings), on top of the keyword rule */
  employeeIdPatterns: string[];
}
export const DEFAULT_PII_OPTIONS: PiiOptions = { employeeIdPatterns: ['\\bE\\d{5}\\b'] };

const EMAIL = /[A-Za-z0-9._%+-]+@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)*\.[A-Za-z]{2,}/g;
const RESIDENT_ID = /(?<![0-9A-Za-z])\d{17}[\dXx](?![0-9A-Za-z])/g;
// mainland mobile: optional +86, 1[3-9]x, then 8 digits, optionally grouped 3-4-4 with spaces or dashes
const MOBILE = /(?<![\d+])(?:\+?86[-\s]?)?1[3-9]\d(?:[-\s]?\d{4}){2}(?!\d)/g;
// landline: area code 0xx / 0xxx, then 7-8 digits, optionally split
const LANDLINE = /(?<!\d)(?:\+?86[-\s]?)?\(?0\d{2,3}\)?[-\s]\d{3,4}[-\s]?\d{4}(?!\d)/g;
const EMPLOYEE_ID_BY_KEYWORD =
  /(工号|员工号|员工编号|employee\s*(?:id|no\.?|number)|emp\.?\s*(?:id|no\.?)|badge(?:\s*no\.?)?)(\s*[:：#]?\s*)([A-Za-z]{0,3}\d{3,10})/gi;

const ZH_TRIGGERS = ['操作员', '操作工', '维修人员', '维修人', '维修工', '技术员', '班长', '质检员', '检验员', '工程师', '负责人', '联系人', '值班员'];
const EN_TRIGGERS = ['operator', 'technician', 'tech', 'inspector', 'supervisor', 'engineer', 'foreman', 'mechanic', 'contact'];
const ZH_NAME = new RegExp(`(${ZH_TRIGGERS.join('|')})([\\s:：]*)([\\u4e00-\\u9fff]{2,4})`, 'g');
const ZH_COMPOUND_SURNAMES = ['欧阳', '司马', '上官', '诸葛', '东方', '皇甫', '尉迟', '公孙', '慕容', '长孙', '宇文', '司徒', '夏侯', '令狐'];
const EN_NAME = new RegExp(`\\b(${EN_TRIGGERS.join('|')})\\b([\\s:：]+)((?:[A-Za-z][A-Za-z'’.-]*)(?:\\s+[A-Za-z][A-Za-z'’.-]*){0,2})`, 'gi');
/** characters that follow a Chinese name but do not belong to it (verbs, particles) */
const ZH_NAME_STOP = new Set('将把在已对发确更调报处检巡到的了和与及从向为被让给说称抽负联是有也都就还再又没不很'.split(''));
/** the most common Chinese surnames (a name after a trigger word usually starts with one) */
const ZH_SURNAMES = new Set(('王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程苏魏吕丁任沈姚卢姜崔钟谭陆汪范金石廖贾夏韦付傅方白邹孟熊秦邱江尹薛闫段雷侯龙史陶黎贺顾毛郝龚邵万钱严覃武戴莫孔向汤常温康施文牛樊葛邢安齐易乔伍庞颜倪庄聂章鲁岳翟殷詹申欧耿关兰焦俞左柳甘祝包宁尚符舒阮柯纪梅童凌毕单季裴霍涂成苗谷盛曲翁冉骆蓝路游辛靳管柴蒙鲍华喻祁蒲房滕屈饶解牟艾尤阳时穆农司卓古吉缪简车项连芦麦褚娄窦戚岑景党宫费卜冷晏席卫米柏宗瞿桂全佟应臧闵苟邬边卞姬师和仇栾隋商刁沙荣巫寇桑郎甄丛仲虞敖巩明佘池查麻苑迟邝').split(''));
/** capitalised English words that follow "Operator:" in dialogue and are not names */
const EN_NOT_NAMES = new Set(('We What That It The How Yes No About Check Then There This These Those Our My Your I You He She They Is Are Was Were Can Could Should ' +
  'Would Will Do Does Did If When Where Why Which Who A An And But Or So Not Please Thanks Thank OK Ok Let Plan First After Before Now Call Stop Start ' +
  'Raise Lower Reduce Replace Clean Inspect Confirm Read Take Keep Note Out In On At For From With By To Up Down Also Just Only Same Good Fine Right ' +
  'Sure Hello Hi Well Okay Got Looks Seems Shift Line Machine Alarm Maintenance Quality Production').split(' '));
const EN_NAME_WORD = /^(?:[A-Z][a-z'’]+(?:-[A-Z][a-z'’]+)?|[A-Z]\.)$/;

/** ISO 7064 MOD 11-2 check and a valid birth date: a real 18-digit resident id, not a lot number. */
export function isResidentId(s: string): boolean {
  if (!/^\d{17}[\dXx]$/.test(s)) return false;
  const weights = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2];
  let sum = 0;
  for (let i = 0; i < 17; i++) sum += Number(s[i]) * weights[i];
  const check = '10X98765432'[sum % 11];
  if (check !== s[17].toUpperCase()) return false;
  const y = Number(s.slice(6, 10)), m = Number(s.slice(10, 12)), d = Number(s.slice(12, 14));
  const date = new Date(Date.UTC(y, m - 1, d));
  return y >= 1900 && date.getUTCFullYear() === y && date.getUTCMonth() === m - 1 && date.getUTCDate() === d;
}

function count(counts: PiiCounts, type: PiiType): void {
  counts[type] = (counts[type] ?? 0) + 1;
}

/**
 * Masks personal data and remembers the names it found, so that a name seen once with a trigger word
 * (or in a name column) is also masked where it appears bare elsewhere in the same source: `sweep`.
 */
export class PiiMasker {
  readonly counts: PiiCounts = {};
  private readonly names = new Set<string>();
  private sweepRegex: RegExp | null = null;

  constructor(private readonly opts: PiiOptions = DEFAULT_PII_OPTIONS) {}

  /** Mask every personal datum found in free text. */
  text(text: string): string {
    const counts = this.counts;
    let out = text.replace(EMAIL, () => (count(counts, 'email'), MASK.email));
    out = out.replace(RESIDENT_ID, (m) => (isResidentId(m) ? (count(counts, 'id_number'), MASK.id_number) : m));
    out = out.replace(MOBILE, () => (count(counts, 'phone'), MASK.phone));
    out = out.replace(LANDLINE, () => (count(counts, 'phone'), MASK.phone));
    out = out.replace(EMPLOYEE_ID_BY_KEYWORD, (_m, kw: string, sep: string) => (count(counts, 'employee_id'), `${kw}${sep}${MASK.employee_id}`));
    for (const src of this.opts.employeeIdPatterns) {
      out = out.replace(new RegExp(src, 'g'), () => (count(counts, 'employee_id'), MASK.employee_id));
    }
    out = out.replace(ZH_NAME, (m, kw: string, sep: string, name: string, offset: number, whole: string) => {
      let n = ZH_COMPOUND_SURNAMES.some((c) => name.startsWith(c)) ? name : name.slice(0, 3);
      while (n.length > 2 && ZH_NAME_STOP.has(n[n.length - 1])) n = n.slice(0, -1);
      const next = whole.charAt(offset + m.length - (name.length - n.length));
      const bounded = next === '' || !/[\u4e00-\u9fff]/.test(next);
      // A name starts with a known surname, or (no colon) is a clean word standing alone. After a colon the
      // trigger may be a dialogue role ("操作工：注塑机…"), so a surname is required there.
      const surname = ZH_SURNAMES.has(n[0]) || ZH_COMPOUND_SURNAMES.some((c) => n.startsWith(c));
      const clean = bounded && ![...n].some((c) => ZH_NAME_STOP.has(c)) && !/[:：]/.test(sep);
      if (ZH_NAME_STOP.has(n[0]) || !(surname || clean)) return m;
      this.learn(n);
      return `${kw}${sep}${MASK.name}${name.slice(n.length)}`;
    });
    out = out.replace(EN_NAME, (m, kw: string, sep: string, words: string) => {
      const parts = words.split(/\s+/);
      let k = 0;
      while (k < parts.length && EN_NAME_WORD.test(parts[k]) && !EN_NOT_NAMES.has(parts[k])) k++;
      // after a colon the trigger may be a dialogue role ("Operator: Cycle time…"): a full name is required
      if (k === 0 || (k === 1 && /[:：]/.test(sep))) return m;
      this.learn(parts.slice(0, k).join(' '));
      const rest = parts.slice(k).join(' ');
      return `${kw}${sep}${MASK.name}${rest ? ' ' + rest : ''}`;
    });
    return out;
  }

  /**
   * Mask a value of a name field (e.g. `operator: Zhang Wei (E10234)`): typed data first, then the name
   * itself - everything before the first bracket or comma that is not already a mask.
   */
  nameField(value: string): string {
    const typed = this.text(value);
    const m = /^([^(（,，;；[]*)(.*)$/s.exec(typed)!;
    const head = m[1].trim();
    if (!head || /^\[[A-Z_]+\]$/.test(head)) return typed;
    this.learn(head);
    return `${MASK.name}${m[1].endsWith(' ') ? ' ' : ''}${m[2]}`;
  }

  /** Mask the names learned so far wherever they stand, trigger word or not. */
  sweep(text: string): string {
    if (!this.sweepRegex) return text;
    return text.replace(this.sweepRegex, () => (count(this.counts, 'name'), MASK.name));
  }

  private learn(name: string): void {
    count(this.counts, 'name');
    // a bare single Latin word is too ambiguous to mask everywhere; full names and CJK names are not
    if (/[\\"]/.test(name) || (!/[\u4e00-\u9fff]/.test(name) && !/\s/.test(name)) || this.names.has(name)) return;
    this.names.add(name);
    const alts = [...this.names].sort((a, b) => b.length - a.length).map((n) => n.replace(/[.*+?^${}()|[\]\\]/g, '\\$&').replace(/\s+/g, '\\s+'));
    this.sweepRegex = new RegExp(alts.join('|'), 'g');
  }
}

const NAME_FIELD = /^(operator|technician|inspector|supervisor|engineer|mechanic|name|person|contact|author|user|操作员|维修人员?|技术员|班长|质检员|姓名|联系人)$/i;

/** Is this column or field one that holds a person's name? */
export function isNameField(field: string): boolean {
  return NAME_FIELD.test(field.trim());
}

export function addCounts(into: PiiCounts, from: PiiCounts): PiiCounts {
  for (const [k, v] of Object.entries(from) as [PiiType, number][]) into[k] = (into[k] ?? 0) + v;
  return into;
}

export function totalCount(c: PiiCounts): number {
  return Object.values(c).reduce((a, b) => a + (b ?? 0), 0);
}
