/** "DTN: Train Classifier" and "DTN: Run Ablation…": `dtn train-classifier` and `dtn ablate` from the editor. */
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as vscode from 'vscode';
import { PRESETS, isPresetName } from '../../shared/presets';
import { configReady } from '../configs/configCommands';
import { newRunId } from '../../shared/node/runFiles';
import { DEFAULT_ABLATION_ROOT } from '../../shared/node/runLayout';
import { backendSetting, threadsSetting } from '../settings';
import { ablateLaunch, trainClassifierLaunch } from './trainerLaunch';
import type { TrainerLog } from './trainerLog';
import { launchContext, reportTaskFailure, runTrainerTask, type Describe } from './trainerTask';
import { pickTarget, targetFromArg, type ChosenTarget } from './trainingTargets';

export async function trainClassifier(extensionUri: vscode.Uri, log: TrainerLog, arg: unknown): Promise<void> {
  const chosen = targetFromArg(arg) ?? (await pickTarget('DTN: Train Classifier'));
  if (!chosen || !(await configReady(chosen.target, 'training the classifier', log))) return;
  const launch = trainClassifierLaunch(launchContext(extensionUri, chosen.cwd), {
    target: chosen.target,
    backend: backendSetting(),
    threads: threadsSetting(),
  });
  const what = `training the classifier for ${chosen.label}`;
  const outcome = await runTrainerTask(log, launch, { title: `DTN: ${what}` });
  if (!outcome.ok) return reportTaskFailure(log, what, outcome, chosen.target);
  // The trainer's last status says where the classifier went and how accurate it is.
  void vscode.window.showInformationMessage(`DTN: ${outcome.lastStatus ?? `classifier trained for ${chosen.label}`}.`);
}

/** The steps the config trains for: a sensible default for every variant. */
function configSteps(chosen: ChosenTarget): number | undefined {
  const t = chosen.target;
  if (t.kind === 'preset') return isPresetName(t.preset) ? PRESETS[t.preset].train.steps : undefined;
  try {
    const raw = JSON.parse(fs.readFileSync(t.file, 'utf8')) as { train?: { steps?: unknown }; extends?: unknown };
    if (typeof raw.train?.steps === 'number') return raw.train.steps;
    return typeof raw.extends === 'string' && isPresetName(raw.extends) ? PRESETS[raw.extends].train.steps : undefined;
  } catch {
    return undefined;
  }
}

/** "variant no-tid (without L_TID)" from `dtn ablate`, then each variant's training steps. */
function ablationProgress(): Describe {
  let variant = '';
  return (m) => {
    if (m.type === 'status' && m.phase === 'ablate') return (variant = m.message);
    if (m.type === 'metrics') return `${variant}: step ${m.record.step}/${m.totalSteps}`;
    return undefined;
  };
}

export async function runAblation(extensionUri: vscode.Uri, log: TrainerLog, arg: unknown): Promise<void> {
  const chosen = targetFromArg(arg) ?? (await pickTarget('DTN: Run Ablation'));
  if (!chosen || !(await configReady(chosen.target, 'the ablation', log))) return;
  const input = await vscode.window.showInputBox({
    title: `DTN: Run Ablation of ${chosen.label}`,
    prompt: 'Training steps for each variant (the full DTN, then without L_TID, L_CONST, L_GANG + L_D, L_CONST + L_TID)',
    value: String(configSteps(chosen) ?? 2000),
    validateInput: (v) => (/^[1-9]\d*$/.test(v.trim()) ? undefined : 'A positive whole number of steps'),
  });
  if (!input) return;
  const out = path.resolve(chosen.cwd, DEFAULT_ABLATION_ROOT, newRunId(chosen.runName));
  const ctx = launchContext(extensionUri, chosen.cwd);
  const launch = ablateLaunch(ctx, {
    target: chosen.target,
    steps: Number(input.trim()),
    out,
    backend: backendSetting(),
    threads: threadsSetting(),
  });
  const what = `the ablation of ${chosen.label}`;
  const outcome = await runTrainerTask(log, launch, { title: `DTN: ${what}`, describe: ablationProgress() });
  void vscode.commands.executeCommand('dtn.refreshRuns');
  if (!outcome.ok) return reportTaskFailure(log, what, outcome, chosen.target);
  await vscode.commands.executeCommand('dtn.openAblation', out);
}
