import type { GraphAgreementFact } from '../knowledge/facts';
import { numbered, type Templates, qaText } from './textParts';

/** Offline templates for a mined threshold beside the graph's limit (see offlineExpander.ts). */
/** A fact's statement and its parameter's unit, as every template reads them. */
const agreementParts = (f: GraphAgreementFact) => ({ s: f.statement, u: f.statement.parameter.unit });
const sideEn = (f: GraphAgreementFact) => (f.statement.side === 'upper' ? 'upper' : 'lower');
const sideZh = (f: GraphAgreementFact) => (f.statement.side === 'upper' ? '上限' : '下限');
function verdictEn(f: GraphAgreementFact): string {
  const s = f.statement,
    u = s.parameter.unit,
    gap = Math.abs(s.difference);
  if (s.reading === 'limit_confirmed')
    return (
      `The data confirm the recommended limit: the two differ by ${gap} ${u}, within the tolerance ` +
      `of ${s.tolerance} ${u}.`
    );
  if (s.reading === 'risk_inside_spec')
    return (
      `The data contradict the recommended limit: rejects already rise ${gap} ${u} inside the recommended ` +
      `range, so the limit is too permissive and should be reviewed.`
    );
  return (
    `The data contradict the recommended limit in the cautious direction: rejects rise ` +
    `only ${gap} ${u} beyond it, so the limit leaves a margin the data do not require.`
  );
}
function verdictZh(f: GraphAgreementFact): string {
  const s = f.statement,
    u = s.parameter.unit,
    gap = Math.abs(s.difference);
  if (s.reading === 'limit_confirmed')
    return `数据证实了推荐限值：两者相差 ${gap} ${u}，在 ${s.tolerance} ${u} 的容差之内。`;
  if (s.reading === 'risk_inside_spec')
    return `数据与推荐限值相矛盾：在推荐范围内 ${gap} ${u} 处不合格率就已上升，说明该限值过宽，应重新评审。`;
  return `数据与推荐限值不一致但偏于保守：不合格率在限值之外 ${gap} ${u} 处才上升，限值留有数据并不要求的余量。`;
}

export const graphAgreementEn: Templates<GraphAgreementFact> = {
  textbook(f) {
    const { s, u } = agreementParts(f);
    return [
      `The plant's knowledge graph gives ${s.spec_limit} ${u} as the ${sideEn(f)} limit ` +
        `for ${s.parameter.name} on ${s.asset.name}.`,
      `Mining the production data without looking at that limit puts the point where rejects rise ` +
        `at ${s.mined_threshold} ${u}: beyond it ${s.outcome_rate_pct.beyond}% of parts were rejected, ` +
        `against ${s.outcome_rate_pct.rest}% otherwise (${f.evidence.support} of ${f.evidence.n} parts, ` +
        `lift ${f.evidence.lift}).`,
      verdictEn(f),
    ].join(' ');
  },
  qa(f) {
    const { s, u } = agreementParts(f);
    return qaText(
      [
        [
          `Does the production data support the ${sideEn(f)} limit of ${s.spec_limit} ${u} for ${s.parameter.name}?`,
          verdictEn(f),
        ],
        [
          `Where does the data put the threshold?`,
          `At ${s.mined_threshold} ${u}, where the reject rate goes ` +
            `from ${s.outcome_rate_pct.rest}% to ${s.outcome_rate_pct.beyond}%.`,
        ],
      ],
      'en',
    );
  },
  sop(f) {
    const { s, u } = agreementParts(f);
    const steps =
      s.reading === 'risk_inside_spec'
        ? [
            `Until the specification is reviewed, treat ${s.mined_threshold} ${u} as the ` +
              `working ${sideEn(f)} limit for ${s.parameter.name} on ${s.asset.name}, not ${s.spec_limit} ${u}.`,
            `Raise a change request for the specification with this evidence.`,
            `Inspect parts made between ${s.mined_threshold} and ${s.spec_limit} ${u}.`,
          ]
        : [
            `Keep ${s.spec_limit} ${u} as the ${sideEn(f)} limit for ${s.parameter.name} on ${s.asset.name}.`,
            `Record each excursion beyond ${s.mined_threshold} ${u} so that the evidence keeps growing.`,
          ];
    return [`Procedure: ${s.parameter.name} limit review`, '', ...numbered(steps), '', verdictEn(f)].join('\n');
  },
  troubleshooting(f) {
    const { s, u } = agreementParts(f);
    return [
      `Quality engineer: Is the ${sideEn(f)} limit of ${s.spec_limit} ${u} for ${s.parameter.name} still right?`,
      `Process engineer: The data put the turning point at ${s.mined_threshold} ${u}. Beyond ` +
        `it ${s.outcome_rate_pct.beyond}% of parts were rejected, otherwise ${s.outcome_rate_pct.rest}%.`,
      `Process engineer: ${verdictEn(f)}`,
    ].join('\n');
  },
};

export const graphAgreementZh: Templates<GraphAgreementFact> = {
  textbook(f) {
    const { s, u } = agreementParts(f);
    return [
      `工厂知识图谱规定${s.asset.name_zh}的${s.parameter.name_zh}${sideZh(f)}为 ${s.spec_limit} ${u}。`,
      `在不参考该限值的情况下挖掘生产数据，不合格率开始上升的位置在 ${s.mined_threshold} ${u}：超过该点的制品不合格` +
        `率为 ${s.outcome_rate_pct.beyond}%，其余为 ${s.outcome_rate_pct.rest}%（${f.evidence.n} 件中 ` +
        `${f.evidence.support} 件，提升度 ${f.evidence.lift}）。`,
      verdictZh(f),
    ].join('');
  },
  qa(f) {
    const { s, u } = agreementParts(f);
    return qaText(
      [
        [`生产数据支持${s.parameter.name_zh} ${s.spec_limit} ${u} 的${sideZh(f)}吗？`, verdictZh(f)],
        [
          `数据给出的阈值是多少？`,
          `${s.mined_threshold} ${u}，不合格率从 ${s.outcome_rate_pct.rest}% 升至 ${s.outcome_rate_pct.beyond}%。`,
        ],
      ],
      'zh',
    );
  },
  sop(f) {
    const { s, u } = agreementParts(f);
    const steps =
      s.reading === 'risk_inside_spec'
        ? [
            `在规范评审完成` +
              `前，以 ${s.mined_threshold} ${u} 而非 ${s.spec_limit} ${u} 作为${s.asset.name_zh}${s.parameter.name_zh}` +
              `的工作${sideZh(f)}。`,
            '附上本证据提交规范变更申请。',
            `对 ${s.mined_threshold} 至 ${s.spec_limit} ${u} 之间生产的制品加强检验。`,
          ]
        : [
            `继续以 ${s.spec_limit} ${u} 作为${s.asset.name_zh}${s.parameter.name_zh}的${sideZh(f)}。`,
            `记录每次超过 ${s.mined_threshold} ${u} 的情况，持续积累证据。`,
          ];
    return [`作业程序：${s.parameter.name_zh}限值评审`, '', ...numbered(steps), '', verdictZh(f)].join('\n');
  },
  troubleshooting(f) {
    const { s, u } = agreementParts(f);
    return [
      `质量工程师：${s.parameter.name_zh}的${sideZh(f)} ${s.spec_limit} ${u} 还合适吗？`,
      `工艺工程师：数据显示转折点在 ${s.mined_threshold} ${u}，超过后不合格` +
        `率为 ${s.outcome_rate_pct.beyond}%，其余为 ${s.outcome_rate_pct.rest}%。`,
      `工艺工程师：${verdictZh(f)}`,
    ].join('\n');
  },
};
