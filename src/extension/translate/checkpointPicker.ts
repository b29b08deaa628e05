/** The quick pick behind "Choose Checkpoint for Translation…": a run (newest first), then one of its checkpoints. */
import * as path from 'node:path';
import * as vscode from 'vscode';
import { readRunInfoFile } from '../../shared/node/runFiles';
import { bestCheckpointOf } from '../../shared/node/runFiles';
import { runCheckpoints, type CheckpointInfo } from './checkpointChoice';

const pct = (a: number | undefined) => (a === undefined ? undefined : `${(100 * a).toFixed(1)}%`);

export async function pickCheckpoint(runDirs: string[], current?: string): Promise<CheckpointInfo | undefined> {
  const runs = runDirs.map((runDir) => ({ runDir, checkpoints: runCheckpoints(runDir) })).filter((r) => r.checkpoints.length > 0);
  if (runs.length === 0) {
    void vscode.window.showInformationMessage('DTN: no run has a checkpoint yet. Train one first (DTN: Start Training).');
    return undefined;
  }
  const run = await vscode.window.showQuickPick(
    runs.map((r) => {
      const best = Math.max(...r.checkpoints.map((c) => c.accuracy ?? -1));
      const info = readRunInfoFile(r.runDir);
      const parts = [
        `${r.checkpoints.length} checkpoint${r.checkpoints.length === 1 ? '' : 's'}`,
        info?.status,
        pct(best >= 0 ? best : undefined),
      ];
      return { label: r.checkpoints[0].runId, description: parts.filter(Boolean).join(' · '), detail: r.runDir, run: r };
    }),
    { title: 'DTN: Choose Checkpoint for Translation (1/2): run', placeHolder: 'Runs, newest first' },
  );
  if (!run) return undefined;
  const best = bestCheckpointOf(run.run.runDir)?.path;
  const same = (a?: string, b?: string) => Boolean(a && b && path.resolve(a) === path.resolve(b));
  const pick = await vscode.window.showQuickPick(
    run.run.checkpoints.map((c) => ({
      label: `${same(c.path, current) ? '$(check) ' : ''}step ${c.step}`,
      description: [
        c.accuracy === undefined ? 'accuracy not evaluated' : `accuracy ${pct(c.accuracy)}`,
        same(c.path, best) ? 'best' : undefined,
        c.time ? new Date(c.time).toLocaleString() : undefined,
      ]
        .filter(Boolean)
        .join(' · '),
      checkpoint: c,
    })),
    { title: `DTN: Choose Checkpoint for Translation (2/2): ${run.label}`, placeHolder: 'Checkpoints, newest first' },
  );
  return pick?.checkpoint;
}
