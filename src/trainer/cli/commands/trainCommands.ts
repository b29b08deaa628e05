/** `dtn train`, `dtn pretrain-f`, `dtn train-classifier` and `dtn demo`. */
import * as path from 'node:path';
import type { BackendChoice } from '../../../shared/config';
import type { ThreadsChoice } from '../../../shared/threads';
import { RUN_FILES } from '../../../shared/node/runLayout';
import { targetReadingText } from '../../../shared/encoders';
import { initBackend } from '../../engine/backend';
import { presetConfig } from '../../run/configFile';
import { loadDataSpec } from '../../data/loadDataSpec';
import { defaultEncoderDir, encoderExists } from '../../run/encoderStore';
import {
  CLASSIFIER_KIND,
  classifierArchitecture,
  classifierExists,
  defaultClassifierDir,
  saveClassifier,
  trainClassifier,
} from '../../eval/classifier';
import { assertReplaceable } from '../../run/tensorFile';
import { pretrainEncoder } from '../../dtn/pretrain';
import { createReporter } from '../reporter';
import { RunFolder } from '../../run/runFolder';
import { train, type TrainResult } from '../../run/train';
import { configOfRun, resolveConfig, type CommonOpts } from './options';
import { stopControls } from '../stopControls';

export async function trainCommand(
  opts: CommonOpts & {
    runDir?: string;
    steps?: number;
    resume?: string;
    sampleEvery?: number;
    hostStdin?: boolean;
    force?: boolean;
    name?: string;
    notes?: string;
  },
): Promise<TrainResult> {
  const reporter = createReporter(Boolean(opts.json));
  const resolved = !opts.preset && !opts.config && opts.resume ? configOfRun(opts.resume, opts.set) : resolveConfig(opts);
  if (opts.steps !== undefined) resolved.config.train.steps = opts.steps;
  if (opts.sampleEvery !== undefined) resolved.config.train.sampleEvery = opts.sampleEvery;
  const controls = stopControls(reporter, Boolean(opts.json) && !process.stdin.isTTY, Boolean(opts.hostStdin));
  const result = await train({
    ...resolved,
    runDir: opts.runDir,
    resume: opts.resume,
    force: opts.force,
    label: opts.name !== undefined || opts.notes !== undefined ? { name: opts.name, notes: opts.notes } : undefined,
    backend: opts.backend,
    threads: opts.threads,
    emit: reporter.emit,
    ...controls,
  });
  reporter.finish();
  if (!opts.json) {
    process.stderr.write(
      `\nRun ${result.reason} at step ${result.step}.\n  run folder: ${result.runDir}\n` +
        `  samples:    ${path.join(result.runDir, RUN_FILES.samples)}\n  checkpoint: ${result.checkpoint}\n`,
    );
  }
  return result;
}

export async function pretrainCommand(opts: CommonOpts & { out?: string; steps?: number; force?: boolean }): Promise<void> {
  const reporter = createReporter(Boolean(opts.json));
  const resolved = resolveConfig(opts);
  const result = await pretrainEncoder({
    ...resolved,
    out: opts.out && path.resolve(opts.out),
    steps: opts.steps,
    force: opts.force,
    backend: opts.backend,
    threads: opts.threads,
    emit: reporter.emit,
    onProgress: (step, total, loss) => reporter.progress('pretrain f', step, total, `loss ${loss.toFixed(3)}`),
  });
  reporter.finish();
  // The encoder's folder comes last, as the command's result.
  if (result.targetReading) {
    const message = `f reads the target domain: ${targetReadingText(result.targetReading)}`;
    reporter.emit({ type: 'status', phase: 'pretrain-f', message });
  }
  reporter.emit({
    type: 'status',
    phase: 'pretrain-f',
    message: `encoder saved to ${result.dir} (held-out accuracy ${(result.heldOutAccuracy * 100).toFixed(1)}%)`,
  });
}

export async function trainClassifierCommand(opts: CommonOpts & { out?: string; steps?: number; force?: boolean }): Promise<void> {
  const reporter = createReporter(Boolean(opts.json));
  const { config, baseDir } = resolveConfig(opts);
  const { backend } = await initBackend(opts.backend ?? config.backend, opts.threads);
  reporter.emit({ type: 'status', phase: 'backend', message: `${backend.name} on ${backend.device}` });
  const arch = classifierArchitecture(config);
  const dir = opts.out ? path.resolve(opts.out) : defaultClassifierDir(config, baseDir);
  assertReplaceable(dir, CLASSIFIER_KIND, opts.force);
  reporter.emit({ type: 'status', phase: 'data', message: 'loading labelled target images' });
  const data = await loadDataSpec(config.target, { baseDir, size: arch.imageSize, channels: arch.sourceChannels, seed: config.seed });
  const steps = opts.steps ?? config.eval.classifier.steps;
  const trained = await trainClassifier(data, arch, {
    steps,
    seed: config.seed,
    onProgress: (step, total, loss) => reporter.progress('train classifier', step, total, `loss ${loss.toFixed(3)}`),
  });
  reporter.finish();
  await saveClassifier(
    dir,
    trained.model,
    {
      trainedOn: data.origin,
      steps,
      testAccuracy: trained.testAccuracy,
      testCount: trained.testCount,
    },
    { force: opts.force },
  );
  reporter.emit({
    type: 'status',
    phase: 'train-classifier',
    message:
      `classifier saved to ${dir} ` +
      `(accuracy on ${trained.testCount} held-out target images: ${(trained.testAccuracy * 100).toFixed(2)}%)`,
  });
}

