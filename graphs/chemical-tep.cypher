// Knowledge graph of a continuous chemical process: the Tennessee Eastman process (Downs & Vogel 1993) -
// reactor, condenser, vapour-liquid separator, recycle compressor and product stripper, with the 22
// continuous measurements (tags XMEAS_1..XMEAS_22 as the Braatz data in ../shared/datasets/tep names them),
// base-case targets and the published operating constraints as recommended ranges, and the process
// disturbances IDV(1), IDV(2), IDV(4), IDV(6), IDV(14) as failure modes. Units are UCUM codes.
// Idempotent: MERGE on ids, SET of properties. Schema and relationship types: graphs/schema.cypher.

MERGE (e:Enterprise:Entity {id: 'ent:forge-demo'}) SET e.name = 'Forge demo enterprise', e.name_zh = 'Forge 示例企业';
MERGE (s:Site:Entity {id: 'site:kingsport'}) SET s.name = 'chemical site (Tennessee Eastman challenge process)', s.name_zh = '化工厂区（田纳西-伊斯曼过程）';
MERGE (a:Area:Entity {id: 'area:kingsport/synthesis'}) SET a.name = 'synthesis area', a.name_zh = '合成区';
MERGE (u:Unit:Entity {id: 'TEP'}) SET u.name = 'Tennessee Eastman process unit', u.name_zh = '田纳西-伊斯曼过程装置';
MATCH (e:Enterprise {id: 'ent:forge-demo'}), (s:Site {id: 'site:kingsport'}), (a:Area {id: 'area:kingsport/synthesis'}), (u:Unit {id: 'TEP'})
MERGE (e)-[:HAS_SITE]->(s) MERGE (s)-[:HAS_AREA]->(a) MERGE (a)-[:HAS_UNIT]->(u);

UNWIND [
  {id: 'iso14224:reactor', name: 'reactor', name_zh: '反应器', code: 'RE', category: 'mechanical equipment'},
  {id: 'iso14224:heat-exchanger', name: 'heat exchanger', name_zh: '换热器', code: 'HE', category: 'mechanical equipment'},
  {id: 'iso14224:vessel', name: 'vessel', name_zh: '容器', code: 'VE', category: 'mechanical equipment'},
  {id: 'iso14224:compressor', name: 'compressor', name_zh: '压缩机', code: 'CO', category: 'rotating equipment'},
  {id: 'iso14224:column', name: 'column', name_zh: '塔', code: 'CL', category: 'mechanical equipment'},
  {id: 'iso14224:valve', name: 'valve', name_zh: '阀门', code: 'VA', category: 'mechanical equipment'}
] AS k
MERGE (n:EquipmentClass:Entity {id: k.id}) SET n.name = k.name, n.name_zh = k.name_zh, n.code = k.code, n.category = k.category;

UNWIND [
  {id: 'TEP/reactor', name: 'reactor', name_zh: '反应器', class: 'iso14224:reactor', parent: null},
  {id: 'TEP/reactor/cooling', name: 'reactor cooling water system', name_zh: '反应器冷却水系统', class: 'iso14224:heat-exchanger', parent: 'TEP/reactor'},
  {id: 'TEP/reactor/cooling-valve', name: 'reactor cooling water valve', name_zh: '反应器冷却水阀', class: 'iso14224:valve', parent: 'TEP/reactor/cooling'},
  {id: 'TEP/condenser', name: 'product condenser', name_zh: '产品冷凝器', class: 'iso14224:heat-exchanger', parent: null},
  {id: 'TEP/separator', name: 'vapour-liquid separator', name_zh: '气液分离器', class: 'iso14224:vessel', parent: null},
  {id: 'TEP/compressor', name: 'recycle compressor', name_zh: '循环压缩机', class: 'iso14224:compressor', parent: null},
  {id: 'TEP/stripper', name: 'product stripper', name_zh: '产品汽提塔', class: 'iso14224:column', parent: null},
  {id: 'TEP/feed', name: 'feed system (streams 1-4)', name_zh: '进料系统（物流 1-4）', class: null, parent: null}
] AS e
MERGE (n:Equipment:Entity {id: e.id}) SET n.name = e.name, n.name_zh = e.name_zh
WITH n, e
OPTIONAL MATCH (p:Equipment {id: e.parent})
OPTIONAL MATCH (k:EquipmentClass {id: e.class})
OPTIONAL MATCH (u:Unit {id: 'TEP'})
FOREACH (_ IN CASE WHEN p IS NULL THEN [] ELSE [1] END | MERGE (p)-[:HAS_PART]->(n))
FOREACH (_ IN CASE WHEN p IS NULL AND u IS NOT NULL THEN [1] ELSE [] END | MERGE (u)-[:HAS_EQUIPMENT]->(n))
FOREACH (_ IN CASE WHEN k IS NULL THEN [] ELSE [1] END | MERGE (n)-[:OF_CLASS]->(k));

