/**
 * A trained G = g∘f, ready to translate: the checkpoint's g, the encoder f its config names, on a
 * backend. The only place translation touches the run folder, the backend and the model loaders.
 */
import * as tf from '@tensorflow/tfjs-core';
import type { BackendChoice, DtnConfig } from '../../shared/config';
import { decodeImage, type ImageShape } from '../data/imageDecode';
import { conformImageSet } from '../data/conform';
import { CROP_SIZE } from '../data/faces/alignment';
import { FaceCache, faceCacheRoot } from '../data/faces/faceCache';
import { cropFace } from '../data/faces/faceCrop';
import { Dtn } from '../dtn/dtn';
import { initBackend } from '../engine/backend';
import { openExport } from '../export/loadExport';
import { resolveCheckpoint } from '../run/resumeTarget';
import { loadTrainedDtn } from '../run/trainedDtn';

export interface Translator {
  /** What f reads: the source domain as training prepared it. */
  readonly source: ImageShape;
  /** What g writes. */
  readonly target: ImageShape;
  /**
   * An image file as G reads it (source-shaped, [-1, 1]): decoded and resized for digits, the
   * detected, aligned face crop for faces (a photo without a usable face is an error naming it).
   */
  prepare(file: string): Promise<Float32Array>;
  /** G(x) for each image (source-shaped, values in [-1, 1]); one model call for the lot. */
  translate(images: Float32Array[]): Promise<Float32Array[]>;
  dispose(): void;
}

export interface LoadedTranslator extends Translator {
  checkpoint: string;
  step: number;
  backend: { name: string; device: string };
}

/**
 * A photo's aligned face crop at f's input (FACE_NOT_FOUND, naming the photo, when it has no usable
 * face). With the run's cache, a photo seen in training or translated before is not detected again.
 */
async function alignedFaceOf(file: string, source: ImageShape, cache?: FaceCache): Promise<Float32Array> {
  const { image } = await cropFace(file, { cache });
  if (source.size === CROP_SIZE && source.channels === 3) return image;
  const shape = { size: source.size, channels: source.channels };
  const one = { images: image, count: 1, height: CROP_SIZE, width: CROP_SIZE, channels: 3, origin: file };
  return conformImageSet(one, shape).images;
}

/** A translator over a DTN already in memory (its g and f). */
export function translatorFor(dtn: Dtn, config: DtnConfig, baseDir?: string): Translator {
  const arch = config.architecture;
  const source: ImageShape = { size: dtn.f.inputSize, channels: arch.sourceChannels };
  const target: ImageShape = { size: arch.imageSize, channels: arch.targetChannels };
  const faceCache = arch.kind === 'faces' && baseDir !== undefined ? new FaceCache(faceCacheRoot(baseDir)) : undefined;
  const inSize = source.size * source.size * source.channels;
  const outSize = target.size * target.size * target.channels;
  return {
    source,
    target,
    prepare: arch.kind === 'faces' ? (file) => alignedFaceOf(file, source, faceCache) : (file) => decodeImage(file, source),
    async translate(images) {
      if (images.length === 0) return [];
      const flat = new Float32Array(images.length * inSize);
      images.forEach((im, i) => flat.set(im, i * inSize));
      const out = tf.tidy(() => dtn.generate(tf.tensor4d(flat, [images.length, source.size, source.size, source.channels])));
      try {
        const data = (await out.data()) as Float32Array;
        return images.map((_, i) => data.slice(i * outSize, (i + 1) * outSize));
      } finally {
        out.dispose();
      }
    },
    dispose() {
      dtn.dispose();
      dtn.f.params.dispose();
    },
  };
}

/**
 * Loads an export folder (dtn export), or a checkpoint folder, a run folder's best (else newest)
 * checkpoint, or `best`, with the run's config and encoder.
 */
export async function loadTranslator(checkpointOrRun: string, backendChoice?: BackendChoice): Promise<LoadedTranslator> {
  const exported = openExport(checkpointOrRun);
  if (exported) {
    const { backend } = await initBackend(backendChoice ?? exported.config.backend);
    const { dir: checkpoint, manifest, config } = exported;
    return {
      ...translatorFor(exported.load(), config),
      checkpoint,
      step: manifest.step,
      backend: { name: backend.name, device: backend.device },
    };
  }
  const target = resolveCheckpoint(checkpointOrRun, { ofRun: 'best' });
  const t = await loadTrainedDtn(target, { backendFor: (config) => backendChoice ?? config.backend, use: 'Translation' });
  const { name, device } = t.engine.backend;
  return { ...translatorFor(t.dtn, t.config, t.baseDir), checkpoint: t.checkpoint, step: t.step, backend: { name, device } };
}
