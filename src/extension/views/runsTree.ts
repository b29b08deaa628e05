/** "Runs" view: run folders under each workspace folder's run root -> their checkpoints (best starred); ablations -> variants. */
import * as path from 'node:path';
import * as vscode from 'vscode';
import { listCheckpointDirs, listRunDirs, readMetricsFile, readRunInfoFile } from '../../shared/node/runFiles';
import { ablationRoots, ablationDetail } from '../runs/comparePicker';
import { listAblations, type AblationFolder } from '../runs/runCollections';
import { runRoot } from '../settings';
import { checkpointFacts, describeCheckpoint, type CheckpointFacts } from './checkpointItem';

export type RunsNode =
  | { kind: 'run'; runDir: string }
  | { kind: 'checkpoint'; runDir: string; step: number; path: string; facts?: CheckpointFacts }
  /** A folder written by `dtn ablate`: one run folder per variant. */
  | { kind: 'ablation'; dir: string; ablation: AblationFolder };

const STATUS_ICON: Record<string, string> = {
  running: 'sync~spin',
  completed: 'pass',
  stopped: 'debug-pause',
  failed: 'error',
  unknown: 'circle-outline',
};

export class RunsTreeProvider implements vscode.TreeDataProvider<RunsNode>, vscode.Disposable {
  private readonly changed = new vscode.EventEmitter<RunsNode | undefined>();
  readonly onDidChangeTreeData = this.changed.event;

  constructor(private readonly liveRunDir: () => string | undefined) {}

  refresh(): void {
    this.changed.fire(undefined);
  }

  getChildren(node?: RunsNode): RunsNode[] {
    if (!node) {
      const roots = (vscode.workspace.workspaceFolders ?? []).map((f) => runRoot(f.uri.fsPath));
      const runs: RunsNode[] = [...new Set(roots)].flatMap((r) => listRunDirs(r)).map((runDir) => ({ kind: 'run', runDir }));
      const ablations: RunsNode[] = [...new Set(ablationRoots())]
        .flatMap((r) => listAblations(r))
        .map((a) => ({ kind: 'ablation', dir: a.dir, ablation: a }));
      return [...runs, ...ablations];
    }
    if (node.kind === 'ablation') return node.ablation.variants.map((runDir) => ({ kind: 'run', runDir }));
    if (node.kind === 'run') {
      const info = readRunInfoFile(node.runDir);
      const records = readMetricsFile(node.runDir);
      return listCheckpointDirs(node.runDir)
        .reverse()
        .map((c) => ({
          kind: 'checkpoint',
          runDir: node.runDir,
          step: c.step,
          path: c.path,
          facts: checkpointFacts(node.runDir, c, info, records),
        }));
    }
    return [];
  }

  getTreeItem(node: RunsNode): vscode.TreeItem {
    if (node.kind === 'ablation') {
      const a = node.ablation;
      const item = new vscode.TreeItem(`ablation ${a.id}`, vscode.TreeItemCollapsibleState.Collapsed);
      item.iconPath = new vscode.ThemeIcon('beaker');
      item.description = `${a.variants.length} variants${a.finished ? '' : ' · in progress'}`;
      item.contextValue = 'dtnAblation';
      item.tooltip = new vscode.MarkdownString(`**${a.id}** (\`dtn ablate\`)\n\n${a.dir}\n\n${ablationDetail(a)}`);
      return item;
    }
    if (node.kind === 'checkpoint') {
      const text = describeCheckpoint(node.facts ?? checkpointFacts(node.runDir, node));
      const item = new vscode.TreeItem(text.label, vscode.TreeItemCollapsibleState.None);
      item.description = text.description;
      item.iconPath = new vscode.ThemeIcon(text.icon);
      item.contextValue = text.contextValue;
      item.tooltip = new vscode.MarkdownString(text.tooltip);
      item.command = { command: 'dtn.openSamplesAtStep', title: 'Open Samples at This Step', arguments: [node] };
      return item;
    }
    const info = readRunInfoFile(node.runDir);
    const live = this.liveRunDir() !== undefined && path.resolve(this.liveRunDir()!) === path.resolve(node.runDir);
    // A run.json that says running without a live trainer here is a CLI run elsewhere, or one that died.
    const status = live ? 'running' : (info?.status ?? 'unknown');
    const last = info?.lastStep ?? readMetricsFile(node.runDir).at(-1)?.step ?? 0;
    const item = new vscode.TreeItem(info?.runId ?? path.basename(node.runDir), vscode.TreeItemCollapsibleState.Collapsed);
    item.description = `${status} · ${last}/${info?.totalSteps ?? '?'}`;
    item.iconPath = new vscode.ThemeIcon(STATUS_ICON[status] ?? 'circle-outline');
    item.contextValue = live ? 'dtnRunLive' : 'dtnRun';
    const where = info?.backend ? ` · ${info.backend} on ${info.device}` : '';
    const error = info?.error ? `\n\nerror: ${info.error}` : '';
    item.tooltip = new vscode.MarkdownString(`**${path.basename(node.runDir)}**\n\n${node.runDir}\n\nstatus ${status}${where}${error}`);
    item.command = { command: 'dtn.openDashboard', title: 'Open Dashboard', arguments: [node] };
    return item;
  }

  dispose(): void {
    this.changed.dispose();
  }
}
