/** Reading and writing a run directory (layout in src/shared/node/runLayout). */
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { MetricsRecord } from '../../shared/protocol';
import { readMetricsFile } from '../../shared/node/runFiles';
import { RUN_FILES, type RunInfo } from '../../shared/node/runLayout';
import { writeFileAtomic } from './sampleGrid';

export { newRunId } from '../../shared/node/runFiles';

export function writeJson(runDir: string, name: string, value: unknown): void {
  writeFileAtomic(path.join(runDir, name), `${JSON.stringify(value, null, 2)}\n`);
}

export function readRunInfo(runDir: string): RunInfo | undefined {
  const file = path.join(runDir, RUN_FILES.run);
  return fs.existsSync(file) ? (JSON.parse(fs.readFileSync(file, 'utf8')) as RunInfo) : undefined;
}

export function appendMetrics(runDir: string, record: MetricsRecord): void {
  fs.appendFileSync(path.join(runDir, RUN_FILES.metrics), `${JSON.stringify(record)}\n`);
}

/** metrics.jsonl, skipping a torn last line (the process died mid-write) and malformed lines. */
export const readMetrics = readMetricsFile;

/**
 * On resume from step N, records after N describe steps that will be trained again: drop them so
 * metrics.jsonl reads as one uninterrupted run.
 */
export function truncateMetricsAfter(runDir: string, step: number): void {
  const file = path.join(runDir, RUN_FILES.metrics);
  if (!fs.existsSync(file)) return;
  const kept = readMetrics(runDir).filter((r) => r.step <= step);
  writeFileAtomic(file, kept.map((r) => `${JSON.stringify(r)}\n`).join(''));
}
