/** Saves and loads the pretrained encoder f (written by `dtn pretrain-f`, read by `dtn train`). */
import * as fs from 'node:fs';
import type { DigitsArchitecture, DtnConfig } from '../../shared/config';
import { TargetReadingSchema, type TargetReading } from '../../shared/encoders';
import { DtnError } from '../../shared/errors';
import { DEFAULT_ENCODER_ROOT } from '../../shared/node/runLayout';
import { Encoder } from '../dtn/models/encoder';
import { assignVariables, readTensorFolder, writeTensorFolder, MANIFEST } from './tensorFile';
import * as path from 'node:path';

export interface EncoderMeta {
  kind: 'dtn-encoder';
  architecture: Pick<DigitsArchitecture, 'imageSize' | 'sourceChannels' | 'encoderWidths' | 'embeddingSize'>;
  trainedOn: string;
  steps: number;
  /** Accuracy of f + its linear head on held-out labelled source images. */
  heldOutAccuracy: number;
  /** f's reading of labelled target images, where the target has labels. */
  targetReading?: TargetReading;
  createdAt: string;
}

export const ENCODER_KIND = 'dtn-encoder';

export class EncoderNotFoundError extends DtnError {
  constructor(
    readonly dir: string,
    fix: string,
  ) {
    super('ENCODER_MISSING', `No encoder at ${dir}. ${fix}`, { file: dir, fix });
    this.name = 'EncoderNotFoundError';
  }
}

export async function saveEncoder(
  dir: string,
  f: Encoder,
  meta: Omit<EncoderMeta, 'kind' | 'architecture' | 'createdAt'>,
  opts: { force?: boolean } = {},
): Promise<void> {
  const { imageSize, sourceChannels, encoderWidths, embeddingSize } = f.arch;
  const full: EncoderMeta = {
    kind: 'dtn-encoder',
    architecture: { imageSize, sourceChannels, encoderWidths, embeddingSize },
    createdAt: new Date().toISOString(),
    ...meta,
  };
  await writeTensorFolder(dir, f.params.all(), full, undefined, opts);
}

/** Where a config's f lives: encoder.path, else .dtn/encoders/<name>, against `baseDir`. */
export function defaultEncoderDir(config: DtnConfig, baseDir: string): string {
  return path.resolve(baseDir, config.encoder.path ?? path.join(DEFAULT_ENCODER_ROOT, config.name));
}

export function encoderExists(dir: string): boolean {
  return fs.existsSync(path.join(dir, MANIFEST));
}

/** Loads f for `arch`; refuses an encoder trained for another architecture, naming the difference. */
export function loadEncoder(dir: string, arch: DigitsArchitecture, fix: string): { f: Encoder; meta: EncoderMeta } {
  if (!encoderExists(dir)) throw new EncoderNotFoundError(dir, fix);
  const { meta, tensors } = readTensorFolder<EncoderMeta>(dir);
  if (meta?.kind !== 'dtn-encoder')
    throw new DtnError('ENCODER_INVALID', `${dir} is not an encoder folder (kind: ${String(meta?.kind)})`, { file: dir });
  for (const key of ['imageSize', 'sourceChannels', 'encoderWidths', 'embeddingSize'] as const) {
    if (JSON.stringify(meta.architecture[key]) !== JSON.stringify(arch[key])) {
      throw new DtnError(
        'ENCODER_INVALID',
        `${dir}: encoder was trained with architecture.${key} = ${JSON.stringify(meta.architecture[key])}, ` +
          `the config asks for ${JSON.stringify(arch[key])}. ${fix}`,
        { file: dir, fix },
      );
    }
  }
  const f = new Encoder(arch, 0);
  assignVariables(f.params.all(), tensors, dir);
  f.params.freeze();
  // Only shown and passed on (model card, export), so a damaged reading is dropped, not fatal.
  const reading = TargetReadingSchema.safeParse(meta.targetReading);
  return { f, meta: { ...meta, targetReading: reading.success ? reading.data : undefined } };
}
