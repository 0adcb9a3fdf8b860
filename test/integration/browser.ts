import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import { chromium, type Browser } from 'playwright-core';
import { ROOT } from '../../infra/services';

/**
 * Debian's Chromium, headless, driven by playwright-core (infra/browser/install.sh installs it on first use). The
 * flags keep it off the network it cannot reach here (background updates, sync, QUIC), without a
 * sandbox (the tests may run as root); playwright gives it a fresh profile.
 */
export async function headlessBrowser(): Promise<Browser> {
  const executablePath = execFileSync('bash', [join(ROOT, 'infra', 'browser', 'install.sh')], {
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'inherit'],
  }).trim();
  return chromium.launch({
    executablePath,
    headless: true,
    args: [
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
    ],
  });
}
