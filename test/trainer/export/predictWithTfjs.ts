/**
 * Run as its own process (test/trainer/cli/export.test.ts): loads an exported tfjs-model with plain
 * @tensorflow/tfjs — none of the trainer's code or kernels — and writes G(x) for the given inputs.
 * argv: <model.json> <inputs.f32> <outputs.f32>; inputs are NHWC float32 of the model's input shape.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as tf from '@tensorflow/tfjs';

async function main(): Promise<void> {
  const [modelFile, inFile, outFile] = process.argv.slice(2);
  const model = JSON.parse(fs.readFileSync(modelFile, 'utf8')) as tf.io.ModelJSON;
  const manifest = model.weightsManifest[0];
  const weightData = new Uint8Array(fs.readFileSync(path.join(path.dirname(modelFile), manifest.paths[0]))).buffer;
  await tf.setBackend('cpu');
  const loaded = await tf.loadLayersModel(
    tf.io.fromMemory({ modelTopology: model.modelTopology, weightSpecs: manifest.weights, weightData, format: model.format }),
  );
  const [, h, w, c] = loaded.inputs[0].shape as number[];
  const raw = fs.readFileSync(inFile);
  const x = tf.tensor4d(new Float32Array(raw.buffer, raw.byteOffset, raw.length / 4), [raw.length / 4 / (h * w * c), h, w, c]);
  const y = loaded.predict(x) as tf.Tensor;
  const out = (await y.data()) as Float32Array;
  fs.writeFileSync(outFile, Buffer.from(out.buffer, out.byteOffset, out.byteLength));
  process.stdout.write(`${JSON.stringify({ backend: tf.getBackend(), outputShape: y.shape, layers: loaded.layers.length })}\n`);
}

void main().catch((e: unknown) => {
  process.stderr.write(`${(e as Error).stack}\n`);
  process.exit(1);
});
