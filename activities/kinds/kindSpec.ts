import type { z } from 'zod';
import type { Ask } from './probeCards';
import type { Lang } from '../common/lang';
import type { Templates } from './textParts';
import type { DeriveOptions } from '../knowledge/deriveOptions';
import type { ChainLedger, TimedEvent } from '../knowledge/eventChainFacts';
import type { GraphIndex } from '../knowledge/linking';
import type { PrivacyReport, Rand } from '../knowledge/privacy';
import type { SetAsideRule } from '../knowledge/ruleFacts';
import type { SeriesTable } from '../knowledge/seriesTable';
import type { WorkOrderRecord } from '../parse/records';

/**
 * What a miner reads: the tables (samples joined with the graph), timed events, work orders, the alarms' ledger, the
 * graph. In a schedule's version (knowledge over time) tables, orders and the ledger hold the data so far (the
 * earlier versions' kept records and ledger beside the version's own); `events` are the version's own lines only -
 * a kind whose figures must span versions reads the ledger or the tables, never the events alone.
 */
export interface MineInputs {
  tables: readonly SeriesTable[];
  events: readonly TimedEvent[];
  orders: readonly WorkOrderRecord[];
  /** every asset's alarm episodes, folded (eventChainFacts.ts) */
  chains: ChainLedger;
  index: GraphIndex;
  opts: DeriveOptions;
  /** with `privacy`: the noise source */
  rand?: Rand;
}

/** What a miner found: facts with their ids (validated against the union by deriveFacts), and what it set aside. */
export interface Mined {
  facts: readonly { kind: string; id: string }[];
  setAside?: SetAsideRule[];
  privacy?: Omit<PrivacyReport, 'withheld_kinds'> | null;
}

/** What the stages after derivation need to know about a kind of fact F. */
export interface KindParts<F> {
  /**
   * Whether a private run (`privacy.epsilon`) may release it: only a kind whose every figure comes through the
   * private mechanism (privateRules.ts). An allow-list, read fail-closed: a kind not marked so is withheld.
   */
  privateRelease: boolean;
  /** a short title (the offline expander's headings, the generic forms) */
  title(f: F, lang: Lang): string;
  /** what the fact is about, in a few words (the sft split's requests) */
  topic(f: F, lang: Lang): string;
  /** the offline expander's hand-written form per classic style and language */
  templates: Record<Lang, Templates<F>>;
  /** the closed-book questions it answers (the probe split) */
  asks(f: F): Ask[];
  /**
   * what the fact is about, without its figures: a fact of a later run with the same identity is the same fact
   * (changed when its statement differs) - a schedule's versions tell new, changed and unchanged facts by it
   */
  identity(f: F): unknown;
  /** ids of the facts it builds on (a [:DERIVED_FROM] edge each in the graph); none when not given */
  buildsOn?(f: F): string[];
}

/** A kind's fact schema: an object whose `kind` is the kind's name (the FactBase fields, a statement, evidence). */
export type FactSchema = z.ZodObject<{ kind: z.ZodLiteral<string> } & z.ZodRawShape>;

/**
 * One kind of fact, in one object (kinds/<kind>.ts): its schema (its member of the `Fact` union), its miner and
 * everything the stages after derivation need. The registry (kinds/index.ts) lists one per kind, one line each, and
 * builds the union from their schemas, so a kind missing a part does not compile.
 */
export interface KindSpec<S extends FactSchema> extends KindParts<z.infer<S>> {
  /** the fact's schema: every derived fact of the kind is validated against it (deriveFacts.ts) */
  schema: S;
  /**
   * The miner (a pure function of the inputs), or null for a kind another kind's miner writes (graph_agreement
   * comes with threshold_rule's rules).
   */
  mine: ((inputs: MineInputs) => Mined) | null;
}
