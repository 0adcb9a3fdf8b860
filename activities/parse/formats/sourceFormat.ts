import type { LineBlock } from '../chunks';
import type { ParseContext, ParseOptions, SourceParser } from '../parseResult';
import { eachLine } from '../parsers/lines';
import type { SourceModel, SourceTime } from '../sourceModel';
import type { SourceSpec } from '../sourceSpec';
import type { TemplateModelData } from '../templates/templateModel';

/** How a source is scanned (scanSource.ts). */
export interface ScanOptions extends ParseOptions {
  /** target size of a chunk; chunks end on line boundaries */
  chunkBytes: number;
  /**
   * the year of times written without one, unless the source config sets it (scanSource: the file's modification year)
   */
  year?: number;
  /** whether the file has grown past `bytes` since the scan began (then its unfinished last line is left out) */
  growing?: (bytes: number) => Promise<boolean>;
}

/** What a format's part of the scan learned, for the source model (sourceModel.ts). */
export interface ScanFindings {
  /** the spec as every chunk reads it (a table's numeric columns without a unit become tags) */
  spec: SourceSpec;
  headerLine: string | null;
  templates: TemplateModelData | null;
  time: SourceTime | null;
  /** where times carry no UTC offset (`naiveTimeNote`), or null */
  naive: string | null;
  notes: string[];
}

/** A format's part of the one pass over a source: it sees every block in order, then says what it learned. */
export interface FormatScan {
  block(block: LineBlock): void;
  finish(): ScanFindings;
}

/**
 * One source format (formats/<format>.ts), registered in formats/index.ts: how a file is recognised, the scan that
 * learns its names (before any chunk is parsed, so a name masked in one chunk is masked in every other) and what
 * else it learns, and its chunk parser. Every part is required: a format cannot skip name learning.
 */
export interface SourceFormat {
  detect: {
    /** extensions that decide it alone */
    extensions?: readonly string[];
    /** its first line (after blanks and # comments), tried in registry order */
    firstLine?: (line: string) => boolean;
    /** extensions that name it when no first line decided */
    fallbackExtensions?: readonly string[];
  };
  /** its records are sampled series, segmented after the parse into windows, changes and anomalies (series/) */
  series: boolean;
  /** bytes per block of a chunk's parse (parseChunk.ts) */
  blockBytes: number;
  /**
   * its scan can prepare chunks on threads as it goes (preparedScan.ts: a text log's lines split, timed and masked
   * once); its blocks then keep runs of ASCII lines apart (chunks.ts `asciiApart`), so that the prepared and the raw
   * chunk passes read the same blocks and write the same bytes
   */
  prepares: boolean;
  /**
   * whether a source's first line is a header its scan must see (a table with a header row): an incremental read,
   * which starts at a later line, gives it the file's first line too
   */
  header?: (spec: SourceSpec) => boolean;
  scan(ctx: ParseContext, spec: SourceSpec, opts: ScanOptions): FormatScan;
  parser(model: SourceModel, ctx: ParseContext): SourceParser;
}

/**
 * Bytes per block of a chunk: small enough that a block's rows and cells die young (a 1 MiB block lives
 * through young-generation collections and is copied; at 256 KiB the CSV pass spends ~5 % in GC, not ~20 %),
 * large enough that per-block costs (a write, a heartbeat) stay small.
 */
export const PARSE_BLOCK_BYTES = 256 << 10;

/** Name learning line by line; a line it cannot learn from is left to the chunk pass, which quarantines it. */
export function learnLines(block: LineBlock, learn: (raw: string) => void): void {
  eachLine(block.text, block.firstLine, (raw) => {
    try {
      learn(raw);
    } catch {
      /* see above */
    }
  });
}

/** What a scan that learns only names finds: nothing beyond the spec. */
export const namesOnly = (spec: SourceSpec): ScanFindings => ({
  spec,
  headerLine: null,
  templates: null,
  time: null,
  naive: null,
  notes: [],
});
