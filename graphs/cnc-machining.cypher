// Knowledge graph of a CNC machining cell: Plant 1 / machining area / cell C2 with a 3-axis vertical
// machining centre milling aluminium brackets. Spindle, tool, coolant; tool wear and chatter as the
// main failure modes. Units are UCUM codes; parameters with a `formula` are derived quantities.
// Idempotent: MERGE on ids, SET of properties. Schema and relationship types: graphs/schema.cypher.

MERGE (e:Enterprise:Entity {id: 'ent:forge-demo'}) SET e.name = 'Forge demo enterprise', e.name_zh = 'Forge 示例企业';
MERGE (s:Site:Entity {id: 'site:plant-1'}) SET s.name = 'Plant 1', s.name_zh = '一厂';
MERGE (a:Area:Entity {id: 'area:plant-1/machining'}) SET a.name = 'machining area', a.name_zh = '机加工区';
MERGE (c:Cell:Entity {id: 'cell:C2'}) SET c.name = 'machining cell C2', c.name_zh = '加工单元 C2';
MATCH (e:Enterprise {id: 'ent:forge-demo'}), (s:Site {id: 'site:plant-1'}), (a:Area {id: 'area:plant-1/machining'}), (c:Cell {id: 'cell:C2'})
MERGE (e)-[:HAS_SITE]->(s) MERGE (s)-[:HAS_AREA]->(a) MERGE (a)-[:HAS_CELL]->(c);

UNWIND [
  {id: 'iso14224:machining-centre', name: 'machining centre', name_zh: '加工中心', code: 'MC', category: 'mechanical equipment'},
  {id: 'iso14224:electric-motor', name: 'electric motor', name_zh: '电动机', code: 'EM', category: 'electrical equipment'}
] AS k
MERGE (n:EquipmentClass:Entity {id: k.id}) SET n.name = k.name, n.name_zh = k.name_zh, n.code = k.code, n.category = k.category;

UNWIND [
  {id: 'VMC-07', name: 'vertical machining centre VMC-07', name_zh: '立式加工中心 VMC-07', class: 'iso14224:machining-centre', parent: null},
  {id: 'VMC-07/spindle', name: 'spindle', name_zh: '主轴', class: null, parent: 'VMC-07'},
  {id: 'VMC-07/spindle/motor', name: 'spindle motor', name_zh: '主轴电机', class: 'iso14224:electric-motor', parent: 'VMC-07/spindle'},
  {id: 'VMC-07/spindle/bearings', name: 'spindle bearings', name_zh: '主轴轴承', class: null, parent: 'VMC-07/spindle'},
  {id: 'VMC-07/tool', name: 'cutting tool (end mill, 3 flutes)', name_zh: '刀具（三刃立铣刀）', class: null, parent: 'VMC-07'},
  {id: 'VMC-07/coolant', name: 'coolant system', name_zh: '冷却液系统', class: null, parent: 'VMC-07'},
  {id: 'VMC-07/axes', name: 'linear axes and ball screws', name_zh: '直线轴与滚珠丝杠', class: null, parent: 'VMC-07'}
] AS e
MERGE (n:Equipment:Entity {id: e.id}) SET n.name = e.name, n.name_zh = e.name_zh
WITH n, e
OPTIONAL MATCH (p:Equipment {id: e.parent})
OPTIONAL MATCH (k:EquipmentClass {id: e.class})
FOREACH (_ IN CASE WHEN p IS NULL THEN [] ELSE [1] END | MERGE (p)-[:HAS_PART]->(n))
FOREACH (_ IN CASE WHEN k IS NULL THEN [] ELSE [1] END | MERGE (n)-[:OF_CLASS]->(k));

MATCH (c:Cell {id: 'cell:C2'}), (m:Equipment {id: 'VMC-07'}) MERGE (c)-[:HAS_EQUIPMENT]->(m);

UNWIND [
  {id: 'step:cnc:fixturing', name: 'fixturing the blank', name_zh: '装夹毛坯', order: 1},
  {id: 'step:cnc:roughing', name: 'rough milling', name_zh: '粗铣', order: 2},
  {id: 'step:cnc:finishing', name: 'finish milling', name_zh: '精铣', order: 3},
  {id: 'step:cnc:inspection', name: 'in-process measurement', name_zh: '在机测量', order: 4}
] AS s
MERGE (n:ProcessStep:Entity {id: s.id}) SET n.name = s.name, n.name_zh = s.name_zh, n.order = s.order, n.domain = 'cnc'
WITH n MATCH (m:Equipment {id: 'VMC-07'}) MERGE (n)-[:RUNS_ON]->(m);
MATCH (a:ProcessStep {domain: 'cnc'}), (b:ProcessStep {domain: 'cnc'}) WHERE b.order = a.order + 1 MERGE (a)-[:NEXT]->(b);

