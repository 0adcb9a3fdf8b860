import type { MaintenanceFact } from '../knowledge/facts';
import { numbered, cap, listEn, listZh, type Templates, qaText } from './textParts';

/** Offline templates for maintenance patterns (see offlineExpander.ts). */
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
export const maintenanceEn: Templates<MaintenanceFact> = {
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
    return qaText(qa, 'en');
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
      ...numbered(steps),
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

export const maintenanceZh: Templates<MaintenanceFact> = {
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
    return qaText(qa, 'zh');
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
      ...numbered(steps),
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
