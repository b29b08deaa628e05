/**
 * What a checkpoint row of the Runs view says: step, when it was written, its size, its scores
 * (a `dtn eval` report, else the evaluation training logged at that step) and whether it is the
 * run's best. Free of vscode so it is unit-tested; runsTree.ts turns it into a TreeItem.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { readEvalReport } from '../../shared/node/evalReports';
import type { RunInfoFile, StepFile } from '../../shared/node/runFiles';
import { TENSOR_MANIFEST } from '../../shared/node/runLayout';
import type { EvalSummary, MetricsRecord } from '../../shared/protocol';

export interface CheckpointFacts {
  step: number;
  path: string;
  /** When the manifest (written last) was: the moment the checkpoint became complete. */
  time?: Date;
  bytes: number;
  best: boolean;
  /** `report`: DTN: Evaluate (`dtn eval`); `training`: the periodic evaluation in metrics.jsonl. */
  scores?: EvalSummary & { from: 'report' | 'training' };
}

export function checkpointFacts(
  runDir: string,
  ckpt: StepFile,
  info?: RunInfoFile,
  records: readonly MetricsRecord[] = [],
): CheckpointFacts {
  const report = readEvalReport(runDir, ckpt.step);
  const logged = records.find((r) => r.step === ckpt.step)?.eval;
  const scores = report ? { ...report, from: 'report' as const } : logged ? { ...logged, from: 'training' as const } : undefined;
  return {
    step: ckpt.step,
    path: ckpt.path,
    time: mtime(path.join(ckpt.path, TENSOR_MANIFEST)),
    bytes: folderBytes(ckpt.path),
    best: info?.best?.step === ckpt.step,
    scores,
  };
}

export interface CheckpointText {
  label: string;
  description: string;
  /** Markdown. */
  tooltip: string;
  icon: 'star-full' | 'save';
  /** Menus match /^dtnCheckpoint/; the best one is also told apart. */
  contextValue: 'dtnCheckpoint' | 'dtnCheckpointBest';
}

export function describeCheckpoint(f: CheckpointFacts, now = new Date()): CheckpointText {
  const score = f.scores && `${pct(f.scores.accuracy)}${f.scores.from === 'training' ? ' (training)' : ''}`;
  const when = f.time ? ago(now.getTime() - f.time.getTime()) : undefined;
  const description = [f.best ? 'best' : undefined, score, when, formatBytes(f.bytes)].filter(Boolean).join(' · ');
  const scores = f.scores
    ? `translation accuracy ${pct(f.scores.accuracy)} · f-constancy ${f.scores.fConstancy.toExponential(2)} ` +
      `(${f.scores.count} held-out images, ${f.scores.from === 'report' ? 'dtn eval' : 'evaluated during training'})`
    : 'not evaluated yet: DTN: Evaluate scores it';
  const tooltip = [
    `**step ${f.step}**${f.best ? ' — the run’s best checkpoint' : ''}`,
    scores,
    `${formatBytes(f.bytes)}${f.time ? ` · written ${f.time.toISOString()}` : ''}`,
    f.path,
  ].join('\n\n');
  return {
    label: `step ${f.step}`,
    description,
    tooltip,
    icon: f.best ? 'star-full' : 'save',
    contextValue: f.best ? 'dtnCheckpointBest' : 'dtnCheckpoint',
  };
}

const pct = (v: number) => `${(v * 100).toFixed(1)}%`;

export function formatBytes(n: number): string {
  if (n < 1024) return `${n} B`;
  const units = ['KB', 'MB', 'GB'];
  let v = n / 1024;
  let i = 0;
  while (v >= 1024 && i < units.length - 1) {
    v /= 1024;
    i++;
  }
  return `${v < 10 ? v.toFixed(1) : Math.round(v)} ${units[i]}`;
}

export function ago(ms: number): string {
  const min = Math.floor(ms / 60_000);
  if (min < 1) return 'just now';
  if (min < 60) return `${min} min ago`;
  const h = Math.floor(min / 60);
  return h < 48 ? `${h} h ago` : `${Math.floor(h / 24)} d ago`;
}

function mtime(file: string): Date | undefined {
  try {
    return fs.statSync(file).mtime;
  } catch {
    return undefined;
  }
}

/** Sum of the sizes of the folder's files (a checkpoint is flat: manifest.json and tensors.bin). */
function folderBytes(dir: string): number {
  let sum = 0;
  for (const name of safeList(dir)) {
    try {
      const s = fs.statSync(path.join(dir, name));
      if (s.isFile()) sum += s.size;
    } catch {
      // removed meanwhile (pruned)
    }
  }
  return sum;
}

function safeList(dir: string): string[] {
  try {
    return fs.readdirSync(dir);
  } catch {
    return [];
  }
}
