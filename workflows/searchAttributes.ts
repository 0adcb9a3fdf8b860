import { defineSearchAttributeKey } from '@temporalio/common';

/**
 * The search attributes runs carry, so that the Web UI and `temporal workflow list --query` can filter
 * them (e.g. `ForgeStage = "expand"`, `ForgeDomain = "injection-moulding"`). Registered on the local dev
 * server at start, and on an existing cluster by `forge search-attributes`.
 */
export const FORGE_RUN_ID = defineSearchAttributeKey('ForgeRunId', 'KEYWORD');
export const FORGE_DOMAIN = defineSearchAttributeKey('ForgeDomain', 'KEYWORD');
export const FORGE_STAGE = defineSearchAttributeKey('ForgeStage', 'KEYWORD');
export const FORGE_FACTS = defineSearchAttributeKey('ForgeFacts', 'INT');
export const FORGE_DOCS_WRITTEN = defineSearchAttributeKey('ForgeDocsWritten', 'INT');
/** the schedule a run belongs to (`forge schedule create NAME`) */
export const FORGE_SCHEDULE = defineSearchAttributeKey('ForgeSchedule', 'KEYWORD');

export const FORGE_SEARCH_ATTRIBUTES = [
  FORGE_RUN_ID,
  FORGE_DOMAIN,
  FORGE_STAGE,
  FORGE_FACTS,
  FORGE_DOCS_WRITTEN,
  FORGE_SCHEDULE,
] as const;
