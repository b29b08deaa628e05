/**
 * The rows of the experiments table: one per run, built from what is on disk (run.json, label.json,
 * metrics.jsonl, config.json, the lock) and, for the run this window trains, the live state. The
 * builder is pure; MetricsCache keeps finished runs' metrics from being parsed again on every refresh.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { FlatConfig } from '../../shared/configDiff';
import type { MetricsRecord } from '../../shared/protocol';
import type { RunLabel } from '../../shared/runLabel';
import { readMetricsFile, type RunInfoFile, type RunState } from '../../shared/node/runFiles';
import { RUN_FILES } from '../../shared/node/runLayout';
import type { ExperimentRow } from '../../shared/webviewProtocol';
import { summarizeRun, type LiveRunState } from './liveRunState';

export interface RunRowFacts {
  runDir: string;
  info: RunInfoFile | undefined;
  records: readonly MetricsRecord[];
  label: RunLabel | undefined;
  config: FlatConfig | undefined;
  state: RunState;
  /** This window's trainer, when it runs this run. */
  live?: LiveRunState;
  now: Date;
}

export function experimentRow(f: RunRowFacts): ExperimentRow {
  const s = summarizeRun(f.runDir, f.info, f.records.at(-1)?.step, f.live, f.state, f.label);
  const evaluated = [...f.records].reverse().find((r) => r.eval);
  const started = f.info?.createdAt ? Date.parse(f.info.createdAt) : NaN;
  // A live run's clock runs to now; a finished one stopped at its last update.
  const end = s.status === 'running' ? f.now.getTime() : Date.parse(f.info?.updatedAt ?? '');
  const durationMs = Number.isFinite(started) && Number.isFinite(end) && end >= started ? end - started : undefined;
  return {
    runDir: f.runDir,
    id: path.basename(f.runDir),
    name: f.label?.name ?? path.basename(f.runDir),
    ...(f.label?.notes ? { notes: f.label.notes } : {}),
    status: s.status,
    managed: s.managed,
    lastStep: s.lastStep,
    totalSteps: s.totalSteps,
    ...(s.best ? { best: s.best } : {}),
    ...(evaluated?.eval
      ? {
          last: {
            step: evaluated.step,
            accuracy: evaluated.eval.accuracy,
            fConstancy: evaluated.eval.fConstancy,
            metric: evaluated.eval.metric ?? 'translation',
          },
        }
      : {}),
    ...(s.backend ? { backend: s.backend } : {}),
    ...(s.device ? { device: s.device } : {}),
    ...(f.info?.createdAt ? { startedAt: f.info.createdAt } : {}),
    ...(durationMs !== undefined ? { durationMs } : {}),
    ...(f.config ? { config: f.config } : {}),
  };
}

/** metrics.jsonl of runs that are not followed live, parsed again only when the file changed. */
export class MetricsCache {
  private readonly cache = new Map<string, { stamp: string; records: MetricsRecord[] }>();

  records(runDir: string): MetricsRecord[] {
    const file = path.join(runDir, RUN_FILES.metrics);
    let stamp = 'none';
    try {
      const st = fs.statSync(file);
      stamp = `${st.size}:${st.mtimeMs}`;
    } catch {
      // no metrics yet
    }
    const hit = this.cache.get(runDir);
    if (hit?.stamp === stamp) return hit.records;
    const records = stamp === 'none' ? [] : readMetricsFile(runDir);
    this.cache.set(runDir, { stamp, records });
    return records;
  }

  /** Forgets runs no longer listed. */
  keepOnly(runDirs: Iterable<string>): void {
    const keep = new Set(runDirs);
    for (const k of this.cache.keys()) if (!keep.has(k)) this.cache.delete(k);
  }
}
