import { strict as assert } from 'node:assert';
import { ConfigError, parseConfig } from '../../src/shared/config';
import { PRESETS } from '../../src/shared/presets';

const minimal = {
  architecture: { encoderWidths: [4, 4, 4], embeddingSize: 8, generatorWidths: [8, 4, 4], discriminatorWidths: [4, 4, 4] },
  source: { kind: 'synthetic-digits' },
  target: { kind: 'mnist-package' },
};

function issues(raw: unknown, file?: string): { err: ConfigError; paths: string[] } {
  try {
    parseConfig(raw, file);
  } catch (err) {
    assert.ok(err instanceof ConfigError, String(err));
    return { err, paths: err.issues.map((i) => i.path) };
  }
  assert.fail('expected the config to be rejected');
}

describe('parseConfig', () => {
  it('fills the documented defaults', () => {
    const c = parseConfig(minimal);
    assert.equal(c.name, 'dtn');
    assert.equal(c.seed, 1);
    assert.equal(c.backend, 'auto');
    assert.deepEqual({ ...c.losses }, { alpha: 15, beta: 15, gamma: 0, gan: true, const: true, tid: true, tv: true, constDistance: 'mse' });
    assert.equal(c.train.batchSize, 64);
    assert.equal(c.train.learningRate, 2e-4);
    assert.equal(c.architecture.imageSize, 32);
    assert.equal(c.architecture.sourceChannels, 3);
    assert.equal(c.architecture.targetChannels, 1);
    assert.equal(c.source.kind === 'synthetic-digits' && c.source.count, 20000);
  });

  it('keeps given values and does not share default objects between configs', () => {
    const a = parseConfig({ ...minimal, losses: { alpha: 2, gan: false }, train: { steps: 5 } });
    assert.equal(a.losses.alpha, 2);
    assert.equal(a.losses.gan, false);
    assert.equal(a.losses.beta, 15);
    assert.equal(a.train.steps, 5);
    const b = parseConfig(minimal);
    b.train.steps = 99;
    assert.equal(parseConfig(minimal).train.steps, 2000);
  });

  it('names invalid fields by dotted path', () => {
    const { err, paths } = issues({ ...minimal, train: { batchSize: -1, learningRate: 0 }, losses: { alpha: -2 } }, 'runs/a.dtn.json');
    assert.deepEqual(paths.sort(), ['losses.alpha', 'train.batchSize', 'train.learningRate']);
    assert.match(err.message, /^runs\/a\.dtn\.json: invalid DTN config/);
    assert.match(err.message, /\n {2}train\.batchSize: /);
    assert.equal(err.file, 'runs/a.dtn.json');
  });

  it('names array elements and wrong array lengths', () => {
    const bad = { ...minimal, architecture: { ...minimal.architecture, encoderWidths: [4, 0, 4], generatorWidths: [8, 4] } };
    const { paths } = issues(bad);
    assert.ok(paths.includes('architecture.encoderWidths.1'), paths.join(', '));
    assert.ok(paths.includes('architecture.generatorWidths'), paths.join(', '));
  });

  it('names unknown keys, at the root and nested', () => {
    const { err, paths } = issues({ ...minimal, colour: 'red', train: { stepz: 3 } });
    assert.match(err.message, /colour/);
    assert.match(err.message, /stepz/);
    assert.ok(paths.includes('train.stepz') && paths.includes('colour'), paths.join(', '));
    assert.match(err.message, /\n {2}train\.stepz: unknown field "stepz" — remove it, or correct its spelling/);
  });

  it('rejects missing required sections and unknown data kinds', () => {
    assert.ok(issues({ source: minimal.source, target: minimal.target }).paths.includes('architecture'));
    assert.ok(issues({ ...minimal, target: { kind: 'cifar' } }).paths.some((p) => p.startsWith('target')));
    assert.ok(issues({ ...minimal, source: { kind: 'svhn-mat' } }).paths.includes('source.path'));
    assert.ok(issues({ ...minimal, backend: 'cuda' }).paths.includes('backend'));
    assert.ok(issues({ ...minimal, losses: { constDistance: 'l1' } }).paths.includes('losses.constDistance'));
    assert.ok(issues({ ...minimal, train: { adamBeta1: 1 } }).paths.includes('train.adamBeta1'));
  });

  it('every nested object is strict: a typo inside a data source is named, not ignored', () => {
    const { err, paths } = issues({ ...minimal, source: { kind: 'synthetic-digits', cuont: 400 } });
    assert.deepEqual(paths, ['source.cuont']);
    assert.match(err.message, /cuont/);
    assert.match(issues({ ...minimal, eval: { source: { kind: 'mnist-package', conut: 3 } } }).err.message, /conut/);
  });

  it('a name becomes part of paths, so only a safe name is accepted', () => {
    for (const name of ['../..', '..', '.hidden', 'a/b', 'a\\b', '', 'x'.repeat(65)]) {
      assert.deepEqual(issues({ ...minimal, name }).paths, ['name'], JSON.stringify(name));
    }
    for (const name of ['digits-quick', 'run_2', 'v1.2']) assert.equal(parseConfig({ ...minimal, name }).name, name);
  });

  it('faces architecture: the paper networks are checked like the digits ones, by dotted path', () => {
    const faces = { ...minimal, architecture: { kind: 'faces', generatorWidths: [8, 8, 8], discriminatorWidths: [4, 4] } };
    assert.deepEqual(issues(faces).paths, ['architecture.generatorWidths']);
    const ok = parseConfig({ ...faces, architecture: { ...faces.architecture, generatorWidths: [8, 8, 8, 8] } });
    assert.ok(ok.architecture.kind === 'faces' && ok.architecture.discriminatorSize === 152 && ok.architecture.imageSize === 64);
    assert.equal(parseConfig(minimal).architecture.kind, 'digits', 'a config without kind is a digits one, as before');
  });

  it('accepts every built-in preset', () => {
    for (const [name, preset] of Object.entries(PRESETS)) assert.equal(parseConfig(preset).name, name);
  });
});
