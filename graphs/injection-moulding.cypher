// Knowledge graph of the demo line: Plant 2 / Line 3, injection moulding of polypropylene housings on IMM-01.
// Node ids equal the asset and tag names the line's data uses; `aliases` are the names logs and exports use.
// Units are UCUM codes (Cel, bar, s, %). A Parameter with a `formula` is a derived quantity over other parameters' ids.
// Relationships:
//   (Line)-[:HAS_EQUIPMENT]->(Equipment)-[:HAS_PART]->(Equipment)
//   (ProcessStep)-[:RUNS_ON]->(Equipment), (ProcessStep)-[:CONTROLS]->(Parameter), (ProcessStep)-[:NEXT]->(ProcessStep)
//   (Material)-[:PROCESSED_IN]->(ProcessStep), (Equipment)-[:HAS_PARAMETER]->(Parameter)
//   (Parameter)-[:DEVIATION_LEADS_TO {direction: 'above'|'below'}]->(FailureMode)
//   (FailureMode)-[:HAS_EFFECT]->(Effect), (FailureMode)-[:HAS_CAUSE]->(Cause), (FailureMode)-[:MITIGATED_BY]->(Action)
//   (Alarm)-[:MONITORS {direction}]->(Parameter)
// Idempotent: MERGE on ids, SET of properties.

MERGE (l:Line:Entity {id: 'P2-L3'}) SET l.name = 'Plant 2 line 3, PP housings', l.name_zh = '二厂三线 PP 外壳';
MERGE (e:Enterprise:Entity {id: 'ent:forge-demo'}) SET e.name = 'Forge demo enterprise', e.name_zh = 'Forge 示例企业';
MERGE (s:Site:Entity {id: 'site:plant-2'}) SET s.name = 'Plant 2', s.name_zh = '二厂';
MERGE (a:Area:Entity {id: 'area:plant-2/moulding'}) SET a.name = 'moulding hall', a.name_zh = '注塑车间';
MATCH (e:Enterprise {id: 'ent:forge-demo'}), (s:Site {id: 'site:plant-2'}), (a:Area {id: 'area:plant-2/moulding'}), (l:Line {id: 'P2-L3'})
MERGE (e)-[:HAS_SITE]->(s) MERGE (s)-[:HAS_AREA]->(a) MERGE (a)-[:HAS_LINE]->(l);

UNWIND [
  {id: 'IMM-01', name: 'injection moulding machine IMM-01', name_zh: '注塑机 IMM-01', class: 'injection moulding machine', parent: null},
  {id: 'IMM-01/barrel', name: 'barrel', name_zh: '料筒', class: 'barrel', parent: 'IMM-01'},
  {id: 'IMM-01/barrel/heater-z2', name: 'barrel heater zone 2', name_zh: '料筒加热二区', class: 'heater band', parent: 'IMM-01/barrel'},
  {id: 'IMM-01/barrel/heater-z3', name: 'barrel heater zone 3', name_zh: '料筒加热三区', class: 'heater band', parent: 'IMM-01/barrel'},
  {id: 'IMM-01/screw', name: 'screw', name_zh: '螺杆', class: 'screw', parent: 'IMM-01'},
  {id: 'IMM-01/screw/check-valve', name: 'check valve (non-return ring)', name_zh: '止回阀', class: 'check valve', parent: 'IMM-01/screw'},
  {id: 'IMM-01/mold', name: 'mould', name_zh: '模具', class: 'mould', parent: 'IMM-01'},
  {id: 'IMM-01/mold/M-4471', name: 'mould M-4471 (housing, 4 cavities)', name_zh: '模具 M-4471（外壳，一模四腔）', class: 'mould', parent: 'IMM-01/mold'},
  {id: 'IMM-01/hydraulics', name: 'hydraulic unit', name_zh: '液压单元', class: 'hydraulic unit', parent: 'IMM-01'},
  {id: 'IMM-01/hydraulics/pump', name: 'hydraulic pump', name_zh: '液压泵', class: 'pump', parent: 'IMM-01/hydraulics'}
] AS e
MERGE (n:Equipment:Entity {id: e.id}) SET n.name = e.name, n.name_zh = e.name_zh, n.class = e.class
WITH n, e
OPTIONAL MATCH (p:Equipment {id: e.parent})
FOREACH (_ IN CASE WHEN p IS NULL THEN [] ELSE [1] END | MERGE (p)-[:HAS_PART]->(n));

