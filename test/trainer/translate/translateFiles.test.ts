import { strict as assert } from 'node:assert';
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as tf from '@tensorflow/tfjs-core';
import sharp from 'sharp';
import { Dtn } from '../../../src/trainer/dtn/dtn';
import { initBackend } from '../../../src/trainer/engine/backend';
import { planOutputs } from '../../../src/trainer/translate/outputPlan';
import { BATCH, translateFiles } from '../../../src/trainer/translate/translateFiles';
import { translatorFor, type Translator } from '../../../src/trainer/translate/translator';
import { cleanTempDirs, tempDir } from '../data/tmp';
import { scaledEncoder, tinyConfig } from '../helpers';
import { quadrants } from './images';

describe('translateFiles (tiny DTN, cpu)', function () {
  this.timeout(120_000);
  let translator: Translator;
  let calls: number[];

  before(async () => {
    await initBackend('cpu');
    const config = tinyConfig();
    const inner = translatorFor(new Dtn(config, scaledEncoder(config)), config);
    calls = [];
    translator = { ...inner, translate: (images) => (calls.push(images.length), inner.translate(images)) };
    // The first forward pass allocates the layers' lasting state (14 tensors here); leaks are counted after it.
    await inner.translate([new Float32Array(32 * 32 * 3)]);
  });
  after(() => {
    translator.dispose();
    cleanTempDirs();
  });

  it('translates in batches of BATCH, frees every tensor, and a bad file fails alone', async () => {
    const dir = tempDir();
    const n = BATCH + 6;
    for (let i = 0; i < n; i++) {
      const raw = quadrants(20 + i, 20);
      const file = path.join(dir, `img-${String(i).padStart(3, '0')}.png`);
      await sharp(raw, { raw: { width: 20 + i, height: 20, channels: 3 } })
        .png()
        .toFile(file);
    }
    fs.writeFileSync(path.join(dir, 'img-050-bad.png'), 'not a png');
    const out = path.join(dir, 'out');
    const before = tf.memory().numTensors;
    const seen: string[] = [];
    const onResult = (r: { input: string }) => seen.push(r.input);
    const { results, summary } = await translateFiles(translator, planOutputs([dir], out, 3), { scale: 3, onResult });
    assert.equal(tf.memory().numTensors, before, 'tensors leaked');
    // 71 files in batches of 64 decoded files; the bad one drops out of the first model call.
    assert.deepEqual(calls, [BATCH - 1, 7]);
    assert.deepEqual(
      seen,
      results.map((r) => r.input),
    );
    assert.deepEqual([summary.translated, summary.failed], [n, 1]);
    assert.equal(summary.failures[0].input, path.join(dir, 'img-050-bad.png'));
    assert.equal(summary.failures[0].code, 'DATA_INVALID');
    // In input (name) order: img-050-bad.png sorts before img-050.png.
    assert.equal(path.basename(results[50].input), 'img-050-bad.png');
    const first = results[0];
    assert.ok(first.type === 'translated' && first.scaled);
    const meta = await sharp(first.output).metadata();
    assert.deepEqual([meta.format, meta.width, meta.height, meta.channels], ['png', 32, 32, 1]);
    const big = await sharp(first.scaled).extractChannel(0).raw().toBuffer({ resolveWithObject: true });
    assert.deepEqual([big.info.width, big.info.height], [96, 96]);
    const small = await sharp(first.output).extractChannel(0).raw().toBuffer();
    // Nearest neighbour: every 3x3 block repeats one output pixel.
    for (let y = 0; y < 96; y++) {
      for (let x = 0; x < 96; x++) assert.equal(big.data[y * 96 + x], small[Math.floor(y / 3) * 32 + Math.floor(x / 3)]);
    }
  });

  it('the same image twice gives identical bytes, and values span the byte range G produces', async () => {
    const dir = tempDir();
    const file = path.join(dir, 'a.png');
    await sharp(quadrants(32, 32), { raw: { width: 32, height: 32, channels: 3 } })
      .png()
      .toFile(file);
    fs.copyFileSync(file, path.join(dir, 'b.png'));
    const { summary } = await translateFiles(translator, planOutputs([file, path.join(dir, 'b.png')], path.join(dir, 'o')), {});
    assert.equal(summary.translated, 2);
    const again = await translateFiles(translator, planOutputs([file], path.join(dir, 'o2')), {});
    assert.equal(again.summary.translated, 1);
    const a = fs.readFileSync(path.join(dir, 'o', 'a.dtn.png'));
    assert.ok(a.equals(fs.readFileSync(path.join(dir, 'o', 'b.dtn.png'))));
    assert.ok(a.equals(fs.readFileSync(path.join(dir, 'o2', 'a.dtn.png'))));
    const [g] = await translator.translate([new Float32Array(32 * 32 * 3).fill(0.5)]);
    assert.equal(g.length, 32 * 32);
    assert.ok(g.every((x) => x >= -1 && x <= 1));
  });
});
