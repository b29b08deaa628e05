/**
 * Faces -> emoji with the built CLI, as a user runs it: a short training run on the face package's
 * demo photos (the real detector, the real face f, rendered emoji), then translating photos.
 */
import { strict as assert } from 'node:assert';
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import sharp from 'sharp';
import { RUN_FILES } from '../../../src/shared/node/runLayout';
import { parseTranslateLine, type TranslateLine } from '../../../src/shared/translateProtocol';
import { faceApiDemoPhotos } from '../../../src/trainer/data/faces/faceApiPackage';
import { listCheckpoints } from '../../../src/trainer/run/checkpoint';
import { RunFolder } from '../../../src/trainer/run/runFolder';
import { cleanTempDirs, tempDir } from '../data/tmp';
import { CLI, ensureBuilt } from './builtCli';

const TINY_FACES = {
  name: 'faces-tiny',
  backend: 'wasm',
  architecture: { kind: 'faces', generatorWidths: [8, 8, 8, 8], discriminatorSize: 32, discriminatorWidths: [8, 8] },
  encoder: { name: 'face-recognition-net' },
  source: { kind: 'face-api-demo-photos', count: 4 },
  target: { kind: 'emoji', style: 'avataaars', count: 8 },
  losses: { alpha: 100, beta: 1, gamma: 0.05 },
  train: { steps: 2, batchSize: 2, logEvery: 1, sampleEvery: 2, checkpointEvery: 2, sampleCount: 4 },
  eval: { count: 4 },
};

function dtn(args: string[], cwd: string) {
  const r = spawnSync(process.execPath, [CLI, ...args], { cwd, encoding: 'utf8', timeout: 240_000 });
  const lines = args.includes('--json')
    ? r.stdout
        .split('\n')
        .filter(Boolean)
        .map((l) => parseTranslateLine(l))
    : [];
  return { ...r, lines: lines.filter((l): l is TranslateLine => Boolean(l)) };
}

/** The face cache's entry files (one JSON per photo seen). */
function cacheEntries(root: string): string[] {
  return fs.existsSync(root) ? (fs.readdirSync(root, { recursive: true }) as string[]).filter((f) => f.endsWith('.json')) : [];
}

describe('faces -> emoji with the CLI (wasm)', function () {
  this.timeout(300_000);
  let dir: string;
  let runDir: string;

  before(() => {
    ensureBuilt();
    dir = tempDir('dtn-faces-');
    fs.writeFileSync(path.join(dir, 'faces.dtn.json'), JSON.stringify(TINY_FACES));
    runDir = path.join(dir, 'run');
    const r = dtn(['train', '--config', 'faces.dtn.json', '--run-dir', 'run'], dir);
    assert.equal(r.status, 0, `${r.stdout}\n${r.stderr}`);
  });
  after(cleanTempDirs);

  it('dtn fetch-face-models prints the folder faces commands read the weights from', () => {
    const r = dtn(['fetch-face-models'], tempDir('dtn-fetch-'));
    assert.equal(r.status, 0, r.stderr);
    const dir = r.stdout.trim();
    // In a checkout that is the installed package (a package without it downloads into the user cache).
    assert.equal(dir, path.dirname(path.dirname(faceApiDemoPhotos()[0])));
    assert.ok(fs.existsSync(path.join(dir, 'model', 'face_recognition_model-weights_manifest.json')));
  });

  it('a short run writes a complete run folder: config, run.json, metrics with the identity metric, samples, a checkpoint', async () => {
    const folder = new RunFolder(runDir);
    assert.equal(folder.readInfo()!.status, 'completed');
    assert.equal(folder.readConfig().config.architecture.kind, 'faces');
    const metrics = folder.readMetrics();
    assert.deepEqual(
      metrics.map((m) => m.step),
      [1, 2],
    );
    const last = metrics.at(-1)!;
    for (const k of ['D', 'GANG', 'CONST', 'TID', 'TV', 'G'] as const) assert.ok(Number.isFinite(last.loss[k]), k);
    assert.equal(last.eval?.metric, 'identity');
    assert.equal(last.eval?.count, 4);
    assert.ok(last.eval!.medianRank! >= 1 && last.eval!.medianRank! <= 4);
    assert.deepEqual(
      listCheckpoints(runDir).map((c) => c.step),
      [2],
    );
    // The sample grid: face crops above their translations, both at G's 64 px.
    const grid = await sharp(path.join(runDir, RUN_FILES.samples, 'step-00000002.png')).metadata();
    assert.deepEqual([grid.width, grid.height], [2 + 4 * 66, 2 + 2 * 66]);
    // The face crops were cached by content, under the config's folder.
    assert.ok(fs.readdirSync(path.join(dir, '.dtn', 'cache')).includes('faces'));
  });

  it('translating a photo gives a 64x64 RGB emoji (of its largest face); a photo with no face is named with FACE_NOT_FOUND', async () => {
    const photo = faceApiDemoPhotos()[0];
    const noFace = path.join(dir, 'sky.png');
    await sharp({ create: { width: 300, height: 200, channels: 3, background: { r: 90, g: 140, b: 220 } } })
      .png()
      .toFile(noFace);
    const out = path.join(dir, 'out');
    const entries = () => cacheEntries(path.join(dir, '.dtn', 'cache', 'faces'));
    const before = entries();
    const r = dtn(['translate', '--checkpoint', runDir, photo, noFace, '--out', out, '--json'], dir);
    // The run's face cache serves the photo training already cropped; only the new photo is added.
    assert.deepEqual(entries().filter((e) => !before.includes(e)).length, 1, 'one new cache entry (the photo without a face)');
    const results = r.lines.filter((l) => l.type === 'translated' || l.type === 'translate-failed');
    const ok = results.find((l) => l.type === 'translated');
    assert.ok(ok?.type === 'translated', r.stdout + r.stderr);
    const meta = await sharp(ok.output).metadata();
    assert.deepEqual([meta.width, meta.height, meta.channels], [64, 64, 3]);
    const failed = results.find((l) => l.type === 'translate-failed');
    assert.ok(failed?.type === 'translate-failed', r.stdout);
    assert.equal(failed.code, 'FACE_NOT_FOUND');
    assert.ok(failed.message.includes(noFace) && /no face found/.test(failed.message), failed.message);
    assert.notEqual(r.status, 0, 'a failed file makes the command fail');
  });
});
