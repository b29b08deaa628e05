/**
 * DTN Studio's extension host entry: wires commands, the trainer controller, panels, tree views
 * and the status bar. No tfjs here: training runs in the bundled trainer child process.
 */
import * as path from 'node:path';
import * as vscode from 'vscode';
import { isRunDir, listRunDirs, newRunId } from '../shared/node/runFiles';
import { defaultRunName, runLabelFromArg } from '../shared/runLabel';
import { DEFAULT_ABLATION_ROOT, DEFAULT_SWEEP_ROOT } from '../shared/node/runLayout';
import { isInside } from '../shared/node/paths';
import { pickAblation, pickRunsToCompare, pickSweep } from './runs/comparePicker';
import { ComparePanel, COMPARE_VIEW_TYPE, type CompareState } from './panels/comparePanel';
import { DashboardPanel, DASHBOARD_VIEW_TYPE } from './panels/dashboardPanel';
import { configReady, duplicateConfigCommand, newConfig } from './configs/configCommands';
import { ExperimentsPanel, EXPERIMENTS_VIEW_TYPE } from './panels/experimentsPanel';
import { useEncoderAsF } from './encoders/useEncoderCommand';
import { exportCheckpoint } from './export/exportModel';
import type { PanelHost, PanelState } from './panels/runPanel';
import { SamplesPanel, SAMPLES_VIEW_TYPE } from './panels/samplesPanel';
import { childRunDirs, expandToRuns } from './runs/runCollections';
import { RunFeeds } from './runs/runFeeds';
import { stopRunByLock } from './runs/stopRun';
import { runRoot, SECTION } from './settings';
import { runAblation, trainClassifier } from './trainer/evalTasks';
import { TrainerLog } from './trainer/trainerLog';
import { askRunLabel } from './trainer/runLabelPrompt';
import { TrainingController } from './trainer/trainingController';
import { pickTarget, targetFromArg, workspaceDirFor } from './trainer/trainingTargets';
import { TranslationService } from './translate/translationService';
import { checkpointCommands } from './views/checkpointCommands';
import { runCommands } from './views/runCommands';
import { RunsTreeProvider, type RunsNode } from './views/runsTree';
import { WorkspaceTreeProvider } from './views/workspaceTree';
import { progressFacts } from './walkthrough/progressFacts';
import { guardUntrusted, RESTRICTED_MESSAGE } from './workspaceTrust';
import type { DtnStudioApi } from './api';
import { runIntegrationSuiteFromEnv } from './integrationHook';

/** The walkthrough (package.json contributes.walkthroughs): `publisher.name#id`. */
const WALKTHROUGH = 'dtn-studio.dtn-studio#dtn.gettingStarted';

let controller: TrainingController | undefined;
let translation: TranslationService | undefined;

