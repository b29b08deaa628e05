/** "Runs" view: run folders under each run root -> their checkpoints (best starred); ablations and sweeps -> their runs. */
import * as path from 'node:path';
import * as vscode from 'vscode';
import { listCheckpointDirs, listRunDirs, readMetricsFile, readRunInfoFile, runState } from '../../shared/node/runFiles';
import { readRunLabel } from '../../shared/node/runLabelFile';
import { ablationRoots, ablationDetail, sweepRoots } from '../runs/comparePicker';
import {
  collectionsSignature,
  listAblations,
  listSweeps,
  sweepStatesText,
  type AblationFolder,
  type SweepFolder,
} from '../runs/runCollections';
import { runRoot } from '../settings';
import { checkpointFacts, describeCheckpoint, type CheckpointFacts } from './checkpointItem';
import { describeRun } from './runItem';

export type RunsNode =
  | { kind: 'run'; runDir: string }
  | { kind: 'checkpoint'; runDir: string; step: number; path: string; facts?: CheckpointFacts }
  /** A folder written by `dtn ablate`: one run folder per variant. */
  | { kind: 'ablation'; dir: string; ablation: AblationFolder }
  /** A folder written by `dtn sweep`: one run folder per variant and seed. */
  | { kind: 'sweep'; dir: string; sweep: SweepFolder };

/** How often runs shown as live in another process are checked: a killed trainer changes no file. */
const OWNER_POLL_MS = 3000;

export class RunsTreeProvider implements vscode.TreeDataProvider<RunsNode>, vscode.Disposable {
  private readonly changed = new vscode.EventEmitter<RunsNode | undefined>();
  readonly onDidChangeTreeData = this.changed.event;
  /** Runs last shown as held by another live process, with the status shown. */
  private readonly heldElsewhere = new Map<string, string | undefined>();
  private readonly poll = setInterval(() => this.checkOwners(), OWNER_POLL_MS);
  /** The ablation and sweep folders as last listed (see collectionsSignature). */
  private shownCollections = '';

  constructor(private readonly liveRunDir: () => string | undefined) {}

  refresh(): void {
    this.heldElsewhere.clear();
    this.changed.fire(undefined);
  }

  private checkOwners(): void {
    if (collectionsSignature(this.collectionRoots()) !== this.shownCollections) return this.refresh();
    for (const [runDir, shown] of this.heldElsewhere) {
      if (runState(runDir).status !== shown) return this.refresh();
    }
  }

  private collectionRoots(): string[] {
    return [...new Set([...ablationRoots(), ...sweepRoots()])];
  }

  getChildren(node?: RunsNode): RunsNode[] {
    if (!node) {
      const roots = (vscode.workspace.workspaceFolders ?? []).map((f) => runRoot(f.uri.fsPath));
      const runs: RunsNode[] = [...new Set(roots)].flatMap((r) => listRunDirs(r)).map((runDir) => ({ kind: 'run', runDir }));
      this.shownCollections = collectionsSignature(this.collectionRoots());
      const ablations: RunsNode[] = [...new Set(ablationRoots())]
        .flatMap((r) => listAblations(r))
        .map((a) => ({ kind: 'ablation', dir: a.dir, ablation: a }));
      const sweeps: RunsNode[] = sweepRoots()
        .flatMap((r) => listSweeps(r))
        .map((s) => ({ kind: 'sweep', dir: s.dir, sweep: s }));
      return [...runs, ...ablations, ...sweeps];
    }
    if (node.kind === 'ablation') return node.ablation.variants.map((runDir) => ({ kind: 'run', runDir }));
    if (node.kind === 'sweep') return node.sweep.runs.map((runDir) => ({ kind: 'run', runDir }));
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
    if (node.kind === 'sweep') {
      const s = node.sweep;
      const item = new vscode.TreeItem(`sweep ${s.id}`, vscode.TreeItemCollapsibleState.Collapsed);
      item.iconPath = new vscode.ThemeIcon('layers');
      item.description = sweepStatesText(s);
      item.contextValue = 'dtnSweep';
      item.tooltip = new vscode.MarkdownString(`**${s.id}** (\`dtn sweep\`)\n\n${s.dir}\n\n${sweepStatesText(s)}`);
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
    const thisWindow = this.liveRunDir() !== undefined && path.resolve(this.liveRunDir()!) === path.resolve(node.runDir);
    const state = runState(node.runDir, info);
    if (!thisWindow && state.owner) this.heldElsewhere.set(node.runDir, state.status);
    const lastStep = info?.lastStep ?? readMetricsFile(node.runDir).at(-1)?.step ?? 0;
    const text = describeRun({ runDir: node.runDir, info, lastStep, state, thisWindow, label: readRunLabel(node.runDir) });
    const item = new vscode.TreeItem(text.label, vscode.TreeItemCollapsibleState.Collapsed);
    item.description = text.description;
    item.iconPath = new vscode.ThemeIcon(text.icon);
    item.contextValue = text.contextValue;
    item.tooltip = new vscode.MarkdownString(text.tooltip);
    item.command = { command: 'dtn.openDashboard', title: 'Open Dashboard', arguments: [node] };
    return item;
  }

  dispose(): void {
    clearInterval(this.poll);
    this.changed.dispose();
  }
}
