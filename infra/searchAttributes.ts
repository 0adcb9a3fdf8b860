import type { Connection } from '@temporalio/client';
import { temporal } from '@temporalio/proto';
import { FORGE_SEARCH_ATTRIBUTES } from '../workflows/searchAttributes';

const INDEXED = temporal.api.enums.v1.IndexedValueType;
const TYPES = { KEYWORD: INDEXED.INDEXED_VALUE_TYPE_KEYWORD, INT: INDEXED.INDEXED_VALUE_TYPE_INT } as const;

/** `--search-attribute` flags for `temporal server start-dev`: the dev server registers them at start. */
export const devServerSearchAttributeFlags = (): string[] =>
  FORGE_SEARCH_ATTRIBUTES.flatMap((k) => ['--search-attribute', `${k.name}=${k.type === 'INT' ? 'Int' : 'Keyword'}`]);

/** Forge's search attributes with their indexed types, as `addSearchAttributes` takes them. */
export const forgeSearchAttributeTypes = (): Record<string, temporal.api.enums.v1.IndexedValueType> =>
  Object.fromEntries(FORGE_SEARCH_ATTRIBUTES.map((k) => [k.name, TYPES[k.type]]));

/**
 * Register Forge's search attributes in a namespace of an existing cluster, those it lacks (idempotent).
 * Returns the names added. A type clash with an attribute of the same name is an error naming it.
 */
export async function registerSearchAttributes(
  connection: Pick<Connection, 'operatorService'>,
  namespace: string,
): Promise<string[]> {
  const existing = await connection.operatorService.listSearchAttributes({ namespace });
  const have = { ...existing.systemAttributes, ...existing.customAttributes } as Record<
    string,
    temporal.api.enums.v1.IndexedValueType
  >;
  const missing: Record<string, temporal.api.enums.v1.IndexedValueType> = {};
  for (const k of FORGE_SEARCH_ATTRIBUTES) {
    const want = TYPES[k.type];
    if (have[k.name] === undefined) missing[k.name] = want;
    else if (have[k.name] !== want)
      throw new Error(
        `search attribute ${k.name} exists in namespace ${namespace} with another ` +
          `type (${INDEXED[have[k.name]]}); Forge needs ${k.type}`,
      );
  }
  if (Object.keys(missing).length)
    await connection.operatorService.addSearchAttributes({ namespace, searchAttributes: missing });
  return Object.keys(missing);
}