export function activate(context: vscode.ExtensionContext): DtnStudioApi {
  const log = new TrainerLog();
  const feeds = new RunFeeds();
  const c = new TrainingController(context.extensionUri, log, feeds, (runDir) => {
    DashboardPanel.show(host, runDir);
    SamplesPanel.show(host, runDir);
  });
  controller = c;
  const translator = new TranslationService(context, log);
  translation = translator;
  const host: PanelHost = {
    extensionUri: context.extensionUri,
    feeds,
    liveFor: (runDir) => c.liveFor(runDir),
    onDidChangeLive: c.onDidChange,
    log: (text) => log.info(text),
  };
  const runsTree = new RunsTreeProvider(() => c.live?.runDir);
  const workspaceTree = new WorkspaceTreeProvider();
  const refreshRuns = debounce(() => {
    runsTree.refresh();
    ExperimentsPanel.current?.refresh();
  }, 300);
  const runRoots = (): string[] => [...new Set((vscode.workspace.workspaceFolders ?? []).map((f) => runRoot(f.uri.fsPath)))];
  /** A run was renamed, annotated or deleted (here, by hand or in another window): every view of it again. */
  const runsChanged = debounce(() => {
    refreshRuns();
    DashboardPanel.current?.refreshRun();
    SamplesPanel.current?.refreshRun();
    ComparePanel.current?.refresh();
  }, 100);
  const refreshWorkspace = debounce(() => {
    workspaceTree.refresh();
    void updateProgress();
  }, 300);
  const refreshProgress = debounce(() => void updateProgress(), 300);

  /** A run folder from a command argument: a path, a tree node, or nothing (then the obvious one). */
  const runDirFromArg = (arg: unknown): string | undefined => {
    if (typeof arg === 'string') return arg;
    if (arg instanceof vscode.Uri) return arg.fsPath;
    const node = arg as RunsNode | undefined;
    if (node && (node.kind === 'run' || node.kind === 'checkpoint')) return node.runDir;
    return c.live?.runDir ?? DashboardPanel.current?.shownRun ?? SamplesPanel.current?.shownRun ?? newestRun();
  };

  /** Folders named by a command argument: paths, URIs, tree nodes, or arrays of them (a multi-selection). */
  const dirsFromArgs = (arg: unknown, selection: unknown): string[] => {
    const one = (a: unknown): string[] => {
      if (typeof a === 'string') return [a];
      if (a instanceof vscode.Uri) return [a.fsPath];
      if (Array.isArray(a)) return a.flatMap(one);
      const node = a as RunsNode | undefined;
      if (node?.kind === 'run' || node?.kind === 'checkpoint') return [node.runDir];
      if (node?.kind === 'ablation' || node?.kind === 'sweep') return [node.dir];
      return [];
    };
    // A tree command gets (clicked node, all selected nodes); the selection wins when it holds the clicked one.
    const sel = Array.isArray(selection) ? one(selection) : [];
    return [...new Set(sel.length > 1 ? sel : one(arg))];
  };

  /** Opens the comparison of these folders: run folders, or one folder of runs (an ablation). */
  const compare = (dirs: string[], source?: string): void => {
    const runDirs = expandToRuns(dirs);
    if (runDirs.length === 0)
      return void vscode.window.showErrorMessage(
        `DTN: no run folders in ${dirs.join(', ')} (a run folder holds run.json or metrics.jsonl).`,
      );
    const folder = source ?? (dirs.length === 1 && !isRunDir(dirs[0]) ? dirs[0] : undefined);
    ComparePanel.show(host, runDirs, folder);
  };

  const commands: Record<string, (...args: unknown[]) => unknown> = {
    'dtn.startTraining': async (arg, labelArg) => {
      const chosen = targetFromArg(arg) ?? (await pickTarget('DTN: Start Training'));
      if (!chosen || !(await configReady(chosen.target, 'training', log))) return;
      // Busy: startTraining says so, without asking for a name first.
      if (c.busy) return c.startTraining(chosen.target, chosen.label, chosen.cwd, chosen.runName);
      const runId = newRunId(chosen.runName);
      const named = runLabelFromArg(labelArg) ?? (await askRunLabel(defaultRunName(chosen.runName, runId), chosen.label));
      if (named) await c.startTraining(chosen.target, chosen.label, chosen.cwd, chosen.runName, { runId, ...named });
    },
    'dtn.pretrainEncoder': async (arg) => {
      const chosen = targetFromArg(arg) ?? (await pickTarget('DTN: Pretrain Encoder f'));
      if (chosen && (await configReady(chosen.target, 'pretraining f', log))) await c.pretrain(chosen.target, chosen.label, chosen.cwd);
    },
    'dtn.newConfig': () => newConfig(),
    'dtn.duplicateConfig': (arg) => duplicateConfigCommand(arg),
    'dtn.openWalkthrough': openWalkthrough,
    'dtn.resumeTraining': async (arg) => {
      const node = arg as RunsNode | undefined;
      const from = node?.kind === 'checkpoint' ? node.path : runDirFromArg(arg);
      if (!from) return void vscode.window.showErrorMessage('DTN: pick a run or a checkpoint in the Runs view to resume.');
      await c.startTraining(
        { kind: 'resume', from },
        `resume of ${path.basename(node?.kind === 'checkpoint' ? node.runDir : from)}`,
        workspaceDirFor(from)!,
        '',
      );
    },
    'dtn.stopTraining': (arg) => {
      // A run this window does not train (a terminal run, one from before a reload): through its lock.
      const named = dirsFromArgs(arg, undefined);
      const runDir = named.length === 1 ? named[0] : undefined;
      if (runDir === undefined || c.liveFor(runDir)) return c.stop();
      const r = stopRunByLock(runDir);
      void (r.ok ? vscode.window.showInformationMessage(r.message) : vscode.window.showWarningMessage(r.message));
      refreshRuns();
    },
    'dtn.openDashboard': (arg) => void DashboardPanel.show(host, runDirFromArg(arg)),
    'dtn.openExperiments': () => void ExperimentsPanel.show(host, runRoots),
    'dtn.openSamples': (arg) => void SamplesPanel.show(host, runDirFromArg(arg)),
    'dtn.openRun': async () => {
      const folder = vscode.workspace.workspaceFolders?.[0]?.uri.fsPath;
      const picked = await vscode.window.showOpenDialog({
        canSelectFolders: true,
        canSelectFiles: false,
        canSelectMany: true,
        openLabel: 'Open Run',
        title: 'DTN: Open Run… (a run folder with run.json / metrics.jsonl; several, or an ablation folder, open a comparison)',
        defaultUri: folder ? vscode.Uri.file(runRoot(folder)) : undefined,
      });
      const dirs = picked?.map((u) => u.fsPath) ?? [];
      if (dirs.length === 0) return;
      const dir = dirs[0];
      if (dirs.length === 1 && isRunDir(dir)) {
        DashboardPanel.show(host, dir);
        SamplesPanel.show(host, dir);
        return;
      }
      // Several runs, or a folder of runs (`dtn ablate` output, a run root): compare them.
      if (dirs.length > 1 || childRunDirs(dir).length > 0) return compare(dirs);
      return void vscode.window.showErrorMessage(
        `DTN: ${dir} is not a run folder (no run.json or metrics.jsonl). ` +
          'Pick a folder the trainer wrote, e.g. .dtn/runs/<run-id>, or an ablation folder .dtn/ablations/<id>.',
      );
    },
    'dtn.compareRuns': async (arg, selection) => {
      const dirs = dirsFromArgs(arg, selection);
      // Two or more runs, or a folder of runs: compare at once. Otherwise ask, with what is shown ticked.
      if (expandToRuns(dirs).length > 1 || (dirs.length === 1 && !isRunDir(dirs[0]))) return compare(dirs);
      // From a run (the dashboard's Compare…, one run in the tree): that run; otherwise the open
      // comparison's runs (to edit the set), or the dashboard's and the live run.
      const open = ComparePanel.current?.shownRuns ?? [];
      const shown = dirs.length ? dirs : open.length ? open : [DashboardPanel.current?.shownRun, c.live?.runDir];
      const pick = await pickRunsToCompare(shown.filter((d): d is string => Boolean(d)));
      if (pick) compare(pick.runDirs, pick.source);
    },
    'dtn.openAblation': async (arg) => {
      const dir = dirsFromArgs(arg, undefined)[0] ?? (await pickAblation());
      if (dir) compare([dir], dir);
    },
    'dtn.openSweep': async (arg) => {
      const dir = dirsFromArgs(arg, undefined)[0] ?? (await pickSweep());
      if (dir) compare([dir], dir);
    },
    'dtn.exportCheckpoint': (arg) => exportCheckpoint(context.extensionUri, log, arg),
    'dtn.trainClassifier': (arg) => trainClassifier(context.extensionUri, log, arg),
    'dtn.runAblation': (arg) => runAblation(context.extensionUri, log, arg),
    'dtn.useEncoderAsF': (arg) => useEncoderAsF(arg),
    'dtn.showLog': () => log.show(),
    'dtn.refreshRuns': () => {
      refreshRuns();
      refreshWorkspace();
    },
    ...translator.commands(),
    ...runCommands({
      runDirsFrom: (arg, selection) => dirsFromArgs(arg, selection).filter((d) => isRunDir(d)),
      runRoots,
      liveRunDir: () => c.live?.runDir,
      runsChanged,
    }),
    ...checkpointCommands({ extensionUri: context.extensionUri, host, log, liveRunDir: () => c.live?.runDir, refreshRuns }),
  };
  void updateProgress();
  const guarded = guardUntrusted(commands, () => vscode.workspace.isTrusted, refuseUntrusted);
  for (const [id, fn] of Object.entries(guarded)) context.subscriptions.push(vscode.commands.registerCommand(id, fn));

  const revive = (create: (panel: vscode.WebviewPanel, runDir: string | undefined) => void): vscode.WebviewPanelSerializer<PanelState> => ({
    async deserializeWebviewPanel(panel, state) {
      const runDir = typeof state?.runDir === 'string' && isRunDir(state.runDir) ? state.runDir : undefined;
      create(panel, runDir);
    },
  });
  context.subscriptions.push(
    log,
    feeds,
    c,
    translator,
    runsTree,
    workspaceTree,
    vscode.window.registerWebviewPanelSerializer(
      DASHBOARD_VIEW_TYPE,
      revive((p, d) => DashboardPanel.revive(p, host, d)),
    ),
    vscode.window.registerWebviewPanelSerializer(
      SAMPLES_VIEW_TYPE,
      revive((p, d) => SamplesPanel.revive(p, host, d)),
    ),
    vscode.window.registerWebviewPanelSerializer(EXPERIMENTS_VIEW_TYPE, {
      async deserializeWebviewPanel(panel) {
        ExperimentsPanel.revive(panel, host, runRoots);
      },
    }),
    vscode.window.registerWebviewPanelSerializer(COMPARE_VIEW_TYPE, {
      async deserializeWebviewPanel(panel, state: unknown) {
        ComparePanel.revive(panel, host, state as CompareState | undefined);
      },
    }),
    // Multi-select: pick several runs, then "Compare Runs" from the context menu.
    vscode.window.createTreeView('dtn.runs', { treeDataProvider: runsTree, canSelectMany: true }),
    vscode.window.registerTreeDataProvider('dtn.workspace', workspaceTree),
    c.onDidChange(() => vscode.commands.executeCommand('setContext', 'dtn.trainingLive', c.busy)),
    vscode.workspace.onDidChangeConfiguration((e) => e.affectsConfiguration(`${SECTION}.runRoot`) && refreshRuns()),
    vscode.workspace.onDidChangeConfiguration((e) => e.affectsConfiguration(`${SECTION}.backend`) && void translator.restart()),
    ...watch('**/*.dtn.json', refreshWorkspace),
    ...watch('**/.dtn/encoders/*/{manifest,encoder}.json', refreshWorkspace),
    ...watch('**/.dtn/{classifiers/*/manifest.json,translations/*/*}', refreshProgress),
    ...(vscode.workspace.workspaceFolders ?? []).flatMap((f) =>
      // lock.json: a trainer in another process took or released a run.
      watch(patternUnder(f, runRoot(f.uri.fsPath), '*/{run.json,lock.json}'), () => {
        refreshRuns();
        refreshProgress();
      }),
    ),
    ...(vscode.workspace.workspaceFolders ?? []).flatMap((f) =>
      // label.json: a run renamed in another window, by `dtn train --resume --name`, or by hand.
      watch(patternUnder(f, runRoot(f.uri.fsPath), '*/label.json'), runsChanged),
    ),
    ...(vscode.workspace.workspaceFolders ?? []).flatMap((f) =>
      watch(patternUnder(f, path.resolve(f.uri.fsPath, DEFAULT_ABLATION_ROOT), '**/{run.json,lock.json,ablation.md}'), refreshRuns),
    ),
    ...(vscode.workspace.workspaceFolders ?? []).flatMap((f) =>
      watch(patternUnder(f, path.resolve(f.uri.fsPath, DEFAULT_SWEEP_ROOT), '**/{run.json,sweep.json}'), refreshRuns),
    ),
  );
  runIntegrationSuiteFromEnv();
  return { runsTree, workspaceTree, liveRunDir: () => c.live?.runDir };
}

