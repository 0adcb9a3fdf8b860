import type { Fact } from '../kinds';
import type { Lang } from './documents';

/**
 * A fact verbalised field by field (after KELM: knowledge-graph records as text): one line per field of
 * its statement and evidence, with a label in the document's language, names in that language and the
 * parameter's unit beside its values. The form of a knowledge list or data card, and lexically unlike
 * the prose forms, so the two do not read as near-duplicates.
 */
const LABELS: Record<string, [string, string]> = {
  parameter: ['parameter', '参数'],
  asset: ['equipment', '设备'],
  direction: ['direction', '方向'],
  limit: ['limit', '限值'],
  spec: ['recommended range', '推荐范围'],
  min: ['minimum', '下限'],
  max: ['maximum', '上限'],
  target: ['target', '目标值'],
  observed: ['observed', '实测'],
  extreme: ['extreme value', '极值'],
  mean_out: ['mean while out of range', '超限期间均值'],
  outcome: ['outcome', '结果'],
  ng_rate_out_pct: ['reject rate out of range (%)', '超限时不合格率（%）'],
  ng_rate_in_pct: ['reject rate in range (%)', '范围内不合格率（%）'],
  risk_ratio: ['risk ratio', '相对风险'],
  main_defect: ['main defect', '主要缺陷'],
  failure_modes: ['failure modes', '失效模式'],
  alarms: ['alarms', '报警'],
  n: ['observations', '样本数'],
  n_out: ['observations out of range', '超限样本数'],
  rate_pct: ['share out of range (%)', '超限比例（%）'],
  ci_level_pct: ['confidence level (%)', '置信水平（%）'],
  ci_pct: ['confidence interval (%)', '置信区间（%）'],
  n_ng_out: ['rejects out of range', '超限不合格数'],
  n_ng_in: ['rejects in range', '范围内不合格数'],
  alarm: ['alarm', '报警'],
  episodes: ['episodes', '报警过程数'],
  raised: ['times raised', '触发次数'],
  unresolved: ['episodes not cleared', '未解除过程数'],
  duration_min: ['duration (minutes)', '持续时间（分钟）'],
  mean: ['mean', '平均'],
  total: ['total', '合计'],
  actions: ['actions', '处置'],
  text: ['action', '处置'],
  recovered: ['cleared afterwards', '随后解除'],
  clear_min_mean: ['minutes to clear after it', '处置后解除用时（分钟）'],
  cause: ['cause', '原因'],
  cause_node: ['cause in the graph', '图谱中的原因'],
  equipment: ['equipment', '设备'],
  symptoms: ['symptoms', '症状'],
  parts: ['parts', '备件'],
  downtime_min: ['downtime (minutes)', '停机时间（分钟）'],
  shape: ['rule shape', '规则形式'],
  combine: ['conditions combined by', '条件组合'],
  conditions: ['condition', '条件'],
  op: ['comparison', '比较'],
  threshold: ['threshold', '阈值'],
  label: ['outcome column', '结果字段'],
  values: ['outcome values', '结果取值'],
  support: ['rows under the rule', '规则覆盖样本数'],
  positives: ['outcomes under the rule', '规则覆盖的不合格数'],
  confidence_pct: ['reject rate under the rule (%)', '规则下不合格率（%）'],
  rest_rate_pct: ['reject rate otherwise (%)', '其余不合格率（%）'],
  base_rate_pct: ['overall reject rate (%)', '总体不合格率（%）'],
  lift: ['lift', '提升度'],
  recall_pct: ['share of all rejects covered (%)', '覆盖全部不合格的比例（%）'],
  p_value: ['p-value', 'p 值'],
  q_value: ['q-value (false discovery rate)', 'q 值（错误发现率）'],
  candidates_tested: ['candidate rules tested', '检验的候选规则数'],
  side: ['side', '侧'],
  spec_limit: ['graph limit', '图谱限值'],
  mined_threshold: ['mined threshold', '挖掘阈值'],
  difference: ['difference', '差值'],
  tolerance: ['tolerance', '容差'],
  verdict: ['verdict', '结论'],
  reading: ['reading', '解读'],
  outcome_rate_pct: ['reject rate (%)', '不合格率（%）'],
  beyond: ['beyond the threshold', '超过阈值'],
  rest: ['otherwise', '其余'],
  effects: ['effects', '后果'],
  causes: ['causes', '原因'],
  severity: ['severity', '严重度'],
  formula: ['formula', '公式'],
  events: ['log lines', '日志行数'],
};
const VALUES: Record<string, [string, string]> = {
  above: ['above', '高于'],
  below: ['below', '低于'],
  upper: ['upper', '上限'],
  lower: ['lower', '下限'],
  confirms: ['confirms the graph', '证实图谱'],
  contradicts: ['contradicts the graph', '与图谱矛盾'],
  limit_confirmed: ['limit confirmed', '限值得到证实'],
  risk_inside_spec: ['risk starts inside the range', '风险在范围内已出现'],
  risk_beyond_spec: ['risk starts only beyond the range', '风险在范围外才出现'],
  single: ['single condition', '单一条件'],
  band: ['band', '区间'],
  conjunction: ['two conditions', '双条件'],
  all: ['and', '且'],
  any: ['or', '或'],
  '>': ['greater than', '大于'],
  '<': ['less than', '小于'],
};
const SKIP = new Set(['id', 'name', 'name_zh', 'unit', 'rule_fact', 'method']);
const COUNT: [string, string] = ['count', '数量'];
const WITH_UNIT = new Set([
  'limit',
  'min',
  'max',
  'target',
  'extreme',
  'mean_out',
  'threshold',
  'spec_limit',
  'mined_threshold',
  'difference',
  'tolerance',
]);