UNWIND [
  {id: 'step:tep:feed', name: 'feeding reactants A, D, E and A/C', name_zh: '进料（A、D、E 及 A/C）', order: 1, eq: 'TEP/feed'},
  {id: 'step:tep:reaction', name: 'gas-phase reaction to products G and H', name_zh: '气相反应生成 G、H', order: 2, eq: 'TEP/reactor'},
  {id: 'step:tep:condensation', name: 'condensing the reactor effluent', name_zh: '反应产物冷凝', order: 3, eq: 'TEP/condenser'},
  {id: 'step:tep:separation', name: 'vapour-liquid separation and recycle', name_zh: '气液分离与循环', order: 4, eq: 'TEP/separator'},
  {id: 'step:tep:stripping', name: 'stripping the product', name_zh: '产品汽提', order: 5, eq: 'TEP/stripper'}
] AS s
MERGE (n:ProcessStep:Entity {id: s.id}) SET n.name = s.name, n.name_zh = s.name_zh, n.order = s.order, n.domain = 'tep'
WITH n, s MATCH (m:Equipment {id: s.eq}) MERGE (n)-[:RUNS_ON]->(m);
MATCH (a:ProcessStep {domain: 'tep'}), (b:ProcessStep {domain: 'tep'}) WHERE b.order = a.order + 1 MERGE (a)-[:NEXT]->(b);

UNWIND [
  {id: 'mat:tep:A', name: 'reactant A', name_zh: '反应物 A', step: 'step:tep:feed', produced: false},
  {id: 'mat:tep:D', name: 'reactant D', name_zh: '反应物 D', step: 'step:tep:feed', produced: false},
  {id: 'mat:tep:E', name: 'reactant E', name_zh: '反应物 E', step: 'step:tep:feed', produced: false},
  {id: 'mat:tep:G', name: 'product G', name_zh: '产品 G', step: 'step:tep:stripping', produced: true},
  {id: 'mat:tep:H', name: 'product H', name_zh: '产品 H', step: 'step:tep:stripping', produced: true}
] AS m
MERGE (n:Material:Entity {id: m.id}) SET n.name = m.name, n.name_zh = m.name_zh
WITH n, m MATCH (s:ProcessStep {id: m.step})
FOREACH (_ IN CASE WHEN m.produced THEN [1] ELSE [] END | MERGE (s)-[:PRODUCES]->(n))
FOREACH (_ IN CASE WHEN m.produced THEN [] ELSE [1] END | MERGE (n)-[:PROCESSED_IN]->(s));

