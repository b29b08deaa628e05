/**
 * The training run: loads config, encoder and data, trains the DTN, and writes the run directory
 * (config.json, run.json, metrics.jsonl, samples/, checkpoints/), reporting through `emit`.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as tf from '@tensorflow/tfjs-core';
import type { BackendChoice, DtnConfig } from '../../shared/config';
import { DtnError } from '../../shared/errors';
import type { MetricsRecord, TrainerMessage } from '../../shared/protocol';
import { DEFAULT_ENCODER_ROOT, DEFAULT_RUN_ROOT, RUN_FILES, samplePath, type RunInfo } from '../../shared/node/runLayout';
import { initBackend, type BackendInfo } from '../engine/backend';
import { loadCheckpoint, pruneCheckpoints, saveCheckpoint } from './checkpoint';
import { configHash } from './configFile';
import { Batcher, gather, type BatcherState } from '../data/batcher';
import type { ImageSet } from '../data/imageSet';
import { loadDataSpec } from '../data/loadDataSpec';
import { Dtn } from '../dtn/dtn';
import { StepRunner } from '../engine/stepRunner';
import { convTuningWanted } from '../engine/webgpu/convTune';
import { loadEncoder } from './encoderStore';
import { resolveResume } from './resumeTarget';
import { appendMetrics, newRunId, readRunInfo, truncateMetricsAfter, writeJson } from './runDir';
import { encodeGrid, writeFileAtomic } from './sampleGrid';
import { versions } from './versions';
import { classifierExists, defaultClassifierDir, loadClassifier } from '../eval/classifier';
import { evaluateTranslation, loadHeldOutSource } from '../eval/evaluate';
import type { Encoder } from '../dtn/models/encoder';

export interface TrainOptions {
  config: DtnConfig;
  /** Folder that relative paths in the config are resolved against. */
  baseDir: string;
  /** Where the config came from (`preset <name>` or a file path; see ResolvedConfig), for fix hints. */
  origin?: string;
  runDir?: string;
  resume?: string;
  backend?: BackendChoice;
  emit: (msg: TrainerMessage) => void;
  /** Polled between steps: true = checkpoint and stop. */
  shouldStop?: () => boolean;
  /** Resolves when training may continue (pause support). */
  waitWhilePaused?: () => Promise<void>;
}

export interface TrainResult {
  runDir: string;
  step: number;
  reason: 'completed' | 'stopped';
  checkpoint?: string;
}

export function defaultEncoderDir(config: DtnConfig, baseDir: string): string {
  return path.resolve(baseDir, config.encoder.path ?? path.join(DEFAULT_ENCODER_ROOT, config.name));
}


