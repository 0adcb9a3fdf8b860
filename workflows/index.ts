/**
 * The workflows a worker registers (its workflow bundle's entry): a run, its child workflows, and a schedule's run.
 */
export { synthesizeCorpus } from './synthesizeCorpus';
export { expandFacts } from './expandFacts';
export { parseSource } from './parseSource';
export { scheduledRun, type ScheduledRunResult } from './scheduledRun';
export { EMPTY_PROGRESS, progressQuery, type Progress, type Stage } from './progress';
export { reviewQuery, reviewUpdate, type ReviewState } from './review';
