import { strict as assert } from 'node:assert';
import type { DtnError } from '../../../src/shared/errors';
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as tf from '@tensorflow/tfjs-core';
import { initBackend } from '../../../src/trainer/engine/backend';
import { saveCheckpoint } from '../../../src/trainer/run/checkpoint';
import { Dtn } from '../../../src/trainer/dtn/dtn';
import { EncoderNotFoundError, encoderExists, loadEncoder, saveEncoder } from '../../../src/trainer/run/encoderStore';
import type { Encoder } from '../../../src/trainer/dtn/models/encoder';
import { cleanTempDirs, tempDir } from '../data/tmp';
import { batch, bitwiseEqual, digitsArch, scaledEncoder, tinyConfig } from '../helpers';

describe('encoder store', () => {
  const config = tinyConfig();
  const FIX = 'Train it first: dtn pretrain-f --config my.dtn.json';
  let f: Encoder;
  let dir: string;

  before(async () => {
    await initBackend('cpu');
    f = scaledEncoder(config);
    // Non-default running statistics, so the round trip must carry the BN state too.
    for (const v of f.params.state.values()) tf.tidy(() => v.assign(tf.randomUniform(v.shape, 0.5, 1.5, 'float32', 31)));
    dir = path.join(tempDir('dtn-enc-'), 'enc');
    await saveEncoder(dir, f, { trainedOn: 'synthetic digits', steps: 12, heldOutAccuracy: 0.25 });
  });
  after(() => {
    f.params.dispose();
    cleanTempDirs();
  });

  it('save -> load gives a frozen f with bitwise-identical embeddings and the metadata', () => {
    assert.ok(encoderExists(dir));
    const { f: g, meta } = loadEncoder(dir, digitsArch(config), FIX);
    assert.equal(meta.kind, 'dtn-encoder');
    assert.equal(meta.steps, 12);
    assert.equal(meta.heldOutAccuracy, 0.25);
    assert.equal(meta.trainedOn, 'synthetic digits');
    assert.deepEqual(meta.architecture, { imageSize: 32, sourceChannels: 3, encoderWidths: [4, 4, 4], embeddingSize: 8 });
    const x = batch([3, 32, 32, 3], 32);
    const grey = batch([3, 32, 32, 1], 33);
    for (const input of [x, grey]) {
      const a = f.embed(input);
      const b = g.embed(input);
      assert.ok(bitwiseEqual(a.dataSync(), b.dataSync()));
      tf.dispose([a, b]);
    }
    assert.ok(
      g.params.trainableList().every((v) => !v.trainable),
      'loaded f is frozen',
    );
    g.params.dispose();
    tf.dispose([x, grey]);
  });

  it('a missing encoder raises EncoderNotFoundError carrying the fix', () => {
    const missing = path.join(tempDir('dtn-enc-'), 'nothing-here');
    assert.ok(!encoderExists(missing));
    assert.throws(
      () => loadEncoder(missing, digitsArch(config), FIX),
      (err: Error) => err instanceof EncoderNotFoundError && err.message.includes(missing) && err.message.includes(FIX) && err.fix === FIX,
    );
  });

  it('refuses an encoder trained for another architecture, naming the field and both values', () => {
    const other = tinyConfig({
      architecture: { encoderWidths: [4, 4, 4], embeddingSize: 16, generatorWidths: [8, 4, 4], discriminatorWidths: [4, 4, 4] },
    });
    assert.throws(() => loadEncoder(dir, digitsArch(other), FIX), /architecture\.embeddingSize = 8, the config asks for 16/);
    const widths = tinyConfig({
      architecture: { encoderWidths: [4, 8, 4], embeddingSize: 8, generatorWidths: [8, 4, 4], discriminatorWidths: [4, 4, 4] },
    });
    assert.throws(() => loadEncoder(dir, digitsArch(widths), FIX), /architecture\.encoderWidths/);
    // g and D widths are not part of f: they may differ.
    const gd = tinyConfig({
      architecture: { encoderWidths: [4, 4, 4], embeddingSize: 8, generatorWidths: [6, 6, 6], discriminatorWidths: [2, 2, 2] },
    });
    loadEncoder(dir, digitsArch(gd), FIX).f.params.dispose();
  });

  it('refuses a checkpoint folder given as an encoder', async () => {
    const dtn = new Dtn(config, f);
    const ckpt = await saveCheckpoint(tempDir('dtn-enc-'), dtn, { step: 1, configHash: 'h', samplers: {} });
    dtn.dispose();
    assert.throws(() => loadEncoder(ckpt, digitsArch(config), FIX), /not an encoder folder/);
  });

  it('a half-written encoder folder (no manifest) counts as missing', () => {
    const half = tempDir('dtn-enc-');
    fs.writeFileSync(path.join(half, 'tensors.bin'), Buffer.alloc(16));
    assert.ok(!encoderExists(half));
    assert.throws(() => loadEncoder(half, digitsArch(config), FIX), EncoderNotFoundError);
  });

  it('never replaces a folder that is not an encoder unless forced; an older encoder is replaced', async () => {
    const user = tempDir('dtn-user-');
    fs.writeFileSync(path.join(user, 'notes.txt'), 'mine');
    await assert.rejects(
      saveEncoder(user, f, { trainedOn: 'x', steps: 1, heldOutAccuracy: 0 }),
      (e: DtnError) => e.code === 'OUTPUT_INVALID' && e.message.includes(user) && /--force/.test(e.fix ?? ''),
    );
    assert.deepEqual(fs.readdirSync(user), ['notes.txt'], 'untouched');
    assert.deepEqual(
      fs.readdirSync(path.dirname(user)).filter((n) => n.startsWith(`.${path.basename(user)}`)),
      [],
      'no temporary folder left',
    );
    await saveEncoder(user, f, { trainedOn: 'x', steps: 1, heldOutAccuracy: 0 }, { force: true });
    assert.ok(encoderExists(user));
    await saveEncoder(dir, f, { trainedOn: 'again', steps: 13, heldOutAccuracy: 0.5 });
    assert.equal(loadEncoder(dir, digitsArch(config), FIX).meta.steps, 13, 'an older encoder is replaced');
  });
});
