/**
 * G = g∘f as a TensorFlow.js Layers model (what `model.save` writes: model.json + one weight
 * shard), loadable by plain @tensorflow/tfjs with tf.loadLayersModel. Written by hand rather than
 * through tfjs-layers (not a dependency of the trainer): every block of f and g maps to a standard
 * layer — Conv2D / Conv2DTranspose, BatchNormalization in inference mode on the trained moving
 * statistics, ReLU / tanh — and f's [B,1,1,E] embedding is exactly g's input shape, so no reshape.
 */
import type * as tf from '@tensorflow/tfjs-core';
import type { DigitsArchitecture } from '../../shared/config';

/** Must match layers.ts: the trainer's batch norm epsilon. */
const BN_EPS = 1e-5;
export const TFJS_WEIGHTS_FILE = 'group1-shard1of1.bin';

type LayerSpec = { class_name: string; config: Record<string, unknown> };

/** Keras names: the trainer's `f/conv0/kernel` is weight `kernel` of layer `f_conv0`. */
const layerName = (param: string) => param.split('/').slice(0, -1).join('_');

function conv(cls: 'Conv2D' | 'Conv2DTranspose', name: string, filters: number, k: number, s: number, pad: string, bias: boolean) {
  const config: Record<string, unknown> = {
    name,
    trainable: false,
    filters,
    kernel_size: [k, k],
    strides: [s, s],
    padding: pad,
    data_format: 'channels_last',
    activation: 'linear',
    use_bias: bias,
  };
  if (cls === 'Conv2D') config.dilation_rate = [1, 1];
  return { class_name: cls, config };
}

const batchNorm = (name: string): LayerSpec => ({
  class_name: 'BatchNormalization',
  config: { name, trainable: false, axis: -1, momentum: 0.99, epsilon: BN_EPS, center: true, scale: true },
});

const activation = (name: string, fn: 'relu' | 'tanh'): LayerSpec => ({
  class_name: 'Activation',
  config: { name, trainable: false, activation: fn },
});

/** The layers of G in order, named after the trainer's parameters (ParamStore keys). */
export function generatorLayers(arch: DigitsArchitecture): LayerSpec[] {
  const layers: LayerSpec[] = [];
  arch.encoderWidths.forEach((w, i) => {
    layers.push(conv('Conv2D', `f_conv${i}`, w, 3, 2, 'same', false), batchNorm(`f_bn${i}`), activation(`f_relu${i}`, 'relu'));
  });
  layers.push(conv('Conv2D', 'f_embed', arch.embeddingSize, 4, 1, 'valid', false), batchNorm('f_embed_bn'));
  layers.push(activation('f_tanh', 'tanh'));
  arch.generatorWidths.forEach((w, i) => {
    const first = i === 0;
    layers.push(conv('Conv2DTranspose', `g_deconv${i}`, w, 4, first ? 1 : 2, first ? 'valid' : 'same', false));
    layers.push(batchNorm(`g_bn${i}`), activation(`g_relu${i}`, 'relu'));
  });
  layers.push(conv('Conv2DTranspose', 'g_deconv3', arch.targetChannels, 4, 2, 'same', true), activation('g_tanh', 'tanh'));
  const input = layers[0].config;
  input.batch_input_shape = [null, arch.imageSize, arch.imageSize, arch.sourceChannels];
  input.dtype = 'float32';
  return layers;
}

export interface TfjsArtifacts {
  modelJson: string;
  weights: Buffer;
}

/**
 * model.json and its weight shard from the values of f's and g's parameters (ParamStore.all()).
 * Only the weights the layers own are written: f's classification head is not part of G.
 */
export async function tfjsModelArtifacts(arch: DigitsArchitecture, params: Map<string, tf.Tensor>, name: string): Promise<TfjsArtifacts> {
  const layers = generatorLayers(arch);
  const owned = new Set(layers.map((l) => l.config.name));
  const specs: { name: string; shape: number[]; dtype: 'float32' }[] = [];
  const chunks: Buffer[] = [];
  for (const [key, t] of params) {
    const layer = layerName(key);
    if (!owned.has(layer)) continue;
    const values = (await t.data()) as Float32Array;
    specs.push({ name: `${layer}/${key.split('/').at(-1)}`, shape: t.shape, dtype: 'float32' });
    chunks.push(Buffer.from(values.buffer.slice(values.byteOffset, values.byteOffset + values.byteLength)));
  }
  const model = {
    modelTopology: {
      class_name: 'Sequential',
      config: { name, layers },
      keras_version: 'tfjs-layers 4.22.0',
      backend: 'tensor_flow.js',
    },
    format: 'layers-model',
    generatedBy: 'DTN Studio (dtn export)',
    convertedBy: null,
    weightsManifest: [{ paths: [TFJS_WEIGHTS_FILE], weights: specs }],
  };
  return { modelJson: JSON.stringify(model), weights: Buffer.concat(chunks) };
}
