/** Which config a command means: from its argument (explorer, tree, a follow-up button) or a quick pick. */
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as vscode from 'vscode';
import { PRESET_DETAILS, PRESET_NAMES, PRESETS, isPresetName } from '../../shared/presets';
import type { TrainTarget } from './trainerLaunch';

export interface ChosenTarget {
  target: Exclude<TrainTarget, { kind: 'resume' }>;
  label: string;
  /** Working directory of the trainer: the workspace folder, so .dtn/ lands there. */
  cwd: string;
  /** Name used in the run folder's id. */
  runName: string;
}

type Pickable = vscode.QuickPickItem & { chosen?: ChosenTarget; preset?: string };

export function workspaceDirFor(file?: string): string | undefined {
  const folder = file ? vscode.workspace.getWorkspaceFolder(vscode.Uri.file(file)) : undefined;
  return folder?.uri.fsPath ?? vscode.workspace.workspaceFolders?.[0]?.uri.fsPath ?? (file ? path.dirname(file) : undefined);
}

function configTarget(file: string): ChosenTarget {
  let name = path.basename(file).replace(/\.dtn\.json$/, '');
  try {
    const raw = JSON.parse(fs.readFileSync(file, 'utf8')) as { name?: unknown };
    if (typeof raw.name === 'string' && raw.name) name = raw.name;
  } catch {
    // the trainer reports a broken file with the offending fields; let it
  }
  return { target: { kind: 'config', file }, label: path.basename(file), cwd: workspaceDirFor(file)!, runName: name };
}

function presetTarget(preset: string): ChosenTarget | undefined {
  const cwd = workspaceDirFor();
  if (!cwd) {
    void vscode.window.showErrorMessage('DTN: open a folder first. Runs and encoders are written under .dtn/ in the workspace folder.');
    return undefined;
  }
  return { target: { kind: 'preset', preset }, label: `preset ${preset}`, cwd, runName: preset };
}

/** Accepts a Uri (explorer), a tree node ({kind:'config', uri} / {kind:'preset'}) or a TrainTarget. */
export function targetFromArg(arg: unknown): ChosenTarget | undefined {
  if (arg instanceof vscode.Uri) return configTarget(arg.fsPath);
  const a = arg as { kind?: unknown; uri?: unknown; file?: unknown; preset?: unknown } | undefined;
  if (a?.kind === 'config' && a.uri instanceof vscode.Uri) return configTarget(a.uri.fsPath);
  if (a?.kind === 'config' && typeof a.file === 'string') return configTarget(a.file);
  if (a?.kind === 'preset' && typeof a.preset === 'string' && isPresetName(a.preset)) return presetTarget(a.preset);
  return undefined;
}

export async function pickTarget(title: string): Promise<ChosenTarget | undefined> {
  const files = await vscode.workspace.findFiles('**/*.dtn.json', '**/{node_modules,.git,.dtn}/**', 200);
  const items: Pickable[] = [];
  if (files.length) items.push({ label: 'Configs in this workspace', kind: vscode.QuickPickItemKind.Separator });
  for (const f of files.sort((a, b) => a.fsPath.localeCompare(b.fsPath))) {
    items.push({
      label: `$(settings) ${path.basename(f.fsPath)}`,
      description: vscode.workspace.asRelativePath(path.dirname(f.fsPath)),
      chosen: configTarget(f.fsPath),
    });
  }
  items.push({ label: 'Built-in presets', kind: vscode.QuickPickItemKind.Separator });
  for (const p of PRESET_NAMES) {
    const t = PRESETS[p].train;
    const detail = PRESET_DETAILS[p];
    items.push({ label: `$(package) ${p}`, description: `${t.steps} steps, batch ${t.batchSize}`, detail, preset: p });
  }
  const pick = await vscode.window.showQuickPick(items, {
    title,
    placeHolder: 'A *.dtn.json config or a built-in preset',
    matchOnDescription: true,
  });
  if (!pick) return undefined;
  return pick.chosen ?? (pick.preset ? presetTarget(pick.preset) : undefined);
}
