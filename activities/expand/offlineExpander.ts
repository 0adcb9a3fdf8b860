import type { EventChainFact, Fact, MaintenanceFact, OutOfSpecFact } from '../knowledge/facts';
import { graphAgreementEn, graphAgreementZh, thresholdRuleEn, thresholdRuleZh } from './offlineRuleTemplates';
import type { Generator, Lang, Style } from './documents';
import type { ExpansionJob } from './jobs';
import { opening, renderGeneric, titleOf } from './offlineGeneric';
import type { TextExpander } from './expander';
import { cap, listEn, listZh, type ClassicStyle, type Templates } from './textParts';

/**
 * The deterministic offline expander: used when no LLM endpoint is configured. It writes each fact in every
 * style and language from fixed templates, stating only what the fact states. Every document and manifest
 * it produces says so in `generator`.
 */
export const OFFLINE_GENERATOR: Generator = {
  kind: 'offline',
  name: 'forge-offline-expander/1',
  note: 'deterministic template expander, no language model: set OPENAI_BASE_URL to expand with an LLM',
};

/** The offline templates as a TextExpander. */
export const offlineExpander: TextExpander = {
  generator: OFFLINE_GENERATOR,
  expand: async (job) => ({
    text: renderOffline(job),
    usage: { prompt_tokens: 0, completion_tokens: 0 },
    cached: false,
  }),
};

/**
 * The styles with a hand-written form per kind of fact; the others are built from a fact's points (offlineGeneric.ts).
 */
const CLASSIC: readonly Style[] = ['textbook', 'qa', 'sop', 'troubleshooting'];

export function renderOffline(job: ExpansionJob): string {
  if (job.facts.length > 1 || !CLASSIC.includes(job.style))
    return renderGeneric(job, (f, style) => renderFact(f, style, job.lang));
  const [fact] = job.facts;
  const text = renderFact(fact, job.style as ClassicStyle, job.lang);
  return job.style === 'textbook'
    ? [opening(job, titleOf(fact, job.lang)), text].join(job.lang === 'en' ? ' ' : '')
    : text;
}

function renderFact(fact: Fact, style: ClassicStyle, lang: Lang): string {
  switch (fact.kind) {
    case 'out_of_spec':
      return (lang === 'en' ? outOfSpecEn : outOfSpecZh)[style](fact);
    case 'event_chain':
      return (lang === 'en' ? eventChainEn : eventChainZh)[style](fact);
    case 'maintenance_pattern':
      return (lang === 'en' ? maintenanceEn : maintenanceZh)[style](fact);
    case 'threshold_rule':
      return (lang === 'en' ? thresholdRuleEn : thresholdRuleZh)[style](fact);
    case 'graph_agreement':
      return (lang === 'en' ? graphAgreementEn : graphAgreementZh)[style](fact);
  }
}

const plural = (n: number, one: string, many = `${one}s`) => `${n} ${n === 1 ? one : many}`;
/** Out of range is worse for quality only when the reject rate out of range is higher than inside. */
const harms = (o: NonNullable<OutOfSpecFact['statement']['outcome']>) => o.ng_rate_out_pct > o.ng_rate_in_pct;

// ---------- out of spec ----------
function oosParts(f: OutOfSpecFact) {
  const s = f.statement,
    e = f.evidence,
    p = s.parameter;
  const above = s.direction === 'above';
  const modes = s.failure_modes;
  return {
    s,
    e,
    p,
    above,
    effectsEn: [...new Set(modes.flatMap((m) => m.effects.map((x) => x.name)))],
    effectsZh: [...new Set(modes.flatMap((m) => m.effects.map((x) => x.name_zh)))],
    actionsEn: [...new Set(modes.flatMap((m) => m.actions.map((x) => x.name)))],
    actionsZh: [...new Set(modes.flatMap((m) => m.actions.map((x) => x.name_zh)))],
    causesEn: [...new Set(modes.flatMap((m) => m.causes.map((x) => x.name)))],
    causesZh: [...new Set(modes.flatMap((m) => m.causes.map((x) => x.name_zh)))],
    window: windowOf(s.spec, p.unit),
  };
}

