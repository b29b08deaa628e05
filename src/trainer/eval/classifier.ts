/**
 * The target-domain classifier that scores translations (for digits: trained on MNIST). Same conv
 * stack as the digits encoder, on the target's channels; trained once, saved, reused by every eval.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { digitsArchitecture, type DigitsArchitecture, type DtnConfig } from '../../shared/config';
import { DEFAULT_CLASSIFIER_ROOT } from '../../shared/node/runLayout';
import type { ImageSet } from '../data/imageSet';
import { Encoder, NUM_CLASSES } from '../dtn/models/encoder';
import { predictLabels, trainLabelClassifier, type LabelClassifierTraining } from '../dtn/supervised';
import { assignVariables, MANIFEST, readTensorFolder, writeTensorFolder } from '../run/tensorFile';
import { DtnError } from '../../shared/errors';

export interface ClassifierMeta {
  kind: 'dtn-classifier';
  architecture: DigitsArchitecture;
  trainedOn: string;
  steps: number;
  testAccuracy: number;
  testCount: number;
  createdAt: string;
}

export function classifierArchitecture(config: DtnConfig): DigitsArchitecture {
  const c = config.eval.classifier;
  const arch = digitsArchitecture(config.architecture, 'The digit classifier');
  return {
    ...arch,
    sourceChannels: arch.targetChannels,
    encoderWidths: c.widths,
    embeddingSize: c.embeddingSize,
  };
}

export function defaultClassifierDir(config: DtnConfig, baseDir: string): string {
  return path.resolve(baseDir, config.eval.classifier.path ?? path.join(DEFAULT_CLASSIFIER_ROOT, config.name));
}

export function classifierExists(dir: string): boolean {
  return fs.existsSync(path.join(dir, MANIFEST));
}

export { predictLabels };

/** The target classifier is trained with intensity jitter (see supervised.ts for why). */
export function trainClassifier(
  data: ImageSet,
  arch: DigitsArchitecture,
  opts: { steps: number; seed: number; onProgress?: (step: number, total: number, loss: number) => void },
): Promise<LabelClassifierTraining> {
  if (!data.labels) throw new DtnError('DATA_INVALID', `${data.origin} has no labels: the classifier needs labelled target images`);
  return trainLabelClassifier(data, arch, { ...opts, augment: 'intensity' });
}

export async function saveClassifier(
  dir: string,
  model: Encoder,
  meta: Omit<ClassifierMeta, 'kind' | 'createdAt' | 'architecture'>,
  opts: { force?: boolean } = {},
): Promise<void> {
  const full = { kind: CLASSIFIER_KIND, architecture: model.arch, createdAt: new Date().toISOString(), ...meta } satisfies ClassifierMeta;
  await writeTensorFolder(dir, model.params.all(), full, undefined, opts);
}

export const CLASSIFIER_KIND = 'dtn-classifier';

export function loadClassifier(dir: string): { model: Encoder; meta: ClassifierMeta } {
  if (!classifierExists(dir)) {
    throw new DtnError(
      'CLASSIFIER_MISSING',
      `No target-domain classifier at ${dir}. Train it once: dtn train-classifier --preset <name> (or --config <file>)`,
      {
        fix: 'Run dtn train-classifier',
        file: dir,
      },
    );
  }
  const { meta, tensors } = readTensorFolder<ClassifierMeta>(dir);
  if (meta?.kind !== 'dtn-classifier')
    throw new DtnError('CHECKPOINT_CORRUPT', `${dir} is not a classifier folder (kind: ${String(meta?.kind)})`);
  const model = new Encoder(meta.architecture, 0);
  assignVariables(model.params.all(), tensors, dir);
  model.params.freeze();
  return { model, meta };
}

export { NUM_CLASSES };
