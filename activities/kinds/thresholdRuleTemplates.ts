import type { ThresholdRuleFact } from '../knowledge/facts';
import { numbered, cap, listEn, listZh, type Templates, qaText } from './textParts';

/** Offline templates for mined threshold rules and their agreement with the graph's limits (see offlineExpander.ts). */
type Cond = ThresholdRuleFact['statement']['conditions'][number];

const condEn = (c: Cond) =>
  `${c.parameter.name} is ${c.op === '>' ? 'above' : 'below'} ${c.threshold} ${c.parameter.unit}`;
const condZh = (c: Cond) =>
  `${c.parameter.name_zh}${c.op === '>' ? '高于' : '低于'} ${c.threshold} ${c.parameter.unit}`;
const catEn = (s: ThresholdRuleFact['statement']) => (s.category ? `for ${s.category.column} ${s.category.value}` : '');
const catZh = (s: ThresholdRuleFact['statement']) =>
  s.category ? `${s.category.column}为 ${s.category.value} 时` : '';
export function ruleEn(s: ThresholdRuleFact['statement']): string {
  const c = s.conditions;
  const body =
    s.shape === 'band'
      ? `${c[0].parameter.name} is outside ${c[0].threshold}-${c[1].threshold} ${c[0].parameter.unit}`
      : s.shape === 'interval'
        ? `${c[0].parameter.name} is between ${c[0].threshold} and ${c[1].threshold} ${c[0].parameter.unit}`
        : c.map(condEn).join(' while ');
  return s.category && !c.length
    ? `${s.category.column} is ${s.category.value}`
    : [catEn(s), body].filter(Boolean).join(', ');
}
export function ruleZh(s: ThresholdRuleFact['statement']): string {
  const c = s.conditions;
  const body =
    s.shape === 'band'
      ? `${c[0].parameter.name_zh}超出 ${c[0].threshold}-${c[1].threshold} ${c[0].parameter.unit} 区间`
      : s.shape === 'interval'
        ? `${c[0].parameter.name_zh}处于 ${c[0].threshold}-${c[1].threshold} ${c[0].parameter.unit} 之间`
        : c.map(condZh).join('且');
  return s.category && !c.length ? `${s.category.column}为 ${s.category.value}` : `${catZh(s)}${body}`;
}

/** How texts speak of the rule's outcome: rejected parts, failures (named by the outcome's node or label) or alarms. */
function wordsOf(s: ThresholdRuleFact['statement']) {
  const o = s.outcome;
  const name = o.node?.name ?? o.label,
    nameZh = o.node?.name_zh ?? o.label;
  if (o.meaning === 'quality_reject') {
    return {
      bad: 'rejected parts',
      events: 'rejects',
      rate: 'reject rate',
      items: 'parts',
      were: 'were rejected',
      known: 'a known quality result',
      risk: 'reject risk',
      hold: 'parts made meanwhile',
      check: 'parts',
      release: 'Release parts again once the condition no longer holds and a first part passes inspection.',
      badZh: '不合格品',
      rateZh: '不合格率',
      itemsZh: '制品',
      itemZh: '件',
      countedZh: '件制品',
      knownZh: '件有质量结果的制品',
      unitZh: '件',
      wereZh: '不合格',
      riskZh: '不合格风险',
    };
  }
  const alarm = o.meaning === 'alarm';
  return {
    bad: alarm ? `${name} alarms` : `${name} failures`,
    events: alarm ? `${name} alarms` : `${name} failures`,
    rate: alarm ? `${name} alarm rate` : `${name} failure rate`,
    items: 'records',
    were: alarm ? `raised ${name}` : `ended in ${name}`,
    known: 'a known outcome',
    risk: alarm ? `${name} alarm risk` : `${name} risk`,
    hold: 'machine',
    check: 'the machine',
    release: 'Release the machine again once the condition no longer holds and the inspection found nothing.',
    itemsZh: '记录',
    itemZh: '记录',
    countedZh: '条记录',
    knownZh: '条有结果的记录',
    unitZh: '条',
    badZh: alarm ? `${nameZh}报警` : `${nameZh}故障`,
    rateZh: alarm ? `${nameZh}报警率` : `${nameZh}故障率`,
    wereZh: alarm ? `触发${nameZh}` : `发生${nameZh}`,
    riskZh: alarm ? `${nameZh}报警风险` : `${nameZh}风险`,
  };
}
export const outcomeRiskEn = (s: ThresholdRuleFact['statement']) => wordsOf(s).risk;
/** The rule's outcome as a noun: rejected parts, <name> failures, <name> alarms. */
export const outcomeNoun = (s: ThresholdRuleFact['statement'], lang: 'en' | 'zh') =>
  lang === 'zh' ? wordsOf(s).badZh : wordsOf(s).bad;
export const outcomeRiskZh = (s: ThresholdRuleFact['statement']) => wordsOf(s).riskZh;
const derivedEn = (s: ThresholdRuleFact['statement']) =>
  s.conditions
    .filter((c) => c.parameter.formula)
    .map((c) => `${cap(c.parameter.name)} is not measured directly: it is derived as ${c.parameter.formula}.`)
    .join(' ');
