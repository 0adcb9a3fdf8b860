import type { SourceTime } from './sourceModel';
import type { SourceSpec } from './sourceSpec';
import { detectTime, KNOWN_TIME_FORMATS, TIME_FIELD_NAME } from './timeFormats';

/** Lines of a text log read to detect its time format. */
export const TIME_SAMPLE = 500;

/**
 * A text log's time: the configured fields and format, or those that read the most of the sample. A
 * configured format that reads none of a non-empty sample is an error (a wrong setting, not bad lines).
 */
export function sourceTime(
  spec: SourceSpec,
  header: readonly string[],
  sample: Record<string, string>[],
  opts: { timezone: string; year?: number },
): SourceTime | null {
  const year = spec.text.year ?? opts.year ?? new Date().getUTCFullYear();
  const ctx = { offset: spec.timezone ?? opts.timezone, year };
  const candidates = spec.text.timeFields ?? header.filter((f) => TIME_FIELD_NAME.test(f));
  if (!candidates.length) return null;
  const formats = spec.text.timeFormat ? [spec.text.timeFormat] : KNOWN_TIME_FORMATS;
  const found = detectTime(sample, spec.text.timeFields ? [] : candidates, formats, ctx, spec.text.timeFields);
  if (found) return { fields: found.fields, format: found.format, year };
  if (spec.text.timeFormat && sample.length)
    throw new Error(
      `time format "${spec.text.timeFormat}" reads none of the first ${sample.length} lines' times ` +
        `(fields ${candidates.join(', ')})`,
    );
  // nothing readable: the lines keep their time text (time_text), with the default reading
  return { fields: candidates, format: formats[0], year };
}

const WITH_OFFSET = /(Z|[+-]\d{2}(:?\d{2})?)$/i;
const ISO_TIME = /^\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}/;

/** An ISO-8601 date-time written without a UTC offset. */
export const isNaiveIso = (t: string): boolean => ISO_TIME.test(t.trim()) && !WITH_OFFSET.test(t.trim());

/**
 * Where a text log's times carry no UTC offset - a time format without a zone, or sampled ISO times without one -
 * or null (with one, or epoch numbers).
 */
export function naiveText(time: SourceTime | null, sample: readonly Record<string, string>[]): string | null {
  if (!time || time.format === 'epoch_s' || time.format === 'epoch_ms') return null;
  if (time.format !== 'iso') return time.format.includes('X') ? null : `as ${time.format}`;
  const values = sample.map((f) => time.fields.map((k) => f[k] ?? '').join(' '));
  return values.some(isNaiveIso) ? `in ${time.fields.join(' + ')}` : null;
}

/** The note a scan leaves when times carry no offset: the zone they are read in, said once per source. */
export function naiveTimeNote(where: string | null, timezone: string): string[] {
  if (!where) return [];
  return [
    `times ${where} carry no UTC offset: read as ${timezone === 'Z' ? 'UTC' : `UTC${timezone}`} (set "timezone" ` +
      'in the source or run config when they are local times)',
  ];
}