UNWIND [
  {n: 1, id: 'tep_a_feed', name: 'A feed (stream 1)', name_zh: 'A 进料（物流 1）', unit: 'kscmh', min: null, max: null, target: 0.25052, eq: 'TEP/feed', step: 'step:tep:feed'},
  {n: 2, id: 'tep_d_feed', name: 'D feed (stream 2)', name_zh: 'D 进料（物流 2）', unit: 'kg/h', min: null, max: null, target: 3664.0, eq: 'TEP/feed', step: 'step:tep:feed'},
  {n: 3, id: 'tep_e_feed', name: 'E feed (stream 3)', name_zh: 'E 进料（物流 3）', unit: 'kg/h', min: null, max: null, target: 4509.3, eq: 'TEP/feed', step: 'step:tep:feed'},
  {n: 4, id: 'tep_ac_feed', name: 'A and C feed (stream 4)', name_zh: 'A 和 C 进料（物流 4）', unit: 'kscmh', min: null, max: null, target: 9.3477, eq: 'TEP/feed', step: 'step:tep:feed'},
  {n: 5, id: 'tep_recycle_flow', name: 'recycle flow (stream 8)', name_zh: '循环气流量（物流 8）', unit: 'kscmh', min: null, max: null, target: 26.902, eq: 'TEP/compressor', step: 'step:tep:separation'},
  {n: 6, id: 'tep_reactor_feed', name: 'reactor feed rate (stream 6)', name_zh: '反应器进料流量（物流 6）', unit: 'kscmh', min: null, max: null, target: 42.339, eq: 'TEP/reactor', step: 'step:tep:reaction'},
  {n: 7, id: 'tep_reactor_pressure', name: 'reactor pressure (gauge)', name_zh: '反应器压力（表压）', unit: 'kPa', min: null, max: 2895, target: 2705.0, eq: 'TEP/reactor', step: 'step:tep:reaction'},
  {n: 8, id: 'tep_reactor_level', name: 'reactor level', name_zh: '反应器液位', unit: '%', min: 50, max: 100, target: 75.0, eq: 'TEP/reactor', step: 'step:tep:reaction'},
  {n: 9, id: 'tep_reactor_temp', name: 'reactor temperature', name_zh: '反应器温度', unit: 'Cel', min: null, max: 150, target: 120.40, eq: 'TEP/reactor', step: 'step:tep:reaction'},
  {n: 10, id: 'tep_purge_rate', name: 'purge rate (stream 9)', name_zh: '放空流量（物流 9）', unit: 'kscmh', min: null, max: null, target: 0.33712, eq: 'TEP/separator', step: 'step:tep:separation'},
  {n: 11, id: 'tep_separator_temp', name: 'product separator temperature', name_zh: '产品分离器温度', unit: 'Cel', min: null, max: null, target: 80.109, eq: 'TEP/separator', step: 'step:tep:separation'},
  {n: 12, id: 'tep_separator_level', name: 'product separator level', name_zh: '产品分离器液位', unit: '%', min: 30, max: 100, target: 50.0, eq: 'TEP/separator', step: 'step:tep:separation'},
  {n: 13, id: 'tep_separator_pressure', name: 'product separator pressure (gauge)', name_zh: '产品分离器压力（表压）', unit: 'kPa', min: null, max: null, target: 2633.7, eq: 'TEP/separator', step: 'step:tep:separation'},
  {n: 14, id: 'tep_separator_underflow', name: 'product separator underflow (stream 10)', name_zh: '分离器底流（物流 10）', unit: 'm3/h', min: null, max: null, target: 25.160, eq: 'TEP/separator', step: 'step:tep:separation'},
  {n: 15, id: 'tep_stripper_level', name: 'stripper level', name_zh: '汽提塔液位', unit: '%', min: 30, max: 100, target: 50.0, eq: 'TEP/stripper', step: 'step:tep:stripping'},
  {n: 16, id: 'tep_stripper_pressure', name: 'stripper pressure (gauge)', name_zh: '汽提塔压力（表压）', unit: 'kPa', min: null, max: null, target: 3102.2, eq: 'TEP/stripper', step: 'step:tep:stripping'},
  {n: 17, id: 'tep_stripper_underflow', name: 'stripper underflow (stream 11, product)', name_zh: '汽提塔底流（物流 11，产品）', unit: 'm3/h', min: null, max: null, target: 22.949, eq: 'TEP/stripper', step: 'step:tep:stripping'},
  {n: 18, id: 'tep_stripper_temp', name: 'stripper temperature', name_zh: '汽提塔温度', unit: 'Cel', min: null, max: null, target: 65.731, eq: 'TEP/stripper', step: 'step:tep:stripping'},
  {n: 19, id: 'tep_stripper_steam', name: 'stripper steam flow', name_zh: '汽提塔蒸汽流量', unit: 'kg/h', min: null, max: null, target: 230.31, eq: 'TEP/stripper', step: 'step:tep:stripping'},
  {n: 20, id: 'tep_compressor_work', name: 'compressor work', name_zh: '压缩机功率', unit: 'kW', min: null, max: null, target: 341.43, eq: 'TEP/compressor', step: 'step:tep:separation'},
  {n: 21, id: 'tep_reactor_cw_out_temp', name: 'reactor cooling water outlet temperature', name_zh: '反应器冷却水出口温度', unit: 'Cel', min: null, max: null, target: 94.599, eq: 'TEP/reactor/cooling', step: 'step:tep:reaction'},
  {n: 22, id: 'tep_separator_cw_out_temp', name: 'separator cooling water outlet temperature', name_zh: '分离器冷却水出口温度', unit: 'Cel', min: null, max: null, target: 77.297, eq: 'TEP/condenser', step: 'step:tep:condensation'}
] AS p
MERGE (n:Parameter:Entity {id: p.id})
SET n.name = p.name, n.name_zh = p.name_zh, n.unit = p.unit, n.min = p.min, n.max = p.max, n.target = p.target, n.formula = null,
    n.aliases = ['XMEAS_' + p.n, 'XMEAS(' + p.n + ')', 'xmeas' + p.n]
WITH n, p
MATCH (s:ProcessStep {id: p.step}), (m:Equipment {id: p.eq})
MERGE (s)-[:CONTROLS]->(n)
MERGE (m)-[:HAS_PARAMETER]->(n);