MERGE (m:Material:Entity {id: 'mat:AlMg4.5Mn'}) SET m.name = 'aluminium alloy EN AW-5083 (AlMg4.5Mn)', m.name_zh = '铝合金 5083 (AlMg4.5Mn)'
WITH m MATCH (s:ProcessStep) WHERE s.id IN ['step:cnc:roughing', 'step:cnc:finishing'] MERGE (m)-[:PROCESSED_IN]->(s);

UNWIND [
  {id: 'spindle_speed', name: 'spindle speed', name_zh: '主轴转速', unit: '{rev}/min', min: 6000, max: 12000, target: 9000, eq: 'VMC-07/spindle', step: 'step:cnc:roughing', aliases: ['spindle_speed', 'S', 'spindle rpm', '主轴转速'], formula: null},
  {id: 'spindle_torque', name: 'spindle torque', name_zh: '主轴扭矩', unit: 'N.m', min: null, max: 18, target: null, eq: 'VMC-07/spindle', step: 'step:cnc:roughing', aliases: ['spindle_torque', 'spindle load torque', '主轴扭矩'], formula: null},
  {id: 'feed_rate', name: 'feed rate', name_zh: '进给速度', unit: 'mm/min', min: 800, max: 3000, target: 2000, eq: 'VMC-07/axes', step: 'step:cnc:roughing', aliases: ['feed_rate', 'F', 'feed', '进给速度'], formula: null},
  {id: 'tool_wear', name: 'flank wear of the tool (VB)', name_zh: '刀具后刀面磨损 VB', unit: 'um', min: null, max: 300, target: null, eq: 'VMC-07/tool', step: 'step:cnc:roughing', aliases: ['tool_wear', 'VB', 'flank wear', '刀具磨损'], formula: null},
  {id: 'spindle_vibration', name: 'spindle vibration velocity (RMS)', name_zh: '主轴振动速度（有效值）', unit: 'mm/s', min: null, max: 4.5, target: null, eq: 'VMC-07/spindle/bearings', step: 'step:cnc:finishing', aliases: ['spindle_vibration', 'vib_rms', '主轴振动'], formula: null},
  {id: 'coolant_temp', name: 'coolant temperature', name_zh: '冷却液温度', unit: 'Cel', min: 18, max: 28, target: 22, eq: 'VMC-07/coolant', step: 'step:cnc:roughing', aliases: ['coolant_temp', 'coolant temperature', '冷却液温度'], formula: null},
  {id: 'spindle_power', name: 'spindle power', name_zh: '主轴功率', unit: 'kW', min: null, max: 15, target: null, eq: 'VMC-07/spindle/motor', step: 'step:cnc:roughing', aliases: ['spindle_power'], formula: 'spindle_torque * spindle_speed * 2 * pi / 60 / 1000'},
  {id: 'wear_load', name: 'tool wear times torque (wear x load)', name_zh: '磨损载荷积', unit: 'um.N.m', min: null, max: 4000, target: null, eq: 'VMC-07/tool', step: 'step:cnc:roughing', aliases: ['wear_load'], formula: 'tool_wear * spindle_torque'}
] AS p
MERGE (n:Parameter:Entity {id: p.id})
SET n.name = p.name, n.name_zh = p.name_zh, n.unit = p.unit, n.min = p.min, n.max = p.max, n.target = p.target, n.aliases = p.aliases, n.formula = p.formula
WITH n, p
MATCH (s:ProcessStep {id: p.step}), (m:Equipment {id: p.eq})
MERGE (s)-[:CONTROLS]->(n)
MERGE (m)-[:HAS_PARAMETER]->(n);

