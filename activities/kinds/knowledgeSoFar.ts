import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { readJsonl, toJsonl, writeFileAtomic } from '../common/files';
import { OperationRecord } from '../parse/records';
import { ChainLedger } from '../knowledge/eventChainFacts';
import type { GraphSnapshot } from '../knowledge/graphSnapshot';
import { FactInputs } from './deriveFacts';

/**
 * Knowledge over time (a schedule's versions): what the facts' figures need of the data so far, kept in each
 * version's directory so that a later version derives from it without the raw files or the earlier records:
 * - `knowledge/records.jsonl`: the version's samples and work orders (the table and maintenance miners read rows);
 * - `knowledge/chains.json`: the alarms' ledger after the version (eventChainFacts.ts: sums and the open episodes),
 *   the previous version's with the version's events folded in - the events themselves are not kept.
 * A version that fails is not in the dataset manifest, so its files are never read.
 */
export interface History {
  /** the dataset's directory (its manifest holds the fact index) */
  dataset: string;
  /** the committed versions' directories, oldest first */
  versions: string[];
}

const recordsPath = (dir: string) => join(dir, 'knowledge', 'records.jsonl');
const chainsPath = (dir: string) => join(dir, 'knowledge', 'chains.json');

/** Whether a record is kept for later versions: the rows the miners read again. */
export const keptForLater = (r: OperationRecord) => r.kind === 'samples' || r.kind === 'work_order';

/**
 * What a run's facts derive from before its own records: nothing for a run of its own; for a schedule's version the
 * earlier versions' kept records (one version at a time, `each` after each) and the latest version's ledger.
 */
export async function factInputsSoFar(
  graph: GraphSnapshot,
  history: History | undefined,
  each: () => void = () => undefined,
): Promise<FactInputs> {
  if (!history) return new FactInputs(graph);
  const inputs = new FactInputs(graph, await earlierChains(history));
  for (const dir of history.versions) {
    for (const r of await readJsonl(recordsPath(dir), OperationRecord)) inputs.add(r);
    each();
  }
  return inputs;
}

/** The latest committed version's ledger, or null before the first. */
async function earlierChains(history: History): Promise<ChainLedger | null> {
  const latest = history.versions.at(-1);
  if (!latest) return null;
  return ChainLedger.parse(JSON.parse(await readFile(chainsPath(latest), 'utf8')));
}

/** Keep a version's knowledge for the next: its kept records and the ledger after it. */
export async function keepKnowledge(
  dir: string,
  records: readonly OperationRecord[],
  chains: ChainLedger,
): Promise<void> {
  await writeFileAtomic(recordsPath(dir), toJsonl(records));
  await writeFileAtomic(chainsPath(dir), JSON.stringify(chains));
}
