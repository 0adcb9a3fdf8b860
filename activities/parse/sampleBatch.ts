import { recordId } from './parseResult';
import { isoInstant } from './timestamps';
import type { OperationRecord, SampleBatch, SampleRecord } from './records';

/**
 * Collects the accepted rows of one block for one asset (and, for long tables, one tag and unit) by
 * column, and turns them into a `samples` batch record.
 */
export class SampleBatchBuilder {
  readonly lines: number[] = [];
  readonly times: number[] = [];
  private readonly values: number[][];
  private readonly labels: string[][];

  constructor(
    private readonly asset: string,
    private readonly tags: readonly string[],
    private readonly units: readonly string[],
    private readonly labelNames: readonly string[],
  ) {
    this.values = tags.map(() => []);
    this.labels = labelNames.map(() => []);
  }

  /** One row: its readings in the order of `tags`, its labels in the order of `labelNames` ("" for none). */
  push(line: number, time: number, values: readonly number[], labels: readonly string[]): void {
    this.lines.push(line);
    this.times.push(time);
    for (let j = 0; j < values.length; j++) this.values[j].push(values[j]);
    for (let k = 0; k < labels.length; k++) this.labels[k].push(labels[k]);
  }

  /** The batch record; a label column that is empty in every row is left out. */
  record(source: string): SampleBatch {
    const values: Record<string, number[]> = {};
    const units: Record<string, string> = {};
    this.tags.forEach((tag, j) => {
      values[tag] = this.values[j];
      units[tag] = this.units[j];
    });
    const labels: Record<string, string[]> = {};
    this.labelNames.forEach((name, k) => {
      if (this.labels[k].some((v) => v !== '')) labels[name] = this.labels[k];
    });
    const line = this.lines[0];
    return {
      kind: 'samples',
      id: recordId(source, line),
      source,
      line,
      ts: isoInstant(this.times[0]),
      asset: this.asset,
      lines: this.lines,
      times: this.times,
      units,
      values,
      labels,
    };
  }
}

/** The rows of a batch, one sample record each, in order. */
export function sampleRows(b: SampleBatch): SampleRecord[] {
  const tags = Object.keys(b.values);
  const labelNames = Object.keys(b.labels);
  return b.lines.map((line, i) => {
    const values: SampleRecord['values'] = {};
    for (const tag of tags) values[tag] = { value: b.values[tag][i], unit: b.units[tag] };
    const labels: SampleRecord['labels'] = {};
    for (const name of labelNames) if (b.labels[name][i] !== '') labels[name] = b.labels[name][i];
    return {
      kind: 'sample',
      id: recordId(b.source, line),
      source: b.source,
      line,
      ts: isoInstant(b.times[i]),
      asset: b.asset,
      values,
      labels,
    };
  });
}

/** Records with every sample batch opened into its rows, in order. */
export function openBatches(records: readonly (OperationRecord | SampleRecord)[]): (OperationRecord | SampleRecord)[] {
  return records.flatMap((r): (OperationRecord | SampleRecord)[] => (r.kind === 'samples' ? sampleRows(r) : [r]));
}
