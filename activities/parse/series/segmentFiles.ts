import { createWriteStream } from 'node:fs';
import { mkdir, stat } from 'node:fs/promises';
import { dirname } from 'node:path';
import { once } from 'node:events';
import { readLineBlocks } from '../chunks';
import { eachLine } from '../parsers/lines';
import { describeIssues } from '../../common/issues';
import { recordId } from '../parseResult';
import { OperationRecord, SampleBatch } from '../records';
import { isStateColumn, SeriesSegmenter, type SeriesEvent, type SeriesOptions } from './segmentSeries';
import { UnitMonitor, type MonitorModel, type UnitAnomaly } from './unitMonitor';
import { trainBand, type BandModel } from './bandMonitor';
import type { WatchCarry } from './watchCarry';

/** A series event as a record: ids from the source, the tag, the kind and the line, so reruns give the same ids. */
export function seriesRecord(e: SeriesEvent | UnitAnomaly): OperationRecord {
  switch (e.kind) {
    case 'window':
      return {
        kind: 'window',
        id: `${recordId(e.source, e.first_line)}-w-${e.tag}`,
        source: e.source,
        line: e.first_line,
        ts: e.start,
        asset: e.asset,
        tag: e.tag,
        unit: e.unit,
        state: e.state,
        last_line: e.last_line,
        end: e.end,
        stats: e.stats,
      };
    case 'change':
      return {
        kind: 'change',
        id: `${recordId(e.source, e.onset_line)}-c-${e.tag}`,
        source: e.source,
        line: e.onset_line,
        ts: e.onset,
        asset: e.asset,
        tag: e.tag,
        unit: e.unit,
        change: e.change,
        direction: e.direction,
        before: e.before,
        after: e.after,
        detected_line: e.detected_line,
        detected_at: e.detected_at,
        delay_samples: e.delay_samples,
      };
    case 'state':
      return {
        kind: 'state',
        id: `${recordId(e.source, e.line)}-s-${e.tag}`,
        source: e.source,
        line: e.line,
        ts: e.ts,
        asset: e.asset,
        tag: e.tag,
        from: e.from,
        to: e.to,
      };
    case 'anomaly':
      return {
        kind: 'anomaly',
        id: `${recordId(e.source, e.onset_line)}-a-${e.statistic}`,
        source: e.source,
        line: e.onset_line,
        ts: e.onset,
        asset: e.asset,
        statistic: e.statistic,
        value: e.value,
        limit: e.limit,
        detected_line: e.detected_line,
        detected_at: e.detected_at,
        end_line: e.end_line,
        end: e.end,
        ended: e.ended,
        contributions: e.contributions,
      };
  }
}

/** How a unit is watched: by its reference's PCA monitor, by its own band, or not at all; the note says what or why. */
export interface UnitWatch {
  by: 'reference' | 'band' | 'none';
  note: string;
}

/** A unit's own first rows, gathered until they train its band (bandMonitor.ts). */
interface FirstRows {
  tags: string[];
  rows: number[][];
  times: number[];
}

/**
 * What watches a source's samples, as `forge parse`, the workflow and the benches run it: every tag's change
 * detector (SeriesSegmenter), and per unit (asset) the monitors its reference trained (`units`: PCA and a band), or
 * else its own band, trained on the unit's first `baseline` rows (the rows its tags' first baselines come from,
 * which are not watched, as theirs are not). With what an earlier version carried (watchCarry.ts), its series and
 * bands watch from the first reading. Feed batches in order, then `finish`; `carry()` is what the next version gets.
 */
export class SourceWatch {
  private readonly seg: SeriesSegmenter;
  private readonly monitors = new Map<string, UnitMonitor[]>();
  private readonly first = new Map<string, FirstRows>();
  /** per unit, how it is watched */
  readonly watching = new Map<string, UnitWatch>();
  /** the units' bands, trained here or carried, for the next version */
  private readonly bands = new Map<string, { model: BandModel; note: string }>();

  constructor(
    private readonly opts: SeriesOptions,
    private readonly emit: (e: SeriesEvent | UnitAnomaly) => void,
    units: readonly MonitorModel[] = [],
    carried: WatchCarry | null = null,
  ) {
    this.seg = new SeriesSegmenter(opts, emit, carried?.series);
    for (const m of units) {
      const by = [...(this.monitors.get(m.asset) ?? []).map((u) => u.model), m].map((u) => u.method);
      const what = by.includes('pca') ? (by.includes('band') ? 'monitor and band' : 'monitor') : 'band';
      this.watch(m, { by: 'reference', note: `the reference's ${what}` });
    }
    for (const band of carried?.bands ?? [])
      if (!this.monitors.has(band.model.asset)) {
        this.bands.set(band.model.asset, band);
        this.watch(band.model, { by: 'band', note: `${band.note} (carried from an earlier version)` });
      }
  }

  /** What the next version of the source watches with: the series' states and the units' bands. */
  carry(): WatchCarry {
    return { series: this.seg.seriesStates(), bands: [...this.bands.values()] };
  }