UNWIND [
  {id: 'sensor:VMC-07/S1', tag: 'VMC07.SPINDLE.SPEED', aliases: ['S1'], param: 'spindle_speed', eq: 'VMC-07/spindle'},
  {id: 'sensor:VMC-07/LOAD', tag: 'VMC07.SPINDLE.TORQUE', aliases: ['spindle load'], param: 'spindle_torque', eq: 'VMC-07/spindle/motor'},
  {id: 'sensor:VMC-07/ACC1', tag: 'VMC07.SPINDLE.VIB', aliases: ['ACC1'], param: 'spindle_vibration', eq: 'VMC-07/spindle/bearings'},
  {id: 'sensor:VMC-07/TC4', tag: 'VMC07.COOLANT.T', aliases: ['TC4'], param: 'coolant_temp', eq: 'VMC-07/coolant'}
] AS x
MERGE (n:Sensor:Entity {id: x.id}) SET n.tag = x.tag, n.aliases = x.aliases, n.name = x.tag, n.name_zh = x.tag
WITH n, x MATCH (p:Parameter {id: x.param}), (m:Equipment {id: x.eq}) MERGE (n)-[:MEASURES]->(p) MERGE (n)-[:MOUNTED_ON]->(m);

UNWIND [
  {id: 'effect:cnc:surface_finish', name: 'poor surface finish (Ra out of tolerance)', name_zh: '表面粗糙度超差', aliases: ['surface_finish', 'Ra NG', 'rough surface', '粗糙度超差']},
  {id: 'effect:cnc:dimension', name: 'dimension out of tolerance', name_zh: '尺寸超差', aliases: ['dimension', 'oversize', 'undersize', '尺寸超差']},
  {id: 'effect:cnc:burr', name: 'burrs on edges', name_zh: '毛刺', aliases: ['burr', 'burrs', '毛刺']},
  {id: 'effect:cnc:broken_tool', name: 'broken tool and scrapped part', name_zh: '断刀并报废工件', aliases: ['broken_tool', 'tool breakage', '断刀']}
] AS e
MERGE (n:Effect:Entity {id: e.id}) SET n.name = e.name, n.name_zh = e.name_zh, n.aliases = e.aliases;

UNWIND [
  {id: 'mech:cnc:abrasive_wear', name: 'abrasive wear', name_zh: '磨粒磨损', code: '1.1'},
  {id: 'mech:cnc:fatigue', name: 'fatigue', name_zh: '疲劳', code: '1.5'},
  {id: 'mech:cnc:vibration', name: 'vibration', name_zh: '振动', code: '1.2'},
  {id: 'mech:cnc:overheating', name: 'overheating', name_zh: '过热', code: '5.3'}
] AS m
MERGE (n:FailureMechanism:Entity {id: m.id}) SET n.name = m.name, n.name_zh = m.name_zh, n.code = m.code;

UNWIND [
  {id: 'cause:cnc:tool_life_exceeded', name: 'tool used beyond its planned life', name_zh: '刀具超寿命使用', code: 'operation/maintenance'},
  {id: 'cause:cnc:feed_too_high', name: 'feed per tooth too high for the tool', name_zh: '每齿进给量过大', code: 'design'},
  {id: 'cause:cnc:bearing_lubrication', name: 'loss of spindle bearing lubrication', name_zh: '主轴轴承润滑不良', code: 'maintenance'},
  {id: 'cause:cnc:coolant_chiller', name: 'coolant chiller fault', name_zh: '冷却液冷水机故障', code: 'equipment'}
] AS c
MERGE (n:Cause:Entity {id: c.id}) SET n.name = c.name, n.name_zh = c.name_zh, n.code = c.code;

UNWIND [
  {id: 'action:cnc:replace_tool', name: 'replace the end mill and reset the tool-life counter', name_zh: '更换立铣刀并重置刀具寿命计数', activity: 'replace'},
  {id: 'action:cnc:reduce_feed', name: 'reduce the feed rate and check the chip load', name_zh: '降低进给速度并核对每齿进给', activity: 'adjust'},
  {id: 'action:cnc:change_speed', name: 'change the spindle speed to leave the chatter zone', name_zh: '调整主轴转速避开颤振区', activity: 'adjust'},
  {id: 'action:cnc:inspect_bearings', name: 'inspect the spindle bearings and their lubrication', name_zh: '检查主轴轴承及润滑', activity: 'inspect'},
  {id: 'action:cnc:service_chiller', name: 'service the coolant chiller', name_zh: '维护冷却液冷水机', activity: 'service'}
] AS a
MERGE (n:Action:Entity {id: a.id}) SET n.name = a.name, n.name_zh = a.name_zh, n.activity = a.activity;

