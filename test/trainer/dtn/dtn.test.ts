import { strict as assert } from 'node:assert';
import * as tf from '@tensorflow/tfjs-core';
import type { DtnConfig, DtnConfigInput } from '../../../src/shared/config';
import { initBackend } from '../../../src/trainer/engine/backend';
import { activeTerms, disposeLosses, Dtn, readLosses } from '../../../src/trainer/dtn/dtn';
import * as L from '../../../src/trainer/dtn/losses';
import type { Encoder } from '../../../src/trainer/dtn/models/encoder';
import { assertClose, batch, changedNames, scaledEncoder, snapshot, tinyConfig } from '../helpers';

describe('Dtn (tiny architecture, cpu)', () => {
  let xs: tf.Tensor4D;
  let xt: tf.Tensor4D;
  const made: { dtn?: Dtn; f: Encoder }[] = [];

  before(async () => {
    await initBackend('cpu');
    xs = batch([4, 32, 32, 3], 11);
    xt = batch([4, 32, 32, 1], 12);
  });
  after(() => {
    for (const m of made.splice(0)) {
      m.dtn?.dispose();
      m.f.params.dispose();
    }
    xs.dispose();
    xt.dispose();
  });

  function build(losses: DtnConfigInput['losses'] = {}, seed = 1): { config: DtnConfig; f: Encoder; dtn: Dtn } {
    const config = tinyConfig({ losses, seed });
    const f = scaledEncoder(config);
    const dtn = new Dtn(config, f);
    made.push({ dtn, f });
    return { config, f, dtn };
  }

  /** Restores trainable values (not running statistics) from a snapshot. */
  function restore(vars: Map<string, tf.Variable>, values: Map<string, Float32Array>): void {
    for (const [k, v] of vars) if (values.has(k)) tf.tidy(() => v.assign(tf.tensor(values.get(k)!, v.shape)));
  }

  it('a step updates every trainable variable of g and D, and no variable of f (bitwise)', async () => {
    const { f, dtn } = build();
    const f0 = snapshot(f.params.all());
    const g0 = snapshot(dtn.g.params.trainable);
    const d0 = snapshot(dtn.D.params.trainable);
    await readLosses(dtn.step(xs, xt));
    assert.deepEqual(changedNames(f0, snapshot(f.params.all())), [], 'f must stay frozen');
    assert.deepEqual(changedNames(g0, snapshot(dtn.g.params.trainable)), [...g0.keys()]);
    assert.deepEqual(changedNames(d0, snapshot(dtn.D.params.trainable)), [...d0.keys()]);
    assert.ok(
      f.params.trainableList().every((v) => !v.trainable),
      'f variables are marked non-trainable',
    );
  });

  it('reports each loss computed on the right inputs and slots, and L_G = GANG + α CONST + β TID', async () => {
    const { config, f, dtn } = build();
    const train = { training: true };
    // L_D with the weights before the step: D(G(xs)) -> 0, D(G(xt)) -> 1, D(xt) -> 2.
    const expectedD = tf.tidy(
      () =>
        L.discriminatorLoss(
          dtn.D.apply(dtn.generate(xs, train), train),
          dtn.D.apply(dtn.generate(xt, train), train),
          dtn.D.apply(xt, train),
        ).dataSync()[0],
    );
    const g0 = snapshot(dtn.g.params.trainable);
    const losses = await readLosses(dtn.step(xs, xt));
    // g's part is computed after D's update, with g's pre-step weights: put those back.
    restore(dtn.g.params.trainable, g0);
    const expected = tf.tidy(() => {
      const gs = dtn.generate(xs, train);
      const gt = dtn.generate(xt, train);
      return {
        GANG: L.generatorAdversarialLoss(dtn.D.apply(gs, train), dtn.D.apply(gt, train)).dataSync()[0],
        CONST: L.meanSquaredError(f.embed(xs), f.embed(gs)).dataSync()[0],
        TID: L.meanSquaredError(xt, gt).dataSync()[0],
      };
    });
    assertClose(losses.D!, expectedD, 1e-5, 'D');
    assertClose(losses.GANG!, expected.GANG, 1e-5, 'GANG');
    assertClose(losses.CONST!, expected.CONST, 1e-5, 'CONST');
    assertClose(losses.TID!, expected.TID, 1e-5, 'TID');
    assert.ok(expected.CONST > 1e-4, 'the scaled f gives a non-trivial CONST');
    assert.equal(losses.TV, null, 'gamma = 0 leaves TV out');
    const { alpha, beta } = config.losses;
    assert.equal(alpha, 15);
    assertClose(losses.G!, losses.GANG! + alpha * losses.CONST! + beta * losses.TID!, 1e-5, 'G');
  });

  it('losses.gan = false: D is untouched (bitwise, running statistics included), D and GANG are null', async () => {
    const { config, dtn } = build({ gan: false });
    const d0 = snapshot(dtn.D.params.all());
    const g0 = snapshot(dtn.g.params.trainable);
    const losses = await readLosses(dtn.step(xs, xt));
    assert.deepEqual(changedNames(d0, snapshot(dtn.D.params.all())), []);
    assert.ok(changedNames(g0, snapshot(dtn.g.params.trainable)).length > 0);
    assert.equal(losses.D, null);
    assert.equal(losses.GANG, null);
    assert.equal((await dtn.optD.getWeights()).length, 1, 'optD never stepped (only its iteration counter)');
    assertClose(losses.G!, config.losses.alpha * losses.CONST! + config.losses.beta * losses.TID!, 1e-5, 'G');
  });

  it('losses.const = false: CONST is null and G = GANG + β TID', async () => {
    const { config, dtn } = build({ const: false });
    const l = await readLosses(dtn.step(xs, xt));
    assert.equal(l.CONST, null);
    assert.ok(l.GANG !== null && l.TID !== null && l.D !== null);
    assertClose(l.G!, l.GANG + config.losses.beta * l.TID, 1e-5, 'G');
  });

  it('losses.tid = false (or beta = 0): TID is null and G = GANG + α CONST', async () => {
    for (const losses of [{ tid: false }, { beta: 0 }]) {
      const { config, dtn } = build(losses);
      const l = await readLosses(dtn.step(xs, xt));
      assert.equal(l.TID, null, JSON.stringify(losses));
      assertClose(l.G!, l.GANG! + config.losses.alpha * l.CONST!, 1e-5, 'G');
    }
  });

  it('gamma > 0 adds γ TV of G(xs); tv = false removes it again', async () => {
    const { dtn } = build({ gamma: 0.5, alpha: 2, beta: 3 });
    const g0 = snapshot(dtn.g.params.trainable);
    const l = await readLosses(dtn.step(xs, xt));
    restore(dtn.g.params.trainable, g0);
    const expectedTV = tf.tidy(() => L.totalVariationLoss(dtn.generate(xs, { training: true })).dataSync()[0]);
    assertClose(l.TV!, expectedTV, 1e-5, 'TV');
    assertClose(l.G!, l.GANG! + 2 * l.CONST! + 3 * l.TID! + 0.5 * l.TV!, 1e-5, 'G');

    const off = build({ gamma: 0.5, tv: false }).dtn;
    const lOff = await readLosses(off.step(xs, xt));
    assert.equal(lOff.TV, null);
  });

  it('constDistance = cosine: CONST is the mean cosine distance between f(xs) and f(G(xs))', async () => {
    const { f, dtn } = build({ constDistance: 'cosine' });
    const g0 = snapshot(dtn.g.params.trainable);
    const l = await readLosses(dtn.step(xs, xt));
    restore(dtn.g.params.trainable, g0);
    const expected = tf.tidy(() => L.cosineDistance(f.embed(xs), f.embed(dtn.generate(xs, { training: true }))).dataSync()[0]);
    assertClose(l.CONST!, expected, 1e-5, 'CONST');
    assert.ok(l.CONST! > 0 && l.CONST! <= 2);
  });

  it('activeTerms follows switches and weights; a config with every G term off is refused', () => {
    const base = tinyConfig().losses;
    assert.deepEqual(activeTerms(base), { gan: true, const: true, tid: true, tv: false });
    assert.deepEqual(activeTerms({ ...base, alpha: 0, gamma: 1 }), { gan: true, const: false, tid: true, tv: true });
    const config = tinyConfig({ losses: { gan: false, const: false, tid: false } });
    const f = scaledEncoder(config);
    made.push({ f });
    assert.throws(() => new Dtn(config, f), /every generator loss is switched off/);
  });

  describe('L_CONST alone (gan and tid off)', () => {
    it('its gradient reaches every variable of g through the frozen f, and a step changes g but not f', async () => {
      const { config, f, dtn } = build({ gan: false, tid: false });
      const gVars = dtn.g.params.trainableList();
      const fVars = f.params.trainableList();
      const { value, grads } = tf.variableGrads(
        () => L.constancyLoss(f.embed(xs), f.embed(dtn.generate(xs, { training: true })), config.losses.constDistance),
        [...gVars, ...fVars],
      );
      assert.ok(value.dataSync()[0] > 0);
      for (const [name, v] of dtn.g.params.trainable) {
        const gr = grads[v.name];
        assert.ok(gr, `no gradient for ${name}`);
        const norm = tf.tidy(() => tf.sum(tf.abs(gr)).dataSync()[0]);
        assert.ok(norm > 0 && Number.isFinite(norm), `gradient of L_CONST w.r.t. ${name} is ${norm}`);
      }
      for (const v of fVars) assert.ok(!grads[v.name], 'frozen f gets no gradient');
      tf.dispose([value, ...Object.values(grads)]);

      const f0 = snapshot(f.params.all());
      const g0 = snapshot(dtn.g.params.trainable);
      const l = await readLosses(dtn.step(xs, xt));
      assert.deepEqual(
        Object.entries(l)
          .filter(([, v]) => v !== null)
          .map(([k]) => k)
          .sort(),
        ['CONST', 'G'],
      );
      assertClose(l.G!, config.losses.alpha * l.CONST!, 1e-5, 'G');
      assert.deepEqual(changedNames(f0, snapshot(f.params.all())), []);
      assert.deepEqual(changedNames(g0, snapshot(dtn.g.params.trainable)), [...g0.keys()]);
    });

    it('training on it lowers L_CONST', async () => {
      const { dtn } = build({ gan: false, tid: false });
      const first = (await readLosses(dtn.step(xs, xt))).CONST!;
      let last = first;
      for (let i = 0; i < 5; i++) last = (await readLosses(dtn.step(xs, xt))).CONST!;
      assert.ok(last < first, `CONST ${first} -> ${last}`);
    });
  });

  it('steps and generate() leak no tensors (a long run keeps constant memory)', async () => {
    for (const losses of [{}, { gan: false, gamma: 1 }]) {
      const { dtn } = build(losses);
      // The first step creates Adam's moment variables and the first generate() g's folded batch
      // norm (replaced, not added to, when g changes); from then on the count must not grow.
      disposeLosses(dtn.step(xs, xt));
      tf.dispose(dtn.generate(xs));
      const before = tf.memory().numTensors;
      for (let i = 0; i < 2; i++) await readLosses(dtn.step(xs, xt));
      disposeLosses(dtn.step(xs, xt));
      tf.dispose(dtn.generate(xs));
      assert.equal(tf.memory().numTensors - before, 0, JSON.stringify(losses));
    }
  });
});

