// Knowledge graph of a cooling-water pump station: two centrifugal pumps (duty/standby) with electric motors,
// after ISO 14224 (equipment class pump, failure modes by code: VIB vibration, ELP external leakage of process
// medium, OHE overheating, LOO low output, NOI noise) and ISO 20816-3 vibration zones. Derived quantities:
// hydraulic power from flow and head, and pump efficiency. Units are UCUM codes.
// Idempotent: MERGE on ids, SET of properties. Schema and relationship types: graphs/schema.cypher.

MERGE (e:Enterprise:Entity {id: 'ent:forge-demo'}) SET e.name = 'Forge demo enterprise', e.name_zh = 'Forge 示例企业';
MERGE (s:Site:Entity {id: 'site:plant-1'}) SET s.name = 'Plant 1', s.name_zh = '一厂';
MERGE (a:Area:Entity {id: 'area:plant-1/utilities'}) SET a.name = 'utilities area', a.name_zh = '公用工程区';
MERGE (u:Unit:Entity {id: 'unit:cw-pumps'}) SET u.name = 'cooling-water pump station', u.name_zh = '循环冷却水泵站';
MATCH (e:Enterprise {id: 'ent:forge-demo'}), (s:Site {id: 'site:plant-1'}), (a:Area {id: 'area:plant-1/utilities'}), (u:Unit {id: 'unit:cw-pumps'})
MERGE (e)-[:HAS_SITE]->(s) MERGE (s)-[:HAS_AREA]->(a) MERGE (a)-[:HAS_UNIT]->(u);

UNWIND [
  {id: 'iso14224:pump', name: 'pump', name_zh: '泵', code: 'PU', category: 'rotating equipment'},
  {id: 'iso14224:electric-motor', name: 'electric motor', name_zh: '电动机', code: 'EM', category: 'electrical equipment'}
] AS k
MERGE (n:EquipmentClass:Entity {id: k.id}) SET n.name = k.name, n.name_zh = k.name_zh, n.code = k.code, n.category = k.category;

UNWIND [
  {id: 'P-101A', name: 'cooling-water pump P-101A (duty)', name_zh: '循环水泵 P-101A（主用）', class: 'iso14224:pump', parent: null},
  {id: 'P-101A/motor', name: 'motor of P-101A (90 kW)', name_zh: 'P-101A 电机（90 kW）', class: 'iso14224:electric-motor', parent: 'P-101A'},
  {id: 'P-101A/bearings', name: 'pump bearings of P-101A', name_zh: 'P-101A 泵轴承', class: null, parent: 'P-101A'},
  {id: 'P-101A/seal', name: 'mechanical seal of P-101A', name_zh: 'P-101A 机械密封', class: null, parent: 'P-101A'},
  {id: 'P-101A/impeller', name: 'impeller of P-101A', name_zh: 'P-101A 叶轮', class: null, parent: 'P-101A'},
  {id: 'P-101B', name: 'cooling-water pump P-101B (standby)', name_zh: '循环水泵 P-101B（备用）', class: 'iso14224:pump', parent: null}
] AS e
MERGE (n:Equipment:Entity {id: e.id}) SET n.name = e.name, n.name_zh = e.name_zh
WITH n, e
OPTIONAL MATCH (p:Equipment {id: e.parent})
OPTIONAL MATCH (k:EquipmentClass {id: e.class})
OPTIONAL MATCH (u:Unit {id: 'unit:cw-pumps'})
FOREACH (_ IN CASE WHEN p IS NULL THEN [] ELSE [1] END | MERGE (p)-[:HAS_PART]->(n))
FOREACH (_ IN CASE WHEN p IS NULL AND u IS NOT NULL THEN [1] ELSE [] END | MERGE (u)-[:HAS_EQUIPMENT]->(n))
FOREACH (_ IN CASE WHEN k IS NULL THEN [] ELSE [1] END | MERGE (n)-[:OF_CLASS]->(k));

MERGE (s:ProcessStep:Entity {id: 'step:cw:circulation'}) SET s.name = 'circulating cooling water', s.name_zh = '循环冷却水输送', s.order = 1, s.domain = 'cooling-water'
WITH s MATCH (m:Equipment) WHERE m.id IN ['P-101A', 'P-101B'] MERGE (s)-[:RUNS_ON]->(m);
MERGE (m:Material:Entity {id: 'mat:cooling-water'}) SET m.name = 'treated cooling water', m.name_zh = '处理后的循环冷却水'
WITH m MATCH (s:ProcessStep {id: 'step:cw:circulation'}) MERGE (m)-[:PROCESSED_IN]->(s);