/** The recommended range as text; one side may be open (a range is written the same in both languages). */
function windowOf(spec: OutOfSpecFact['statement']['spec'], unit: string): string {
  if (spec.min !== null && spec.max !== null) return `${spec.min}-${spec.max} ${unit}`;
  return spec.max !== null ? `≤ ${spec.max} ${unit}` : `≥ ${spec.min} ${unit}`;
}

const outOfSpecEn: Templates<OutOfSpecFact> = {
  textbook(f) {
    const { s, e, p, above, effectsEn, actionsEn, window } = oosParts(f);
    const out: string[] = [];
    out.push(
      `${cap(p.name)} on ${s.asset.name} has a recommended window ` +
        `of ${window}${s.spec.target !== null ? `, with a target of ${s.spec.target} ${p.unit}` : ''}.`,
    );
    out.push(
      `In the recorded production ` +
        `data, ${e.n_out} of ${e.n} samples (${e.rate_pct}%, ${e.ci_level_pct}% confidence ` +
        `interval ${e.ci_pct[0]}-${e.ci_pct[1]}%) were ${above ? 'above the upper' : 'below the lower'} limit ` +
        `of ${s.limit} ${p.unit}; the ${above ? 'highest' : 'lowest'} reading ` +
        `was ${s.observed.extreme} ${p.unit} and the mean while out of range was ${s.observed.mean_out} ${p.unit}.`,
    );
    if (s.outcome) {
      out.push(
        harms(s.outcome)
          ? `This matters for quality: while out of range, ${s.outcome.ng_rate_out_pct}% of parts were ` +
              `rejected, against ${s.outcome.ng_rate_in_pct}% inside the ` +
              `window${s.outcome.risk_ratio !== null ? `, a risk ratio of ${s.outcome.risk_ratio}` : ''}.`
          : `In this data the excursions did not raise the reject rate: ${s.outcome.ng_rate_out_pct}% of parts ` +
              `out of range were rejected, against ${s.outcome.ng_rate_in_pct}% inside the window.`,
      );
      if (s.outcome.main_defect)
        out.push(
          `The most frequent defect among them ` +
            `was ${s.outcome.main_defect.name} (${plural(s.outcome.main_defect.n, 'part')}).`,
        );
    }
    if (s.failure_modes.length)
      out.push(
        `The plant's knowledge graph explains why: ${listEn(s.failure_modes.map((m) => m.name))}, with effects ` +
          `such as ${listEn(effectsEn)}.`,
      );
    if (actionsEn.length)
      out.push(
        `Keeping ${p.name} inside ${window} therefore protects part quality; when it drifts, the recommended ` +
          `response is to ${listEn(actionsEn)}.`,
      );
    return out.join(' ');
  },
  qa(f) {
    const { s, e, p, above, effectsEn, actionsEn, window } = oosParts(f);
    const qa: [string, string][] = [
      [
        `What is the recommended range for ${p.name} on ${s.asset.name}?`,
        `${window}${s.spec.target !== null ? `, with ${s.spec.target} ${p.unit} as the target` : ''}.`,
      ],
      [
        `How often was ${p.name} ${above ? 'above' : 'below'} ${s.limit} ${p.unit}?`,
        `In ${e.n_out} of ${e.n} recorded samples, that is ${e.rate_pct}% (${e.ci_level_pct}% confidence ` +
          `interval ${e.ci_pct[0]}-${e.ci_pct[1]}%). The ${above ? 'highest' : 'lowest'} value seen ` +
          `was ${s.observed.extreme} ${p.unit}.`,
      ],
    ];
    if (s.outcome)
      qa.push([
        `Does it affect the parts?`,
        `${harms(s.outcome) ? 'Yes' : 'Not in this data'}. Out of range, ${s.outcome.ng_rate_out_pct}% of parts ` +
          `were rejected; inside the ` +
          `window, ${s.outcome.ng_rate_in_pct}%.` +
          `${s.outcome.main_defect ? ` The usual defect was ${s.outcome.main_defect.name}.` : ''}`,
      ]);
    if (effectsEn.length)
      qa.push([
        `Why does this happen?`,
        `The deviation leads to ${listEn(s.failure_modes.map((m) => m.name))}, which shows up as ${listEn(effectsEn)}.`,
      ]);
    if (actionsEn.length) qa.push([`What should I do when it happens?`, `${cap(listEn(actionsEn))}.`]);
    return qa.map(([q, a]) => `Q: ${q}\nA: ${a}`).join('\n\n');
  },
  sop(f) {
    const { s, e, p, above, actionsEn, causesEn, window } = oosParts(f);
    const steps = [
      `Read ${p.name} on the HMI of ${s.asset.name} at the start of every shift and after every setpoint change.`,
      `Confirm it is inside ${window}${s.spec.target !== null ? ` and close to ${s.spec.target} ${p.unit}` : ''}.`,
      `If it is ${above ? 'above' : 'below'} ${s.limit} ${p.unit}, stop releasing parts and place the current ` +
        `parts on hold for inspection.`,
      ...actionsEn.map((a) => `${cap(a)}.`),
      ...(causesEn.length ? [`If the deviation returns, call maintenance to check for ${listEn(causesEn)}.`] : []),
      `Release parts again only after ${p.name} is back inside ${window} and a first part has passed inspection.`,
    ];
    const why = s.outcome
      ? `Why: in the recorded data ${p.name} was ${above ? 'above' : 'below'} the limit ` +
        `in ${e.n_out} of ${e.n} samples, and ${s.outcome.ng_rate_out_pct}% of those parts were rejected ` +
        `against ${s.outcome.ng_rate_in_pct}% within the window.`
      : `Why: in the recorded data ${p.name} was ${above ? 'above' : 'below'} the limit ` +
        `in ${e.n_out} of ${e.n} samples.`;
    return [
      `Standard operating procedure: keeping ${p.name} within ${window} on ${s.asset.name}`,
      '',
      ...steps.map((t, i) => `${i + 1}. ${t}`),
      '',
      why,
    ].join('\n');
  },
  troubleshooting(f) {
    const { s, e, p, above, effectsEn, actionsEn, causesEn } = oosParts(f);
    const lines = [
      `Operator: ` +
        String(
          s.outcome?.main_defect
            ? `We are getting ${s.outcome.main_defect.name} on parts from ${s.asset.name}.`
            : `${cap(p.name)} on ${s.asset.name} keeps leaving its window.`,
        ),
      `Technician: What does ${p.name} read?`,
      `Operator: It went ${above ? 'up to' : 'down to'} ${s.observed.extreme} ${p.unit}. The limit ` +
        `is ${s.limit} ${p.unit}.`,
      `Technician: That fits the record: ${e.n_out} of ${e.n} samples ` +
        `were ${above ? 'above' : 'below'} the limit.` +
        String(
          s.outcome
            ? ` Out of range, ${s.outcome.ng_rate_out_pct}% of parts were rejected, against ` +
                `${s.outcome.ng_rate_in_pct}% in the window.`
            : '',
        ),
    ];
    if (s.failure_modes.length)
      lines.push(
        `Technician: It points ` +
          `to ${listEn(s.failure_modes.map((m) => m.name))}` +
          (effectsEn.length ? `, which causes ${listEn(effectsEn)}` : '') +
          `.` +
          (causesEn.length ? ` Typical causes are ${listEn(causesEn)}.` : ''),
      );
    if (actionsEn.length)
      lines.push(`Operator: What do we do?`, `Technician: ${cap(listEn(actionsEn))}. Then we watch the next parts.`);
    return lines.join('\n');
  },
};

