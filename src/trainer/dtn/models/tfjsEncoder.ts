/**
 * f from a user's TensorFlow.js Layers model: images in [-1, 1] are resized to the model's input,
 * converted to its channel count and mapped by its preprocessing, then run up to the embedding
 * layer and flattened. The model's variables live in `params` (frozen); everything is tfjs-core
 * ops under tfjs-layers, so f(G(x)) is differentiable in x like the built-in encoders.
 */
import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';
import { preprocessingAffine, type Preprocessing } from '../../../shared/encoders';
import { DtnError, messageOf } from '../../../shared/errors';
import type { LayersModelFiles } from '../../run/tfjsModelFiles';
import { matchChannels } from './encoder';
import type { FeatureEncoder } from './featureEncoder';
import { ParamStore } from './params';

export interface TfjsEncoderSpec {
  inputSize: number;
  channels: 1 | 3;
  preprocessing: Preprocessing;
  /** Layer whose output is f(x); the model's output when absent. */
  embeddingLayer?: string;
}

/** The classes tfjs-layers registers (its layers, initializers, constraints, regularizers): all a topology may name. */
export function isLayersClass(name: string): boolean {
  return Object.hasOwn(tf.serialization.SerializationMap.getMap().classNameMap, name);
}

export class TfjsEncoder implements FeatureEncoder {
  private constructor(
    readonly params: ParamStore,
    private readonly net: tfl.LayersModel,
    readonly inputSize: number,
    readonly inputChannels: 1 | 3,
    readonly embeddingSize: number,
    private readonly scale: tf.Tensor1D,
    private readonly offset: tf.Tensor1D,
  ) {}

  /** Loads `files` as a Layers model and checks it against `spec`; errors name `files.modelFile`. */
  static async load(files: LayersModelFiles, spec: TfjsEncoderSpec): Promise<TfjsEncoder> {
    const file = files.modelFile;
    const invalid = (message: string, fix?: string) => new DtnError('ENCODER_INVALID', `${file}: ${message}`, { file, fix });
    let model: tfl.LayersModel;
    try {
      const { modelFile: _, weightFiles: __, ...artifacts } = files;
      model = await tfl.loadLayersModel({ load: async () => artifacts }, { strict: true });
    } catch (err) {
      throw invalid(`cannot be loaded as a Layers model: ${messageOf(err)}`);
    }
    const params = new ParamStore('f', 0);
    const seen = new Set<string>();
    for (const [weights, kind] of [
      [model.trainableWeights, 'trainable'],
      [model.nonTrainableWeights, 'state'],
    ] as const) {
      for (const w of weights) {
        const name = seen.has(w.originalName) ? w.name : w.originalName;
        seen.add(name);
        params.adopt(name, w.read() as tf.Variable, kind);
      }
    }
    try {
      return TfjsEncoder.build(model, params, spec, invalid);
    } catch (err) {
      params.dispose();
      throw err;
    }
  }

  private static build(
    model: tfl.LayersModel,
    params: ParamStore,
    spec: TfjsEncoderSpec,
    invalid: (message: string, fix?: string) => DtnError,
  ): TfjsEncoder {
    const { inputSize: size, channels } = spec;
    if (model.inputs.length !== 1) throw invalid(`the model has ${model.inputs.length} inputs; f reads one image`);
    const shape = model.inputs[0].shape;
    const [, h, w, c] = shape;
    const fits = shape.length === 4 && (h === null || h === size) && (w === null || w === size) && c === channels;
    if (!fits) {
      const known = shape.length === 4 && h !== null && h === w && (c === 1 || c === 3);
      throw invalid(
        `the model reads inputs of shape [${shape.map(String).join(', ')}] (batch, height, width, channels), ` +
          `not ${size}x${size}x${channels}`,
        known
          ? `Register it with --input-size ${h} --channels ${c}.`
          : 'f needs a model that reads square NHWC images with 1 or 3 channels.',
      );
    }
    let output: tfl.SymbolicTensor;
    if (spec.embeddingLayer === undefined) {
      if (model.outputs.length !== 1)
        throw invalid(`the model has ${model.outputs.length} outputs`, 'Name the embedding layer (--embedding-layer).');
      output = model.outputs[0];
    } else {
      const name = spec.embeddingLayer;
      const layer = model.layers.find((l) => l.name === name);
      if (!layer) {
        const names = model.layers.map((l) => l.name);
        const list = names.length > 24 ? `${names.slice(0, 24).join(', ')}, …` : names.join(', ');
        throw invalid(`no layer named "${name}" (its layers: ${list})`, 'Pass one of these as --embedding-layer, or none for the output.');
      }
      let out: tfl.SymbolicTensor | tfl.SymbolicTensor[];
      try {
        out = layer.output;
      } catch (err) {
        throw invalid(`layer "${name}" has no single output (${messageOf(err)})`);
      }
      if (Array.isArray(out)) throw invalid(`layer "${name}" has ${out.length} outputs; f needs one`);
      output = out;
    }
    if (output.shape.length < 2) throw invalid(`the embedding has shape [${output.shape.map(String).join(', ')}]: no batch axis`);
    const net = output === model.outputs[0] && model.outputs.length === 1 ? model : tfl.model({ inputs: model.inputs, outputs: output });
    net.trainable = false;
    params.freeze();

    // One probe: the embedding's length (known even when the topology leaves sizes open) and a model that runs.
    let embeddingSize: number;
    try {
      embeddingSize = tf.tidy(() => {
        const y = net.apply(tf.zeros([1, size, size, channels]), { training: false }) as tf.Tensor;
        return y.size;
      });
    } catch (err) {
      throw invalid(`the model fails on a ${size}x${size}x${channels} input: ${messageOf(err)}`);
    }
    if (embeddingSize < 1) throw invalid('the embedding is empty');
    const { scale, offset } = preprocessingAffine(spec.preprocessing, channels);
    const f = new TfjsEncoder(params, net, size, channels, embeddingSize, tf.tensor1d(scale), tf.tensor1d(offset));
    params.onDispose(() => tf.dispose([f.scale, f.offset]));
    return f;
  }

  embed(x: tf.Tensor4D): tf.Tensor2D {
    return tf.tidy(() => {
      const s = this.inputSize;
      // halfPixelCenters stays off: tfjs's ResizeBilinearGrad ignores it, so the gradient would not match the forward pass.
      let h = x.shape[1] === s && x.shape[2] === s ? x : tf.image.resizeBilinear(x, [s, s]);
      h = matchChannels(h, this.inputChannels);
      h = tf.add(tf.mul(h, this.scale), this.offset);
      const y = this.net.apply(h, { training: false }) as tf.Tensor;
      return tf.reshape(y, [x.shape[0], this.embeddingSize]);
    });
  }
}
