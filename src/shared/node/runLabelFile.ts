/**
 * <run>/label.json: read leniently by every reader (absent or damaged reads as no label: the id is
 * shown), written atomically by whoever edits it (the trainer at start, the extension on Rename or
 * Edit Notes). Only ever written into a folder that is a run (isRunDir).
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { DtnError, messageOf } from '../errors';
import { RunLabelSchema, type RunLabel } from '../runLabel';
import { writeFileAtomic } from './atomicWrite';
import { RUN_FILES } from './runLayout';
import { isRunDir } from './runFiles';

export function runLabelPath(runDir: string): string {
  return path.join(runDir, RUN_FILES.label);
}

/** The run's label, or undefined when it has none or it does not validate. */
export function readRunLabel(runDir: string): RunLabel | undefined {
  try {
    const r = RunLabelSchema.safeParse(JSON.parse(fs.readFileSync(runLabelPath(runDir), 'utf8')));
    return r.success ? r.data : undefined;
  } catch {
    return undefined;
  }
}

/** What a run is called where it is shown: its name, else its folder's id. */
export function runDisplayName(runDir: string, label = readRunLabel(runDir)): string {
  return label?.name ?? path.basename(runDir);
}

/** Validates and writes the whole label (through a temporary file and a rename). */
export function writeRunLabel(runDir: string, label: RunLabel): RunLabel {
  const file = runLabelPath(runDir);
  const r = RunLabelSchema.safeParse(label);
  if (!r.success) {
    const why = r.error.issues.map((i) => `${i.path.join('.') || 'label'}: ${i.message}`).join('; ');
    throw new DtnError('LABEL_INVALID', `not written to ${file}: ${why}`, {
      file,
      fix: `Give a name of 1 to 100 characters without newlines or tabs (notes: at most 4000 characters)`,
    });
  }
  const { notes, ...rest } = r.data;
  const clean: RunLabel = notes?.trim() ? { ...rest, notes } : rest;
  try {
    writeFileAtomic(file, `${JSON.stringify(clean, null, 2)}\n`);
  } catch (err) {
    throw new DtnError('OUTPUT_INVALID', `cannot write ${file}: ${messageOf(err)}`, {
      file,
      fix: 'Make the run folder writable',
      cause: err,
    });
  }
  return clean;
}

/**
 * Changes the name and/or notes of an existing run folder, keeping the rest of its label (fields of
 * other versions included). A run without a label gets one; its name defaults to the folder's id.
 */
export function updateRunLabel(runDir: string, change: { name?: string; notes?: string }): RunLabel {
  if (!isRunDir(runDir)) {
    throw new DtnError('RUN_INVALID', `${runDir} is not a run folder (no run.json or metrics.jsonl): its name was not changed`, {
      file: runDir,
      fix: 'Pick a run in the Runs view',
    });
  }
  const old = readRunLabel(runDir);
  const next: RunLabel = { ...old, name: change.name ?? old?.name ?? path.basename(runDir) };
  if (change.notes !== undefined) next.notes = change.notes;
  return writeRunLabel(runDir, next);
}
