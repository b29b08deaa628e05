/**
 * "DTN: Export Model…": `dtn export` for a checkpoint (Runs tree), a run (its newest checkpoint) or
 * a folder picked from the palette, into a folder the user names; then Reveal / Open MODEL.md.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as vscode from 'vscode';
import { TENSOR_MANIFEST } from '../../shared/node/runLayout';
import { runRoot } from '../settings';
import { exportLaunch } from '../trainer/trainerLaunch';
import type { TrainerLog } from '../trainer/trainerLog';
import { launchContext, reportTaskFailure, runTrainerTask } from '../trainer/trainerTask';
import { workspaceDirFor } from '../trainer/trainingTargets';

const EXPORT_KIND = 'dtn-export';

/** The checkpoint or run folder named by a Runs-tree node ({kind:'checkpoint', path} / {kind:'run', runDir}) or a path. */
export function exportSourceFromArg(arg: unknown): string | undefined {
  if (typeof arg === 'string') return arg;
  if (arg instanceof vscode.Uri) return arg.fsPath;
  const node = arg as { kind?: unknown; path?: unknown; runDir?: unknown } | undefined;
  if (node?.kind === 'checkpoint' && typeof node.path === 'string') return node.path;
  if (node?.kind === 'run' && typeof node.runDir === 'string') return node.runDir;
  return undefined;
}

/** What `dir` holds for the export's purpose: nothing, an earlier export, or something else. */
export function destinationKind(dir: string): 'absent' | 'empty' | 'export' | 'other' {
  if (!fs.existsSync(dir)) return 'absent';
  try {
    if (fs.statSync(dir).isDirectory() && fs.readdirSync(dir).length === 0) return 'empty';
    const manifest = JSON.parse(fs.readFileSync(path.join(dir, TENSOR_MANIFEST), 'utf8')) as { kind?: unknown };
    return manifest.kind === EXPORT_KIND ? 'export' : 'other';
  } catch {
    return 'other';
  }
}

/** `<run>-step-XXXXXXXX` for a checkpoint, `<run>` for a run folder. */
function exportName(source: string): string {
  const parent = path.dirname(source);
  return path.basename(parent) === 'checkpoints'
    ? `${path.basename(path.dirname(parent))}-${path.basename(source)}`
    : path.basename(source);
}

async function pickSource(): Promise<string | undefined> {
  const folder = vscode.workspace.workspaceFolders?.[0]?.uri.fsPath;
  const picked = await vscode.window.showOpenDialog({
    canSelectFolders: true,
    canSelectFiles: false,
    openLabel: 'Export',
    title: 'DTN: Export Model… (a checkpoint folder, or a run folder for its newest checkpoint)',
    defaultUri: folder ? vscode.Uri.file(runRoot(folder)) : undefined,
  });
  return picked?.[0]?.fsPath;
}

export async function exportCheckpoint(extensionUri: vscode.Uri, log: TrainerLog, arg: unknown): Promise<void> {
  const source = exportSourceFromArg(arg) ?? (await pickSource());
  if (!source) return;
  const cwd = workspaceDirFor(source) ?? path.dirname(source);
  const picked = await vscode.window.showSaveDialog({
    title: 'DTN: Export Model to… (a new folder; an earlier export there is replaced)',
    saveLabel: 'Export Here',
    defaultUri: vscode.Uri.file(path.join(cwd, 'exports', exportName(source))),
  });
  if (!picked) return;
  const out = picked.fsPath;
  let force = false;
  if (destinationKind(out) === 'other') {
    const replace = await vscode.window.showWarningMessage(
      `${out} exists and is not a DTN export. Replace it and everything in it?`,
      { modal: true },
      'Replace',
    );
    if (replace !== 'Replace') return;
    force = true;
  }
  const launch = exportLaunch(launchContext(extensionUri, cwd), { checkpoint: source, out, force });
  const what = `export of ${exportName(source)}`;
  const outcome = await runTrainerTask(log, launch, { title: `DTN: ${what}` });
  if (!outcome.ok) return reportTaskFailure(log, what, outcome);
  const pick = await vscode.window.showInformationMessage(`DTN: exported ${exportName(source)} to ${out}.`, 'Reveal', 'Open MODEL.md');
  if (pick === 'Reveal') void vscode.commands.executeCommand('revealFileInOS', vscode.Uri.file(out));
  if (pick === 'Open MODEL.md') void vscode.window.showTextDocument(vscode.Uri.file(path.join(out, 'MODEL.md')));
}
