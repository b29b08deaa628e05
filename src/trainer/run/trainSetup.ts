/**
 * Start-up of a training run: which folder and checkpoint, the backend, f, the data and the model,
 * then (only once all of them have loaded) the run folder with its config.json and run.json. An
 * existing folder is locked before anything else (resuming truncates its metrics), a new one as
 * it is created; on failure the lock is released.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { BACKENDS, type BackendChoice, type DtnConfig } from '../../shared/config';
import type { ThreadsChoice } from '../../shared/threads';
import { DtnError } from '../../shared/errors';
import type { TrainerMessage } from '../../shared/protocol';
import type { RunInfo } from '../../shared/runInfo';
import { runNameProblem, runNotesProblem } from '../../shared/runLabel';
import { bestCheckpointOf, isRunDir } from '../../shared/node/runFiles';
import { checkpointPath } from '../../shared/node/runLayout';
import { skippedSummary, type ImageSet } from '../data/imageSet';
import { loadDataSpec } from '../data/loadDataSpec';
import { Dtn } from '../dtn/dtn';
import type { FeatureEncoder } from '../dtn/models/featureEncoder';
import { initBackend, type BackendInfo } from '../engine/backend';
import type { Engine } from '../engine/engineContext';
import { configHash } from './configFile';
import { DomainBatches } from './domainBatches';
import { loadConfigEncoder } from './configEncoder';
import { defaultEncoderDir } from './encoderStore';
import { resolveResume, type ResolvedCheckpoint } from './resumeTarget';
import type { CheckpointMeta } from './checkpoint';
import { RunFolder } from './runFolder';
import { versions } from './versions';

export interface TrainOptions {
  config: DtnConfig;
  /** Folder that relative paths in the config are resolved against. */
  baseDir: string;
  /** Where the config came from (`preset <name>` or a file path; see ResolvedConfig), for fix hints. */
  origin?: string;
  runDir?: string;
  resume?: string;
  /** A new run may replace the run already in runDir (its files only). */
  force?: boolean;
  /** The run's name and notes (label.json); validated before anything loads. */
  label?: { name?: string; notes?: string };
  backend?: BackendChoice;
  /** The wasm backend's threads (default auto). */
  threads?: ThreadsChoice;
  emit: (msg: TrainerMessage) => void;
  /** Polled between steps: true = checkpoint and stop. */
  shouldStop?: () => boolean;
  /** Resolves when training may continue (pause support). */
  waitWhilePaused?: () => Promise<void>;
}

/** Everything the training loop works on. */
export interface TrainSetup {
  folder: RunFolder;
  /** run.json's content, kept up to date by the loop and its hooks. */
  info: RunInfo;
  /** The compute engine the run steps on (backend, settings, device health). */
  engine: Engine;
  backend: BackendInfo;
  dtn: Dtn;
  f: FeatureEncoder;
  source: ImageSet;
  target: ImageSet;
  data: DomainBatches;
  /** 0, or the step of the checkpoint resumed from. */
  startStep: number;
  /** The checkpoint resumed from when it lies in this run's folder: its newest, until the loop saves another. */
  resumedCheckpoint?: { step: number; path: string };
  configHash: string;
}

export async function setUpTraining(opts: TrainOptions): Promise<TrainSetup> {
  const { config, emit } = opts;
  const warn = (message: string) => emit({ type: 'warning', message });
  if (opts.force && opts.resume) {
    throw new DtnError('CONFIG_INVALID', '--force starts a run over and --resume continues one: pass one of them', {
      fix: 'Drop --force to continue the run, or --resume to start it over',
    });
  }
  assertLabel(opts.label);
  const resume = opts.resume ? resolveResumeTarget(opts.resume, warn) : undefined;
  const runDir = opts.runDir ?? resume?.runDir;
  const folder = runDir !== undefined ? new RunFolder(runDir) : RunFolder.fresh(config.name);
  if (folder.exists()) folder.lock(warn);
  try {
    return await setUpLocked(opts, folder, resume);
  } catch (err) {
    folder.unlock();
    throw err;
  }
}

