import { strict as assert } from 'node:assert';
import * as tf from '@tensorflow/tfjs-core';
import { Dtn, readLosses } from '../../../src/trainer/dtn/dtn';
import type { Encoder } from '../../../src/trainer/dtn/models/encoder';
import { initBackend } from '../../../src/trainer/engine/backend';
import { loadCheckpoint, saveCheckpoint } from '../../../src/trainer/run/checkpoint';
import { AverageHook } from '../../../src/trainer/run/hooks/averageHook';
import { cleanTempDirs, tempDir } from '../data/tmp';
import { batch, bitwiseEqual, scaledEncoder, snapshot, tinyConfig } from '../helpers';

describe("g's weight average (train.emaDecay)", () => {
  let f: Encoder;
  let xs: tf.Tensor4D;
  let xt: tf.Tensor4D;
  const dtns: Dtn[] = [];
  const config = tinyConfig({ train: { batchSize: 4, emaDecay: 0.9 } });

  before(async () => {
    await initBackend('cpu');
    f = scaledEncoder(config);
    xs = batch([4, 32, 32, 3], 31);
    xt = batch([4, 32, 32, 1], 32);
  });
  after(() => {
    for (const d of dtns.splice(0)) d.dispose();
    f.params.dispose();
    tf.dispose([xs, xt]);
    cleanTempDirs();
  });

  function fresh(over = config): Dtn {
    const dtn = new Dtn(over, f);
    dtns.push(dtn);
    return dtn;
  }

  const values = (t: tf.Tensor) => {
    const v = t.dataSync().slice();
    t.dispose();
    return v;
  };

  it('starts equal to g, and generate() reads the average, not the raw g', async () => {
    const dtn = fresh();
    assert.ok(dtn.average, 'emaDecay > 0 keeps an average');
    assert.ok(bitwiseEqual(values(dtn.generate(xs)), values(dtn.g.apply(f.embed(xs), { training: false }))));
    await readLosses(dtn.step(xs, xt));
    // g moved; the average has not been updated yet, so G(x) is still the initial g's.
    const rawOut = values(tf.tidy(() => dtn.g.apply(f.embed(xs), { training: false })));
    assert.ok(!bitwiseEqual(values(dtn.generate(xs)), rawOut));
  });

  for (const [warmup, d] of [
    [undefined, 2 / 11],
    [2, 2 / 3],
  ] as const)
    it(`folds g in with the warmed-up decay: avg = d*avg + (1-d)*g, d = min(decay, (1+n)/(${warmup ?? 10}+n))`, async () => {
      await foldsWith(warmup, d);
    });

  async function foldsWith(warmup: number | undefined, d: number) {
    const dtn = fresh(warmup ? tinyConfig({ train: { batchSize: 4, emaDecay: 0.9, emaWarmup: warmup } }) : config);
    const avg = dtn.average!;
    const before = snapshot(avg.net.params.all());
    await readLosses(dtn.step(xs, xt));
    const raw = snapshot(dtn.g.params.all());
    avg.update();
    const rawNames = [...raw.keys()];
    [...avg.net.params.all().values()].forEach((v, i) => {
      const got = v.dataSync();
      const a = before.get([...before.keys()][i])!;
      const g = raw.get(rawNames[i])!;
      for (let k = 0; k < got.length; k += Math.max(1, Math.floor(got.length / 7))) {
        assert.ok(Math.abs(got[k] - (d * a[k] + (1 - d) * g[k])) < 1e-6, `${rawNames[i]}[${k}]`);
      }
    });
    assert.equal(avg.updates, 1);
  }

  it('on a replayed step it folds every 10 steps with the decay to that power, and before anything reads it', () => {
    const calls: number[] = [];
    let syncs = 0;
    const avg = { update: (n: number) => calls.push(n) };
    const hook = new AverageHook(avg as never, { mode: 'planned', sync: () => syncs++ });
    for (let i = 0; i < 23; i++) hook.afterStep();
    hook.flush();
    hook.flush();
    assert.deepEqual(calls, [10, 10, 3]);
    assert.equal(syncs, 3, 'g is synced from the device before each fold');
    const eager: number[] = [];
    const tfjs = new AverageHook({ update: (n: number) => eager.push(n) } as never, { mode: 'tfjs', sync: () => {} });
    for (let i = 0; i < 3; i++) tfjs.afterStep();
    assert.deepEqual(eager, [1, 1, 1]);
  });

  it('a checkpoint keeps the average and its update count; one from a run without it starts the average at g', async () => {
    const a = fresh();
    for (let i = 0; i < 3; i++) {
      await readLosses(a.step(xs, xt));
      a.average!.update();
    }
    const runDir = tempDir('dtn-avg-');
    const dir = await saveCheckpoint(runDir, a, { step: 3, configHash: 'h', samplers: {} });
    const b = fresh();
    await loadCheckpoint(dir, b);
    assert.equal(b.average!.updates, 3);
    assert.ok(bitwiseEqual(values(b.generate(xs)), values(a.generate(xs))));

    const plain = fresh(tinyConfig({ train: { batchSize: 4 } }));
    assert.equal(plain.average, undefined);
    await readLosses(plain.step(xs, xt));
    const plainDir = await saveCheckpoint(tempDir('dtn-avg-'), plain, { step: 1, configHash: 'h', samplers: {} });
    const c = fresh();
    await loadCheckpoint(plainDir, c);
    assert.equal(c.average!.updates, 0);
    assert.ok(bitwiseEqual(values(c.generate(xs)), values(plain.generate(xs))), 'the average starts as the loaded g');
  });

  it("inferenceParams() are the average's values under g's names (what an export writes)", () => {
    const dtn = fresh();
    const params = dtn.inferenceParams();
    assert.deepEqual([...params.keys()], [...dtn.g.params.all().keys()]);
    assert.deepEqual([...params.values()], [...dtn.average!.net.params.all().values()]);
  });
});