const outOfSpecZh: Templates<OutOfSpecFact> = {
  textbook(f) {
    const { s, e, p, above, effectsZh, actionsZh, window } = oosParts(f);
    const out: string[] = [];
    out.push(
      `${s.asset.name_zh}的${p.name_zh}推荐工艺窗口为 ` +
        `${window}${s.spec.target !== null ? `，目标值 ${s.spec.target} ${p.unit}` : ''}。`,
    );
    out.push(
      `生产记录中，${e.n} 个采样点里有 ${e.n_out} 个${above ? '高于上限' : '低于下限'} ${s.limit} ${p.unit}（占 ${e.rate_pct}%，` +
        `${e.ci_level_pct}% 置信区间 ${e.ci_pct[0]}-${e.ci_pct[1]}%），${above ? '最高' : '最低'}达到 ${s.observed.extreme} ` +
        `${p.unit}，超限期间平均值为 ${s.observed.mean_out} ${p.unit}。`,
    );
    if (s.outcome) {
      out.push(
        harms(s.outcome)
          ? `超限对质量影响明显：超限期间不合格` +
              `率为 ${s.outcome.ng_rate_out_pct}%，窗口内仅为 ${s.outcome.ng_rate_in_pct}%` +
              `${s.outcome.risk_ratio !== null ? `，相对风险为 ${s.outcome.risk_ratio}` : ''}。`
          : `在这批数据中超限并未提高不合格率：超限期间不合格率为 ${s.outcome.ng_rate_out_pct}%，窗口内为 ${s.outcome.ng_rate_in_pct}%。`,
      );
      if (s.outcome.main_defect)
        out.push(`其中最常见的缺陷是${s.outcome.main_defect.name_zh}（${s.outcome.main_defect.n} 件）。`);
    }
    if (s.failure_modes.length)
      out.push(
        `知识图谱给出的机理是：${listZh(s.failure_modes.map((m) => m.name_zh))}，其后果包括${listZh(effectsZh)}。`,
      );
    if (actionsZh.length)
      out.push(
        `因此，把${p.name_zh}控制在 ${window} 之内是保证制品质量的关键；一旦偏离，应采取以下措施：${listZh(actionsZh)}。`,
      );
    return out.join('');
  },
  qa(f) {
    const { s, e, p, above, effectsZh, actionsZh, window } = oosParts(f);
    const qa: [string, string][] = [
      [
        `${s.asset.name_zh}的${p.name_zh}推荐范围是多少？`,
        `${window}${s.spec.target !== null ? `，目标值 ${s.spec.target} ${p.unit}` : ''}。`,
      ],
      [
        `${p.name_zh}${above ? '超过' : '低于'} ${s.limit} ${p.unit} 的情况有多频繁？`,
        `在 ${e.n} 个记录的采样点中出` +
          `现了 ${e.n_out} 次，占 ${e.rate_pct}%（${e.ci_level_pct}% 置信区间 ${e.ci_pct[0]}-${e.ci_pct[1]}%），` +
          `${above ? '最高' : '最低'}值为 ${s.observed.extreme} ${p.unit}。`,
      ],
    ];
    if (s.outcome)
      qa.push([
        `会影响制品质量吗？`,
        `${harms(s.outcome) ? '会' : '这批数据中没有'}。超限时不合格` +
          `率为 ${s.outcome.ng_rate_out_pct}%，在窗口内为 ${s.outcome.ng_rate_in_pct}%。` +
          `${s.outcome.main_defect ? `常见缺陷是${s.outcome.main_defect.name_zh}。` : ''}`,
      ]);
    if (effectsZh.length)
      qa.push([
        `为什么会这样？`,
        `这种偏离会导致${listZh(s.failure_modes.map((m) => m.name_zh))}，表现为${listZh(effectsZh)}。`,
      ]);
    if (actionsZh.length) qa.push([`出现时应该怎么处理？`, `${listZh(actionsZh)}。`]);
    return qa.map(([q, a]) => `问：${q}\n答：${a}`).join('\n\n');
  },
  sop(f) {
    const { s, e, p, above, actionsZh, causesZh, window } = oosParts(f);
    const steps = [
      `每班开始及每次修改设定值后，在${s.asset.name_zh}的操作面板上读取${p.name_zh}。`,
      `确认其处于 ${window} 之内${s.spec.target !== null ? `，并接近 ${s.spec.target} ${p.unit}` : ''}。`,
      `若${above ? '高于' : '低于'} ${s.limit} ${p.unit}，停止放行制品，并将当前制品隔离待检。`,
      ...actionsZh.map((a) => `${a}。`),
      ...(causesZh.length ? [`如偏离反复出现，通知维修人员检查：${listZh(causesZh)}。`] : []),
      `${p.name_zh}回到 ${window} 之内且首件检验合格后，方可恢复放行。`,
    ];
    const why = s.outcome
      ? `依据：记录数据中 ${e.n} 个采样点有 ${e.n_out} 个${above ? '高于上限' : '低于下限'}，这些制品的不合格` +
        `率为 ${s.outcome.ng_rate_out_pct}%，窗口内为 ${s.outcome.ng_rate_in_pct}%。`
      : `依据：记录数据中 ${e.n} 个采样点有 ${e.n_out} 个${above ? '高于上限' : '低于下限'}。`;
    return [
      `标准作业程序：将${s.asset.name_zh}的${p.name_zh}控制在 ${window} 之内`,
      '',
      ...steps.map((t, i) => `${i + 1}. ${t}`),
      '',
      why,
    ].join('\n');
  },
  troubleshooting(f) {
    const { s, e, p, above, effectsZh, actionsZh, causesZh } = oosParts(f);
    const lines = [
      `操作工：` +
        (s.outcome?.main_defect
          ? `${s.asset.name_zh}出来的件有${s.outcome.main_defect.name_zh}。`
          : `${s.asset.name_zh}的${p.name_zh}老是超出窗口。`),
      `维修技师：${p.name_zh}现在是多少？`,
      `操作工：${above ? '升到了' : '降到了'} ${s.observed.extreme} ${p.unit}，限值是 ${s.limit} ${p.unit}。`,
      `维修技师：和记录` +
        `一致：${e.n} 个采样点里有 ${e.n_out} 个${above ? '超上限' : '低于下限'}。` +
        `${s.outcome ? `超限时不合格率 ${s.outcome.ng_rate_out_pct}%，窗口内 ${s.outcome.ng_rate_in_pct}%。` : ''}`,
    ];
    if (s.failure_modes.length)
      lines.push(
        `维修技师：这` +
          `说明是${listZh(s.failure_modes.map((m) => m.name_zh))}` +
          (effectsZh.length ? `，会造成${listZh(effectsZh)}` : '') +
          `。${causesZh.length ? `常见原因有${listZh(causesZh)}。` : ''}`,
      );
    if (actionsZh.length)
      lines.push(`操作工：那怎么处理？`, `维修技师：${listZh(actionsZh)}。处理完再盯着后面几模的件。`);
    return lines.join('\n');
  },
};

