/**
 * Start Training's two quick questions: the run's name (its default prefilled: Enter keeps it,
 * Escape cancels the start) and notes (optional: Enter or Escape leaves none).
 */
import * as vscode from 'vscode';
import { runNameProblem, runNotesProblem } from '../../shared/runLabel';

export interface RunLabelInput {
  name: string;
  notes?: string;
}

export async function askRunLabel(defaultName: string, what: string): Promise<RunLabelInput | undefined> {
  const name = await vscode.window.showInputBox({
    title: `DTN: Start Training ${what} (1/2)`,
    prompt: 'Name of the run (Enter keeps this one, Escape cancels)',
    value: defaultName,
    validateInput: (v) => runNameProblem(v),
  });
  if (name === undefined) return undefined;
  const notes = await vscode.window.showInputBox({
    title: `DTN: Start Training ${what} (2/2)`,
    prompt: 'Notes: what this run tries (optional; Enter or Escape for none)',
    placeHolder: 'e.g. lower learning rate, without L_TID',
    validateInput: (v) => runNotesProblem(v),
  });
  return { name: name.trim(), ...(notes?.trim() ? { notes: notes.trim() } : {}) };
}
