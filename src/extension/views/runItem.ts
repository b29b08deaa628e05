/**
 * What a run row of the Runs view says: its status read through its lock (live in this window, live
 * in another process or on another host, interrupted, or run.json's own), its progress, and which
 * actions fit (context values: Stop for a live run on this machine, Resume for a finished or
 * interrupted one). Free of vscode so it is unit-tested; runsTree.ts turns it into a TreeItem.
 */
import * as path from 'node:path';
import type { RunInfoFile, RunState } from '../../shared/node/runFiles';
import type { RunLabel } from '../../shared/runLabel';

export interface RunFacts {
  runDir: string;
  info?: RunInfoFile;
  /** The newest step on disk (run.json's, else the last metrics record). */
  lastStep: number;
  state: RunState;
  /** This window's trainer is running it. */
  thisWindow: boolean;
  /** label.json: the run's name and notes (none: the folder's id is shown). */
  label?: RunLabel;
}

export type RunContext = 'dtnRunLive' | 'dtnRunLocked' | 'dtnRunElsewhere' | 'dtnRunInterrupted' | 'dtnRun';

export interface RunText {
  label: string;
  description: string;
  /** Markdown. */
  tooltip: string;
  icon: string;
  /** Menus match /^dtnRun/; Stop shows for dtnRunLive and dtnRunLocked, Resume for dtnRun and dtnRunInterrupted. */
  contextValue: RunContext;
}

const STATUS_ICON: Record<string, string> = {
  running: 'sync~spin',
  completed: 'pass',
  stopped: 'debug-pause',
  failed: 'error',
  interrupted: 'debug-disconnect',
  unknown: 'circle-outline',
};

/** Names and notes are the user's text: shown as written, never as Markdown or links. */
function md(text: string): string {
  return text.replace(/[\\`*_{}[\]()#+\-.!|<>~]/g, '\\$&');
}

export function describeRun(f: RunFacts): RunText {
  const { info, state } = f;
  const owner = f.thisWindow ? undefined : state.owner;
  const status = f.thisWindow ? 'running' : (state.status ?? 'unknown');
  const contextValue: RunContext = f.thisWindow
    ? 'dtnRunLive'
    : owner?.here
      ? 'dtnRunLocked'
      : owner
        ? 'dtnRunElsewhere'
        : status === 'interrupted'
          ? 'dtnRunInterrupted'
          : 'dtnRun';
  const word = owner ? (owner.here ? `running (process ${owner.pid})` : `running on ${owner.hostname}`) : status;
  const where = info?.backend ? ` · ${info.backend} on ${info.device}` : '';
  const id = path.basename(f.runDir);
  // The tooltip holds the whole name (the row may cut it), the id the folder keeps, and the notes.
  const lines = f.label ? [`**${md(f.label.name)}**`, `id ${id} · ${f.runDir}`] : [`**${id}**`, f.runDir];
  if (f.label?.notes) lines.push(md(f.label.notes).replace(/\n/g, '  \n'));
  lines.push(`status ${status}${where}`);
  if (owner?.here)
    lines.push(
      `trained by process ${owner.pid} on this machine since ${owner.startedAt}, not by this window: Stop asks it to checkpoint and exit`,
    );
  else if (owner) lines.push(`trained on ${owner.hostname} since ${owner.startedAt}: stop it there`);
  else if (status === 'interrupted')
    lines.push(
      `run.json says running, but no trainer holds the run: it was killed (or its machine went down) after step ${f.lastStep}. ` +
        'Resume continues from its newest checkpoint.',
    );
  if (info?.error) lines.push(`error: ${info.error}`);
  return {
    label: f.label?.name ?? info?.runId ?? id,
    description: `${word} · ${f.lastStep}/${info?.totalSteps ?? '?'}`,
    tooltip: lines.join('\n\n'),
    icon: STATUS_ICON[status] ?? STATUS_ICON.unknown,
    contextValue,
  };
}
