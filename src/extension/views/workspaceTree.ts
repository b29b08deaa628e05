/** "Configs & Encoders" view: *.dtn.json files, the built-in presets, and pretrained encoders in .dtn/encoders. */
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as vscode from 'vscode';
import { PRESET_NAMES } from '../../shared/presets';
import { childPaths } from '../../shared/node/runFiles';
import { DEFAULT_ENCODER_ROOT, TENSOR_MANIFEST } from '../../shared/node/runLayout';

export type WorkspaceNode =
  | { kind: 'group'; group: 'configs' | 'presets' | 'encoders' }
  | { kind: 'config'; uri: vscode.Uri }
  | { kind: 'preset'; preset: string }
  | { kind: 'encoder'; dir: string };

const GROUP_LABEL = { configs: 'Configs', presets: 'Presets', encoders: 'Encoders' } as const;

export class WorkspaceTreeProvider implements vscode.TreeDataProvider<WorkspaceNode>, vscode.Disposable {
  private readonly changed = new vscode.EventEmitter<WorkspaceNode | undefined>();
  readonly onDidChangeTreeData = this.changed.event;

  refresh(): void {
    this.changed.fire(undefined);
  }

  async getChildren(node?: WorkspaceNode): Promise<WorkspaceNode[]> {
    if (!node) return (['configs', 'presets', 'encoders'] as const).map((group) => ({ kind: 'group', group }));
    if (node.kind !== 'group') return [];
    if (node.group === 'presets') return PRESET_NAMES.map((preset) => ({ kind: 'preset', preset }));
    if (node.group === 'configs') {
      const files = await vscode.workspace.findFiles('**/*.dtn.json', '**/{node_modules,.git,.dtn}/**', 500);
      return files.sort((a, b) => a.fsPath.localeCompare(b.fsPath)).map((uri) => ({ kind: 'config', uri }));
    }
    return (vscode.workspace.workspaceFolders ?? [])
      .flatMap((f) => listEncoders(path.join(f.uri.fsPath, DEFAULT_ENCODER_ROOT)))
      .map((dir) => ({ kind: 'encoder', dir }));
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
      case 'preset': {
        const item = new vscode.TreeItem(node.preset, vscode.TreeItemCollapsibleState.None);
        item.iconPath = new vscode.ThemeIcon('package');
        item.description = 'built-in preset';
        item.contextValue = 'dtnPreset';
        return item;
      }
      case 'encoder': {
        const item = new vscode.TreeItem(path.basename(node.dir), vscode.TreeItemCollapsibleState.None);
        item.iconPath = new vscode.ThemeIcon('symbol-namespace');
        const meta = readEncoderMeta(node.dir);
        if (meta?.heldOutAccuracy !== undefined)
          item.description = `f accuracy ${(meta.heldOutAccuracy * 100).toFixed(1)}% · ${meta.steps ?? '?'} steps`;
        item.tooltip = node.dir;
        item.contextValue = 'dtnEncoder';
        return item;
      }
    }
  }

  dispose(): void {
    this.changed.dispose();
  }
}

function listEncoders(root: string): string[] {
  return childPaths(root).filter((d) => fs.existsSync(path.join(d, TENSOR_MANIFEST)));
}

function readEncoderMeta(dir: string): { heldOutAccuracy?: number; steps?: number } | undefined {
  try {
    const m = JSON.parse(fs.readFileSync(path.join(dir, TENSOR_MANIFEST), 'utf8')) as {
      meta?: { heldOutAccuracy?: unknown; steps?: unknown };
    };
    const meta = m.meta ?? (m as Record<string, unknown>);
    return {
      heldOutAccuracy: typeof meta.heldOutAccuracy === 'number' ? meta.heldOutAccuracy : undefined,
      steps: typeof meta.steps === 'number' ? meta.steps : undefined,
    };
  } catch {
    return undefined;
  }
}
