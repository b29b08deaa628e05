/**
 * DTN: Use as f in Config… (an encoder row of "Configs & Encoders"): asks which *.dtn.json config,
 * writes encoder.name or encoder.path into it through the editor (formatting, comments and undo
 * kept; configEncoderEdit.ts computes the edit), saves it and opens it.
 */
import * as path from 'node:path';
import * as vscode from 'vscode';
import type { EncoderEntry } from '../../shared/encoders';
import { EncoderEditError, planEncoderEdit, type EncoderEditPlan } from './configEncoderEdit';

const CONFIG_GLOB = '**/*.dtn.json';
const CONFIG_EXCLUDE = '**/{node_modules,.git,.dtn}/**';

/** The encoder of a tree node (the command's argument), if it is one. */
function entryOf(arg: unknown): EncoderEntry | undefined {
  const node = arg as { kind?: unknown; entry?: EncoderEntry } | undefined;
  return node?.kind === 'encoder' ? node.entry : undefined;
}

async function pickConfig(entry: EncoderEntry): Promise<vscode.Uri | undefined> {
  const files = (await vscode.workspace.findFiles(CONFIG_GLOB, CONFIG_EXCLUDE, 500)).sort((a, b) => a.fsPath.localeCompare(b.fsPath));
  if (files.length === 0) {
    void vscode.window.showErrorMessage('DTN: no *.dtn.json config in this workspace to use the encoder in. Create one first.');
    return undefined;
  }
  const items = files.map((uri) => ({
    label: path.basename(uri.fsPath),
    description: vscode.workspace.asRelativePath(path.dirname(uri.fsPath)),
    uri,
  }));
  const pick = await vscode.window.showQuickPick(items, {
    title: `DTN: Use ${entry.name} as f in…`,
    placeHolder: 'The config whose encoder f this becomes',
    matchOnDescription: true,
  });
  return pick?.uri;
}

export async function useEncoderAsF(arg: unknown): Promise<void> {
  const entry = entryOf(arg);
  if (!entry) return void vscode.window.showErrorMessage('DTN: choose an encoder in the Configs & Encoders view.');
  const uri = await pickConfig(entry);
  if (!uri) return;
  const doc = await vscode.workspace.openTextDocument(uri);
  let plan: EncoderEditPlan;
  try {
    plan = planEncoderEdit(doc.getText(), uri.fsPath, entry);
  } catch (err) {
    if (err instanceof EncoderEditError) return void vscode.window.showErrorMessage(`DTN: ${err.message}`);
    throw err;
  }
  if (plan.edit) {
    const { offset, length, content } = plan.edit;
    const edit = new vscode.WorkspaceEdit();
    edit.replace(uri, new vscode.Range(doc.positionAt(offset), doc.positionAt(offset + length)), content);
    if (!(await vscode.workspace.applyEdit(edit))) return void vscode.window.showErrorMessage(`DTN: could not edit ${uri.fsPath}.`);
    await doc.save();
  }
  await vscode.window.showTextDocument(doc);
  const what = `encoder.${plan.field} = "${plan.value}"`;
  if (plan.note) void vscode.window.showWarningMessage(`DTN: ${what} written. ${plan.note}`);
  else void vscode.window.showInformationMessage(`DTN: ${path.basename(uri.fsPath)} now uses ${entry.name} as f (${what}).`);
}
