import type { OutOfSpecFact } from '../knowledge/facts';
import { cap, listEn, listZh, plural, type Templates, qaText, sopText } from './textParts';

/** Offline templates for out-of-spec facts (see offlineExpander.ts). */
/** Out of range is worse for quality only when the reject rate out of range is higher than inside. */
const harms = (o: NonNullable<OutOfSpecFact['statement']['outcome']>) => o.ng_rate_out_pct > o.ng_rate_in_pct;

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

export const outOfSpecEn: Templates<OutOfSpecFact> = {
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
    return qaText(qa, 'en');
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
    return sopText(`Standard operating procedure: keeping ${p.name} within ${window} on ${s.asset.name}`, steps, why);
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

export const outOfSpecZh: Templates<OutOfSpecFact> = {
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
    return qaText(qa, 'zh');
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
    return sopText(`标准作业程序：将${s.asset.name_zh}的${p.name_zh}控制在 ${window} 之内`, steps, why);
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