MATCH (l:Line {id: 'P2-L3'}), (m:Equipment {id: 'IMM-01'}) MERGE (l)-[:HAS_EQUIPMENT]->(m);

UNWIND [
  {id: 'step:drying', name: 'resin drying', name_zh: '原料干燥', order: 1},
  {id: 'step:plasticising', name: 'plasticising', name_zh: '塑化', order: 2},
  {id: 'step:injection', name: 'injection', name_zh: '注射', order: 3},
  {id: 'step:holding', name: 'holding (packing)', name_zh: '保压', order: 4},
  {id: 'step:cooling', name: 'cooling', name_zh: '冷却', order: 5}
] AS s
MERGE (n:ProcessStep:Entity {id: s.id}) SET n.name = s.name, n.name_zh = s.name_zh, n.order = s.order, n.domain = 'moulding'
WITH n MATCH (m:Equipment {id: 'IMM-01'}) MERGE (n)-[:RUNS_ON]->(m);

MATCH (a:ProcessStep {domain: 'moulding'}), (b:ProcessStep {domain: 'moulding'}) WHERE b.order = a.order + 1 MERGE (a)-[:NEXT]->(b);

MERGE (m:Material:Entity {id: 'mat:PP-H'}) SET m.name = 'polypropylene homopolymer (PP-H)', m.name_zh = '均聚聚丙烯 (PP-H)'
WITH m MATCH (s:ProcessStep) WHERE s.id IN ['step:drying', 'step:plasticising'] MERGE (m)-[:PROCESSED_IN]->(s);

UNWIND [
  {id: 'melt_temp', name: 'melt temperature', name_zh: '熔体温度', unit: 'Cel', min: 220, max: 250, target: 238, step: 'step:plasticising', aliases: ['melt_temp', 'melt temperature', 'melt temp', '熔体温度', 'TC-2']},
  {id: 'mold_temp', name: 'mould temperature', name_zh: '模具温度', unit: 'Cel', min: 35, max: 55, target: 45, step: 'step:cooling', aliases: ['mold_temp', 'mould temperature', 'mold temperature', '模温', '模具温度']},
  {id: 'injection_pressure', name: 'injection pressure', name_zh: '注射压力', unit: 'bar', min: 800, max: 1100, target: 950, step: 'step:injection', aliases: ['injection_pressure', 'injection pressure', '注射压力']},
  {id: 'hold_pressure', name: 'hold pressure', name_zh: '保压压力', unit: 'bar', min: 400, max: 600, target: 480, step: 'step:holding', aliases: ['hold_pressure', 'hold pressure', 'packing pressure', '保压压力']},
  {id: 'cycle_time', name: 'cycle time', name_zh: '成型周期', unit: 's', min: 27, max: 33, target: 30, step: 'step:cooling', aliases: ['cycle_time', 'cycle time', '成型周期', '周期时间']},
  {id: 'hold_ratio', name: 'hold-to-injection pressure ratio', name_zh: '保压与注射压力比', unit: '%', min: 40, max: 70, target: 50, step: 'step:holding', aliases: ['hold_ratio'],
   formula: 'hold_pressure / injection_pressure * 100'}
] AS p
MERGE (n:Parameter:Entity {id: p.id})
SET n.name = p.name, n.name_zh = p.name_zh, n.unit = p.unit, n.min = p.min, n.max = p.max, n.target = p.target, n.aliases = p.aliases, n.formula = p.formula
WITH n, p
MATCH (s:ProcessStep {id: p.step}), (m:Equipment {id: 'IMM-01'})
MERGE (s)-[:CONTROLS]->(n)
MERGE (m)-[:HAS_PARAMETER]->(n);