const derivedZh = (s: ThresholdRuleFact['statement']) =>
  s.conditions
    .filter((c) => c.parameter.formula)
    .map((c) => `${c.parameter.name_zh}不是直接测量值，而是按公式 ${c.parameter.formula} 计算得到的派生量。`)
    .join('');
const modesOf = (f: ThresholdRuleFact) => f.statement.failure_modes;

export const thresholdRuleEn: Templates<ThresholdRuleFact> = {
  textbook(f) {
    const s = f.statement,
      e = f.evidence,
      w = wordsOf(s);
    const out = [
      `On ${s.asset.name}, the production records mark a threshold: when ${ruleEn(s)}, ${w.bad} become much ` +
        `more likely.`,
      `Of ${e.n} ${w.items} with ${w.known}, ${e.support} were under this condition ` +
        `and ${e.confidence_pct}% of them ${w.were} (${e.ci_level_pct}% confidence ` +
        `interval ${e.ci_pct[0]}-${e.ci_pct[1]}%), against ${e.rest_rate_pct}% of the others; with an ` +
        `overall ${w.rate} of ${e.base_rate_pct}%, that is a lift of ${e.lift}.`,
    ];
    if (s.outcome.main_defect) out.push(`The usual defect among these rejects was ${s.outcome.main_defect.name}.`);
    const d = derivedEn(s);
    if (d) out.push(d);
    if (modesOf(f).length)
      out.push(`The knowledge graph names the mechanism: ${listEn(modesOf(f).map((m) => m.name))}.`);
    out.push(
      `The threshold was found from the data alone and tested on rows it was not found ` +
        `on; ${e.candidates_tested} candidate rules were tested together, and this one keeps a ` +
        `false-discovery-adjusted q-value of ${e.q_value}.`,
    );
    return out.join(' ');
  },
  qa(f) {
    const s = f.statement,
      e = f.evidence,
      w = wordsOf(s);
    const qa: [string, string][] = [
      [`At what point do ${w.events} on ${s.asset.name} become much more likely?`, `When ${ruleEn(s)}.`],
      [
        `How strong is the effect?`,
        `${e.confidence_pct}% of the ${e.support} ${w.items} under that ` +
          `condition ${w.were}, against ${e.rest_rate_pct}% of the rest: a lift of ${e.lift} over the ` +
          `overall ${e.base_rate_pct}%.`,
      ],
      [
        `How sure is this?`,
        `The ${e.ci_level_pct}% confidence interval of the ${w.rate} is ${e.ci_pct[0]}-${e.ci_pct[1]}%; tested ` +
          `on held-out rows, with a q-value of ${e.q_value} after correcting for ${e.candidates_tested} candidates.`,
      ],
    ];
    if (s.outcome.main_defect) qa.push([`Which defect shows up?`, `Mostly ${s.outcome.main_defect.name}.`]);
    const d = derivedEn(s);
    if (d) qa.push([`Is that a sensor reading?`, d]);
    return qaText(qa, 'en');
  },
  sop(f) {
    const s = f.statement,
      e = f.evidence,
      w = wordsOf(s);
    const actions = [...new Set(modesOf(f).flatMap((m) => m.actions.map((a) => a.name)))];
    const steps = [
      `Watch for this condition on ${s.asset.name}: ${ruleEn(s)}.`,
      ...s.conditions
        .filter((c) => c.parameter.formula)
        .map((c) => `Compute ${c.parameter.name} as ${c.parameter.formula} from the current readings.`),
      `When the condition holds, hold ` +
        `the ${w.hold} for inspection` +
        `${s.outcome.main_defect ? `, looking first for ${s.outcome.main_defect.name}` : ''}.`,
      ...actions.map((a) => `${cap(a)}.`),
      w.release,
    ];
    return [
      `Standard operating procedure: ${w.risk} on ${s.asset.name}`,
      '',
      ...numbered(steps),
      '',
      `Why: ${e.confidence_pct}% of ${w.items} under this ` +
        `condition ${w.were}, against ${e.rest_rate_pct}% otherwise (${e.support} of ${e.n} ${w.items}).`,
    ].join('\n');
  },
  troubleshooting(f) {
    const s = f.statement,
      e = f.evidence,
      w = wordsOf(s);
    const lines = [
      `Operator: Our ${w.rate} on ${s.asset.name} jumps at times and we cannot see why.`,
      `Process engineer: The records show a pattern. ` +
        `When ${ruleEn(s)}, ${e.confidence_pct}% of ${w.items} ${w.were}, against ${e.rest_rate_pct}% otherwise.`,
      `Operator: Could that be chance?`,
      `Process engineer: Unlikely: it held on rows it was not found on, ${e.support} ${w.items} are behind it, ` +
        `and its q-value is ${e.q_value}.`,
    ];
    if (modesOf(f).length)
      lines.push(
        `Process engineer: It ` +
          `fits ${listEn(modesOf(f).map((m) => m.name))}` +
          (s.outcome.main_defect ? `, and the defect we see is ${s.outcome.main_defect.name}` : '') +
          `.`,
      );
    lines.push(`Operator: So we keep out of that condition and check ${w.check} when it happens.`);
    return lines.join('\n');
  },
};

