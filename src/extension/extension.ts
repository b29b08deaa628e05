/**
 * DTN Studio's extension host entry: wires commands, the trainer controller, panels, tree views
 * and the status bar. No tfjs here: training runs in the bundled trainer child process.
 */
import * as path from 'node:path';
import * as vscode from 'vscode';
import { isRunDir, listRunDirs } from '../shared/runFiles';
import { DashboardPanel, DASHBOARD_VIEW_TYPE } from './panels/dashboardPanel';
import type { PanelHost, PanelState } from './panels/runPanel';
import { SamplesPanel, SAMPLES_VIEW_TYPE } from './panels/samplesPanel';
import { RunFeeds } from './runs/runFeeds';
import { runRoot, SECTION } from './settings';
import { TrainerLog } from './trainerLog';
import { TrainingController } from './trainingController';
import { pickTarget, targetFromArg, workspaceDirFor } from './trainingTargets';
import { RunsTreeProvider, type RunsNode } from './views/runsTree';
import { WorkspaceTreeProvider } from './views/workspaceTree';

let controller: TrainingController | undefined;

export function activate(context: vscode.ExtensionContext): void {
  const log = new TrainerLog();
  const feeds = new RunFeeds();
  const c = new TrainingController(context.extensionUri, log, feeds, (runDir) => {
    DashboardPanel.show(host, runDir);
    SamplesPanel.show(host, runDir);
  });
  controller = c;
  const host: PanelHost = {
    extensionUri: context.extensionUri,
    feeds,
    liveFor: (runDir) => c.liveFor(runDir),
    onDidChangeLive: c.onDidChange,
    log: (text) => log.info(text),
  };
  const runsTree = new RunsTreeProvider(() => c.live?.runDir);
  const workspaceTree = new WorkspaceTreeProvider();
  const refreshRuns = debounce(() => runsTree.refresh(), 300);
  const refreshWorkspace = debounce(() => workspaceTree.refresh(), 300);

  /** A run folder from a command argument: a path, a tree node, or nothing (then the obvious one). */
  const runDirFromArg = (arg: unknown): string | undefined => {
    if (typeof arg === 'string') return arg;
    if (arg instanceof vscode.Uri) return arg.fsPath;
    const node = arg as RunsNode | undefined;
    if (node && (node.kind === 'run' || node.kind === 'checkpoint')) return node.runDir;
    return c.live?.runDir ?? DashboardPanel.current?.shownRun ?? SamplesPanel.current?.shownRun ?? newestRun();
  };

  const commands: Record<string, (...args: unknown[]) => unknown> = {
    'dtn.startTraining': async (arg) => {
      const chosen = targetFromArg(arg) ?? (await pickTarget('DTN: Start Training'));
      if (chosen) await c.startTraining(chosen.target, chosen.label, chosen.cwd, chosen.runName);
    },
    'dtn.pretrainEncoder': async (arg) => {
      const chosen = targetFromArg(arg) ?? (await pickTarget('DTN: Pretrain Encoder f'));
      if (chosen) await c.pretrain(chosen.target, chosen.label, chosen.cwd);
    },
    'dtn.resumeTraining': async (arg) => {
      const node = arg as RunsNode | undefined;
      const from = node?.kind === 'checkpoint' ? node.path : runDirFromArg(arg);
      if (!from) return void vscode.window.showErrorMessage('DTN: pick a run or a checkpoint in the Runs view to resume.');
      await c.startTraining({ kind: 'resume', from }, `resume of ${path.basename(node?.runDir ?? from)}`, workspaceDirFor(from)!, '');
    },
    'dtn.stopTraining': () => c.stop(),
    'dtn.openDashboard': (arg) => void DashboardPanel.show(host, runDirFromArg(arg)),
    'dtn.openSamples': (arg) => void SamplesPanel.show(host, runDirFromArg(arg)),
    'dtn.openRun': async () => {
      const folder = vscode.workspace.workspaceFolders?.[0]?.uri.fsPath;
      const picked = await vscode.window.showOpenDialog({
        canSelectFolders: true,
        canSelectFiles: false,
        canSelectMany: false,
        openLabel: 'Open Run',
        title: 'DTN: Open Run… (a folder with run.json / metrics.jsonl)',
        defaultUri: folder ? vscode.Uri.file(runRoot(folder)) : undefined,
      });
      const dir = picked?.[0]?.fsPath;
      if (!dir) return;
      if (!isRunDir(dir)) {
        return void vscode.window.showErrorMessage(`DTN: ${dir} is not a run folder (no run.json or metrics.jsonl). Pick a folder the trainer wrote, e.g. .dtn/runs/<run-id>.`);
      }
      DashboardPanel.show(host, dir);
      SamplesPanel.show(host, dir);
    },
    'dtn.showLog': () => log.show(),
    'dtn.refreshRuns': () => {
      refreshRuns();
      refreshWorkspace();
    },
  };
  for (const [id, fn] of Object.entries(commands)) context.subscriptions.push(vscode.commands.registerCommand(id, fn));

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
    runsTree,
    workspaceTree,
    vscode.window.registerWebviewPanelSerializer(DASHBOARD_VIEW_TYPE, revive((p, d) => DashboardPanel.revive(p, host, d))),
    vscode.window.registerWebviewPanelSerializer(SAMPLES_VIEW_TYPE, revive((p, d) => SamplesPanel.revive(p, host, d))),
    vscode.window.registerTreeDataProvider('dtn.runs', runsTree),
    vscode.window.registerTreeDataProvider('dtn.workspace', workspaceTree),
    c.onDidChange(() => vscode.commands.executeCommand('setContext', 'dtn.trainingLive', c.busy)),
    vscode.workspace.onDidChangeConfiguration((e) => e.affectsConfiguration(`${SECTION}.runRoot`) && refreshRuns()),
    ...watch('**/*.dtn.json', refreshWorkspace),
    ...watch('**/.dtn/encoders/*/manifest.json', refreshWorkspace),
    ...(vscode.workspace.workspaceFolders ?? []).flatMap((f) => watch(new vscode.RelativePattern(runRoot(f.uri.fsPath), '*/run.json'), refreshRuns)),
  );
}

/** Window closing or extension stopping: the trainer writes a checkpoint before it exits. */
export async function deactivate(): Promise<void> {
  await controller?.shutdown(4000);
  controller = undefined;
}

function newestRun(): string | undefined {
  for (const f of vscode.workspace.workspaceFolders ?? []) {
    const runs = listRunDirs(runRoot(f.uri.fsPath));
    if (runs.length) return runs[0];
  }
  return undefined;
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
