import { join } from 'node:path';
import { TestWorkflowEnvironment } from '@temporalio/testing';
import { forgeSearchAttributeTypes } from '../../infra/searchAttributes';
import { ensureJavaLauncher } from '../../infra/services';
import { ROOT } from './runHelpers';

const DIR = join(ROOT, 'infra', 'testserver');

/**
 * @temporalio/testing's time-skipping environment on Temporal's own test server (Java, from Maven Central, bound to
 * loopback by infra/testserver; the SDK would download a native build of it, which this machine cannot): a
 * workflow's timers fire as soon as nothing else is pending, so a test of a 24-hour review wait takes seconds.
 * Forge's search attributes are registered as on any new cluster.
 */
export async function timeSkippingEnv(): Promise<TestWorkflowEnvironment> {
  ensureJavaLauncher(DIR, 'testserver', "Temporal's test server", 'temporal-test-server from Maven Central');
  const env = await TestWorkflowEnvironment.createTimeSkipping({
    server: { executable: { type: 'existing-path', path: join(DIR, 'run.sh') } },
  });
  try {
    // (the test server cannot list search attributes; it is new, so none is there)
    await env.connection.operatorService.addSearchAttributes({
      namespace: env.namespace ?? 'default',
      searchAttributes: forgeSearchAttributeTypes(),
    });
  } catch (e) {
    await env.teardown(); // no server left behind when the set-up fails
    throw e;
  }
  return env;
}