UNWIND [
  {id: 'pump_flow', name: 'pump flow', name_zh: '泵流量', unit: 'm3/h', min: 250, max: 420, target: 360, eq: 'P-101A', aliases: ['pump_flow', 'flow', 'FT-101', '流量'], formula: null},
  {id: 'suction_pressure', name: 'suction pressure (gauge)', name_zh: '入口压力（表压）', unit: 'bar', min: 0.5, max: null, target: 1.2, eq: 'P-101A', aliases: ['suction_pressure', 'PT-101S', '入口压力'], formula: null},
  {id: 'discharge_pressure', name: 'discharge pressure (gauge)', name_zh: '出口压力（表压）', unit: 'bar', min: 4.0, max: 6.5, target: 5.5, eq: 'P-101A', aliases: ['discharge_pressure', 'PT-101D', '出口压力'], formula: null},
  {id: 'motor_power', name: 'motor input power', name_zh: '电机输入功率', unit: 'kW', min: null, max: 90, target: 72, eq: 'P-101A/motor', aliases: ['motor_power', 'JT-101', '电机功率'], formula: null},
  {id: 'bearing_temp', name: 'pump bearing temperature', name_zh: '泵轴承温度', unit: 'Cel', min: null, max: 80, target: 55, eq: 'P-101A/bearings', aliases: ['bearing_temp', 'TT-101B', '轴承温度'], formula: null},
  {id: 'pump_vibration', name: 'pump vibration velocity (RMS, bearing housing)', name_zh: '泵振动速度（有效值，轴承座）', unit: 'mm/s', min: null, max: 4.5, target: null, eq: 'P-101A/bearings', aliases: ['pump_vibration', 'VT-101', 'vibration', '振动'], formula: null},
  {id: 'seal_leak_rate', name: 'mechanical seal leakage', name_zh: '机械密封泄漏量', unit: 'mL/h', min: null, max: 10, target: null, eq: 'P-101A/seal', aliases: ['seal_leak_rate', 'seal leakage', '密封泄漏'], formula: null},
  {id: 'hydraulic_power', name: 'hydraulic power', name_zh: '水力功率', unit: 'kW', min: null, max: null, target: 55, eq: 'P-101A', aliases: ['hydraulic_power'], formula: 'pump_flow * (discharge_pressure - suction_pressure) * 100000 / 3600 / 1000'},
  {id: 'pump_efficiency', name: 'wire-to-water efficiency', name_zh: '机组效率', unit: '%', min: 65, max: null, target: 76, eq: 'P-101A', aliases: ['pump_efficiency'], formula: 'hydraulic_power / motor_power * 100'}
] AS p
MERGE (n:Parameter:Entity {id: p.id})
SET n.name = p.name, n.name_zh = p.name_zh, n.unit = p.unit, n.min = p.min, n.max = p.max, n.target = p.target, n.aliases = p.aliases, n.formula = p.formula
WITH n, p
MATCH (s:ProcessStep {id: 'step:cw:circulation'}), (m:Equipment {id: p.eq})
MERGE (s)-[:CONTROLS]->(n)
MERGE (m)-[:HAS_PARAMETER]->(n);

UNWIND [
  {id: 'sensor:P-101A/VT-101', tag: 'CW.P101A.VIB.DE', aliases: ['P101A_VIB'], param: 'pump_vibration', eq: 'P-101A/bearings'},
  {id: 'sensor:P-101A/TT-101B', tag: 'CW.P101A.TBRG', aliases: ['P101A_TBRG'], param: 'bearing_temp', eq: 'P-101A/bearings'},
  {id: 'sensor:P-101A/FT-101', tag: 'CW.P101A.FLOW', aliases: ['P101A_FLOW'], param: 'pump_flow', eq: 'P-101A'}
] AS x
MERGE (n:Sensor:Entity {id: x.id}) SET n.tag = x.tag, n.aliases = x.aliases, n.name = x.tag, n.name_zh = x.tag
WITH n, x MATCH (p:Parameter {id: x.param}), (m:Equipment {id: x.eq}) MERGE (n)-[:MEASURES]->(p) MERGE (n)-[:MOUNTED_ON]->(m);

