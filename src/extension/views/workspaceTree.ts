/**
 * "Configs & Encoders" view: *.dtn.json files, the built-in presets, and the encoders f can be
 * (the published ones, and each workspace folder's .dtn/encoders: pretrained digits encoders and
 * registered TensorFlow.js models).
 */
import * as path from 'node:path';
import * as vscode from 'vscode';
import { publishedEncoderEntries, type EncoderEntry, type EncoderProblem } from '../../shared/encoders';
import { listEncoderFolders } from '../../shared/node/encoderFolders';
import { PRESET_NAMES } from '../../shared/presets';
import { describeEncoder, describeEncoderProblem, type EncoderItemText } from './encoderItem';

export type WorkspaceNode =
  | { kind: 'group'; group: 'configs' | 'presets' | 'encoders' }
  | { kind: 'config'; uri: vscode.Uri }
  /** The Configs group's one row while the workspace has no config: what to do about it. */
  | { kind: 'noConfigs' }
  | { kind: 'preset'; preset: string }
  | { kind: 'encoder'; entry: EncoderEntry }
  | { kind: 'encoderProblem'; problem: EncoderProblem };

const GROUP_LABEL = { configs: 'Configs', presets: 'Presets', encoders: 'Encoders' } as const;

export class WorkspaceTreeProvider implements vscode.TreeDataProvider<WorkspaceNode>, vscode.Disposable {
  private readonly changed = new vscode.EventEmitter<WorkspaceNode | undefined>();
  readonly onDidChangeTreeData = this.changed.event;

  refresh(): void {
    this.changed.fire(undefined);
  }

  async getChildren(node?: WorkspaceNode): Promise<WorkspaceNode[]> {
    // No folder: nothing to list, and the view's welcome content says to open one.
    if (!vscode.workspace.workspaceFolders?.length) return [];
    if (!node) return (['configs', 'presets', 'encoders'] as const).map((group) => ({ kind: 'group', group }));
    if (node.kind !== 'group') return [];
    if (node.group === 'presets') return PRESET_NAMES.map((preset) => ({ kind: 'preset', preset }));
    if (node.group === 'configs') {
      const files = await vscode.workspace.findFiles('**/*.dtn.json', '**/{node_modules,.git,.dtn}/**', 500);
      if (files.length === 0) return [{ kind: 'noConfigs' }];
      return files.sort((a, b) => a.fsPath.localeCompare(b.fsPath)).map((uri) => ({ kind: 'config', uri }));
    }
    const folders = (vscode.workspace.workspaceFolders ?? []).flatMap((f) => listEncoderFolders(f.uri.fsPath));
    return [
      ...publishedEncoderEntries().map((entry): WorkspaceNode => ({ kind: 'encoder', entry })),
      ...folders.map((f): WorkspaceNode =>
        f.kind === 'problem' ? { kind: 'encoderProblem', problem: f.problem } : { kind: 'encoder', entry: f.entry },
      ),
    ];
  }

  getTreeItem(node: WorkspaceNode): vscode.TreeItem {
    switch (node.kind) {
      case 'group': {
        const item = new vscode.TreeItem(GROUP_LABEL[node.group], vscode.TreeItemCollapsibleState.Expanded);
        item.contextValue = `dtnGroup-${node.group}`;
        return item;
      }
      case 'config': {
        const item = new vscode.TreeItem(path.basename(node.uri.fsPath), vscode.TreeItemCollapsibleState.None);
        item.resourceUri = node.uri;
        item.description = vscode.workspace.asRelativePath(path.dirname(node.uri.fsPath));
        item.iconPath = new vscode.ThemeIcon('settings');
        item.contextValue = 'dtnConfig';
        item.command = { command: 'vscode.open', title: 'Open', arguments: [node.uri] };
        return item;
      }
      case 'noConfigs': {
        const item = new vscode.TreeItem('New Config…', vscode.TreeItemCollapsibleState.None);
        item.description = 'no *.dtn.json in this workspace yet';
        item.tooltip = 'Create a config from a preset: it names its runs and its encoder, and you can override any field.';
        item.iconPath = new vscode.ThemeIcon('add');
        item.command = { command: 'dtn.newConfig', title: 'New Config…' };
        return item;
      }
      case 'preset': {
        const item = new vscode.TreeItem(node.preset, vscode.TreeItemCollapsibleState.None);
        item.iconPath = new vscode.ThemeIcon('package');
        item.description = 'built-in preset';
        item.contextValue = 'dtnPreset';
        return item;
      }
      case 'encoder':
        return encoderTreeItem(describeEncoder(node.entry));
      case 'encoderProblem':
        return encoderTreeItem(describeEncoderProblem(node.problem));
    }
  }

  dispose(): void {
    this.changed.dispose();
  }
}

function encoderTreeItem(t: EncoderItemText): vscode.TreeItem {
  const item = new vscode.TreeItem(t.label, vscode.TreeItemCollapsibleState.None);
  item.description = t.description;
  item.tooltip = t.tooltip;
  item.iconPath = new vscode.ThemeIcon(t.icon);
  item.contextValue = t.contextValue;
  return item;
}