async function setUpLocked(opts: TrainOptions, folder: RunFolder, resume: ResolvedCheckpoint | undefined): Promise<TrainSetup> {
  const { config, emit } = opts;
  const warn = (message: string) => emit({ type: 'warning', message });
  const hash = configHash(config);
  if (folder.locked) {
    // Refused before the slow part (backend, data); create() checks again under the lock.
    folder.assertWritable({ newRun: !resume, force: opts.force });
    const removed = folder.cleanLeftovers();
    if (removed.length) emit({ type: 'status', phase: 'setup', message: `removed leftovers of an interrupted run: ${removed.join(', ')}` });
  }

  // A new run (with --force over an old one) owes the old run.json nothing.
  const previous = resume ? folder.readInfo() : undefined;
  const backendChoice = chooseBackend(opts, previous);
  emit({ type: 'status', phase: 'backend', message: `initialising backend ${backendChoice}` });
  const engine = await initBackend(backendChoice, opts.threads);
  const { backend } = engine;
  const f = await loadRunEncoder(opts);
  emit({ type: 'status', phase: 'data', message: 'loading source and target domains' });
  const { source, target } = await loadDomains(config, opts.baseDir, f, emit);

  const dtn = new Dtn(config, f);
  let data = DomainBatches.fresh(source, target, config.train.batchSize, config.seed);
  let step = 0;
  let resumedCheckpoint: TrainSetup['resumedCheckpoint'];
  const resumedFrom = previous?.resumedFrom ?? [];
  if (resume) {
    const { meta, checkpoint } = await loadNewestGood(folder, resume, dtn, emit);
    // Resumed into another --run-dir, the checkpoint is not yet that run's own (real paths: the same
    // folder may be named through a symlink).
    const own = samePath(checkpoint, checkpointPath(folder.dir, meta.step));
    // A run stopped between its last checkpoint and marking itself completed (killed, power cut)
    // has nothing left to train but its status: resuming it at train.steps only completes it.
    const onlyToComplete = own && config.train.steps === meta.step && previous?.status !== 'completed';
    if (config.train.steps <= meta.step && !onlyToComplete) {
      dtn.dispose();
      throw new DtnError(
        'CONFIG_INVALID',
        `train.steps (${config.train.steps}) is not beyond the checkpoint's step ${meta.step}: nothing to train`,
        {
          file: checkpoint,
          fix: `Pass --steps with more than ${meta.step} steps to train on from this checkpoint.`,
        },
      );
    }
    if (meta.configHash !== hash) {
      emit({ type: 'warning', message: `config differs from the one the checkpoint was trained with (${meta.configHash} -> ${hash})` });
    }
    data = DomainBatches.restore(source, target, meta.samplers, checkpoint);
    step = meta.step;
    // Under the lock: a folder that appeared since start-up (another --run-dir) is locked now.
    if (folder.exists()) {
      folder.lock(warn);
      folder.truncateMetricsAfter(step);
    }
    resumedFrom.push(checkpoint);
    if (own) resumedCheckpoint = { step, path: checkpoint };
    if (onlyToComplete) {
      emit({ type: 'status', phase: 'setup', message: `all ${step} steps were trained already: completing the run` });
    }
  }

  const now = new Date().toISOString();
  const info: RunInfo = {
    runId: folder.id,
    createdAt: previous?.createdAt ?? now,
    updatedAt: now,
    status: 'running',
    seed: config.seed,
    configHash: hash,
    backend: backend.name,
    backendReason: backend.reason,
    device: backend.device,
    versions: versions(),
    totalSteps: config.train.steps,
    lastStep: step,
    resumedFrom,
    baseDir: opts.baseDir,
    best: keptBest(folder.dir, previous, step),
    ...labelMapsOf(source, target),
  };
  // Only now, with backend, encoder, data and checkpoint loaded: a run that cannot start leaves no
  // empty folder behind for the Runs view to list.
  folder.create(config, info, { resumed: Boolean(resume), force: opts.force, warn, label: opts.label });
  const { runId, totalSteps } = info;
  const { name, reason: backendReason, device } = backend;
  emit({ type: 'started', runId, runDir: folder.dir, backend: name, backendReason, device, configHash: hash, startStep: step, totalSteps });
  return { folder, info, engine, backend, dtn, f, source, target, data, startStep: step, resumedCheckpoint, configHash: hash };
}

/** A bad --name or --notes fails at once, not after the data has loaded. */
function assertLabel(label: TrainOptions['label']): void {
  const problem = (label?.name !== undefined && runNameProblem(label.name)) || (label?.notes !== undefined && runNotesProblem(label.notes));
  if (problem) {
    throw new DtnError('LABEL_INVALID', `--name/--notes: ${problem}`, {
      fix: 'Give a name of 1 to 100 characters without newlines or tabs (notes: at most 4000 characters)',
    });
  }
}

/**
 * --resume's target. A run folder killed before its first checkpoint has none: its leftovers are
 * cleared (under its lock, so not while it is live) before the error says how to start over.
 */
function resolveResumeTarget(ref: string, warn: (message: string) => void): ResolvedCheckpoint {
  try {
    return resolveResume(ref);
  } catch (err) {
    if (err instanceof DtnError && err.code === 'CHECKPOINT_MISSING' && isRunDir(path.resolve(ref))) {
      const folder = new RunFolder(ref);
      folder.lock(warn);
      try {
        folder.cleanLeftovers();
      } finally {
        folder.unlock();
      }
    }
    throw err;
  }
}

/**
 * The checkpoint to resume from; for a run folder, the newest that loads: damaged newer ones are
 * skipped, each named with its reason. An explicitly named checkpoint has no fallback.
 */
