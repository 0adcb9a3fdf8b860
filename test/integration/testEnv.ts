import { readEnv, type ForgeEnv } from '../../infra/env';
import { neo4jUri, temporalAddress, TEST_LAYOUT } from '../../infra/services';

/** The environment of the test servers (started by globalSetup), without the developer's own settings. */
export function testEnv(overrides: Partial<ForgeEnv> = {}): ForgeEnv {
  return {
    ...readEnv({}),
    temporalAddress: temporalAddress(TEST_LAYOUT),
    neo4jUri: neo4jUri(TEST_LAYOUT),
    taskQueue: `forge-test-${process.pid}-${Math.random().toString(36).slice(2, 8)}`,
    ...overrides,
  };
}
