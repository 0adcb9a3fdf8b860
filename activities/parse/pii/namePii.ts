/**
 * Names of people: after trigger words ("operator Zhang Wei", "操作员 李娜"), after recording verbs ("signed off
 * by"), in lists after them, in name columns - Chinese, English and pinyin.
 */
import type { Finding } from './piiTypes';
import { HAS_CJK } from './typedPii';

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
/** what every EN_BY match holds, found faster than EN_BY's verbs: lines without it skip EN_BY */
const BY_OR_TO = /\s(?:by|to)\s/i;
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
/**
 * Forms of address and job words that start like a surname (师傅: 师 is one) and are no one's name: 技术员师傅们,
 * 班长师傅确认.
 */
const ZH_NOT_NAMES = new RegExp(
  '^(?:师傅|师父|师兄|同事|同志|主管|经理|组长|班组|人员|工人|大家|领导|各位|徒弟|们|一起|本人|自己|双方|全体|现场' +
    // and plant words that start with a surname's character, as a dialogue line starts after its role
    '|高温|高压|高速|高位|高度|高于|温度|温控|温差|周期|方向|方法|方案|程序|时间|安全|常规|于是|马达|金属|明显|关键' +
    '|全部|成品|成型|成本|应该|应急|单位|曲线|路线|车间|项目|连续|简单|管道|管路|毛刺|包装|解决|解除|费用|冷却|严重' +
    '|严格|原因|任务|余量|符合|计划|范围|陆续|查看|查找|查明|左侧|右侧|平均|季度|夏季|易损)',
);
/** a trigger ending in 工 or 员 glued to the next character into a word: 维修工单 (a work order), 操作员工 */
const ZH_COMPOUND_AFTER: Record<string, string> = { 工: '单作艺序位具况时程装件种厂', 员: '工' };

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
export function nameFindings(text: string): Finding[] {
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
    // after a dialogue role's colon a line starts with any word ("工程师：周期时间…"): a name there stands alone
    // or before a verb or particle ("操作员：李娜，请…", "技术员：王伟检查…")
    const afterColon = /[:：]/.test(sep);
    const standsAlone = bounded || ZH_NAME_STOP.has(next);
    const word =
      ZH_NOT_NAMES.test(name) || (sep === '' && (ZH_COMPOUND_AFTER[kw[kw.length - 1]] ?? '').includes(name[0]));
    if (!word && !ZH_NAME_STOP.has(n[0]) && (hasZhSurname(n) || clean) && (!afterColon || standsAlone)) {
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
  for (let m = BY_OR_TO.test(text) ? EN_BY.exec(text) : null; m; m = EN_BY.exec(text)) {
    const { parts, k } = englishName(m[1]);
    if (k < 2) continue; // "checked by Smith" is too thin; "checked by John Smith" is a name
    const start = m.index + m[0].length - m[1].length;
    const end = start + text.slice(start).indexOf(parts[k - 1]) + parts[k - 1].length;
    out.push({ type: 'name', start, end, value: parts.slice(0, k).join(' ') });
    enList(end);
  }
  return out;
}

/** A romanised Chinese full name standing in prose: "Li Ming", "Wang Jianguo", "Zhang Xiao-Ling". */
const PROSE_PINYIN = /\b([A-Z][a-z]{0,5}) (?=([A-Z][a-z]{1,9}(?:-[A-Z]?[a-z]{1,5})?)\b)/g;
/** English words that are also pinyin syllables, as they stand capitalised in titles ("Long Run Test") */
const PROSE_NOT_PINYIN = new Set(
  (
    'run gun bin pin tin fun den hen ten pen tie lie die pie men ran sang bang hang long fan pan ban can man tan ' +
    'ding'
  ).split(' '),
);
/** A Chinese name after words that introduce a person without a job word: 我是王建国, 名叫李娜. */
const PROSE_ZH = /(?:我是|我叫|名叫|叫做|姓名为|联系人为|请联系|联系)\s*([\u4e00-\u9fff]{2,4})/g;

/**
 * Names in generated prose, with no trigger word before them: what a model writes about "the operator on shift, Li
 * Ming". Only for generated text (a model has no reason to name a person), not for records, where a capitalised
 * pair of words is too often a plant's own term.
 */
export function proseNameFindings(text: string): Finding[] {
  const out: Finding[] = [];
  for (const m of text.matchAll(PROSE_PINYIN)) {
    const [, sur, given] = m;
    const g = given.toLowerCase().replace('-', '');
    if (!PINYIN_SURNAMES.has(sur.toLowerCase()) || !PINYIN_GIVEN.test(g) || NOT_GIVEN.has(g)) continue;
    if ([sur, given].some((w) => EN_NOT_NAMES.has(w) || PROSE_NOT_PINYIN.has(w.toLowerCase()))) continue;
    const whole = `${sur} ${given}`;
    out.push({ type: 'name', start: m.index, end: m.index + whole.length, value: whole });
  }
  if (HAS_CJK.test(text))
    for (const m of text.matchAll(PROSE_ZH)) {
      const n = zhNameAt(m[1]);
      if (!hasZhSurname(n) || ZH_NOT_NAMES.test(m[1])) continue;
      const start = m.index + m[0].length - m[1].length;
      out.push({ type: 'name', start, end: start + n.length, value: n });
    }
  return out;
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
