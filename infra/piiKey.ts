import { randomBytes } from 'node:crypto';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import type { ForgeEnv } from './env';

const KEY_FILE = join(__dirname, '..', 'var', 'pii.key');

/**
 * The key of the name digests (and of the pseudonyms when FORGE_PII_KEY is set): FORGE_PII_KEY, or a random
 * key made once for this installation in the git-ignored var/pii.key (mode 0600). Never a constant: the
 * digests stored in models/*.json and heartbeats could otherwise be reversed with a dictionary of names.
 * Workers on several machines need one FORGE_PII_KEY: a chunk refuses a model scanned under another key.
 */
export function piiDigestKey(env: Pick<ForgeEnv, 'piiKey'>, file = KEY_FILE): string {
  if (env.piiKey) return env.piiKey;
  try {
    return readFileSync(file, 'utf8').trim();
  } catch {
    mkdirSync(dirname(file), { recursive: true });
    const key = randomBytes(32).toString('hex');
    try {
      writeFileSync(file, key + '\n', { mode: 0o600, flag: 'wx' });
      return key;
    } catch {
      return readFileSync(file, 'utf8').trim(); // made by another process meanwhile
    }
  }
}