UNWIND [
  {id: 'effect:cw:reduced_cooling', name: 'reduced cooling-water supply to the plant', name_zh: '全厂冷却水供应不足', aliases: ['reduced_cooling', '供水不足']},
  {id: 'effect:cw:seal_leak', name: 'water leaking at the seal', name_zh: '密封处漏水', aliases: ['seal_leak', 'leak', '漏水']},
  {id: 'effect:cw:bearing_seizure', name: 'bearing seizure and pump trip', name_zh: '轴承抱死并跳泵', aliases: ['bearing_seizure', 'trip', '跳泵']},
  {id: 'effect:cw:energy_waste', name: 'wasted energy', name_zh: '能耗浪费', aliases: ['energy_waste', '能耗高']}
] AS e
MERGE (n:Effect:Entity {id: e.id}) SET n.name = e.name, n.name_zh = e.name_zh, n.aliases = e.aliases;

UNWIND [
  {id: 'mech:cw:misalignment', name: 'misalignment', name_zh: '不对中', code: '1.2'},
  {id: 'mech:cw:wear', name: 'wear', name_zh: '磨损', code: '1.1'},
  {id: 'mech:cw:cavitation', name: 'cavitation erosion', name_zh: '汽蚀', code: '2.3'},
  {id: 'mech:cw:lubrication', name: 'lubrication failure', name_zh: '润滑失效', code: '1.4'}
] AS m
MERGE (n:FailureMechanism:Entity {id: m.id}) SET n.name = m.name, n.name_zh = m.name_zh, n.code = m.code;

UNWIND [
  {id: 'cause:cw:coupling_misaligned', name: 'coupling misaligned after maintenance', name_zh: '检修后联轴器不对中', code: 'maintenance'},
  {id: 'cause:cw:low_suction', name: 'suction pressure too low (NPSH available too small)', name_zh: '入口压力过低（有效汽蚀余量不足）', code: 'operation'},
  {id: 'cause:cw:seal_faces_worn', name: 'worn seal faces', name_zh: '密封端面磨损', code: 'wear'},
  {id: 'cause:cw:grease_degraded', name: 'degraded or missing bearing grease', name_zh: '轴承润滑脂变质或缺失', code: 'maintenance'},
  {id: 'cause:cw:impeller_worn', name: 'worn impeller and wear rings', name_zh: '叶轮及口环磨损', code: 'wear'}
] AS c
MERGE (n:Cause:Entity {id: c.id}) SET n.name = c.name, n.name_zh = c.name_zh, n.code = c.code;

UNWIND [
  {id: 'action:cw:realign', name: 'realign the coupling with a laser alignment tool', name_zh: '用激光对中仪重新对中联轴器', activity: 'adjust'},
  {id: 'action:cw:raise_suction', name: 'raise the suction tank level or clean the suction strainer', name_zh: '提高吸水池液位或清洗入口过滤器', activity: 'service'},
  {id: 'action:cw:replace_seal', name: 'replace the mechanical seal', name_zh: '更换机械密封', activity: 'replace'},
  {id: 'action:cw:regrease', name: 'regrease the bearings to the schedule', name_zh: '按计划为轴承加注润滑脂', activity: 'service'},
  {id: 'action:cw:overhaul_impeller', name: 'overhaul the pump and renew the impeller wear rings', name_zh: '大修水泵并更换叶轮口环', activity: 'overhaul'},
  {id: 'action:cw:switch_standby', name: 'switch to the standby pump P-101B', name_zh: '切换至备用泵 P-101B', activity: 'modify'}
] AS a
MERGE (n:Action:Entity {id: a.id}) SET n.name = a.name, n.name_zh = a.name_zh, n.activity = a.activity;

