import type { EventChainFact } from '../knowledge/facts';
import { numbered, cap, plural, type Templates, qaText } from './textParts';

/** Offline templates for alarm event chains (see offlineExpander.ts). */
const isZh = (t: string) => /[\u4e00-\u9fff]/.test(t);
export const eventChainEn: Templates<EventChainFact> = {
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
    return qaText(qa, 'en');
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
      ...numbered(steps),
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

export const eventChainZh: Templates<EventChainFact> = {
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
    return qaText(qa, 'zh');
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
      ...numbered(steps),
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
