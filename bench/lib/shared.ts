import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';

/**
 * The team's shared reference data (`shared/datasets/...`): beside the checkout, as CI and the
 * developers' machines have it, or where FORGE_SHARED_DIR points.
 */
export function sharedDataset(...parts: string[]): string {
  const root = resolve(process.env.FORGE_SHARED_DIR ?? join(__dirname, '..', '..', '..', 'shared'));
  const path = join(root, 'datasets', ...parts);
  if (!existsSync(path))
    throw new Error(`shared dataset not found: ${path} (shared/ belongs beside the checkout; or set FORGE_SHARED_DIR)`);
  return path;
}
