/** g and D for a config's architecture: the digits networks or the faces -> emoji ones. */
import type * as tf from '@tensorflow/tfjs-core';
import type { Architecture } from '../../../shared/config';
import { Discriminator } from './discriminator';
import { FacesGenerator } from './facesGenerator';
import { Generator } from './generator';
import type { Network } from './network';

export type GeneratorNet = Network<tf.Tensor2D, tf.Tensor4D>;
export type DiscriminatorNet = Network<tf.Tensor4D, tf.Tensor2D>;

/**
 * g: f's embedding (`embeddingSize` long, f's own) -> an image of the target domain. `prefix` names
 * its parameters ('g'; 'gAvg' for the weight average).
 */
export function createGenerator(arch: Architecture, embeddingSize: number, seed: number, prefix = 'g'): GeneratorNet {
  return arch.kind === 'faces' ? new FacesGenerator(arch, embeddingSize, seed, prefix) : new Generator(arch, seed, prefix);
}

/** One D for both: faces read at discriminatorSize (the paper's 152), digits at their 32. */
export function createDiscriminator(arch: Architecture, seed: number): DiscriminatorNet {
  const size = arch.kind === 'faces' ? arch.discriminatorSize : arch.imageSize;
  return new Discriminator({ size, channels: arch.targetChannels, widths: arch.discriminatorWidths }, seed);
}
