import { strict as assert } from 'node:assert';
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as tf from '@tensorflow/tfjs-core';
import type { DtnError } from '../../../src/shared/errors';
import { checkpointPath } from '../../../src/shared/node/runLayout';
import { initBackend } from '../../../src/trainer/engine/backend';
import { listCheckpoints, loadCheckpoint, pruneCheckpoints, saveCheckpoint } from '../../../src/trainer/run/checkpoint';
import { Dtn, readLosses } from '../../../src/trainer/dtn/dtn';
import { saveEncoder } from '../../../src/trainer/run/encoderStore';
import type { Encoder } from '../../../src/trainer/dtn/models/encoder';
import { MANIFEST, TENSORS, TensorFolderError } from '../../../src/trainer/run/tensorFile';
import { cleanTempDirs, tempDir } from '../data/tmp';
import { batch, bitwiseEqual, changedNames, scaledEncoder, snapshot, tinyConfig } from '../helpers';

describe('checkpoints', () => {
  let f: Encoder;
  let xs: tf.Tensor4D;
  let xt: tf.Tensor4D;
  const dtns: Dtn[] = [];
  const config = tinyConfig();

  before(async () => {
    await initBackend('cpu');
    f = scaledEncoder(config);
    xs = batch([4, 32, 32, 3], 21);
    xt = batch([4, 32, 32, 1], 22);
  });
  after(() => {
    for (const d of dtns.splice(0)) d.dispose();
    f.params.dispose();
    tf.dispose([xs, xt]);
    cleanTempDirs();
  });

  function fresh(seed = config.seed): Dtn {
    const dtn = new Dtn({ ...config, seed }, f);
    dtns.push(dtn);
    return dtn;
  }

  async function trained(steps: number): Promise<Dtn> {
    const dtn = fresh();
    for (let i = 0; i < steps; i++) await readLosses(dtn.step(xs, xt));
    return dtn;
  }

  const outputs = (t: tf.Tensor) => {
    const v = t.dataSync().slice();
    t.dispose();
    return v;
  };

  it('save -> load into a fresh Dtn reproduces G(x) and D(x) bitwise, and returns the metadata', async () => {
    const a = await trained(3);
    const runDir = tempDir('dtn-ckpt-');
    const samplers = { source: { position: 4 }, target: { position: 8 } };
    const dir = await saveCheckpoint(runDir, a, { step: 3, configHash: 'abc123', samplers });
    assert.equal(dir, checkpointPath(runDir, 3));
    assert.ok(fs.existsSync(path.join(dir, MANIFEST)) && fs.existsSync(path.join(dir, TENSORS)));
    assert.deepEqual(fs.readdirSync(path.dirname(dir)), ['step-00000003'], 'no temporary folder left behind');

    const b = fresh(77); // another seed: different initial weights
    const probe = batch([2, 32, 32, 3], 23);
    const probeT = batch([2, 32, 32, 1], 24);
    assert.ok(!bitwiseEqual(outputs(a.generate(probe)), outputs(b.generate(probe))), 'the fresh Dtn starts different');
    const meta = await loadCheckpoint(dir, b);
    assert.equal(meta.kind, 'dtn-checkpoint');
    assert.equal(meta.step, 3);
    assert.equal(meta.configHash, 'abc123');
    assert.deepEqual(meta.samplers, samplers);
    assert.ok(bitwiseEqual(outputs(a.generate(probe)), outputs(b.generate(probe))), 'G(x) after load');
    const dOut = (d: Dtn) => outputs(tf.tidy(() => d.D.apply(probeT, { training: false })));
    assert.ok(bitwiseEqual(dOut(a), dOut(b)), 'D(x) after load (running statistics included)');
    assert.deepEqual(changedNames(snapshot(a.g.params.all()), snapshot(b.g.params.all())), []);
    assert.deepEqual(changedNames(snapshot(a.D.params.all()), snapshot(b.D.params.all())), []);
    tf.dispose([probe, probeT]);
  });

  it('round-trips both Adam optimisers: one more step after load equals one more step on the original (bitwise)', async () => {
    const a = await trained(3);
    const dir = await saveCheckpoint(tempDir('dtn-ckpt-'), a, { step: 3, configHash: 'h', samplers: {} });
    const b = fresh(5);
    await loadCheckpoint(dir, b);
    const la = await readLosses(a.step(xs, xt));
    const lb = await readLosses(b.step(xs, xt));
    assert.deepEqual(lb, la);
    assert.deepEqual(changedNames(snapshot(a.g.params.all()), snapshot(b.g.params.all())), [], 'g after the next step');
    assert.deepEqual(changedNames(snapshot(a.D.params.all()), snapshot(b.D.params.all())), [], 'D after the next step');
    const iterations = async (d: Dtn) => (await (await d.optG.getWeights())[0].tensor.data())[0];
    assert.equal(await iterations(b), 4, 'the iteration counter (Adam bias correction) survives the round trip');
  });

  it('resuming from any of several steps continues bitwise as the uninterrupted run (Adam β powers saved, not recomputed)', async () => {
    const total = 12;
    const straight = fresh();
    const runDir = tempDir('dtn-ckpt-');
    const cuts = [1, 2, 3, 5, 7, 8, 10];
    for (let s = 1; s <= total; s++) {
      await readLosses(straight.step(xs, xt));
      if (cuts.includes(s)) await saveCheckpoint(runDir, straight, { step: s, configHash: 'h', samplers: {} });
    }
    const drifted: number[] = [];
    for (const cut of cuts) {
      const resumed = fresh(9);
      await loadCheckpoint(checkpointPath(runDir, cut), resumed);
      for (let s = cut + 1; s <= total; s++) await readLosses(resumed.step(xs, xt));
      const differ = [
        ...changedNames(snapshot(straight.g.params.all()), snapshot(resumed.g.params.all())),
        ...changedNames(snapshot(straight.D.params.all()), snapshot(resumed.D.params.all())),
      ];
      if (differ.length) drifted.push(cut);
      resumed.dispose();
      dtns.splice(dtns.indexOf(resumed), 1);
    }
    assert.deepEqual(drifted, [], 'resume points whose weights at the last step differ from the uninterrupted run');
  });

  it('a checkpoint of a run with the GAN terms off (D never stepped) loads too', async () => {
    const cfg = tinyConfig({ losses: { gan: false } });
    const a = new Dtn(cfg, f);
    const b = new Dtn({ ...cfg, seed: 9 }, f);
    dtns.push(a, b);
    await readLosses(a.step(xs, xt));
    const dir = await saveCheckpoint(tempDir('dtn-ckpt-'), a, { step: 1, configHash: 'h', samplers: {} });
    await loadCheckpoint(dir, b);
    await readLosses(a.step(xs, xt));
    await readLosses(b.step(xs, xt));
    assert.deepEqual(changedNames(snapshot(a.g.params.all()), snapshot(b.g.params.all())), []);
  });

  describe('damaged and crafted checkpoints are refused, naming the file, before any weight changes', () => {
    async function saved(): Promise<string> {
      return saveCheckpoint(tempDir('dtn-ckpt-'), await trained(1), { step: 1, configHash: 'h', samplers: {} });
    }
    const manifestOf = (dir: string) => JSON.parse(fs.readFileSync(path.join(dir, MANIFEST), 'utf8'));
    const writeManifest = (dir: string, m: unknown) => fs.writeFileSync(path.join(dir, MANIFEST), JSON.stringify(m));

    async function refused(dir: string, pattern: RegExp): Promise<void> {
      const b = fresh(6);
      const before = snapshot(b.g.params.all());
      await assert.rejects(loadCheckpoint(dir, b), (err: DtnError) => {
        assert.equal(err.code, 'CHECKPOINT_CORRUPT', err.message);
        assert.match(err.message, pattern);
        assert.ok(err.file?.startsWith(dir), `${err.file} is not in ${dir}`);
        return true;
      });
      assert.deepEqual(changedNames(before, snapshot(b.g.params.all())), []);
    }

    it('one flipped byte inside tensors.bin fails the checksum', async () => {
      const dir = await saved();
      const bin = path.join(dir, TENSORS);
      const bytes = fs.readFileSync(bin);
      bytes[Math.floor(bytes.length / 2)] ^= 0x10;
      fs.writeFileSync(bin, bytes);
      await refused(dir, /checksum/);
    });

    it('overlapping, repeated or mis-sized tensor entries', async () => {
      for (const [, edit] of [
        ['overlap', (t: { offset: number }[]) => (t[1].offset = 0)],
        ['repeat', (t: { name: string }[]) => (t[1].name = t[0].name)],
        ['size', (t: { shape: number[] }[]) => (t[0].shape = [...t[0].shape, 2])],
      ] as const) {
        const dir = await saved();
        const m = manifestOf(dir);
        (edit as (t: unknown[]) => void)(m.tensors);
        delete m.sha256;
        writeManifest(dir, m);
        await refused(dir, /manifest is corrupt/);
      }
    });

    it('a meta.step that is not a number, or not the folder step', async () => {
      for (const step of ['../../outside', -1, 1.5, 7]) {
        const dir = await saved();
        const m = manifestOf(dir);
        m.meta.step = step;
        writeManifest(dir, m);
        await refused(dir, /step/);
      }
    });

    it('a missing tensors.bin is named with what to do', async () => {
      const dir = await saved();
      fs.rmSync(path.join(dir, TENSORS));
      await refused(dir, /tensors\.bin is missing.*another checkpoint/);
    });

    it('weights that are NaN: a diverged checkpoint is not loaded, and never written', async () => {
      const dir = await saved();
      const m = manifestOf(dir);
      const entry = m.tensors.find((t: { name: string }) => t.name.startsWith('g/'));
      const bin = fs.readFileSync(path.join(dir, TENSORS));
      bin.writeFloatLE(NaN, entry.offset);
      fs.writeFileSync(path.join(dir, TENSORS), bin);
      delete m.sha256;
      writeManifest(dir, m);
      await refused(dir, /non-finite/);

      const a = fresh(8);
      const [first] = a.g.params.trainableList();
      first.assign(tf.fill(first.shape, NaN));
      const runDir = tempDir('dtn-ckpt-');
      await assert.rejects(
        saveCheckpoint(runDir, a, { step: 2, configHash: 'h', samplers: {} }),
        (e: DtnError) => e.code === 'TRAINING_DIVERGED',
      );
      assert.equal(fs.existsSync(checkpointPath(runDir, 2)), false);
    });
  });

  it('a truncated tensors.bin is reported naming the file, not loaded', async () => {
    const a = await trained(1);
    const dir = await saveCheckpoint(tempDir('dtn-ckpt-'), a, { step: 1, configHash: 'h', samplers: {} });
    const bin = path.join(dir, TENSORS);
    fs.truncateSync(bin, fs.statSync(bin).size - 10);
    const b = fresh(6);
    const before = snapshot(b.g.params.all());
    await assert.rejects(loadCheckpoint(dir, b), (err: Error) => {
      assert.ok(err instanceof TensorFolderError, String(err));
      assert.ok(err.message.includes(bin), err.message);
      assert.match(err.message, /truncated/);
      return true;
    });
    assert.deepEqual(changedNames(before, snapshot(b.g.params.all())), [], 'nothing was half-loaded');
  });

  it('refuses a folder without a manifest and an encoder folder, naming them', async () => {
    const empty = tempDir('dtn-ckpt-');
    await assert.rejects(loadCheckpoint(empty, fresh()), (err: Error) => err.message.includes(empty) && /manifest/.test(err.message));
    const enc = path.join(tempDir('dtn-ckpt-'), 'enc');
    await saveEncoder(enc, f, { trainedOn: 'test', steps: 0, heldOutAccuracy: 0 });
    await assert.rejects(
      loadCheckpoint(enc, fresh()),
      (err: Error) => err.message.includes(enc) && /not a DTN checkpoint/.test(err.message),
    );
  });

  it('refuses a checkpoint of another architecture, naming the tensor', async () => {
    const a = await trained(1);
    const dir = await saveCheckpoint(tempDir('dtn-ckpt-'), a, { step: 1, configHash: 'h', samplers: {} });
    const other = tinyConfig({
      architecture: { encoderWidths: [4, 4, 4], embeddingSize: 8, generatorWidths: [8, 4, 6], discriminatorWidths: [4, 4, 4] },
    });
    const b = new Dtn(other, f);
    dtns.push(b);
    await assert.rejects(loadCheckpoint(dir, b), /g\/deconv2\/kernel has shape .*architecture differs/);
  });

  describe('listCheckpoints / pruneCheckpoints', () => {
    let runDir: string;
    beforeEach(async () => {
      runDir = tempDir('dtn-ckpt-');
      const a = fresh();
      for (const step of [30, 10, 20, 40]) await saveCheckpoint(runDir, a, { step, configHash: 'h', samplers: {} });
      const root = path.join(runDir, 'checkpoints');
      fs.mkdirSync(path.join(root, 'step-00000050')); // interrupted: tensors but no manifest
      fs.writeFileSync(path.join(root, 'step-00000050', TENSORS), 'x');
      fs.mkdirSync(path.join(root, '.step-00000060.tmp-abc123')); // leftover of an interrupted write
      fs.mkdirSync(path.join(root, 'notes'));
    });

    it('lists only complete checkpoints, oldest first', () => {
      const list = listCheckpoints(runDir);
      assert.deepEqual(
        list.map((c) => c.step),
        [10, 20, 30, 40],
      );
      assert.equal(list[0].path, checkpointPath(runDir, 10));
      assert.deepEqual(listCheckpoints(tempDir('dtn-ckpt-')), [], 'a run without checkpoints');
    });

    it('prune keeps the newest N and removes temporary leftovers', () => {
      pruneCheckpoints(runDir, 2);
      assert.deepEqual(
        listCheckpoints(runDir).map((c) => c.step),
        [30, 40],
      );
      const left = fs.readdirSync(path.join(runDir, 'checkpoints'));
      assert.ok(!left.some((n) => n.includes('.tmp-')), `left: ${left}`);
      assert.ok(!left.includes('step-00000010') && !left.includes('step-00000020'));
      assert.ok(left.includes('notes'), 'unrelated folders are left alone');
      pruneCheckpoints(runDir, 5);
      assert.deepEqual(
        listCheckpoints(runDir).map((c) => c.step),
        [30, 40],
      );
    });
  });
});
