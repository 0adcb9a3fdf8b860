// Forge knowledge-graph schema. Loaded idempotently (IF NOT EXISTS) before any domain graph.
// Every knowledge-graph node also carries the label :Entity, so that facts can be linked by id alone.
//
// Equipment hierarchy after ISA-95 / IEC 62264:
//   (Enterprise)-[:HAS_SITE]->(Site)-[:HAS_AREA]->(Area)-[:HAS_LINE]->(Line)    discrete / batch production
//   (Area)-[:HAS_UNIT]->(Unit)                                                  continuous process units
//   (Line|Unit)-[:HAS_CELL]->(Cell), (Line|Unit|Cell)-[:HAS_EQUIPMENT]->(Equipment)-[:HAS_PART]->(Equipment)
// Equipment taxonomy after ISO 14224: (Equipment)-[:OF_CLASS]->(EquipmentClass {code, category})
//   failure mode, failure mechanism and failure cause are kept apart:
//   (FailureMode {code})-[:HAS_MECHANISM]->(FailureMechanism {code}), (FailureMode)-[:HAS_CAUSE]->(Cause {code}),
//   (FailureMode)-[:AFFECTS]->(Equipment), (EquipmentClass)-[:HAS_FAILURE_MODE]->(FailureMode),
//   (FailureMode)-[:MITIGATED_BY]->(Action {activity: replace|repair|modify|adjust|refit|check|service|test|inspect|overhaul})
// FMEA (IEC 60812): (FailureMode {severity, occurrence, detection, rpn})-[:HAS_EFFECT]->(Effect)
// Process: (ProcessStep)-[:RUNS_ON]->(Equipment), (ProcessStep)-[:NEXT]->(ProcessStep), (ProcessStep)-[:CONTROLS]->(Parameter),
//   (Material)-[:PROCESSED_IN]->(ProcessStep), (ProcessStep)-[:PRODUCES]->(Material)
// Parameters: (Equipment)-[:HAS_PARAMETER]->(Parameter {unit: UCUM code, min, max, target, formula, aliases})
//   a Parameter with a `formula` is a derived quantity: (Parameter)-[:COMPUTED_FROM]->(Parameter), added on load;
//   (Parameter)-[:DEVIATION_LEADS_TO {direction: 'above'|'below'}]->(FailureMode)
// Sensors and tags as they appear in logs: (Sensor {tag, aliases})-[:MEASURES]->(Parameter), (Sensor)-[:MOUNTED_ON]->(Equipment)
// Alarms: (Alarm)-[:MONITORS {direction}]->(Parameter)
// Standards: (Parameter|FailureMode|EquipmentClass)-[:PER_STANDARD]->(Standard)
// Facts written back by runs: (Fact)-[:ABOUT]->(Entity), (Fact)-[:DERIVED_FROM]->(Fact)
CREATE CONSTRAINT entity_id IF NOT EXISTS FOR (n:Entity) REQUIRE n.id IS UNIQUE;
CREATE CONSTRAINT enterprise_id IF NOT EXISTS FOR (n:Enterprise) REQUIRE n.id IS UNIQUE;
CREATE CONSTRAINT site_id IF NOT EXISTS FOR (n:Site) REQUIRE n.id IS UNIQUE;
CREATE CONSTRAINT area_id IF NOT EXISTS FOR (n:Area) REQUIRE n.id IS UNIQUE;
CREATE CONSTRAINT line_id IF NOT EXISTS FOR (n:Line) REQUIRE n.id IS UNIQUE;
CREATE CONSTRAINT unit_id IF NOT EXISTS FOR (n:Unit) REQUIRE n.id IS UNIQUE;
CREATE CONSTRAINT cell_id IF NOT EXISTS FOR (n:Cell) REQUIRE n.id IS UNIQUE;
CREATE CONSTRAINT equipment_id IF NOT EXISTS FOR (n:Equipment) REQUIRE n.id IS UNIQUE;
CREATE CONSTRAINT equipment_class_id IF NOT EXISTS FOR (n:EquipmentClass) REQUIRE n.id IS UNIQUE;
CREATE CONSTRAINT process_step_id IF NOT EXISTS FOR (n:ProcessStep) REQUIRE n.id IS UNIQUE;
CREATE CONSTRAINT parameter_id IF NOT EXISTS FOR (n:Parameter) REQUIRE n.id IS UNIQUE;
CREATE CONSTRAINT sensor_id IF NOT EXISTS FOR (n:Sensor) REQUIRE n.id IS UNIQUE;
CREATE CONSTRAINT material_id IF NOT EXISTS FOR (n:Material) REQUIRE n.id IS UNIQUE;
CREATE CONSTRAINT failure_mode_id IF NOT EXISTS FOR (n:FailureMode) REQUIRE n.id IS UNIQUE;
CREATE CONSTRAINT failure_mechanism_id IF NOT EXISTS FOR (n:FailureMechanism) REQUIRE n.id IS UNIQUE;
CREATE CONSTRAINT cause_id IF NOT EXISTS FOR (n:Cause) REQUIRE n.id IS UNIQUE;
CREATE CONSTRAINT effect_id IF NOT EXISTS FOR (n:Effect) REQUIRE n.id IS UNIQUE;
CREATE CONSTRAINT action_id IF NOT EXISTS FOR (n:Action) REQUIRE n.id IS UNIQUE;
CREATE CONSTRAINT alarm_id IF NOT EXISTS FOR (n:Alarm) REQUIRE n.id IS UNIQUE;
CREATE CONSTRAINT standard_id IF NOT EXISTS FOR (n:Standard) REQUIRE n.id IS UNIQUE;
CREATE CONSTRAINT fact_id IF NOT EXISTS FOR (n:Fact) REQUIRE n.id IS UNIQUE;
