/**
 * A tiny TensorFlow.js Layers model, saved as a user would (model.json + one weight shard), for
 * the tests of a user's model as f: conv -> batch norm -> flatten -> `embedding` (dense, tanh) ->
 * `head` (dense). The batch norm's moving statistics are set away from their defaults, so a loader
 * that dropped the non-trainable weights would give other values.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';

export const EMBEDDING_UNITS = 6;

export function tinyLayersModel(inputSize = 8, channels: 1 | 3 = 3): tfl.LayersModel {
  const init = (seed: number) => tfl.initializers.randomNormal({ mean: 0, stddev: 0.5, seed });
  const model = tfl.sequential({
    layers: [
      tfl.layers.conv2d({
        inputShape: [inputSize, inputSize, channels],
        filters: 4,
        kernelSize: 3,
        strides: 2,
        padding: 'same',
        activation: 'relu',
        kernelInitializer: init(1),
        name: 'conv',
      }),
      tfl.layers.batchNormalization({ name: 'bn' }),
      tfl.layers.flatten({ name: 'flat' }),
      tfl.layers.dense({ units: EMBEDDING_UNITS, activation: 'tanh', kernelInitializer: init(2), name: 'embedding' }),
      tfl.layers.dense({ units: 2, kernelInitializer: init(3), name: 'head' }),
    ],
  });
  const bn = model.getLayer('bn');
  const [, , mean, variance] = bn.getWeights();
  bn.setWeights([
    tf.fill([4], 1.5),
    tf.fill([4], 0.25),
    tf.add(mean, tf.tensor1d([0.1, 0.2, 0.3, 0.4])),
    tf.add(variance, tf.tensor1d([0.5, 1, 2, 4])),
  ]);
  return model;
}

/** Saves `model` into `dir` as model.json + weights.bin; returns the model.json path. */
export async function saveLayersModel(model: tfl.LayersModel, dir: string): Promise<string> {
  fs.mkdirSync(dir, { recursive: true });
  const modelFile = path.join(dir, 'model.json');
  await model.save(
    tf.io.withSaveHandler(async (artifacts) => {
      const data = artifacts.weightData;
      const buffers = data === undefined ? [] : Array.isArray(data) ? data : [data];
      fs.writeFileSync(path.join(dir, 'weights.bin'), Buffer.concat(buffers.map((b) => Buffer.from(b))));
      const json = {
        modelTopology: artifacts.modelTopology,
        format: artifacts.format,
        generatedBy: artifacts.generatedBy,
        convertedBy: artifacts.convertedBy,
        weightsManifest: [{ paths: ['weights.bin'], weights: artifacts.weightSpecs }],
      };
      fs.writeFileSync(modelFile, JSON.stringify(json));
      return { modelArtifactsInfo: tf.io.getModelArtifactsInfoForJSON(artifacts) };
    }),
  );
  return modelFile;
}