export const DEMO_PRESETS = ['digits-quick', 'digits-cpu', 'faces-emoji-quick'] as const;
type DemoOpts = {
  preset?: (typeof DEMO_PRESETS)[number];
  backend?: BackendChoice;
  threads?: ThreadsChoice;
  steps?: number;
  runDir?: string;
};

/**
 * digits-quick, digits-cpu: pretrain-f and train-classifier once (skipped when their folders exist),
 * then train. faces-emoji-quick: train on the photos that ship with the face package (a pipeline check).
 */
export async function demoCommand(opts: DemoOpts): Promise<void> {
  if (opts.preset === 'faces-emoji-quick') return facesDemo(opts);
  const preset = opts.preset ?? 'digits-quick';
  const reporter = createReporter(false);
  const started = Date.now();
  const { config, baseDir } = presetConfig(preset);
  const encoderDir = defaultEncoderDir(config, baseDir);
  if (!encoderExists(encoderDir)) {
    reporter.note('step 1/3: pretraining f, the digit encoder, on synthetic street digits');
    await pretrainCommand({ preset, backend: opts.backend, threads: opts.threads });
  } else reporter.note(`step 1/3: using the encoder in ${encoderDir}`);
  const classifierDir = defaultClassifierDir(config, baseDir);
  if (!classifierExists(classifierDir)) {
    reporter.note('step 2/3: training the MNIST classifier that scores translations');
    await trainClassifierCommand({ preset, backend: opts.backend, threads: opts.threads });
  } else reporter.note(`step 2/3: using the classifier in ${classifierDir}`);
  reporter.note('step 3/3: training the DTN (synthetic street digits -> MNIST)');
  const result = await trainCommand({
    preset,
    backend: opts.backend,
    threads: opts.threads,
    steps: opts.steps,
    runDir: opts.runDir,
  });
  const evaluated = new RunFolder(result.runDir).readMetrics().filter((r) => r.eval);
  const last = evaluated.at(-1);
  const best = evaluated.reduce<(typeof evaluated)[number] | undefined>(
    (a, r) => (a && a.eval!.accuracy >= r.eval!.accuracy ? a : r),
    undefined,
  );
  const minutes = ((Date.now() - started) / 60000).toFixed(1);
  const pct = (v: number) => `${(v * 100).toFixed(1)}%`;
  const accuracy = last?.eval
    ? ` Translation accuracy at step ${last.step}: ${pct(last.eval.accuracy)} of ${last.eval.count} ` +
      'held-out street digits are read as their own digit by the MNIST classifier' +
      (best && best !== last ? ` (best ${pct(best.eval!.accuracy)} at step ${best.step}, kept as the run's best checkpoint).` : '.')
    : '';
  process.stderr.write(
    `\nDemo finished in ${minutes} min.${accuracy}\n` +
      `Open the sample grids (source row above its translation): ${path.join(result.runDir, RUN_FILES.samples)}\n`,
  );
}

/** The faces -> emoji pipeline end to end on the handful of photos the face package ships. */
async function facesDemo(opts: DemoOpts): Promise<void> {
  const reporter = createReporter(false);
  const started = Date.now();
  reporter.note(
    'PIPELINE CHECK, NOT A RESULT: faces -> emoji on the few demo photos that ship with @vladmandic/face-api. ' +
      'A real run needs a folder of your own face photos (see the README, "Faces -> emoji").',
  );
  const result = await trainCommand({
    preset: 'faces-emoji-quick',
    backend: opts.backend,
    threads: opts.threads,
    steps: opts.steps,
    runDir: opts.runDir,
  });
  const last = new RunFolder(result.runDir)
    .readMetrics()
    .filter((r) => r.eval)
    .at(-1);
  const minutes = ((Date.now() - started) / 60000).toFixed(1);
  const identity = last?.eval
    ? ` Identity at step ${last.step}: f ranks the right face first for ${(last.eval.accuracy * 100).toFixed(0)}% of ` +
      `${last.eval.count} translated faces (median rank ${last.eval.medianRank ?? '?'}).`
    : '';
  process.stderr.write(
    `\nPipeline check finished in ${minutes} min.${identity}\n` +
      `Sample grids (face crop above its emoji): ${path.join(result.runDir, RUN_FILES.samples)}\n`,
  );
}
