/**
 * The Runs view's checkpoint actions: Evaluate, Open Samples at This Step, Resume From Here, Reveal,
 * Copy Path and Delete. Each takes the checkpoint's tree node (their palette entries are hidden).
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as vscode from 'vscode';
import { evalReportPath } from '../../shared/node/runLayout';
import { DashboardPanel } from '../panels/dashboardPanel';
import type { PanelHost } from '../panels/runPanel';
import { SamplesPanel } from '../panels/samplesPanel';
import { vetCheckpointDeletion } from '../runs/checkpointDeletion';
import { backendSetting } from '../settings';
import { evaluateCheckpoint } from '../trainer/checkpointEval';
import type { TrainerLog } from '../trainer/trainerLog';
import { launchContext } from '../trainer/trainerTask';
import { workspaceDirFor } from '../trainer/trainingTargets';
import type { RunsNode } from './runsTree';

type CheckpointNode = Extract<RunsNode, { kind: 'checkpoint' }>;

export interface CheckpointCommandDeps {
  extensionUri: vscode.Uri;
  host: PanelHost;
  log: TrainerLog;
  /** The run folder this window's trainer writes, if any. */
  liveRunDir: () => string | undefined;
  refreshRuns: () => void;
}

export function checkpointCommands(deps: CheckpointCommandDeps): Record<string, (...args: unknown[]) => unknown> {
  const withNode =
    (fn: (node: CheckpointNode) => unknown) =>
    (arg: unknown): unknown => {
      const node = arg as RunsNode | undefined;
      if (node?.kind === 'checkpoint') return fn(node);
      return void vscode.window.showErrorMessage('DTN: pick a checkpoint in the Runs view (expand a run).');
    };
  return {
    'dtn.openSamplesAtStep': withNode((n) => void SamplesPanel.show(deps.host, n.runDir, undefined, n.step)),
    'dtn.resumeFromHere': withNode((n) => vscode.commands.executeCommand('dtn.resumeTraining', n)),
    'dtn.evaluateCheckpoint': withNode((n) => evaluate(deps, n)),
    'dtn.revealCheckpoint': withNode((n) => {
      const uri = vscode.Uri.file(n.path);
      // The Explorer only shows workspace files; anything else opens in the OS file manager.
      return vscode.commands.executeCommand(vscode.workspace.getWorkspaceFolder(uri) ? 'revealInExplorer' : 'revealFileInOS', uri);
    }),
    'dtn.copyCheckpointPath': withNode(async (n) => {
      await vscode.env.clipboard.writeText(n.path);
      vscode.window.setStatusBarMessage(`DTN: copied ${n.path}`, 4000);
    }),
    'dtn.deleteCheckpoint': withNode((n) => remove(deps, n)),
  };
}

async function evaluate(deps: CheckpointCommandDeps, n: CheckpointNode): Promise<void> {
  const cwd = workspaceDirFor(n.path) ?? n.runDir;
  const outcome = await evaluateCheckpoint(launchContext(deps.extensionUri, cwd), n, backendSetting(), deps.log);
  deps.refreshRuns();
  if (DashboardPanel.current?.shownRun === path.resolve(n.runDir)) DashboardPanel.current.refreshRun();
  if (outcome.ok) {
    const { accuracy, fConstancy } = outcome.scores;
    const text = `DTN: step ${n.step}: translation accuracy ${(accuracy * 100).toFixed(1)}%, f-constancy ${fConstancy.toExponential(2)}.`;
    const pick = await vscode.window.showInformationMessage(text, 'Open Report');
    if (pick) void vscode.window.showTextDocument(vscode.Uri.file(evalReportPath(n.runDir, n.step, 'md')));
    return;
  }
  if (outcome.cancelled) return;
  const pick = await vscode.window.showErrorMessage(`DTN: evaluation of step ${n.step} failed: ${outcome.cause}`, 'Show Log');
  if (pick) deps.log.show();
}

async function remove(deps: CheckpointCommandDeps, n: CheckpointNode): Promise<void> {
  const first = vetCheckpointDeletion(n.path, deps.liveRunDir());
  if (!first.ok) return void vscode.window.showErrorMessage(`DTN: not deleted: ${first.reason}.`);
  const run = path.basename(first.runDir);
  const notes = [
    first.best ? 'It is the run’s best checkpoint.' : '',
    first.runningElsewhere
      ? 'a live trainer outside this window holds this run (its lock.json): it may still write and prune these checkpoints.'
      : '',
  ].join(' ');
  const ok = await vscode.window.showWarningMessage(
    `Delete the checkpoint at step ${first.step} of ${run}?`,
    { modal: true, detail: `${n.path}\n\n${notes}`.trim() },
    'Delete',
  );
  if (ok !== 'Delete') return;
  if (first.last) {
    const again = await vscode.window.showWarningMessage(
      `Step ${first.step} is the last checkpoint of ${run}. Delete it anyway?`,
      { modal: true, detail: 'Without a checkpoint the run can no longer be resumed, evaluated or translated with.' },
      'Delete Last Checkpoint',
    );
    if (again !== 'Delete Last Checkpoint') return;
  }
  // Checked again: a run may have started in this window while the dialogs were open.
  const now = vetCheckpointDeletion(n.path, deps.liveRunDir());
  if (!now.ok) return void vscode.window.showErrorMessage(`DTN: not deleted: ${now.reason}.`);
  fs.rmSync(path.resolve(n.path), { recursive: true, force: true });
  deps.refreshRuns();
}