UNWIND [
  {id: 'effect:burn_marks', name: 'burn marks', name_zh: '烧焦痕', aliases: ['burn_marks', 'burn marks', '烧焦']},
  {id: 'effect:black_specks', name: 'black specks', name_zh: '黑点', aliases: ['black_specks', 'black specks', '黑点']},
  {id: 'effect:brittle_parts', name: 'brittle parts', name_zh: '制品发脆', aliases: ['brittle', 'brittle parts']},
  {id: 'effect:short_shot', name: 'short shot', name_zh: '缺料（短射）', aliases: ['short_shot', 'short shot', 'short shots', '缺料', '短射']},
  {id: 'effect:sink_marks', name: 'sink marks', name_zh: '缩痕', aliases: ['sink_marks', 'sink marks', '缩痕']},
  {id: 'effect:flash', name: 'flash', name_zh: '飞边', aliases: ['flash', '飞边', '毛边']},
  {id: 'effect:flow_lines', name: 'flow lines', name_zh: '流痕', aliases: ['flow_lines', 'flow lines', '流痕']},
  {id: 'effect:warpage', name: 'warpage', name_zh: '翘曲', aliases: ['warpage', '翘曲']}
] AS e
MERGE (n:Effect:Entity {id: e.id}) SET n.name = e.name, n.name_zh = e.name_zh, n.aliases = e.aliases;

UNWIND [
  {id: 'cause:heater_contactor_stuck', name: 'heater band contactor stuck closed', name_zh: '加热圈接触器粘连'},
  {id: 'cause:thermocouple_drift', name: 'thermocouple drift', name_zh: '热电偶漂移'},
  {id: 'cause:long_residence', name: 'long residence time of the melt in the barrel', name_zh: '熔体在料筒内停留时间过长'},
  {id: 'cause:check_ring_worn', name: 'worn check ring', name_zh: '止逆环磨损'},
  {id: 'cause:hold_setpoint_low', name: 'hold pressure setpoint too low', name_zh: '保压设定值过低'},
  {id: 'cause:clamp_force_low', name: 'clamp force too low for the injection pressure', name_zh: '锁模力不足'},
  {id: 'cause:mold_tcu_fault', name: 'mould temperature controller fault', name_zh: '模温机故障'}
] AS c
MERGE (n:Cause:Entity {id: c.id}) SET n.name = c.name, n.name_zh = c.name_zh;

UNWIND [
  {id: 'action:lower_barrel_setpoints', name: 'lower the barrel zone setpoints back into the 220-250 °C window', name_zh: '将料筒各区设定温度降回 220-250 °C 窗口内'},
  {id: 'action:check_thermocouples', name: 'check thermocouples and heater contactors of the barrel zones', name_zh: '检查料筒各区热电偶和加热接触器'},
  {id: 'action:purge_barrel', name: 'purge the barrel to remove degraded material', name_zh: '对空射胶清除降解料'},
  {id: 'action:raise_hold_pressure', name: 'raise the hold pressure back into the 400-600 bar window', name_zh: '将保压压力调回 400-600 bar 窗口内'},
  {id: 'action:inspect_check_ring', name: 'inspect and replace the check ring', name_zh: '检查并更换止逆环'},
  {id: 'action:raise_melt_temp', name: 'raise the melt temperature towards 238 °C', name_zh: '将熔体温度提高到 238 °C 附近'},
  {id: 'action:reduce_injection_pressure', name: 'reduce injection pressure and verify clamp force', name_zh: '降低注射压力并核对锁模力'},
  {id: 'action:check_mold_tcu', name: 'check the mould temperature controller and cooling circuits', name_zh: '检查模温机和冷却水路'}
] AS a
MERGE (n:Action:Entity {id: a.id}) SET n.name = a.name, n.name_zh = a.name_zh;