describe('Dtn learning-rate schedule', () => {
  before(async () => {
    await initBackend('cpu');
  });

  const rates = (decay: 'none' | 'linear') => {
    const config = tinyConfig({ train: { steps: 10, learningRate: 0.01, learningRateDecay: decay } });
    const f = scaledEncoder(config);
    const dtn = new Dtn(config, f);
    const read = () => (dtn.optG as unknown as { learningRate: number }).learningRate;
    const out = Array.from({ length: 10 }, (_, i) => {
      dtn.scheduleLearningRate(i + 1);
      assert.equal((dtn.optD as unknown as { learningRate: number }).learningRate, read(), 'D and g share the schedule');
      return read();
    });
    dtn.dispose();
    f.params.dispose();
    return out;
  };

  it("train.discriminatorLearningRate: D's own rate, on the same schedule as g's", () => {
    const config = tinyConfig({ train: { steps: 10, learningRate: 0.01, discriminatorLearningRate: 0.002, learningRateDecay: 'linear' } });
    const f = scaledEncoder(config);
    const dtn = new Dtn(config, f);
    const rate = (opt: unknown) => (opt as { learningRate: number }).learningRate;
    for (let step = 1; step <= 10; step++) {
      dtn.scheduleLearningRate(step);
      assertClose(rate(dtn.optD), rate(dtn.optG) / 5, 1e-12, `step ${step}`);
    }
    assertClose(rate(dtn.optD), 0.002 / 6, 1e-12, 'last step');
    dtn.dispose();
    f.params.dispose();
  });

  it('none: the configured rate at every step', () => {
    assert.deepEqual(rates('none'), new Array(10).fill(0.01));
  });

  it('linear: constant for the first half, then falling every step to a small last rate', () => {
    const r = rates('linear');
    assert.deepEqual(r.slice(0, 5), new Array(5).fill(0.01));
    for (let i = 5; i < 10; i++) assert.ok(r[i] < r[i - 1], `step ${i + 1} rate ${r[i]} should be below ${r[i - 1]}`);
    assertClose(r[9], 0.01 / 6, 1e-9, 'last step');
  });
});