async function loadNewestGood(
  folder: RunFolder,
  resume: ResolvedCheckpoint,
  dtn: Dtn,
  emit: TrainOptions['emit'],
): Promise<{ meta: CheckpointMeta; checkpoint: string }> {
  const skipped: string[] = [];
  for (const checkpoint of [resume.checkpoint, ...(resume.older ?? [])]) {
    try {
      const meta = await folder.loadCheckpoint(checkpoint, dtn);
      if (skipped.length)
        emit({ type: 'warning', message: `resuming from ${checkpoint}; skipped damaged newer checkpoints:\n  ${skipped.join('\n  ')}` });
      return { meta, checkpoint };
    } catch (e) {
      if (!(e instanceof DtnError && e.code === 'CHECKPOINT_CORRUPT') || !resume.older) throw e;
      skipped.push(`${checkpoint}: ${e.message}`);
    }
  }
  throw new DtnError('CHECKPOINT_CORRUPT', `no checkpoint of ${folder.dir} loads:\n  ${skipped.join('\n  ')}`, {
    file: folder.dir,
    fix: 'Start a new run (without --resume), or restore a checkpoint from a backup.',
  });
}

function labelMapsOf(source: ImageSet, target: ImageSet): Pick<RunInfo, 'labelMaps'> {
  if (!source.labelMap && !target.labelMap) return {};
  return { labelMaps: { ...(source.labelMap && { source: source.labelMap }), ...(target.labelMap && { target: target.labelMap }) } };
}

/**
 * --backend, else for a resumed run the backend it ran on (a run started with --backend cpu stays
 * on cpu: another backend rounds differently), else the config's.
 */
function chooseBackend(opts: TrainOptions, resumed: RunInfo | undefined): BackendChoice {
  if (opts.backend) return opts.backend;
  const used = resumed?.backend;
  if (used && used !== 'auto' && (BACKENDS as readonly string[]).includes(used)) return used as BackendChoice;
  return opts.config.backend;
}

/**
 * A resumed run keeps its best while it is at or before the step resumed from and still on disk:
 * a later one is about to be overwritten by the training that replaces it.
 */
function keptBest(runDir: string, previous: RunInfo | undefined, step: number): RunInfo['best'] {
  if (!previous) return undefined;
  const best = bestCheckpointOf(runDir, previous);
  return best && best.step <= step ? previous!.best : undefined;
}

/** f, or an error naming the command that writes the encoder this run looks for. */
async function loadRunEncoder(opts: TrainOptions): Promise<FeatureEncoder> {
  const { config, emit } = opts;
  const encoderDir = defaultEncoderDir(config, opts.baseDir);
  emit({ type: 'status', phase: 'encoder', message: `loading f from ${config.encoder.name ?? encoderDir}` });
  // A config file that extends a preset keeps the preset's name, but `--preset <name>` would train
  // a different encoder (the preset's, under the current folder): only suggest it for runs that
  // came from the preset.
  const fromPreset = opts.origin === undefined ? config.name in { digits: 1, 'digits-quick': 1 } : opts.origin.startsWith('preset ');
  const pretrainArgs = fromPreset ? `--preset ${config.name}` : `--config ${opts.origin ?? '<file>'} --out ${encoderDir}`;
  return (await loadConfigEncoder(config, opts.baseDir, `Train it first: dtn pretrain-f ${pretrainArgs}`)).f;
}

/** The source domain at the size f reads, the target at the size g writes. */
async function loadDomains(
  config: DtnConfig,
  baseDir: string,
  f: FeatureEncoder,
  emit: TrainOptions['emit'],
): Promise<{ source: ImageSet; target: ImageSet }> {
  const arch = config.architecture;
  const { batchSize } = config.train;
  const onWarning = (message: string) => emit({ type: 'warning', message });
  const source = await loadDataSpec(config.source, {
    baseDir,
    size: f.inputSize,
    channels: arch.sourceChannels,
    seed: config.seed,
    onWarning,
  });
  const target = await loadDataSpec(config.target, {
    baseDir,
    size: arch.imageSize,
    channels: arch.targetChannels,
    seed: config.seed + 1,
    onWarning,
  });
  for (const set of [source, target]) {
    const skipped = skippedSummary(set);
    if (skipped) emit({ type: 'warning', message: skipped });
  }
  if (source.count < batchSize || target.count < batchSize) {
    const counts = `${source.count} source, ${target.count} target images`;
    throw new DtnError('DATA_INVALID', `train.batchSize ${batchSize} exceeds the data (${counts}): lower it or add data`);
  }
  return { source, target };
}

/** Whether two paths name the same existing file or folder (symlinks followed). */
function samePath(a: string, b: string): boolean {
  try {
    return fs.realpathSync(a) === fs.realpathSync(b);
  } catch {
    return false;
  }
}
