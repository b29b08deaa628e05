/** A user's TensorFlow.js Layers model as f: registered, loaded by name, and refused when it does not fit. */
import { strict as assert } from 'node:assert';
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';
import { parseConfig } from '../../../src/shared/config';
import { TFJS_ENCODER_DESCRIPTOR, TfjsEncoderDescriptorSchema } from '../../../src/shared/encoders';
import { DtnError } from '../../../src/shared/errors';
import { encoderRootOf } from '../../../src/shared/node/encoderFolders';
import { initBackend } from '../../../src/trainer/engine/backend';
import { addTfjsEncoder, type AddEncoderOptions } from '../../../src/trainer/run/encoderRegistration';
import { listEncoders, loadRegisteredEncoder } from '../../../src/trainer/run/encoderRegistry';
import { cleanTempDirs, tempDir } from '../data/tmp';
import { saveEncoder } from '../../../src/trainer/run/encoderStore';
import { batch, scaledEncoder, TINY_ARCH, tinyConfig } from '../helpers';
import { EMBEDDING_UNITS, saveLayersModel, tinyLayersModel } from './tinyLayersModel';

/** Resolves with the DtnError `p` rejects with; fails when it resolves. */
async function refusal(p: Promise<unknown>): Promise<DtnError> {
  try {
    await p;
  } catch (err) {
    assert.ok(err instanceof DtnError, String(err));
    return err;
  }
  assert.fail('expected a refusal');
}