// ---------- event chains ----------
const isZh = (t: string) => /[\u4e00-\u9fff]/.test(t);
const eventChainEn: Templates<EventChainFact> = {
  textbook(f) {
    const s = f.statement;
    const out = [
      `Alarm ${s.alarm.id} (${s.alarm.name}) on ${s.asset} was raised ${plural(s.raised, 'time')} in ` +
        `${plural(s.episodes, 'episode')}${s.parameter ? `; it watches the ${s.parameter.name}` : ''}.`,
    ];
    if (s.duration_min)
      out.push(
        `An episode lasted ${s.duration_min.mean} minutes on average before the alarm cleared, the ` +
          `longest ${s.duration_min.max} minutes.`,
      );
    if (s.unresolved) out.push(`${plural(s.unresolved, 'episode')} had not cleared by the end of the log.`);
    for (const a of s.actions.filter((x) => !isZh(x.text))) {
      out.push(
        `While it was active, the log recorded "${a.text}" in ${plural(a.episodes, 'episode')}; the alarm ` +
          `cleared afterwards ` +
          `in ${a.recovered} of them` +
          `${a.clear_min_mean !== null ? `, ${a.clear_min_mean} minutes after the action on average` : ''}.`,
      );
    }
    out.push('Reading the chain from alarm to recovery shows which responses bring the process back.');
    return out.join(' ');
  },
  qa(f) {
    const s = f.statement;
    const qa: [string, string][] = [
      [
        `What does alarm ${s.alarm.id} mean?`,
        `${cap(s.alarm.name)}${s.parameter ? ` - it watches the ${s.parameter.name}` : ''}.`,
      ],
      [
        `How often did it occur on ${s.asset}?`,
        `It was raised ${plural(s.raised, 'time')}, in ${plural(s.episodes, 'episode')}.`,
      ],
    ];
    if (s.duration_min)
      qa.push([
        `How long until it cleared?`,
        `${s.duration_min.mean} minutes on average, ${s.duration_min.max} minutes at most.`,
      ]);
    const acts = s.actions.filter((a) => !isZh(a.text)).map((a) => a.text);
    if (acts.length) qa.push([`What was done while it was active?`, acts.join('; ') + '.']);
    return qa.map(([q, a]) => `Q: ${q}\nA: ${a}`).join('\n\n');
  },
  sop(f) {
    const s = f.statement;
    const acts = s.actions.filter((a) => !isZh(a.text)).map((a) => a.text);
    const steps = [
      `Acknowledge alarm ${s.alarm.id} (${s.alarm.name}) on the HMI of ${s.asset}.`,
      ...(s.parameter ? [`Read the ${s.parameter.name} and note the value in the shift log.`] : []),
      ...(acts.length ? [`Take the responses that cleared it before: ${acts.join('; ')}.`] : []),
      `Confirm the alarm ` +
        `clears${s.duration_min ? `; in past episodes this took ${s.duration_min.mean} minutes on average` : ''}.`,
      'If it does not clear, call the shift leader and maintenance.',
    ];
    return [
      `Standard operating procedure: responding to alarm ${s.alarm.id}`,
      '',
      ...steps.map((t, i) => `${i + 1}. ${t}`),
      '',
      `Basis: ${plural(s.raised, 'alarm')} in ${plural(s.episodes, 'episode')} on ${s.asset}.`,
    ].join('\n');
  },
  troubleshooting(f) {
    const s = f.statement;
    const acts = s.actions.filter((a) => !isZh(a.text)).map((a) => a.text);
    return [
      `Operator: ${s.alarm.id} is up again on ${s.asset}.`,
      `Technician: That is ${s.alarm.name}. The log has ` +
        `it ${plural(s.raised, 'time')} in ${plural(s.episodes, 'episode')}.`,
      ...(s.duration_min
        ? [
            `Operator: How long does it usually take to clear?`,
            `Technician: About ${s.duration_min.mean} minutes; the longest was ${s.duration_min.max} minutes.`,
          ]
        : []),
      ...(acts.length
        ? [`Operator: What worked last time?`, `Technician: ${acts.join('; ')}.`]
        : [`Technician: Check the ${s.parameter?.name ?? 'signal'} first, then call me if it stays.`]),
    ].join('\n');
  },
};

