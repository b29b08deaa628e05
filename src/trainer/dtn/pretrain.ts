/**
 * `dtn pretrain-f`: trains the digit classifier whose penultimate layer is f, on labelled source
 * images, and saves it as the encoder `dtn train` loads.
 */
import { digitsArchitecture, type BackendChoice, type DtnConfig } from '../../shared/config';
import type { ThreadsChoice } from '../../shared/threads';
import type { TrainerMessage } from '../../shared/protocol';
import { initBackend } from '../engine/backend';
import { loadDataSpec } from '../data/loadDataSpec';
import { defaultEncoderDir, ENCODER_KIND, saveEncoder } from '../run/encoderStore';
import { assertReplaceable } from '../run/tensorFile';
import { trainLabelClassifier } from './supervised';
import { measureTargetReading } from './targetReading';
import type { TargetReading } from '../../shared/encoders';
import { DtnError } from '../../shared/errors';

export interface PretrainOptions {
  config: DtnConfig;
  baseDir: string;
  out?: string;
  steps?: number;
  backend?: BackendChoice;
  threads?: ThreadsChoice;
  emit: (msg: TrainerMessage) => void;
  onProgress?: (step: number, total: number, loss: number) => void;
  /** Replace `out` even if it is not an encoder folder. */
  force?: boolean;
}

export interface PretrainResult {
  dir: string;
  heldOutAccuracy: number;
  /** f on labelled target images; absent where the target has none. */
  targetReading?: TargetReading;
  steps: number;
}

export async function pretrainEncoder(opts: PretrainOptions): Promise<PretrainResult> {
  const { config, emit } = opts;
  const arch = digitsArchitecture(config.architecture, 'dtn pretrain-f');
  const steps = opts.steps ?? config.encoder.pretrainSteps;
  const dir = opts.out ?? defaultEncoderDir(config, opts.baseDir);
  // Before minutes of training, not after: the destination must be ours to replace.
  assertReplaceable(dir, ENCODER_KIND, opts.force);
  const { backend } = await initBackend(opts.backend ?? config.backend, opts.threads);
  emit({ type: 'status', phase: 'backend', message: `${backend.name} on ${backend.device} (${backend.reason})` });
  const spec = config.encoder.source ?? config.source;
  const specName = config.encoder.source ? 'encoder.source' : 'source';
  emit({ type: 'status', phase: 'data', message: `loading labelled images for f (${specName})` });
  const data = await loadDataSpec(spec, {
    baseDir: opts.baseDir,
    size: arch.imageSize,
    channels: arch.sourceChannels,
    seed: config.seed,
  });
  if (!data.labels) {
    throw new DtnError(
      'DATA_INVALID',
      `${specName} (${data.origin}) has no labels: ` +
        'f is pretrained as a digit classifier. ' +
        'Use labelled source data (synthetic-digits, svhn-mat, mnist-idx with labels, or image-folder with labelsFromFolders)',
    );
  }
  const { model: f, testAccuracy: heldOutAccuracy } = await trainLabelClassifier(data, arch, {
    steps,
    seed: config.seed,
    augment: config.encoder.augment ? 'colour' : 'none',
    warp: config.encoder.warp,
    onProgress: opts.onProgress,
  });
  emit({ type: 'status', phase: 'data', message: 'reading labelled target images with f' });
  const outcome = await measureTargetReading(f, config.target, {
    baseDir: opts.baseDir,
    arch,
    seed: config.seed,
    sourceLabels: data.labelMap,
  });
  if (outcome.kind === 'unavailable')
    emit({ type: 'warning', message: `f's reading of the target domain was not measured: ${outcome.message}` });
  const targetReading = outcome.kind === 'measured' ? outcome.reading : undefined;
  await saveEncoder(dir, f, { trainedOn: data.origin, steps, heldOutAccuracy, targetReading }, { force: opts.force });
  f.params.dispose();
  return { dir, heldOutAccuracy, targetReading, steps };
}