/** Window closing or extension stopping: the trainer writes a checkpoint before it exits. */
export async function deactivate(): Promise<void> {
  await Promise.all([controller?.shutdown(4000), translation?.shutdown()]);
  controller = undefined;
  translation = undefined;
}

/** Context keys the walkthrough's steps complete on (`onContext:`), from what is on disk. */
async function updateProgress(): Promise<void> {
  const dirs = (vscode.workspace.workspaceFolders ?? []).map((f) => f.uri.fsPath);
  const facts = progressFacts(dirs, runRoot);
  const configs = await vscode.workspace.findFiles('**/*.dtn.json', '**/{node_modules,.git,.dtn}/**', 1);
  const keys: Record<(typeof PROGRESS_KEYS)[number], boolean> = { hasConfig: configs.length > 0, ...facts };
  await Promise.all(Object.entries(keys).map(([k, v]) => vscode.commands.executeCommand('setContext', `dtn.${k}`, v)));
}

const PROGRESS_KEYS = ['hasConfig', 'hasEncoder', 'hasClassifier', 'hasRun', 'hasTranslation'] as const;

/**
 * VS Code ticks an `onContext` step only on a change it sees after it registered the walkthrough, which
 * it does when its service starts: often on opening this page (with `workbench.startupEditor` none). A key
 * already true by then would never tick, so the keys are cleared first and set again once the page shows.
 */