const eventChainZh: Templates<EventChainFact> = {
  textbook(f) {
    const s = f.statement;
    const out = [
      `${s.asset} 的报警 ${s.alarm.id}（${s.alarm.name_zh}）共触发 ${s.raised} 次，分属 ${s.episodes} 个报警过程` +
        `${s.parameter ? `，它监视的是${s.parameter.name_zh}` : ''}。`,
    ];
    if (s.duration_min)
      out.push(`每个过程从报警到解除平均用时 ${s.duration_min.mean} 分钟，最长 ${s.duration_min.max} 分钟。`);
    if (s.unresolved) out.push(`有 ${s.unresolved} 个过程在日志结束时仍未解除。`);
    for (const a of s.actions) {
      out.push(
        `报警期间日志记录了` +
          `处理“${a.text}”，共 ${a.episodes} 个过程，其中 ${a.recovered} 个随后解除` +
          `${a.clear_min_mean !== null ? `，平均在处理后 ${a.clear_min_mean} 分钟解除` : ''}。`,
      );
    }
    out.push('从报警到恢复的完整链条说明了哪些处置能让工艺回到正常状态。');
    return out.join('');
  },
  qa(f) {
    const s = f.statement;
    const qa: [string, string][] = [
      [`报警 ${s.alarm.id} 是什么意思？`, `${s.alarm.name_zh}${s.parameter ? `，监视${s.parameter.name_zh}` : ''}。`],
      [`它在 ${s.asset} 上出现得多吗？`, `共触发 ${s.raised} 次，分属 ${s.episodes} 个报警过程。`],
    ];
    if (s.duration_min)
      qa.push([`多久能解除？`, `平均 ${s.duration_min.mean} 分钟，最长 ${s.duration_min.max} 分钟。`]);
    if (s.actions.length) qa.push([`报警期间做了哪些处理？`, s.actions.map((a) => a.text).join('；') + '。']);
    return qa.map(([q, a]) => `问：${q}\n答：${a}`).join('\n\n');
  },
  sop(f) {
    const s = f.statement;
    const steps = [
      `在 ${s.asset} 的操作面板上确认报警 ${s.alarm.id}（${s.alarm.name_zh}）。`,
      ...(s.parameter ? [`读取${s.parameter.name_zh}并记入交接班记录。`] : []),
      ...(s.actions.length ? [`参照以往有效的处理：${s.actions.map((a) => a.text).join('；')}。`] : []),
      `确认报警解除${s.duration_min ? `；以往平均需要 ${s.duration_min.mean} 分钟` : ''}。`,
      '若报警不能解除，通知班长和维修人员。',
    ];
    return [
      `标准作业程序：报警 ${s.alarm.id} 的处置`,
      '',
      ...steps.map((t, i) => `${i + 1}. ${t}`),
      '',
      `依据：${s.asset} 上 ${s.episodes} 个报警过程、共 ${s.raised} 次报警。`,
    ].join('\n');
  },
  troubleshooting(f) {
    const s = f.statement;
    return [
      `操作工：${s.asset} 又报 ${s.alarm.id} 了。`,
      `维修技师：这是${s.alarm.name_zh}。日志里一共 ${s.raised} 次，${s.episodes} 个报警过程。`,
      ...(s.duration_min
        ? [
            `操作工：一般多久能消？`,
            `维修技师：平均 ${s.duration_min.mean} 分钟，最长一次 ${s.duration_min.max} 分钟。`,
          ]
        : []),
      ...(s.actions.length
        ? [`操作工：上次是怎么处理的？`, `维修技师：${s.actions.map((a) => a.text).join('；')}。`]
        : [`维修技师：先查${s.parameter?.name_zh ?? '信号'}，不行再叫我。`]),
    ].join('\n');
  },
};