// derived quantities: how far the reactor runs above its cooling water, and the compressor's work per unit of recycle gas
UNWIND [
  {id: 'tep_reactor_cooling_approach', name: 'reactor temperature above cooling water outlet', name_zh: '反应器与冷却水出口温差', unit: 'K', max: null, target: 25.8, eq: 'TEP/reactor/cooling', formula: 'tep_reactor_temp - tep_reactor_cw_out_temp'},
  {id: 'tep_compressor_specific_work', name: 'compressor work per recycle flow', name_zh: '单位循环气压缩功', unit: 'kW.h/{kscm}', max: null, target: 12.69, eq: 'TEP/compressor', formula: 'tep_compressor_work / tep_recycle_flow'}
] AS p
MERGE (n:Parameter:Entity {id: p.id})
SET n.name = p.name, n.name_zh = p.name_zh, n.unit = p.unit, n.min = null, n.max = p.max, n.target = p.target, n.formula = p.formula, n.aliases = [p.id]
WITH n, p MATCH (m:Equipment {id: p.eq}) MERGE (m)-[:HAS_PARAMETER]->(n);

UNWIND [
  {id: 'effect:tep:off_spec_product', name: 'off-specification product composition', name_zh: '产品组成不合格', aliases: ['off_spec', 'off-spec product', '产品不合格']},
  {id: 'effect:tep:shutdown', name: 'unit shutdown by the safety system', name_zh: '联锁停车', aliases: ['shutdown', 'trip', '停车']},
  {id: 'effect:tep:production_loss', name: 'loss of production rate', name_zh: '产量下降', aliases: ['production_loss', '减产']},
  {id: 'effect:tep:purge_loss', name: 'higher purge losses of reactants', name_zh: '放空损失增加', aliases: ['purge_loss']}
] AS e
MERGE (n:Effect:Entity {id: e.id}) SET n.name = e.name, n.name_zh = e.name_zh, n.aliases = e.aliases;

UNWIND [
  {id: 'mech:tep:control_failure', name: 'control failure', name_zh: '控制失效', code: '6.1'},
  {id: 'mech:tep:sticking', name: 'sticking', name_zh: '卡涩', code: '1.6'},
  {id: 'mech:tep:blockage', name: 'blockage / plugged', name_zh: '堵塞', code: '5.1'},
  {id: 'mech:tep:external_influence', name: 'external influence (feed quality)', name_zh: '外部影响（进料品质）', code: '6.3'}
] AS m
MERGE (n:FailureMechanism:Entity {id: m.id}) SET n.name = m.name, n.name_zh = m.name_zh, n.code = m.code;

UNWIND [
  {id: 'cause:tep:feed_composition', name: 'upstream change of feed composition in stream 4', name_zh: '物流 4 上游进料组成变化', code: 'external'},
  {id: 'cause:tep:cw_inlet_temp', name: 'step in reactor cooling water inlet temperature', name_zh: '反应器冷却水入口温度阶跃', code: 'external'},
  {id: 'cause:tep:a_feed_loss', name: 'loss of A feed (stream 1)', name_zh: 'A 进料（物流 1）中断', code: 'external'},
  {id: 'cause:tep:valve_stiction', name: 'stiction in the reactor cooling water valve', name_zh: '反应器冷却水阀粘滞', code: 'maintenance'}
] AS c
MERGE (n:Cause:Entity {id: c.id}) SET n.name = c.name, n.name_zh = c.name_zh, n.code = c.code;

UNWIND [
  {id: 'action:tep:check_feed_analyser', name: 'check the stream 4 composition analyser and retune the feed ratio control', name_zh: '检查物流 4 组分分析仪并重新整定进料比例控制', activity: 'check'},
  {id: 'action:tep:raise_cooling', name: 'raise the reactor cooling water flow and watch the reactor temperature', name_zh: '加大反应器冷却水流量并监视反应器温度', activity: 'adjust'},
  {id: 'action:tep:restore_a_feed', name: 'restore the A feed or reduce the production rate', name_zh: '恢复 A 进料或降低生产负荷', activity: 'adjust'},
  {id: 'action:tep:service_valve', name: 'service the cooling water valve positioner and packing', name_zh: '维护冷却水阀定位器和填料', activity: 'service'},
  {id: 'action:tep:increase_purge', name: 'increase the purge to remove inert B', name_zh: '加大放空以排出惰性组分 B', activity: 'adjust'}
] AS a
MERGE (n:Action:Entity {id: a.id}) SET n.name = a.name, n.name_zh = a.name_zh, n.activity = a.activity;

