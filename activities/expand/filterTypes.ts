import type { PiiOptions } from '../parse/pii';
import type { Fact } from '../knowledge/facts';
import type { Lang, RejectReason, Style } from './documents';

/** What a filter sees: the text, its language and style, and the facts it must be faithful to. */
export interface DocumentInput {
  text: string;
  lang: Lang;
  style: Style | null;
  facts: readonly Fact[];
  pii: PiiOptions;
}
export interface Rejection {
  reason: RejectReason;
  detail?: string;
}
export interface DocumentFilter {
  name: string;
  check: (d: DocumentInput) => Rejection | null;
}