// ---------- maintenance patterns ----------
function mParts(f: MaintenanceFact) {
  const s = f.statement;
  return {
    s,
    n: f.evidence.n,
    eqEn: listEn(s.equipment.map((e) => e.name)) || 'the line',
    eqZh: listZh(s.equipment.map((e) => e.name_zh)) || '产线',
    causeZh: s.cause_node?.name_zh ?? s.cause,
  };
}
const maintenanceEn: Templates<MaintenanceFact> = {
  textbook(f) {
    const { s, n, eqEn } = mParts(f);
    const out = [
      `Maintenance records for the ${eqEn} trace ${n === 1 ? 'one failure' : `${n} failures`} to ${s.cause}.`,
      `Symptoms reported: ${s.symptoms.join('; ')}.`,
      `Repair carried out: ${s.actions.join('; ')}.`,
    ];
    if (s.parts.length) out.push(`Parts used: ${s.parts.join(', ')}.`);
    if (s.downtime_min)
      out.push(`Downtime totalled ${s.downtime_min.total} minutes, ${s.downtime_min.mean} minutes per work order.`);
    out.push('Recognising these symptoms early shortens the search for the cause.');
    return out.join(' ');
  },
  qa(f) {
    const { s, n, eqEn } = mParts(f);
    const qa: [string, string][] = [
      [`What symptoms point to ${s.cause}?`, `${cap(s.symptoms.join('; '))}.`],
      [`How was it fixed?`, `${cap(s.actions.join('; '))}${s.parts.length ? `, using ${s.parts.join(', ')}` : ''}.`],
      [
        `How often has it happened on the ${eqEn}?`,
        `${n === 1 ? 'Once' : `${n} times`} in the work-order ` +
          `records${s.downtime_min ? `, costing ${s.downtime_min.total} minutes of downtime` : ''}.`,
      ],
    ];
    return qa.map(([q, a]) => `Q: ${q}\nA: ${a}`).join('\n\n');
  },
  sop(f) {
    const { s, eqEn } = mParts(f);
    const steps = [
      `Lock out the ${eqEn} before opening it.`,
      `Confirm the symptom: ${s.symptoms.join('; ')}.`,
      `Check for ${s.cause}.`,
      `If found: ${s.actions.join('; ')}.`,
      ...(s.parts.length ? [`Have ready: ${s.parts.join(', ')}.`] : []),
      'Restart, verify the first parts and close the work order with the parts used and the downtime.',
    ];
    return [
      `Maintenance procedure: ${s.cause}`,
      '',
      ...steps.map((t, i) => `${i + 1}. ${t}`),
      ...(s.downtime_min
        ? ['', `Planning: past repairs took ${s.downtime_min.mean} minutes of downtime per work order.`]
        : []),
    ].join('\n');
  },
  troubleshooting(f) {
    const { s, eqEn } = mParts(f);
    return [
      `Operator: The ${eqEn} shows ${s.symptoms[0]}.`,
      `Technician: We have seen that before. The cause was ${s.cause}.`,
      `Operator: What did you do then?`,
      `Technician: ${cap(s.actions.join('; '))}.` +
        `${s.downtime_min ? ` Plan for about ${s.downtime_min.mean} minutes of downtime.` : ''}`,
    ].join('\n');
  },
};

