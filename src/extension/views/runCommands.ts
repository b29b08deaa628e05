/**
 * The Runs view's run actions that change a run folder: Rename…, Edit Notes… (label.json, also while
 * the run trains) and Delete… (the whole run: only a finished run of ours inside a run root, see
 * runs/runDeletion.ts). Each takes a tree node, a run folder path, or (Delete) a selection of them.
 */
import * as path from 'node:path';
import * as vscode from 'vscode';
import { messageOf } from '../../shared/errors';
import { isRunDir } from '../../shared/node/runFiles';
import { readRunLabel, runDisplayName, updateRunLabel } from '../../shared/node/runLabelFile';
import { runNameProblem, runNotesProblem } from '../../shared/runLabel';
import { deleteRun, vetRunDeletion } from '../runs/runDeletion';

export interface RunCommandDeps {
  /** Run folders named by a command's arguments (a node, a path, a multi-selection). */
  runDirsFrom(arg: unknown, selection: unknown): string[];
  /** The run roots of the open workspace folders: the only places runs are deleted from. */
  runRoots(): string[];
  /** The run folder this window's trainer writes, if any. */
  liveRunDir(): string | undefined;
  /** A run's name, notes or existence changed: the tree and the panels show it again. */
  runsChanged(): void;
}

export function runCommands(deps: RunCommandDeps): Record<string, (...args: unknown[]) => unknown> {
  const oneRun = (arg: unknown): string | undefined => {
    const [runDir] = deps.runDirsFrom(arg, undefined);
    if (runDir && isRunDir(runDir)) return runDir;
    void vscode.window.showErrorMessage('DTN: pick a run in the Runs view or the experiments table.');
    return undefined;
  };
  return {
    'dtn.renameRun': async (arg) => {
      const runDir = oneRun(arg);
      if (!runDir) return;
      const name = await vscode.window.showInputBox({
        title: `DTN: Rename ${runDisplayName(runDir)}`,
        prompt: `The run's name (its folder keeps the id ${path.basename(runDir)})`,
        value: runDisplayName(runDir),
        validateInput: (v) => runNameProblem(v),
      });
      if (name === undefined) return;
      write(deps, runDir, { name: name.trim() });
    },
    'dtn.editRunNotes': async (arg) => {
      const runDir = oneRun(arg);
      if (!runDir) return;
      const notes = await vscode.window.showInputBox({
        title: `DTN: Notes on ${runDisplayName(runDir)}`,
        prompt: 'What the run tries, what came of it (empty: no notes)',
        value: readRunLabel(runDir)?.notes ?? '',
        validateInput: (v) => runNotesProblem(v),
      });
      if (notes === undefined) return;
      write(deps, runDir, { notes: notes.trim() });
    },
    'dtn.deleteRun': (arg, selection) => remove(deps, deps.runDirsFrom(arg, selection)),
  };
}

function write(deps: RunCommandDeps, runDir: string, change: { name?: string; notes?: string }): void {
  try {
    updateRunLabel(runDir, change);
  } catch (err) {
    void vscode.window.showErrorMessage(`DTN: ${messageOf(err)}`);
    return;
  }
  deps.runsChanged();
}

async function remove(deps: RunCommandDeps, dirs: string[]): Promise<void> {
  const verdicts = dirs.map((d) => vetRunDeletion(d, deps.runRoots(), deps.liveRunDir()));
  const refused = verdicts.filter((v) => !v.ok);
  const ok = verdicts.filter((v) => v.ok);
  if (ok.length === 0) {
    const why = refused.map((v) => (v.ok ? '' : v.reason)).join('; ');
    return void vscode.window.showErrorMessage(`DTN: not deleted: ${why || 'no run picked'}.`);
  }
  const names = ok.map((v) => (v.ok ? v.name : ''));
  const detail = [
    ...ok.map((v) => v.runDir),
    ...(refused.length ? ['', `Not deleted: ${refused.map((v) => (v.ok ? '' : v.reason)).join('; ')}.`] : []),
    '',
    'Its checkpoints, samples, metrics and evaluations go; this cannot be undone.',
  ].join('\n');
  const title = ok.length === 1 ? `Delete the run ${names[0]}?` : `Delete ${ok.length} runs (${names.join(', ')})?`;
  const pick = await vscode.window.showWarningMessage(title, { modal: true, detail }, 'Delete');
  if (pick !== 'Delete') return;
  const failed: string[] = [];
  // Checked again inside deleteRun, under each run's lock: a trainer may have started meanwhile.
  for (const v of ok) {
    try {
      deleteRun(v.runDir, deps.runRoots(), deps.liveRunDir());
    } catch (err) {
      failed.push(messageOf(err));
    }
  }
  deps.runsChanged();
  if (failed.length) void vscode.window.showErrorMessage(`DTN: ${failed.join('; ')}`);
}
