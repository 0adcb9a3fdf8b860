import { join } from 'node:path';

/** The graph files that ship with Forge, and the one a run uses when its configuration names none. */
export const GRAPHS_DIR = join(__dirname, '..', 'graphs');
export const DEFAULT_GRAPHS = [join(GRAPHS_DIR, 'injection-moulding.cypher')];