UNWIND [
  {id: 'fm:cw:vibration', name: 'high vibration', name_zh: '振动超标', code: 'VIB', severity: 6, occurrence: 4, detection: 3, param: 'pump_vibration', direction: 'above', eq: 'P-101A/bearings',
   mechanisms: ['mech:cw:misalignment', 'mech:cw:cavitation'], effects: ['effect:cw:bearing_seizure'], causes: ['cause:cw:coupling_misaligned', 'cause:cw:low_suction'], actions: ['action:cw:realign', 'action:cw:raise_suction', 'action:cw:switch_standby']},
  {id: 'fm:cw:seal_leakage', name: 'external leakage of process medium at the seal', name_zh: '密封处介质外漏', code: 'ELP', severity: 5, occurrence: 5, detection: 2, param: 'seal_leak_rate', direction: 'above', eq: 'P-101A/seal',
   mechanisms: ['mech:cw:wear'], effects: ['effect:cw:seal_leak'], causes: ['cause:cw:seal_faces_worn'], actions: ['action:cw:replace_seal']},
  {id: 'fm:cw:bearing_overheating', name: 'bearing overheating', name_zh: '轴承过热', code: 'OHE', severity: 7, occurrence: 3, detection: 3, param: 'bearing_temp', direction: 'above', eq: 'P-101A/bearings',
   mechanisms: ['mech:cw:lubrication'], effects: ['effect:cw:bearing_seizure'], causes: ['cause:cw:grease_degraded', 'cause:cw:coupling_misaligned'], actions: ['action:cw:regrease', 'action:cw:switch_standby']},
  {id: 'fm:cw:low_output', name: 'low output', name_zh: '出力不足', code: 'LOO', severity: 6, occurrence: 3, detection: 3, param: 'pump_flow', direction: 'below', eq: 'P-101A/impeller',
   mechanisms: ['mech:cw:wear', 'mech:cw:cavitation'], effects: ['effect:cw:reduced_cooling'], causes: ['cause:cw:impeller_worn', 'cause:cw:low_suction'], actions: ['action:cw:overhaul_impeller', 'action:cw:raise_suction']},
  {id: 'fm:cw:poor_efficiency', name: 'efficiency loss', name_zh: '效率下降', code: 'PDE', severity: 3, occurrence: 5, detection: 5, param: 'pump_efficiency', direction: 'below', eq: 'P-101A/impeller',
   mechanisms: ['mech:cw:wear'], effects: ['effect:cw:energy_waste'], causes: ['cause:cw:impeller_worn'], actions: ['action:cw:overhaul_impeller']}
] AS f
MERGE (n:FailureMode:Entity {id: f.id})
SET n.name = f.name, n.name_zh = f.name_zh, n.code = f.code, n.severity = f.severity, n.occurrence = f.occurrence, n.detection = f.detection, n.rpn = f.severity * f.occurrence * f.detection
WITH n, f
MATCH (p:Parameter {id: f.param}), (eq:Equipment {id: f.eq})
MERGE (p)-[:DEVIATION_LEADS_TO {direction: f.direction}]->(n)
MERGE (n)-[:AFFECTS]->(eq)
WITH n, f
UNWIND f.mechanisms AS mid MATCH (m:FailureMechanism {id: mid}) MERGE (n)-[:HAS_MECHANISM]->(m)
WITH DISTINCT n, f
UNWIND f.effects AS eid MATCH (e:Effect {id: eid}) MERGE (n)-[:HAS_EFFECT]->(e)
WITH DISTINCT n, f
UNWIND f.causes AS cid MATCH (c:Cause {id: cid}) MERGE (n)-[:HAS_CAUSE]->(c)
WITH DISTINCT n, f
UNWIND f.actions AS aid MATCH (a:Action {id: aid}) MERGE (n)-[:MITIGATED_BY]->(a);

MATCH (k:EquipmentClass {id: 'iso14224:pump'}), (f:FailureMode) WHERE f.id STARTS WITH 'fm:cw:' MERGE (k)-[:HAS_FAILURE_MODE]->(f);

UNWIND [
  {id: 'ALM-CW-VIB-H', name: 'P-101A vibration high (zone C, 4.5 mm/s)', name_zh: 'P-101A 振动高（C 区，4.5 mm/s）', param: 'pump_vibration', direction: 'above'},
  {id: 'ALM-CW-TBRG-H', name: 'P-101A bearing temperature high', name_zh: 'P-101A 轴承温度高', param: 'bearing_temp', direction: 'above'},
  {id: 'ALM-CW-FLOW-L', name: 'cooling-water flow low', name_zh: '循环水流量低', param: 'pump_flow', direction: 'below'}
] AS a
MERGE (n:Alarm:Entity {id: a.id}) SET n.name = a.name, n.name_zh = a.name_zh
WITH n, a MATCH (p:Parameter {id: a.param}) MERGE (n)-[:MONITORS {direction: a.direction}]->(p);

MERGE (s:Standard:Entity {id: 'std:ISO-14224'}) SET s.name = 'ISO 14224:2016 reliability and maintenance data', s.name_zh = 'ISO 14224:2016 可靠性与维修数据';
MERGE (s:Standard:Entity {id: 'std:ISO-20816-3'}) SET s.name = 'ISO 20816-3 vibration of industrial machines', s.name_zh = 'ISO 20816-3 工业机器振动评价';
MATCH (p:Parameter {id: 'pump_vibration'}), (s:Standard {id: 'std:ISO-20816-3'}) MERGE (p)-[:PER_STANDARD]->(s);
MATCH (k:EquipmentClass) WHERE k.id STARTS WITH 'iso14224:' MATCH (s:Standard {id: 'std:ISO-14224'}) MERGE (k)-[:PER_STANDARD]->(s);