UNWIND [
  {id: 'fm:tep:idv1_ac_ratio', name: 'A/C feed ratio step (IDV 1)', name_zh: 'A/C 进料比阶跃（IDV 1）', code: 'PDE', severity: 5, occurrence: 4, detection: 3, param: 'tep_a_feed', direction: 'below', eq: 'TEP/feed',
   mechanisms: ['mech:tep:external_influence'], effects: ['effect:tep:off_spec_product'], causes: ['cause:tep:feed_composition'], actions: ['action:tep:check_feed_analyser']},
  {id: 'fm:tep:idv2_b_composition', name: 'B composition step in stream 4 (IDV 2)', name_zh: '物流 4 中 B 组分阶跃（IDV 2）', code: 'PDE', severity: 5, occurrence: 4, detection: 4, param: 'tep_purge_rate', direction: 'above', eq: 'TEP/separator',
   mechanisms: ['mech:tep:external_influence'], effects: ['effect:tep:purge_loss', 'effect:tep:off_spec_product'], causes: ['cause:tep:feed_composition'], actions: ['action:tep:increase_purge']},
  {id: 'fm:tep:idv4_reactor_overheating', name: 'reactor overheating after a cooling water inlet step (IDV 4)', name_zh: '冷却水入口温度阶跃导致反应器过热（IDV 4）', code: 'OHE', severity: 8, occurrence: 3, detection: 2, param: 'tep_reactor_temp', direction: 'above', eq: 'TEP/reactor',
   mechanisms: ['mech:tep:control_failure'], effects: ['effect:tep:shutdown', 'effect:tep:off_spec_product'], causes: ['cause:tep:cw_inlet_temp'], actions: ['action:tep:raise_cooling']},
  {id: 'fm:tep:idv6_a_feed_loss', name: 'A feed loss (IDV 6)', name_zh: 'A 进料中断（IDV 6）', code: 'LOO', severity: 9, occurrence: 2, detection: 2, param: 'tep_reactor_pressure', direction: 'above', eq: 'TEP/reactor',
   mechanisms: ['mech:tep:blockage'], effects: ['effect:tep:shutdown', 'effect:tep:production_loss'], causes: ['cause:tep:a_feed_loss'], actions: ['action:tep:restore_a_feed']},
  {id: 'fm:tep:idv14_valve_sticking', name: 'reactor cooling water valve sticking (IDV 14)', name_zh: '反应器冷却水阀卡涩（IDV 14）', code: 'FTR', severity: 6, occurrence: 3, detection: 4, param: 'tep_reactor_cooling_approach', direction: 'above', eq: 'TEP/reactor/cooling-valve',
   mechanisms: ['mech:tep:sticking'], effects: ['effect:tep:off_spec_product'], causes: ['cause:tep:valve_stiction'], actions: ['action:tep:service_valve']}
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
  {id: 'ALM-TEP-PR-HH', name: 'reactor pressure high-high (shutdown at 3000 kPa)', name_zh: '反应器压力高高（3000 kPa 停车）', param: 'tep_reactor_pressure', direction: 'above'},
  {id: 'ALM-TEP-TR-H', name: 'reactor temperature high', name_zh: '反应器温度高', param: 'tep_reactor_temp', direction: 'above'},
  {id: 'ALM-TEP-LS-L', name: 'separator level low', name_zh: '分离器液位低', param: 'tep_separator_level', direction: 'below'},
  {id: 'ALM-TEP-LST-L', name: 'stripper level low', name_zh: '汽提塔液位低', param: 'tep_stripper_level', direction: 'below'}
] AS a
MERGE (n:Alarm:Entity {id: a.id}) SET n.name = a.name, n.name_zh = a.name_zh
WITH n, a MATCH (p:Parameter {id: a.param}) MERGE (n)-[:MONITORS {direction: a.direction}]->(p);

MERGE (s:Standard:Entity {id: 'std:ISO-14224'}) SET s.name = 'ISO 14224:2016 reliability and maintenance data', s.name_zh = 'ISO 14224:2016 可靠性与维修数据';
MERGE (s:Standard:Entity {id: 'std:IEC-62264'}) SET s.name = 'IEC 62264 (ISA-95) enterprise-control system integration', s.name_zh = 'IEC 62264（ISA-95）企业与控制系统集成';
MATCH (k:EquipmentClass) WHERE k.id STARTS WITH 'iso14224:' MATCH (s:Standard {id: 'std:ISO-14224'}) MERGE (k)-[:PER_STANDARD]->(s);