async function openWalkthrough(): Promise<void> {
  await Promise.all(PROGRESS_KEYS.map((k) => vscode.commands.executeCommand('setContext', `dtn.${k}`, false)));
  await vscode.commands.executeCommand('workbench.action.openWalkthrough', WALKTHROUGH, false);
  const shown = () => vscode.window.tabGroups.all.some((g) => g.tabs.some((t) => t.isActive && t.label.includes('DTN Studio')));
  for (let waited = 0; !shown() && waited < 5000; waited += 100) await new Promise((r) => setTimeout(r, 100));
  await updateProgress();
}

async function refuseUntrusted(): Promise<void> {
  const manage = 'Manage Workspace Trust';
  if ((await vscode.window.showWarningMessage(RESTRICTED_MESSAGE, manage)) === manage)
    await vscode.commands.executeCommand('workbench.trust.manage');
}

function newestRun(): string | undefined {
  for (const f of vscode.workspace.workspaceFolders ?? []) {
    const runs = listRunDirs(runRoot(f.uri.fsPath));
    if (runs.length) return runs[0];
  }
  return undefined;
}

/**
 * `glob` under `dir`, rooted at the workspace folder when `dir` is inside it: a watcher based on a
 * folder that does not exist yet (.dtn/sweeps before the first sweep) may never fire, while the
 * workspace folder is always watched.
 */
function patternUnder(folder: vscode.WorkspaceFolder, dir: string, glob: string): vscode.RelativePattern {
  const rel = path.relative(folder.uri.fsPath, dir);
  if (isInside(folder.uri.fsPath, dir)) return new vscode.RelativePattern(folder, `${rel.split(path.sep).join('/')}/${glob}`);
  return new vscode.RelativePattern(dir, glob);
}

function watch(pattern: vscode.GlobPattern, onChange: () => void): vscode.Disposable[] {
  const w = vscode.workspace.createFileSystemWatcher(pattern);
  return [w, w.onDidCreate(onChange), w.onDidChange(onChange), w.onDidDelete(onChange)];
}

function debounce(fn: () => void, ms: number): () => void {
  let t: ReturnType<typeof setTimeout> | undefined;
  return () => {
    if (t) clearTimeout(t);
    t = setTimeout(fn, ms);
  };
}