UNWIND [
  {id: 'fm:cnc:excessive_wear', name: 'excessive tool wear', name_zh: '刀具过度磨损', code: 'PDE', severity: 6, occurrence: 6, detection: 4, param: 'tool_wear', direction: 'above', eq: 'VMC-07/tool',
   mechanisms: ['mech:cnc:abrasive_wear'], effects: ['effect:cnc:surface_finish', 'effect:cnc:dimension', 'effect:cnc:burr'], causes: ['cause:cnc:tool_life_exceeded'], actions: ['action:cnc:replace_tool']},
  {id: 'fm:cnc:tool_breakage', name: 'tool breakage', name_zh: '断刀', code: 'BRD', severity: 8, occurrence: 3, detection: 5, param: 'spindle_torque', direction: 'above', eq: 'VMC-07/tool',
   mechanisms: ['mech:cnc:fatigue'], effects: ['effect:cnc:broken_tool'], causes: ['cause:cnc:feed_too_high', 'cause:cnc:tool_life_exceeded'], actions: ['action:cnc:reduce_feed', 'action:cnc:replace_tool']},
  {id: 'fm:cnc:chatter', name: 'chatter (regenerative vibration)', name_zh: '颤振', code: 'VIB', severity: 5, occurrence: 5, detection: 3, param: 'spindle_vibration', direction: 'above', eq: 'VMC-07/spindle',
   mechanisms: ['mech:cnc:vibration'], effects: ['effect:cnc:surface_finish'], causes: ['cause:cnc:feed_too_high'], actions: ['action:cnc:change_speed', 'action:cnc:reduce_feed']},
  {id: 'fm:cnc:bearing_degradation', name: 'spindle bearing degradation', name_zh: '主轴轴承劣化', code: 'VIB', severity: 7, occurrence: 2, detection: 4, param: 'spindle_vibration', direction: 'above', eq: 'VMC-07/spindle/bearings',
   mechanisms: ['mech:cnc:fatigue'], effects: ['effect:cnc:surface_finish', 'effect:cnc:dimension'], causes: ['cause:cnc:bearing_lubrication'], actions: ['action:cnc:inspect_bearings']},
  {id: 'fm:cnc:thermal_growth', name: 'thermal growth of the spindle', name_zh: '主轴热伸长', code: 'OHE', severity: 5, occurrence: 3, detection: 5, param: 'coolant_temp', direction: 'above', eq: 'VMC-07/spindle',
   mechanisms: ['mech:cnc:overheating'], effects: ['effect:cnc:dimension'], causes: ['cause:cnc:coolant_chiller'], actions: ['action:cnc:service_chiller']}
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

UNWIND [
  {id: 'ALM-CNC-2011', name: 'spindle overload', name_zh: '主轴过载', param: 'spindle_torque', direction: 'above'},
  {id: 'ALM-CNC-2040', name: 'spindle vibration high', name_zh: '主轴振动高', param: 'spindle_vibration', direction: 'above'},
  {id: 'ALM-CNC-3105', name: 'tool life expired', name_zh: '刀具寿命到期', param: 'tool_wear', direction: 'above'}
] AS a
MERGE (n:Alarm:Entity {id: a.id}) SET n.name = a.name, n.name_zh = a.name_zh
WITH n, a MATCH (p:Parameter {id: a.param}) MERGE (n)-[:MONITORS {direction: a.direction}]->(p);

UNWIND [
  {id: 'std:ISO-14224', name: 'ISO 14224:2016 reliability and maintenance data', name_zh: 'ISO 14224:2016 可靠性与维修数据'},
  {id: 'std:ISO-20816-3', name: 'ISO 20816-3 vibration of industrial machines', name_zh: 'ISO 20816-3 工业机器振动评价'},
  {id: 'std:ISO-3685', name: 'ISO 3685 tool-life testing with single-point turning tools', name_zh: 'ISO 3685 刀具寿命试验'}
] AS s
MERGE (n:Standard:Entity {id: s.id}) SET n.name = s.name, n.name_zh = s.name_zh;
MATCH (p:Parameter {id: 'spindle_vibration'}), (s:Standard {id: 'std:ISO-20816-3'}) MERGE (p)-[:PER_STANDARD]->(s);
MATCH (p:Parameter {id: 'tool_wear'}), (s:Standard {id: 'std:ISO-3685'}) MERGE (p)-[:PER_STANDARD]->(s);
MATCH (k:EquipmentClass) WHERE k.id STARTS WITH 'iso14224:' MATCH (s:Standard {id: 'std:ISO-14224'}) MERGE (k)-[:PER_STANDARD]->(s);
