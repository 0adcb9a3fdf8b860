import { carryTemplateIds } from '../../activities/parse/templates/templateCarry';
import type { TemplateModelData } from '../../activities/parse/templates/templateModel';
import { templateId } from '../../activities/parse/templates/templateModel';

/** A model whose clusters are the given templates, one event each (ids: hashes of the text, as a miner gives). */
function model(templates: string[]): TemplateModelData {
  const ids = templates.map((t) => templateId(t));
  return {
    settings: {} as TemplateModelData['settings'],
    clusters: templates.map((t, i) => ({ id: i, template: t.split(' '), size: 1, insertedAs: [] })),
    eventOf: ids,
    events: Object.fromEntries(templates.map((t, i) => [ids[i], { template: t, size: 1 }])),
    enumerated: {},
    predecessors: {},
  };
}

test('an event keeps its id once published: the same text, or a template that widened it alone', () => {
  const before = model(['heater on', 'temp 240 high', 'valve A open', 'valve B open']);
  const old = Object.fromEntries(Object.values(before.events).map((e, i) => [e.template, before.eventOf[i]]));
  const after = carryTemplateIds(before.events, model(['heater on', 'temp <*> high', 'valve <*> open', 'door closed']));
  expect(after.eventOf).toEqual([
    old['heater on'], // the same text
    old['temp 240 high'], // widened one earlier template: its id goes on
    templateId('valve <*> open'), // widened two (a merge): a new id, with both as predecessors
    templateId('door closed'), // new
  ]);
  expect(after.predecessors).toEqual({
    [templateId('valve <*> open')]: [old['valve A open'], old['valve B open']].sort(),
  });
  expect(after.events[old['temp 240 high']].template).toBe('temp <*> high');
  expect(Object.keys(after.events).sort()).toEqual([...new Set(after.eventOf)].sort());
});

test('without a previous model nothing changes; two new templates widening one old one do not share its id', () => {
  const next = model(['temp <*> high', 'temp 240 <*>']);
  expect(carryTemplateIds({}, next)).toEqual(next);
  const carried = carryTemplateIds(model(['temp 240 high']).events, next);
  expect(carried.eventOf).toEqual(next.eventOf);
  expect(Object.keys(carried.predecessors)).toHaveLength(2);
});