const maintenanceZh: Templates<MaintenanceFact> = {
  textbook(f) {
    const { s, n, eqZh, causeZh } = mParts(f);
    const out = [
      `${eqZh}的维修记录中，有 ${n} 次故障的原因是${causeZh}。`,
      `报修症状：${s.symptoms.join('；')}。`,
      `维修措施：${s.actions.join('；')}。`,
    ];
    if (s.parts.length) out.push(`更换备件：${s.parts.join('、')}。`);
    if (s.downtime_min) out.push(`累计停机 ${s.downtime_min.total} 分钟，平均每张工单 ${s.downtime_min.mean} 分钟。`);
    out.push('及早识别这些症状，可以缩短查找故障原因的时间。');
    return out.join('');
  },
  qa(f) {
    const { s, n, eqZh, causeZh } = mParts(f);
    const qa: [string, string][] = [
      [`哪些症状说明是${causeZh}？`, `${s.symptoms.join('；')}。`],
      [`是怎么修好的？`, `${s.actions.join('；')}${s.parts.length ? `，使用备件 ${s.parts.join('、')}` : ''}。`],
      [
        `${eqZh}上出现过几次？`,
        `工单记录中共 ${n} 次${s.downtime_min ? `，累计停机 ${s.downtime_min.total} 分钟` : ''}。`,
      ],
    ];
    return qa.map(([q, a]) => `问：${q}\n答：${a}`).join('\n\n');
  },
  sop(f) {
    const { s, eqZh, causeZh } = mParts(f);
    const steps = [
      `打开${eqZh}前先执行上锁挂牌。`,
      `确认症状：${s.symptoms.join('；')}。`,
      `检查是否为${causeZh}。`,
      `如确认：${s.actions.join('；')}。`,
      ...(s.parts.length ? [`备好备件：${s.parts.join('、')}。`] : []),
      '重新开机，检验首件，并在工单中记录所用备件和停机时间。',
    ];
    return [
      `维修作业程序：${causeZh}`,
      '',
      ...steps.map((t, i) => `${i + 1}. ${t}`),
      ...(s.downtime_min ? ['', `计划参考：以往每张工单平均停机 ${s.downtime_min.mean} 分钟。`] : []),
    ].join('\n');
  },
  troubleshooting(f) {
    const { s, eqZh, causeZh } = mParts(f);
    return [
      `操作工：${eqZh}出现了这个情况：${s.symptoms[0]}。`,
      `维修技师：以前遇到过，原因是${causeZh}。`,
      `操作工：当时怎么处理的？`,
      `维修技师：${s.actions.join('；')}。${s.downtime_min ? `大概要停机 ${s.downtime_min.mean} 分钟。` : ''}`,
    ].join('\n');
  },
};
