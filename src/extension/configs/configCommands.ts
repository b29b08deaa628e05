/**
 * "New Config…", "Duplicate Config…" and the check every launch from a config runs first: a config
 * with problems is refused, its problems listed once in the log and placed in the notification.
 */
import * as path from 'node:path';
import * as vscode from 'vscode';
import { parseConfig } from '../../shared/config';
import { PRESET_DETAILS, PRESET_NAMES, PRESETS, type PresetName } from '../../shared/presets';
import type { TrainTarget } from '../trainer/trainerLaunch';
import type { TrainerLog } from '../trainer/trainerLog';
import {
  CONFIG_SUFFIX,
  ConfigFileError,
  configFileFor,
  configNameProblem,
  duplicateConfig,
  freeConfigName,
  newConfigText,
  writeNewConfig,
} from './configFiles';
import { preflightConfigFile, refusalLog, refusalMessage } from './configPreflight';

const GO_TO_PROBLEM = 'Go to Problem';
const SHOW_LOG = 'Show Log';

/**
 * True when `target` may be launched: presets and resumes always (a resume reads the run's own
 * config), a config file once it passes the trainer's check. An open, unsaved config is saved first:
 * the trainer reads the file.
 */
export async function configReady(target: TrainTarget, what: string, log: TrainerLog): Promise<boolean> {
  if (target.kind !== 'config') return true;
  const open = vscode.workspace.textDocuments.find((d) => d.uri.fsPath === path.resolve(target.file));
  if (open?.isDirty) await open.save();
  const r = preflightConfigFile(target.file);
  if (r.ok) return true;
  log.error(refusalLog(target.file, r.problems, what));
  const actions = [GO_TO_PROBLEM, ...(r.problems.length > 3 ? [SHOW_LOG] : [])];
  const pick = await vscode.window.showErrorMessage(`DTN: ${refusalMessage(target.file, r.problems, what)}`, ...actions);
  if (pick === SHOW_LOG) log.show();
  if (pick === GO_TO_PROBLEM) {
    const at = new vscode.Position(r.problems[0].line - 1, r.problems[0].column - 1);
    await vscode.window.showTextDocument(vscode.Uri.file(target.file), { selection: new vscode.Range(at, at) });
  }
  return false;
}

async function folderForNewConfig(): Promise<string | undefined> {
  const folders = vscode.workspace.workspaceFolders ?? [];
  if (folders.length === 0) {
    void vscode.window.showErrorMessage('DTN: open a folder first. A config, its runs and its encoder live in the workspace folder.');
    return undefined;
  }
  if (folders.length === 1) return folders[0].uri.fsPath;
  return (await vscode.window.showWorkspaceFolderPick({ placeHolder: 'Folder for the new config' }))?.uri.fsPath;
}

async function askName(title: string, dir: string, suggested: string): Promise<string | undefined> {
  const name = await vscode.window.showInputBox({
    title,
    prompt: `The config's name: it names the file (<name>${CONFIG_SUFFIX}), its run folders and its encoder folder.`,
    value: suggested,
    validateInput: (v) => configNameProblem(v.trim(), dir),
  });
  return name?.trim() || undefined;
}

/** What a config from this preset needs before Start Training works, said when it is created. */
function nextStep(preset: PresetName): { text: string; action?: string } {
  if (parseConfig(PRESETS[preset]).architecture.kind === 'digits')
    return {
      text: 'Its encoder f must be pretrained before training (a few minutes for the -quick preset).',
      action: 'Pretrain Encoder f',
    };
  if (preset === 'faces-emoji') return { text: 'Put face photos in faces/ beside it (sub-folders: one per person) before training.' };
  return { text: "It uses a published f and the face package's demo photos: ready to train." };
}

export async function newConfig(): Promise<void> {
  const dir = await folderForNewConfig();
  if (!dir) return;
  const picked = await vscode.window.showQuickPick(
    PRESET_NAMES.map((p) => ({
      label: p,
      description: `${PRESETS[p].train.steps} steps, batch ${PRESETS[p].train.batchSize}`,
      detail: PRESET_DETAILS[p],
      preset: p,
    })),
    { title: 'DTN: New Config (1/2): start from a preset', placeHolder: 'The new config extends it; override any field in the file' },
  );
  if (!picked) return;
  const name = await askName('DTN: New Config (2/2): name', dir, freeConfigName(dir, picked.preset));
  if (!name) return;
  const file = configFileFor(dir, name);
  try {
    writeNewConfig(file, newConfigText(picked.preset, name));
  } catch (err) {
    return void vscode.window.showErrorMessage(`DTN: ${err instanceof ConfigFileError ? err.message : String(err)}`);
  }
  await vscode.window.showTextDocument(vscode.Uri.file(file));
  void vscode.commands.executeCommand('dtn.refreshRuns');
  const next = nextStep(picked.preset);
  const pick = await vscode.window.showInformationMessage(
    `DTN: created ${name}${CONFIG_SUFFIX}. ${next.text}`,
    ...(next.action ? [next.action] : []),
  );
  if (pick && pick === next.action) void vscode.commands.executeCommand('dtn.pretrainEncoder', { kind: 'config', file });
}

/** From the Configs tree ({kind:'config', uri}) or the explorer (a Uri). */
export async function duplicateConfigCommand(arg: unknown): Promise<void> {
  const uri = arg instanceof vscode.Uri ? arg : (arg as { uri?: unknown } | undefined)?.uri;
  const from = uri instanceof vscode.Uri ? uri.fsPath : vscode.window.activeTextEditor?.document.uri.fsPath;
  if (!from?.endsWith(CONFIG_SUFFIX))
    return void vscode.window.showErrorMessage('DTN: pick a *.dtn.json config to duplicate (in the Configs view or the explorer).');
  const dir = path.dirname(from);
  const base = path.basename(from, CONFIG_SUFFIX);
  const name = await askName(`DTN: Duplicate ${path.basename(from)} as`, dir, freeConfigName(dir, `${base}-copy`));
  if (!name) return;
  try {
    const to = duplicateConfig(from, name);
    await vscode.window.showTextDocument(vscode.Uri.file(to));
    void vscode.commands.executeCommand('dtn.refreshRuns');
  } catch (err) {
    void vscode.window.showErrorMessage(
      `DTN: ${path.basename(from)} was not duplicated: ${err instanceof ConfigFileError ? err.message : String(err)}`,
    );
  }
}