UNWIND [
  {id: 'fm:thermal_degradation', name: 'thermal degradation of the melt', name_zh: '熔体热降解', severity: 7, param: 'melt_temp', direction: 'above',
   effects: ['effect:burn_marks', 'effect:black_specks', 'effect:brittle_parts'], causes: ['cause:heater_contactor_stuck', 'cause:thermocouple_drift', 'cause:long_residence'],
   actions: ['action:lower_barrel_setpoints', 'action:check_thermocouples', 'action:purge_barrel'], equipment: 'IMM-01/barrel'},
  {id: 'fm:incomplete_fill', name: 'incomplete filling (melt too cold)', name_zh: '充填不足（熔体温度过低）', severity: 6, param: 'melt_temp', direction: 'below',
   effects: ['effect:short_shot', 'effect:flow_lines'], causes: ['cause:thermocouple_drift'],
   actions: ['action:raise_melt_temp', 'action:check_thermocouples'], equipment: 'IMM-01/barrel'},
  {id: 'fm:insufficient_packing', name: 'insufficient packing', name_zh: '保压不足', severity: 6, param: 'hold_pressure', direction: 'below',
   effects: ['effect:short_shot', 'effect:sink_marks'], causes: ['cause:check_ring_worn', 'cause:hold_setpoint_low'],
   actions: ['action:raise_hold_pressure', 'action:inspect_check_ring'], equipment: 'IMM-01/screw/check-valve'},
  {id: 'fm:overpacking', name: 'overpacking', name_zh: '过保压', severity: 4, param: 'hold_pressure', direction: 'above',
   effects: ['effect:flash'], causes: ['cause:clamp_force_low'],
   actions: ['action:reduce_injection_pressure'], equipment: 'IMM-01/mold'},
  {id: 'fm:mould_parting_flash', name: 'melt escaping at the parting line', name_zh: '分型面溢料', severity: 5, param: 'injection_pressure', direction: 'above',
   effects: ['effect:flash'], causes: ['cause:clamp_force_low'],
   actions: ['action:reduce_injection_pressure'], equipment: 'IMM-01/mold'},
  {id: 'fm:cold_mould', name: 'mould too cold', name_zh: '模温过低', severity: 4, param: 'mold_temp', direction: 'below',
   effects: ['effect:flow_lines', 'effect:warpage'], causes: ['cause:mold_tcu_fault'],
   actions: ['action:check_mold_tcu'], equipment: 'IMM-01/mold'}
] AS f
MERGE (n:FailureMode:Entity {id: f.id}) SET n.name = f.name, n.name_zh = f.name_zh, n.severity = f.severity
WITH n, f
MATCH (p:Parameter {id: f.param}), (eq:Equipment {id: f.equipment})
MERGE (p)-[r:DEVIATION_LEADS_TO {direction: f.direction}]->(n)
MERGE (n)-[:AFFECTS]->(eq)
WITH n, f
UNWIND f.effects AS eid MATCH (e:Effect {id: eid}) MERGE (n)-[:HAS_EFFECT]->(e)
WITH DISTINCT n, f
UNWIND f.causes AS cid MATCH (c:Cause {id: cid}) MERGE (n)-[:HAS_CAUSE]->(c)
WITH DISTINCT n, f
UNWIND f.actions AS aid MATCH (a:Action {id: aid}) MERGE (n)-[:MITIGATED_BY]->(a);

UNWIND [
  {id: 'ALM-203', name: 'melt temperature high', name_zh: '熔体温度高', param: 'melt_temp', direction: 'above'},
  {id: 'ALM-311', name: 'hold pressure low', name_zh: '保压压力低', param: 'hold_pressure', direction: 'below'},
  {id: 'SNS-017', name: 'melt thermocouple signal lost', name_zh: '熔体热电偶信号丢失', param: 'melt_temp', direction: 'signal'}
] AS a
MERGE (n:Alarm:Entity {id: a.id}) SET n.name = a.name, n.name_zh = a.name_zh
WITH n, a MATCH (p:Parameter {id: a.param}) MERGE (n)-[:MONITORS {direction: a.direction}]->(p);