describe('encoder registry: a TensorFlow.js Layers model as f', () => {
  let ws: string;
  let model: tfl.LayersModel;
  let modelFile: string;
  const add = (over: Partial<AddEncoderOptions> = {}) =>
    addTfjsEncoder({
      workspaceDir: ws,
      name: 'tiny',
      model: modelFile,
      inputSize: 8,
      channels: 3,
      preprocessing: '[0,1]',
      embeddingLayer: 'embedding',
      ...over,
    });

  before(async () => {
    await initBackend('cpu');
    ws = tempDir('dtn-encreg-');
    model = tinyLayersModel();
    modelFile = await saveLayersModel(model, path.join(ws, 'models', 'tiny'));
  });
  after(() => {
    model.dispose();
    cleanTempDirs();
  });

  it('registers a copy of the model and records its shape; dtn encoders lists it', async () => {
    const entry = await add({ accuracy: { value: 0.5, on: 'a test set' } });
    assert.deepEqual(
      { ...entry, description: undefined },
      {
        name: 'tiny',
        kind: 'tfjs-model',
        inputSize: 8,
        inputChannels: 3,
        embeddingSize: EMBEDDING_UNITS,
        accuracy: { value: 0.5, on: 'a test set' },
        location: path.join(encoderRootOf(ws), 'tiny'),
        description: undefined,
      },
    );
    const dir = path.join(encoderRootOf(ws), 'tiny');
    const descriptor = TfjsEncoderDescriptorSchema.parse(JSON.parse(fs.readFileSync(path.join(dir, TFJS_ENCODER_DESCRIPTOR), 'utf8')));
    assert.equal(descriptor.model, 'model/model.json');
    assert.equal(descriptor.registeredFrom, 'models/tiny/model.json');
    assert.deepEqual(fs.readdirSync(path.join(dir, 'model')).sort(), ['model.json', 'weights.bin']);
    assert.deepEqual(fs.readdirSync(encoderRootOf(ws)), ['tiny'], 'no temporary folder is left');
    const listing = listEncoders(ws);
    assert.deepEqual(
      listing.encoders.map((e) => [e.name, e.kind]),
      [
        ['face-recognition-net', 'published'],
        ['tiny', 'tfjs-model'],
      ],
    );
  });

  it("f(x) is the embedding layer's output on the preprocessed image, for any size and channel count", async () => {
    const { f } = await loadRegisteredEncoder(ws, 'tiny', parseConfig({ ...faces }).architecture, 'fix');
    try {
      assert.deepEqual([f.inputSize, f.inputChannels, f.embeddingSize], [8, 3, EMBEDDING_UNITS]);
      const sub = tfl.model({ inputs: model.inputs, outputs: model.getLayer('embedding').output as tfl.SymbolicTensor });
      const x = batch([3, 8, 8, 3], 5);
      const got = f.embed(x);
      // '[0,1]': the model reads (x + 1) / 2.
      const want = sub.predict(tf.div(tf.add(x, 1), 2)) as tf.Tensor;
      assert.deepEqual(got.shape, [3, EMBEDDING_UNITS]);
      const err = tf.max(tf.abs(tf.sub(got, want))).dataSync()[0];
      assert.ok(err < 1e-6, `max difference ${err}`);
      // A grey 16x16 batch: resized to 8x8 and replicated to RGB first.
      const grey = batch([2, 16, 16, 1], 6);
      const rgb8 = tf.tile(tf.image.resizeBilinear(grey, [8, 8]), [1, 1, 1, 3]);
      const e2 = tf.max(tf.abs(tf.sub(f.embed(grey), sub.predict(tf.div(tf.add(rgb8, 1), 2)) as tf.Tensor))).dataSync()[0];
      assert.ok(e2 < 1e-6, `max difference ${e2}`);
      assert.ok(
        f.params.trainableList().every((v) => !v.trainable),
        'f is frozen',
      );
      assert.deepEqual([...f.params.all().keys()].sort(), [
        'f/bn/beta',
        'f/bn/gamma',
        'f/bn/moving_mean',
        'f/bn/moving_variance',
        'f/conv/bias',
        'f/conv/kernel',
        'f/embedding/bias',
        'f/embedding/kernel',
        'f/head/bias',
        'f/head/kernel',
      ]);
    } finally {
      f.params.dispose();
    }
  });

  it('is differentiable in x: the gradient is finite and not zero', async () => {
    const { f } = await loadRegisteredEncoder(ws, 'tiny', parseConfig({ ...faces }).architecture, 'fix');
    try {
      const x = batch([2, 12, 12, 3], 7);
      const w = tf.randomNormal([2, EMBEDDING_UNITS], 0, 1, 'float32', 8);
      const g = tf.grad((v: tf.Tensor) => tf.sum(tf.mul(f.embed(v as tf.Tensor4D), w)))(x);
      const values = g.dataSync();
      assert.deepEqual(g.shape, x.shape);
      assert.ok(values.every(Number.isFinite), 'finite');
      assert.ok(
        values.some((v) => v !== 0),
        'not zero',
      );
    } finally {
      f.params.dispose();
    }
  });

  it('a digits config can use it when its embedding has architecture.embeddingSize values', async () => {
    const fits = tinyConfig({ architecture: { ...TINY_ARCH, embeddingSize: EMBEDDING_UNITS } }).architecture;
    const { f, origin } = await loadRegisteredEncoder(ws, 'tiny', fits, 'fix');
    assert.equal(f.embeddingSize, EMBEDDING_UNITS);
    assert.match(origin, /tiny/);
    f.params.dispose();
    const e = await refusal(loadRegisteredEncoder(ws, 'tiny', tinyConfig().architecture, 'fix'));
    assert.equal(e.code, 'ENCODER_INVALID');
    assert.match(e.message, /architecture\.embeddingSize = 8/);
    assert.match(e.fix!, /"embeddingSize": 6/);
    const missing = await refusal(loadRegisteredEncoder(ws, 'nobody', tinyConfig().architecture, 'fix'));
    assert.equal(missing.code, 'ENCODER_MISSING');
    assert.match(missing.fix!, /dtn encoders add nobody/);
  });

  it('a pretrained digits folder loads by name for a digits config only', async () => {
    const config = tinyConfig();
    const f = scaledEncoder(config);
    await saveEncoder(path.join(encoderRootOf(ws), 'digits-f'), f, { trainedOn: 'synthetic digits', steps: 3, heldOutAccuracy: 0.5 });
    f.params.dispose();
    const loaded = await loadRegisteredEncoder(ws, 'digits-f', config.architecture, 'fix');
    assert.equal(loaded.meta?.heldOutAccuracy, 0.5);
    loaded.f.params.dispose();
    const e = await refusal(loadRegisteredEncoder(ws, 'digits-f', parseConfig({ ...faces }).architecture, 'fix'));
    assert.equal(e.code, 'CONFIG_INVALID');
    fs.rmSync(path.join(encoderRootOf(ws), 'digits-f'), { recursive: true });
  });

  it('the config schema refuses a name that is a path', () => {
    for (const name of ['../tiny', 'a/b', '/abs', '.hidden', '..', 'a\\b', '']) {
      assert.throws(() => parseConfig({ ...faces, encoder: { name } }), /encoder\.name/, name);
    }
  });

  it('a model.json with an unknown layer class is refused, naming the file', async () => {
    const dir = path.join(ws, 'models', 'custom');
    fs.cpSync(path.dirname(modelFile), dir, { recursive: true });
    const file = path.join(dir, 'model.json');
    const json = JSON.parse(fs.readFileSync(file, 'utf8'));
    json.modelTopology.config.layers[2].class_name = 'MyCustomLayer';
    fs.writeFileSync(file, JSON.stringify(json));
    const e = await refusal(add({ name: 'custom', model: file }));
    assert.equal(e.code, 'ENCODER_INVALID');
    assert.equal(e.file, file);
    assert.match(e.message, /"MyCustomLayer"/);
    assert.ok(!fs.existsSync(path.join(encoderRootOf(ws), 'custom')), 'nothing is registered');
  });

  it('a truncated weights file is refused before it is read, naming the file', async () => {
    const dir = path.join(ws, 'models', 'truncated');
    fs.cpSync(path.dirname(modelFile), dir, { recursive: true });
    const bin = path.join(dir, 'weights.bin');
    fs.truncateSync(bin, fs.statSync(bin).size - 4);
    const e = await refusal(add({ name: 'truncated', model: path.join(dir, 'model.json') }));
    assert.equal(e.code, 'ENCODER_INVALID');
    assert.equal(e.file, bin);
    assert.match(e.message, /truncated/);
  });

  it('a weight path outside the model folder is refused', async () => {
    const dir = path.join(ws, 'models', 'escape');
    fs.cpSync(path.dirname(modelFile), dir, { recursive: true });
    const file = path.join(dir, 'model.json');
    const json = JSON.parse(fs.readFileSync(file, 'utf8'));
    json.weightsManifest[0].paths = ['../tiny/weights.bin'];
    fs.writeFileSync(file, JSON.stringify(json));
    const e = await refusal(add({ name: 'escape', model: file }));
    assert.equal(e.code, 'ENCODER_INVALID');
    assert.match(e.message, /does not lie in the model's folder/);
  });

  it('a wrong input size or channel count is refused, naming the file and the right options', async () => {
    const e = await refusal(add({ name: 'wrong-size', inputSize: 16 }));
    assert.equal(e.code, 'ENCODER_INVALID');
    assert.equal(e.file, modelFile);
    assert.match(e.message, /not 16x16x3/);
    assert.match(e.fix!, /--input-size 8 --channels 3/);
    const c = await refusal(add({ name: 'wrong-channels', channels: 1 }));
    assert.match(c.message, /not 8x8x1/);
  });

  it('a missing embedding layer is refused, naming the file and the layers there are', async () => {
    const e = await refusal(add({ name: 'no-layer', embeddingLayer: 'features' }));
    assert.equal(e.code, 'ENCODER_INVALID');
    assert.equal(e.file, modelFile);
    assert.match(e.message, /no layer named "features" \(its layers: conv, bn, flat, embedding, head\)/);
  });

  it("without --embedding-layer f is the model's output", async () => {
    const entry = await add({ name: 'whole', embeddingLayer: undefined, preprocessing: '[-1,1]' });
    assert.equal(entry.embeddingSize, 2);
  });

  it('--link points to the model in the workspace; a model outside it cannot be linked', async () => {
    const entry = await add({ name: 'linked', link: true });
    const descriptor = JSON.parse(fs.readFileSync(path.join(entry.location, TFJS_ENCODER_DESCRIPTOR), 'utf8'));
    assert.equal(descriptor.model, '../../../models/tiny/model.json');
    const { f } = await loadRegisteredEncoder(ws, 'linked', parseConfig({ ...faces }).architecture, 'fix');
    f.params.dispose();
    const outside = tempDir('dtn-encreg-out-');
    const file = await saveLayersModel(model, outside);
    const e = await refusal(add({ name: 'outside', link: true, model: file }));
    assert.match(e.message, /outside the workspace/);
  });

  it('replaces an earlier registration, but not a foreign folder unless forced', async () => {
    await add();
    const foreign = path.join(encoderRootOf(ws), 'foreign');
    fs.mkdirSync(foreign, { recursive: true });
    fs.writeFileSync(path.join(foreign, 'notes.txt'), 'mine');
    const e = await refusal(add({ name: 'foreign' }));
    assert.equal(e.code, 'OUTPUT_INVALID');
    assert.ok(fs.existsSync(path.join(foreign, 'notes.txt')));
    await add({ name: 'foreign', force: true });
    assert.ok(!fs.existsSync(path.join(foreign, 'notes.txt')));
  });

  it('a descriptor whose model changed since registration is refused', async () => {
    await add({ name: 'changed' });
    const file = path.join(encoderRootOf(ws), 'changed', TFJS_ENCODER_DESCRIPTOR);
    const d = JSON.parse(fs.readFileSync(file, 'utf8'));
    fs.writeFileSync(file, JSON.stringify({ ...d, embeddingSize: 7 }));
    const e = await refusal(loadRegisteredEncoder(ws, 'changed', parseConfig({ ...faces }).architecture, 'fix'));
    assert.equal(e.code, 'ENCODER_INVALID');
    assert.match(e.message, /records 7/);
  });
});

const faces = {
  architecture: { kind: 'faces', generatorWidths: [8, 8, 8, 8], discriminatorWidths: [4, 4] },
  source: { kind: 'synthetic-digits', count: 8 },
  target: { kind: 'synthetic-digits', count: 8 },
  encoder: { name: 'face-recognition-net' },
} as const;
