/**
 * DTN Studio inside a real extension host: its commands are registered, its trees list the
 * workspace, and a run started by command streams metrics and stops with a checkpoint. The
 * workspace (test/integration/workspace.mjs) holds a small config and its pretrained encoder.
 */
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as vscode from 'vscode';
import type { DtnStudioApi } from '../../src/extension/api';
import type { RunsNode } from '../../src/extension/views/runsTree';
import type { WorkspaceNode } from '../../src/extension/views/workspaceTree';

const EXTENSION_ID = 'dtn-studio.dtn-studio';

/** Resolves when `probe` returns a value other than undefined/false; fails after `ms` with `what`. */
async function until<T>(what: string, probe: () => T | undefined | false | Promise<T | undefined | false>, ms = 120_000): Promise<T> {
  const end = Date.now() + ms;
  for (;;) {
    const v = await probe();
    if (v !== undefined && v !== false) return v;
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 250));
  }
}

const label = (item: vscode.TreeItem) => (typeof item.label === 'string' ? item.label : (item.label?.label ?? ''));

describe('DTN Studio in the extension host', () => {
  let api: DtnStudioApi;
  let ws: string;
  let config: vscode.Uri;

  before(async () => {
    const ext = vscode.extensions.getExtension<DtnStudioApi>(EXTENSION_ID);
    assert.ok(ext, `${EXTENSION_ID} is installed`);
    api = await ext.activate();
    ws = vscode.workspace.workspaceFolders?.[0]?.uri.fsPath ?? '';
    assert.ok(ws, 'a workspace folder is open');
    const configs = await vscode.workspace.findFiles('*.dtn.json');
    assert.ok(configs.length > 0, 'the workspace holds a *.dtn.json config');
    config = configs.sort((a, b) => a.fsPath.localeCompare(b.fsPath))[0];
  });

  it('registers every command it contributes', async () => {
    const ext = vscode.extensions.getExtension(EXTENSION_ID)!;
    const contributed = (ext.packageJSON as { contributes: { commands: { command: string }[] } }).contributes.commands.map(
      (c) => c.command,
    );
    const registered = new Set(await vscode.commands.getCommands(true));
    assert.ok(contributed.length >= 20, `${contributed.length} commands contributed`);
    assert.deepEqual(
      contributed.filter((c) => !registered.has(c)),
      [],
    );
  });

  it('lists the config, the presets and the pretrained encoder in Configs & Encoders', async () => {
    const tree = api.workspaceTree;
    const groups = (await tree.getChildren()) as WorkspaceNode[];
    const children = async (group: string) => {
      const g = groups.find((n) => n.kind === 'group' && n.group === group);
      assert.ok(g, `group ${group}`);
      return Promise.all(((await tree.getChildren(g)) as WorkspaceNode[]).map(async (n) => label(await tree.getTreeItem(n))));
    };
    assert.ok((await children('configs')).includes(path.basename(config.fsPath)));
    assert.ok((await children('presets')).includes('digits-quick'));
    const encoders = await children('encoders');
    assert.ok(
      fs.readdirSync(path.join(ws, '.dtn', 'encoders')).every((e) => encoders.some((l) => l.includes(e))),
      `encoders listed: ${encoders.join(', ')}`,
    );
  });

  it('starts a run by command, streams metrics, and stops it with a checkpoint shown in Runs', async () => {
    // A label as the second argument: started without the name and notes prompts.
    await vscode.commands.executeCommand('dtn.startTraining', config, { name: 'integration run', notes: 'from the suite' });
    const runDir = await until('the run to go live', () => api.liveRunDir());
    const metrics = path.join(runDir, 'metrics.jsonl');
    const lines = () => (fs.existsSync(metrics) ? fs.readFileSync(metrics, 'utf8').trim().split('\n').filter(Boolean).length : 0);
    await until('three metrics records', () => lines() >= 3);
    const runs = (await api.runsTree.getChildren()) as RunsNode[];
    assert.ok(
      runs.some((n) => n.kind === 'run' && path.resolve(n.runDir) === path.resolve(runDir)),
      'the live run is in the Runs view',
    );

    await vscode.commands.executeCommand('dtn.stopTraining');
    await until('the run to end', () => api.liveRunDir() === undefined);
    const info = JSON.parse(fs.readFileSync(path.join(runDir, 'run.json'), 'utf8')) as { status: string; lastStep: number };
    assert.equal(info.status, 'stopped');
    assert.ok(info.lastStep >= 2, `stopped at step ${info.lastStep}`);
    const checkpoint = path.join(runDir, 'checkpoints', `step-${String(info.lastStep).padStart(8, '0')}`, 'manifest.json');
    assert.ok(fs.existsSync(checkpoint), `${checkpoint} written on stop`);
    const run = ((await api.runsTree.getChildren()) as RunsNode[]).find(
      (n) => n.kind === 'run' && path.resolve(n.runDir) === path.resolve(runDir),
    );
    assert.ok(run);
    assert.deepEqual(JSON.parse(fs.readFileSync(path.join(runDir, 'label.json'), 'utf8')), {
      name: 'integration run',
      notes: 'from the suite',
    });
    const checkpoints = (await api.runsTree.getChildren(run)) as RunsNode[];
    assert.ok(
      checkpoints.some((n) => n.kind === 'checkpoint' && n.step === info.lastStep),
      'the stop checkpoint is a row under the run',
    );
  });
});