type Named = { id: string; name: string; name_zh: string };
const isNamed = (v: unknown): v is Named =>
  !!v && typeof v === 'object' && typeof (v as Named).name === 'string' && typeof (v as Named).name_zh === 'string';

export function factSheet(fact: Fact, lang: Lang): string[] {
  const k = lang === 'en' ? 0 : 1;
  const sep = lang === 'en' ? ': ' : '：';
  const list = lang === 'en' ? ', ' : '、';
  const unitOf = (o: Record<string, unknown>): string | null => {
    const p = o.parameter as { unit?: string } | undefined;
    return typeof p?.unit === 'string' ? p.unit : null;
  };
  const value = (key: string, v: unknown, unit: string | null): string => {
    if (v === null || v === undefined) return lang === 'en' ? 'none' : '无';
    if (isNamed(v)) {
      const extra = Object.entries(v)
        .filter(([x, y]) => !SKIP.has(x) && x !== 'direction' && y !== null && !(Array.isArray(y) && !y.length))
        .map(([x, y]) => `${x === 'n' ? COUNT[k] : (LABELS[x]?.[k] ?? x)} ${value(x, y, null)}`);
      const u = typeof (v as { unit?: string }).unit === 'string' ? ` (${(v as { unit?: string }).unit})` : '';
      return `${lang === 'en' ? v.name : v.name_zh}${u}${extra.length ? ` (${extra.join(list)})` : ''}`;
    }
    if (Array.isArray(v)) {
      if (!v.length) return lang === 'en' ? 'none' : '无';
      const objects = v.some((x) => x && typeof x === 'object');
      return v
        .map((x) => value(key, x, unit))
        .join(key === 'ci_pct' ? '-' : objects ? (lang === 'en' ? '; ' : '；') : list);
    }
    if (typeof v === 'object') {
      const inner = v as Record<string, unknown>;
      // the parameter's unit belongs to the range and the observed values, not to durations or rates
      const u = unitOf(inner) ?? (key === 'spec' || key === 'observed' ? unit : null);
      return Object.entries(inner)
        .filter(([x]) => !SKIP.has(x))
        .map(([x, y]) => `${LABELS[x]?.[k] ?? x.replace(/_/g, ' ')} ${value(x, y, u)}`)
        .join(list);
    }
    if (typeof v === 'number') return WITH_UNIT.has(key) && unit ? `${v} ${unit}` : String(v);
    if (typeof v === 'string') return VALUES[v]?.[k] ?? v;
    return String(v);
  };
  const s = fact.statement as Record<string, unknown>;
  // a rule's unit is its first condition's; a rule on a category alone has none
  const first = Array.isArray(s.conditions) ? (s.conditions[0] as Record<string, unknown> | undefined) : undefined;
  const unit = unitOf(s) ?? (first ? unitOf(first) : null);
  const lines: string[] = [];
  for (const part of [s, fact.evidence as Record<string, unknown>]) {
    for (const [key, v] of Object.entries(part)) {
      if (SKIP.has(key) || (Array.isArray(v) && !v.length) || (key === 'combine' && s.shape === 'single')) continue;
      if (key === 'conditions' && Array.isArray(v)) {
        for (const c of v as Record<string, unknown>[])
          lines.push(
            `${LABELS.conditions[k]}${sep}${value('parameter', c.parameter, null)} ${value('op', c.op, null)} ` +
              `${value('threshold', c.threshold, unitOf(c))}`,
          );
        continue;
      }
      lines.push(`${LABELS[key]?.[k] ?? key.replace(/_/g, ' ')}${sep}${value(key, v, unit)}`);
    }
  }
  return lines;
}
