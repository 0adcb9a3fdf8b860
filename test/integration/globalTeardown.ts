import { stopService, TEST_LAYOUT, type ServiceName } from '../../infra/services';

export default async function globalTeardown(): Promise<void> {
  const started = (globalThis as { __forgeStarted?: ServiceName[] }).__forgeStarted ?? [];
  for (const s of [...started].reverse())
    await stopService(TEST_LAYOUT, s, (l) => process.stderr.write(`[forge test] ${l}\n`));
}
