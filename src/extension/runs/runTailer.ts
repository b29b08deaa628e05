/**
 * Follows a run folder on disk, the single source of truth: metrics.jsonl is read incrementally
 * (by byte offset, holding back a torn last line), samples/ and run.json are re-listed when they
 * change. Works the same for a run this window trains (the trainer's messages `poke` it so panels
 * update at once) and for a CLI run written by another process.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { MetricsRecord } from '../../shared/protocol';
import { RUN_FILES } from '../../shared/node/runLayout';
import { listSampleFiles, parseMetricsLines, readRunInfoFile, runState, type RunInfoFile, type StepFile } from '../../shared/node/runFiles';
import { Emitter } from '../util/emitter';

export type TailEvent =
  /** metrics.jsonl shrank (a resume dropped records after its checkpoint): the whole history again. */
  | { kind: 'reset'; records: MetricsRecord[] }
  | { kind: 'records'; records: MetricsRecord[] }
  | { kind: 'samples'; samples: StepFile[] }
  | { kind: 'info'; info: RunInfoFile | undefined };

export class RunTailer {
  private readonly emitter = new Emitter<TailEvent>();
  readonly onEvent = this.emitter.event;
  private offset = 0;
  private partial = '';
  private records: MetricsRecord[] = [];
  private samples: StepFile[] = [];
  private info: RunInfoFile | undefined;
  private infoStamp = '';
  private samplesStamp = '';
  private timer: ReturnType<typeof setInterval> | undefined;
  private polling = false;

  constructor(
    readonly runDir: string,
    private readonly pollMs = 1000,
  ) {
    this.readAll();
  }

  /** Everything known now (what a panel shows first). */
  snapshot(): { records: MetricsRecord[]; samples: StepFile[]; info: RunInfoFile | undefined } {
    return { records: [...this.records], samples: [...this.samples], info: this.info };
  }

  start(): void {
    this.timer ??= setInterval(() => this.poll(), this.pollMs);
  }

  /** Reads now (the trainer just said it wrote something). */
  poke(): void {
    this.poll();
  }

  private readAll(): void {
    this.offset = 0;
    this.partial = '';
    this.records = [];
    this.readMetrics();
    this.samples = listSampleFiles(this.runDir);
    this.samplesStamp = this.samples.map((s) => s.step).join(',');
    this.info = readRunInfoFile(this.runDir);
    this.infoStamp = this.stampOf(this.info);
  }

  /** Appends new complete lines; returns the records they held, or 'reset' when the file shrank. */
  private readMetrics(): MetricsRecord[] | 'reset' {
    const file = path.join(this.runDir, RUN_FILES.metrics);
    let size: number;
    try {
      size = fs.statSync(file).size;
    } catch {
      return [];
    }
    if (size < this.offset) return 'reset';
    if (size === this.offset) return [];
    const fd = fs.openSync(file, 'r');
    try {
      const buf = Buffer.alloc(size - this.offset);
      fs.readSync(fd, buf, 0, buf.length, this.offset);
      this.offset = size;
      const text = this.partial + buf.toString('utf8');
      const cut = text.lastIndexOf('\n');
      this.partial = text.slice(cut + 1);
      const fresh = parseMetricsLines(text.slice(0, cut + 1));
      this.records.push(...fresh);
      return fresh;
    } finally {
      fs.closeSync(fd);
    }
  }

  private poll(): void {
    if (this.polling) return;
    this.polling = true;
    try {
      const fresh = this.readMetrics();
      if (fresh === 'reset') {
        this.readAll();
        this.emitter.fire({ kind: 'reset', records: [...this.records] });
        this.emitter.fire({ kind: 'samples', samples: [...this.samples] });
      } else if (fresh.length > 0) {
        this.emitter.fire({ kind: 'records', records: fresh });
      }
      const samples = listSampleFiles(this.runDir);
      const stamp = samples.map((s) => s.step).join(',');
      if (stamp !== this.samplesStamp) {
        this.samplesStamp = stamp;
        this.samples = samples;
        this.emitter.fire({ kind: 'samples', samples: [...samples] });
      }
      const info = readRunInfoFile(this.runDir);
      const infoStamp = this.stampOf(info);
      if (infoStamp !== this.infoStamp) {
        this.infoStamp = infoStamp;
        this.info = info;
        this.emitter.fire({ kind: 'info', info });
      }
    } catch (err) {
      console.error('[dtn] reading run folder failed', err);
    } finally {
      this.polling = false;
    }
  }

  /** run.json and whether its trainer lives: a SIGKILLed trainer changes no file, only the latter. */
  private stampOf(info: RunInfoFile | undefined): string {
    return JSON.stringify([info, runState(this.runDir, info).status]);
  }

  dispose(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = undefined;
    this.emitter.dispose();
  }
}