export async function train(opts: TrainOptions): Promise<TrainResult> {
  const { config, emit } = opts;
  const t = config.train;
  const arch = config.architecture;
  const hash = configHash(config);

  const resume = opts.resume ? resolveResume(opts.resume) : undefined;
  const runDir = path.resolve(opts.runDir ?? resume?.runDir ?? path.join(DEFAULT_RUN_ROOT, newRunId(config.name)));
  const runId = path.basename(runDir);

  emit({ type: 'status', phase: 'backend', message: `initialising backend ${opts.backend ?? config.backend}` });
  const engine = await initBackend(opts.backend ?? config.backend);
  const backend: BackendInfo = engine.backend;

  const encoderDir = defaultEncoderDir(config, opts.baseDir);
  emit({ type: 'status', phase: 'encoder', message: `loading f from ${encoderDir}` });
  // Name the command that writes the encoder this run looks for. A config file that extends a
  // preset keeps the preset's name, but `--preset <name>` would train a different encoder (the
  // preset's, under the current folder): only suggest it for runs that came from the preset.
  const fromPreset = opts.origin === undefined ? config.name in { digits: 1, 'digits-quick': 1 } : opts.origin.startsWith('preset ');
  const pretrainArgs = fromPreset ? `--preset ${config.name}` : `--config ${opts.origin ?? '<file>'} --out ${encoderDir}`;
  const { f } = loadEncoder(encoderDir, arch, `Train it first: dtn pretrain-f ${pretrainArgs}`);

  emit({ type: 'status', phase: 'data', message: 'loading source and target domains' });
  const size = arch.imageSize;
  const source = await loadDataSpec(config.source, { baseDir: opts.baseDir, size, channels: arch.sourceChannels, seed: config.seed });
  const target = await loadDataSpec(config.target, { baseDir: opts.baseDir, size, channels: arch.targetChannels, seed: config.seed + 1 });
  if (source.count < t.batchSize || target.count < t.batchSize) {
    throw new DtnError('DATA_INVALID', `train.batchSize ${t.batchSize} exceeds the data (${source.count} source, ${target.count} target images): lower it or add data`);
  }

  const dtn = new Dtn(config, f);
  let sourceBatcher = new Batcher(source.count, t.batchSize, config.seed * 7919 + 1);
  let targetBatcher = new Batcher(target.count, t.batchSize, config.seed * 7919 + 2);
  let step = 0;
  const previous = readRunInfo(runDir);
  const resumedFrom = previous?.resumedFrom ?? [];
  if (resume) {
    const meta = await loadCheckpoint(resume.checkpoint, dtn);
    if (meta.configHash !== hash) {
      emit({ type: 'warning', message: `config differs from the one the checkpoint was trained with (${meta.configHash} -> ${hash})` });
    }
    sourceBatcher = Batcher.restore(meta.samplers.source as BatcherState);
    targetBatcher = Batcher.restore(meta.samplers.target as BatcherState);
    step = meta.step;
    truncateMetricsAfter(runDir, step);
    resumedFrom.push(resume.checkpoint);
  }

  const info: RunInfo = {
    runId,
    createdAt: previous?.createdAt ?? new Date().toISOString(),
    updatedAt: new Date().toISOString(),
    status: 'running',
    seed: config.seed,
    configHash: hash,
    backend: backend.name,
    backendReason: backend.reason,
    device: backend.device,
    versions: versions(),
    totalSteps: t.steps,
    lastStep: step,
    resumedFrom,
    baseDir: opts.baseDir,
  };
  // Only now, with backend, encoder, data and checkpoint loaded: a run that cannot start leaves no
  // empty folder behind for the Runs view to list.
  fs.mkdirSync(path.join(runDir, RUN_FILES.samples), { recursive: true });
  fs.mkdirSync(path.join(runDir, RUN_FILES.checkpoints), { recursive: true });
  writeJson(runDir, RUN_FILES.config, config);
  writeJson(runDir, RUN_FILES.run, info);
  emit({ type: 'started', runId, runDir, backend: backend.name, backendReason: backend.reason, device: backend.device, configHash: hash, startStep: step, totalSteps: t.steps });

  const evaluator = prepareEvaluation(config, opts.baseDir, emit);
  const evalEvery = config.eval.every || t.checkpointEvery;

  const sampleCount = Math.min(t.sampleCount, source.count);
  const samplePixels = source.images.slice(0, sampleCount * size * size * arch.sourceChannels);
  const sampleInputs = tf.tensor4d(samplePixels, [sampleCount, size, size, arch.sourceChannels]);
  const runner = new StepRunner(
    engine,
    dtn,
    {
      xs: [t.batchSize, size, size, arch.sourceChannels],
      xt: [t.batchSize, size, size, arch.targetChannels],
    },
    { tuneConvs: convTuningWanted(engine), note: (message) => emit({ type: 'status', phase: 'backend', message }) },
  );
  const writeSample = async (): Promise<void> => {
    runner.sync();
    const out = tf.tidy(() => dtn.generate(sampleInputs));
    const pixels = (await out.data()) as Float32Array;
    out.dispose();
    const png = encodeGrid(
      [
        { pixels: samplePixels, channels: arch.sourceChannels },
        { pixels, channels: arch.targetChannels },
      ],
      sampleCount,
      size,
      size,
    );
    const file = samplePath(runDir, step);
    writeFileAtomic(file, png);
    emit({ type: 'sample', step, path: file });
  };
  const writeCheckpoint = async (): Promise<string> => {
    runner.sync();
    const dir = await saveCheckpoint(runDir, dtn, {
      step,
      configHash: hash,
      samplers: { source: sourceBatcher.state(), target: targetBatcher.state() },
    });
    pruneCheckpoints(runDir, t.keepCheckpoints);
    info.lastStep = step;
    info.updatedAt = new Date().toISOString();
    writeJson(runDir, RUN_FILES.run, info);
    emit({ type: 'checkpoint', step, path: dir });
    return dir;
  };

  let reason: TrainResult['reason'] = 'completed';
  let lastCheckpoint: { step: number; path: string } | undefined;
  let intervalStart = Date.now();
  let intervalSteps = 0;
  let planNoted = false;
  try {
    if (step === 0) await writeSample();
    while (step < t.steps) {
      // Let the event loop run: on the cpu backend every await in a step resolves as a microtask,
      // so without this, stdin commands (stop/pause from the extension) and SIGINT/SIGTERM were
      // only handled after the last step, i.e. Stop and Ctrl-C did nothing during training.
      await new Promise<void>((resolve) => setImmediate(resolve));
      if (opts.shouldStop?.()) {
        reason = 'stopped';
        break;
      }
      await opts.waitWhilePaused?.();
      const xs = gather(source, sourceBatcher.next());
      const xt = gather(target, targetBatcher.next());
      dtn.scheduleLearningRate(step + 1);
      const next = step + 1;
      const evalNow = evaluator !== undefined && (next % evalEvery === 0 || next === t.steps);
      const logNow = next % t.logEvery === 0 || next === t.steps || evalNow;
      const pending = runner.step(xs, xt, logNow);
      if (!planNoted && (runner.reason !== undefined || runner.mode === 'planned')) {
        planNoted = true;
        if (runner.tuned) {
          info.backendReason += `; ${runner.tuned.summary}`;
          // No rows: tuning failed, and the run goes on with the default layouts.
          if (runner.tuned.rows.length > 0) emit({ type: 'status', phase: 'backend', message: runner.tuned.summary });
          else emit({ type: 'warning', message: runner.tuned.summary });
        }
        if (runner.mode === 'planned') info.backendReason += `; steps replay a recorded step (${runner.dispatches} dispatches)`;
        else if (backend.name === 'webgpu') emit({ type: 'warning', message: `each step runs through tfjs instead of a replayed plan (slower): ${runner.reason}` });
      }
      step = next;
      intervalSteps++;
      if (logNow) {
        const loss = (await pending)!;
        engine.deviceHealth.assertHealthy();
        const seconds = (Date.now() - intervalStart) / 1000;
        for (const [k, v] of Object.entries(loss)) {
          if (v !== null && !Number.isFinite(v)) throw new DtnError('TRAINING_DIVERGED', `loss ${k} became ${v} at step ${step}: lower train.learningRate or check the data`);
        }
        const record: MetricsRecord = {
          step,
          loss,
          msPerStep: (seconds * 1000) / intervalSteps,
          imgPerSec: (intervalSteps * t.batchSize) / Math.max(seconds, 1e-9),
          time: new Date().toISOString(),
        };
        if (evalNow && evaluator) {
          runner.sync();
          const { confusion: _c, ...summary } = await evaluateTranslation({
            generate: (x) => dtn.generate(x),
            f,
            classifier: evaluator.classifier,
            heldOut: evaluator.heldOut,
            distance: config.losses.constDistance,
          });
          record.eval = summary;
        }
        appendMetrics(runDir, record);
        emit({ type: 'metrics', record, totalSteps: t.steps });
        intervalStart = Date.now();
        intervalSteps = 0;
      } else {
        await pending;
      }
      if (step % t.sampleEvery === 0 || step === t.steps) await writeSample();
      if (step % t.checkpointEvery === 0) lastCheckpoint = { step, path: await writeCheckpoint() };
    }
    // Always end (completed or stopped) on a checkpoint of the last step.
    if (lastCheckpoint?.step !== step) lastCheckpoint = { step, path: await writeCheckpoint() };
    info.status = reason;
  } catch (err) {
    info.status = 'failed';
    info.error = err instanceof Error ? err.message : String(err);
    throw err;
  } finally {
    info.updatedAt = new Date().toISOString();
    writeJson(runDir, RUN_FILES.run, info);
    sampleInputs.dispose();
    runner.dispose();
    dtn.dispose();
    f.params.dispose();
    evaluator?.classifier.params.dispose();
  }
  emit({ type: 'done', reason, step, runDir, checkpoint: lastCheckpoint.path });
  return { runDir, step, reason, checkpoint: lastCheckpoint.path };
}

/**
 * Periodic evaluation needs a target classifier and labelled held-out source images; without
 * either, training goes on and says what to do to get the metric.
 */
function prepareEvaluation(config: DtnConfig, baseDir: string, emit: TrainOptions['emit']): { classifier: Encoder; heldOut: ImageSet } | undefined {
  const dir = defaultClassifierDir(config, baseDir);
  if (!classifierExists(dir)) {
    emit({ type: 'warning', message: `no target classifier at ${dir}: translation accuracy is not tracked. Run dtn train-classifier first to track it` });
    return undefined;
  }
  const heldOut = loadHeldOutSource(config, baseDir);
  if (!heldOut?.labels) {
    emit({ type: 'warning', message: 'no labelled held-out source images: set eval.source in the config to track translation accuracy' });
    return undefined;
  }
  return { classifier: loadClassifier(dir).model, heldOut };
}
