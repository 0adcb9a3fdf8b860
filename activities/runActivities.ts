import { createCorpusActivities } from './corpusActivities';
import type { ActivityDeps } from './deps';
import { createExpandActivities } from './expandActivities';
import { createKnowledgeActivities } from './knowledgeActivities';
import { createParseActivities } from './parseActivities';
import { createScheduleActivities } from './scheduleActivities';

export type { ActivityDeps } from './deps';

/**
 * The activities of a run, one thin file per stage (parseActivities, knowledgeActivities, expandActivities,
 * corpusActivities; scheduleActivities for a scheduled run's increment) around the stage functions the CLI calls
 * too; dependencies (one Neo4j driver, the expander, the keys) are injected.
 */
export function createActivities(deps: ActivityDeps) {
  return {
    ...createParseActivities(deps),
    ...createKnowledgeActivities(deps),
    ...createExpandActivities(deps),
    ...createCorpusActivities(deps),
    ...createScheduleActivities(),
  };
}

export type Activities = ReturnType<typeof createActivities>;
