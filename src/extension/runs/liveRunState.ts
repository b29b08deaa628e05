/** What the status bar and the Stop command know about the live run: a reducer over trainer messages. */
import type { Losses, MetricsRecord, TrainerMessage } from '../../shared/protocol';
import type { RunStatus, RunSummary } from '../../shared/webviewProtocol';
import type { RunInfoFile, RunState } from '../../shared/node/runFiles';
import type { RunLabel } from '../../shared/runLabel';
import * as path from 'node:path';

export interface LiveRunState {
  phase: 'starting' | 'training' | 'stopping' | 'finished';
  /** The latest `status` message while starting (shown in the progress notification). */
  statusText?: string;
  runId?: string;
  runDir: string;
  step: number;
  totalSteps: number;
  loss?: Losses;
  /** Newest records, for throughput and ETA. */
  recent: MetricsRecord[];
  backend?: string;
  device?: string;
  lastCheckpoint?: string;
  warnings: string[];
}

export function initialLiveRun(runDir: string, totalSteps = 0): LiveRunState {
  return { phase: 'starting', runDir, step: 0, totalSteps, recent: [], warnings: [] };
}

export function reduceLiveRun(s: LiveRunState, msg: TrainerMessage): LiveRunState {
  switch (msg.type) {
    case 'status':
      return { ...s, statusText: msg.message };
    case 'started':
      return {
        ...s,
        phase: s.phase === 'stopping' ? 'stopping' : 'training',
        runId: msg.runId,
        runDir: msg.runDir,
        step: msg.startStep,
        totalSteps: msg.totalSteps,
        backend: msg.backend,
        device: msg.device,
      };
    case 'metrics':
      return {
        ...s,
        step: msg.record.step,
        totalSteps: msg.totalSteps,
        loss: msg.record.loss,
        recent: [...s.recent.slice(-19), msg.record],
      };
    case 'checkpoint':
      return { ...s, lastCheckpoint: msg.path };
    case 'warning':
      return { ...s, warnings: [...s.warnings, msg.message] };
    case 'done':
      return { ...s, phase: 'finished', step: msg.step, lastCheckpoint: msg.checkpoint ?? s.lastCheckpoint };
    case 'sample':
    case 'error':
      return s;
  }
}

/**
 * The panels' view of a run: its name and notes (label.json), run.json on disk, read through its lock when `state` is given (see
 * runState: `interrupted`, or live in another process), overridden by the live trainer when this
 * window runs it.
 */
export function summarizeRun(
  runDir: string,
  info: RunInfoFile | undefined,
  lastRecordStep: number | undefined,
  live?: LiveRunState,
  state?: RunState,
  label?: RunLabel,
): RunSummary {
  const managed = Boolean(live && live.phase !== 'finished');
  const onDisk = state ? state.status : info?.status;
  const status: RunStatus = managed ? 'running' : (onDisk ?? 'unknown');
  return {
    runId: info?.runId ?? path.basename(runDir),
    runDir,
    ...(label ? { name: label.name, ...(label.notes ? { notes: label.notes } : {}) } : {}),
    status,
    managed,
    stoppable: managed || Boolean(state?.owner?.here),
    totalSteps: live?.totalSteps || info?.totalSteps || 0,
    lastStep: Math.max(live?.step ?? 0, info?.lastStep ?? 0, lastRecordStep ?? 0),
    backend: live?.backend ?? info?.backend,
    device: live?.device ?? info?.device,
    error: info?.error,
    best: info?.best && { step: info.best.step, accuracy: info.best.accuracy },
  };
}