export const thresholdRuleZh: Templates<ThresholdRuleFact> = {
  textbook(f) {
    const s = f.statement,
      e = f.evidence,
      w = wordsOf(s);
    const out = [
      `生产记录显示，${s.asset.name_zh}存在一个明确的阈值：当${ruleZh(s)}时，出现${w.badZh}的可能性显著升高。`,
      `在 ${e.n} ${w.knownZh}中，有 ${e.support} ${w.unitZh}处于该条件下，其中 ${e.confidence_pct}% ${w.wereZh}（` +
        `${e.ci_level_pct}% 置信区间 ${e.ci_pct[0]}-${e.ci_pct[1]}%），其余仅为 ${e.rest_rate_pct}%；总体${w.rateZh}为 ` +
        `${e.base_rate_pct}%，提升度为 ${e.lift}。`,
    ];
    if (s.outcome.main_defect) out.push(`这些不合格品中最常见的缺陷是${s.outcome.main_defect.name_zh}。`);
    out.push(derivedZh(s));
    if (modesOf(f).length) out.push(`知识图谱给出的机理是：${listZh(modesOf(f).map((m) => m.name_zh))}。`);
    out.push(
      `该阈值完全由数据挖掘得到，并在未参与挖掘的数据上检验；共检验 ${e.candidates_tested} 条候选规则，经错误发现率校正后 q 值为 ${e.q_value}。`,
    );
    return out.join('');
  },
  qa(f) {
    const s = f.statement,
      e = f.evidence,
      w = wordsOf(s);
    const qa: [string, string][] = [
      [`${s.asset.name_zh}在什么条件下${w.badZh}会明显增多？`, `当${ruleZh(s)}时。`],
      [
        `影响有多大？`,
        `该条件下的 ${e.support} ${w.countedZh}中 ${e.confidence_pct}% ${w.wereZh}，其余为 ${e.rest_rate_pct}%，相对总体 ` +
          `${e.base_rate_pct}% 的提升度为 ${e.lift}。`,
      ],
      [
        `结论可靠吗？`,
        `${w.rateZh}的 ${e.ci_level_pct}% 置信区间为 ${e.ci_pct[0]}-${e.ci_pct[1]}%；在留出数据上检` +
          `验，对 ${e.candidates_tested} 条候选规则做多重检验校正后 q 值为 ${e.q_value}。`,
      ],
    ];
    if (s.outcome.main_defect) qa.push([`主要是什么缺陷？`, `主要是${s.outcome.main_defect.name_zh}。`]);
    const d = derivedZh(s);
    if (d) qa.push([`这是传感器直接测得的吗？`, d]);
    return qaText(qa, 'zh');
  },
  sop(f) {
    const s = f.statement,
      e = f.evidence,
      w = wordsOf(s);
    const actions = [...new Set(modesOf(f).flatMap((m) => m.actions.map((a) => a.name_zh)))];
    const steps = [
      `在${s.asset.name_zh}上监视以下条件：${ruleZh(s)}。`,
      ...s.conditions
        .filter((c) => c.parameter.formula)
        .map((c) => `按公式 ${c.parameter.formula} 由当前读数计算${c.parameter.name_zh}。`),
      `条件成立期间生产的制品隔离待检${s.outcome.main_defect ? `，重点检查${s.outcome.main_defect.name_zh}` : ''}。`,
      ...actions.map((a) => `${a}。`),
      '条件解除且首件检验合格后，方可恢复放行。',
    ];
    return [
      `标准作业程序：${s.asset.name_zh}的${w.riskZh}`,
      '',
      ...numbered(steps),
      '',
      `依据：该条件下 ${e.confidence_pct}% 的${w.itemsZh}${w.wereZh}，其余仅 ${e.rest_rate_pct}%（${e.n} ${w.unitZh}中有 ` +
        `${e.support} ${w.unitZh}处于该条件）。`,
    ].join('\n');
  },
  troubleshooting(f) {
    const s = f.statement,
      e = f.evidence,
      w = wordsOf(s);
    const lines = [
      `操作工：${s.asset.name_zh}的${w.rateZh}时高时低，找不到原因。`,
      `工艺工程师：记录里有规律。当${ruleZh(s)}时，${e.confidence_pct}% 的${w.itemZh}${w.wereZh}，其他时候只有 ${e.rest_rate_pct}%。`,
      `操作工：会不会是巧合？`,
      `工艺工程师：不太可能：它在未参与挖掘的数据上同样成立，背后有 ${e.support} 件制品，q 值为 ${e.q_value}。`,
    ];
    if (modesOf(f).length)
      lines.push(
        `工艺工程师：这和${listZh(modesOf(f).map((m) => m.name_zh))}相符` +
          `${s.outcome.main_defect ? `，我们看到的缺陷正是${s.outcome.main_defect.name_zh}` : ''}。`,
      );
    lines.push('操作工：那就避开这个条件，出现时加强检验。');
    return lines.join('\n');
  },
};
