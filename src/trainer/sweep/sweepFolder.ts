/**
 * A sweep folder on disk (.dtn/sweeps/<id>/): sweep.json (read back validated), the run folders
 * (named by sweep.json, always inside the folder), and summary.md / summary.csv, each written
 * atomically so a reader never sees half of one.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { SAFE_NAME } from '../../shared/config';
import { DtnError, messageOf } from '../../shared/errors';
import { writeFileAtomic } from '../../shared/node/atomicWrite';
import { isInside } from '../../shared/node/paths';
import { readMetricsFile } from '../../shared/node/runFiles';
import { SWEEP_FILES, SweepFileSchema, type SweepFile, type SweepRun } from '../../shared/sweep';
import { summarizeSweep, summaryCsv, summaryMarkdown } from './sweepSummary';

export function sweepFilePath(dir: string): string {
  return path.join(dir, SWEEP_FILES.spec);
}

/** sweep.json, validated: a damaged or foreign file is RUN_INVALID naming the file and the field. */
export function readSweepFile(dir: string): SweepFile {
  const file = sweepFilePath(dir);
  let text: string;
  try {
    text = fs.readFileSync(file, 'utf8');
  } catch {
    throw new DtnError('RUN_INVALID', `${path.resolve(dir)} is not a sweep folder (no ${SWEEP_FILES.spec})`, {
      file,
      fix: 'Pass a folder written by dtn sweep, e.g. .dtn/sweeps/<id>',
    });
  }
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (err) {
    throw new DtnError('RUN_INVALID', `${file}: not valid JSON (${messageOf(err)})`, {
      file,
      fix: 'The sweep file is damaged: start the sweep again (its completed run folders stay where they are)',
    });
  }
  const r = SweepFileSchema.safeParse(raw);
  if (!r.success) {
    const fields = r.error.issues
      .slice(0, 8)
      .map((i) => `  ${i.path.map(String).join('.') || '(root)'}: ${i.message}`)
      .join('\n');
    throw new DtnError('RUN_INVALID', `${file}: not a valid sweep file\n${fields}`, {
      file,
      fix: 'The sweep file is damaged or from another program: start the sweep again',
    });
  }
  return r.data;
}

export function writeSweepFile(dir: string, sweep: SweepFile): void {
  writeFileAtomic(sweepFilePath(dir), `${JSON.stringify({ ...sweep, updatedAt: new Date().toISOString() }, null, 2)}\n`);
}

/** A run's folder: its name is a safe name (the schema), and the folder is checked to lie inside the sweep. */
export function runDirOf(dir: string, run: Pick<SweepRun, 'name'>): string {
  const runDir = path.join(path.resolve(dir), run.name);
  if (!SAFE_NAME.test(run.name) || !isInside(dir, runDir) || path.dirname(runDir) !== path.resolve(dir)) {
    throw new DtnError('RUN_INVALID', `${sweepFilePath(dir)}: run name ${run.name} leads outside the sweep folder`, {
      file: sweepFilePath(dir),
    });
  }
  return runDir;
}

/** Rewrites summary.md and summary.csv from the runs' metrics as they are now. */
export function writeSummary(dir: string, sweep: SweepFile): { markdown: string; csv: string } {
  const summary = summarizeSweep(sweep, (run) => readMetricsFile(runDirOf(dir, run)));
  const markdown = summaryMarkdown(sweep, summary);
  const csv = summaryCsv(summary);
  writeFileAtomic(path.join(dir, SWEEP_FILES.markdown), markdown);
  writeFileAtomic(path.join(dir, SWEEP_FILES.csv), csv);
  return { markdown, csv };
}