  push(b: SampleBatch): void {
    segmentBatch(this.seg, b);
    const ms = this.monitors.get(b.asset);
    if (ms) return ms.forEach((m) => monitorRows(m, b, 0));
    if (this.watching.has(b.asset)) return; // a unit whose first rows trained no band
    const tags = Object.keys(b.values).sort();
    const f = this.first.get(b.asset) ?? { tags, rows: [], times: [] };
    this.first.set(b.asset, f);
    let i = 0;
    for (; i < b.lines.length && f.rows.length < this.opts.baseline; i++) {
      f.rows.push(f.tags.map((t) => b.values[t]?.[i] ?? NaN));
      f.times.push(b.times[i]);
    }
    if (f.rows.length < this.opts.baseline) return;
    this.first.delete(b.asset);
    const { model, note } = trainBand(b.asset, f.tags, f.rows, f.times, this.opts.falseEventsPerWeek);
    if (!model) return void this.watching.set(b.asset, { by: 'none', note });
    this.bands.set(b.asset, { model, note });
    monitorRows(this.watch(model, { by: 'band', note }), b, i);
  }

  finish(): void {
    this.seg.finish();
    for (const ms of this.monitors.values()) for (const m of ms) m.finish();
    for (const [asset, f] of this.first)
      this.watching.set(asset, {
        by: 'none',
        note: `no band: ${f.rows.length} rows, a band is trained on the first ${this.opts.baseline}`,
      });
    this.first.clear();
  }

  private watch(model: MonitorModel, how: UnitWatch): UnitMonitor {
    const m = new UnitMonitor(model, this.emit);
    this.monitors.set(model.asset, [...(this.monitors.get(model.asset) ?? []), m]);
    this.watching.set(model.asset, how);
    return m;
  }
}

/** Feed a batch's rows from row `from` to its unit's monitor. */
function monitorRows(m: UnitMonitor, b: SampleBatch, from: number): void {
  const columns = m.tags.map((t) => b.values[t]);
  const row: number[] = new Array(columns.length); // one row reused: the monitor keeps no row
  for (let i = from; i < b.lines.length; i++) {
    for (let j = 0; j < columns.length; j++) row[j] = columns[j]?.[i] ?? NaN;
    m.push(b.source, b.lines[i], b.times[i], row);
  }
}

/** Feed a batch to a segmenter: each tag's readings, then the labels (state columns), in row order. */
export function segmentBatch(seg: SeriesSegmenter, b: SampleBatch): void {
  for (const [tag, values] of Object.entries(b.values))
    seg.pushColumn({ source: b.source, asset: b.asset, tag, unit: b.units[tag] }, b.lines, b.times, values);
  for (const [column, values] of Object.entries(b.labels)) {
    if (!isStateColumn(column)) continue;
    for (let i = 0; i < b.lines.length; i++)
      if (values[i] !== '')
        seg.label({ source: b.source, line: b.lines[i], t: b.times[i], asset: b.asset }, column, values[i]);
  }
}

/** The samples records of a source's record files, in order, a block of lines at a time (other records skipped). */
export async function* sampleBatches(files: readonly string[]): AsyncGenerator<SampleBatch[]> {
  for (const file of files) {
    const { size } = await stat(file);
    for await (const block of readLineBlocks(file, 0, size, 1)) {
      const out: SampleBatch[] = [];
      eachLine(block.text, block.firstLine, (raw, line) => {
        const value = JSON.parse(raw) as { kind?: unknown };
        if (value.kind !== 'samples') return; // other records: not series
        const b = SampleBatch.safeParse(value);
        if (!b.success) throw new Error(`${file}:${line}: not a valid samples record: ${describeIssues(b.error)}`);
        out.push(b.data);
      });
      yield out;
    }
  }
}

/** What segmenting a source found, by record kind. */
export interface SeriesCounts {
  windows: number;
  changes: number;
  states: number;
  anomalies: number;
}

/** What segmenting a source found, and how each unit was watched. */
export interface SegmentedRecords extends SeriesCounts {
  /** per unit: how it is watched (the reference's monitor, its band: what it watches, or why there is none) */
  monitors: Record<string, UnitWatch>;
  /** units watched by a monitor */
  units: number;
  /** what the next version of the source watches with */
  carry: WatchCarry;
}

/**
 * Segment the samples of a source - its record files in chunk order, streamed - into windows, changes and
 * state events, written to `out` as JSON lines. Samples must be in time order per tag within the source.
 */
export async function segmentRecordFiles(
  files: readonly string[],
  out: string,
  opts: SeriesOptions,
  onProgress?: () => void,
  units: readonly MonitorModel[] = [],
  carried: WatchCarry | null = null,
): Promise<SegmentedRecords> {
  await mkdir(dirname(out), { recursive: true }); // a source with no lines wrote no record file
  const stream = createWriteStream(out);
  const counts = { windows: 0, changes: 0, states: 0, anomalies: 0 };
  let buffer: string[] = [];
  const flush = async () => {
    if (!buffer.length) return;
    if (!stream.write(buffer.join(''))) await once(stream, 'drain');
    buffer = [];
  };
  const write = (e: SeriesEvent | UnitAnomaly) => {
    counts[
      e.kind === 'window' ? 'windows' : e.kind === 'change' ? 'changes' : e.kind === 'state' ? 'states' : 'anomalies'
    ]++;
    buffer.push(JSON.stringify(OperationRecord.parse(seriesRecord(e))) + '\n');
  };
  const watch = new SourceWatch(opts, write, units, carried);
  for await (const batches of sampleBatches(files)) {
    for (const b of batches) watch.push(b);
    await flush();
    onProgress?.();
  }
  watch.finish();
  await flush();
  stream.end();
  await once(stream, 'finish');
  const monitors = Object.fromEntries([...watch.watching].sort());
  const watched = Object.values(monitors).filter((w) => w.by !== 'none').length;
  return { ...counts, monitors, units: watched, carry: watch.carry() };
}
