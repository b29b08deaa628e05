/**
 * A run folder and encoder written by 0.1.0 (test/fixtures/v0.1.0, see its README) must still
 * read, resume, and list with today's code.
 */
import { strict as assert } from 'node:assert';
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { TrainerMessage } from '../../../src/shared/protocol';
import { PNG } from 'pngjs';
import {
  listCheckpointDirs,
  listRunDirs,
  listSampleFiles,
  readMetricsFile,
  readRunInfoFile,
  readSampleIndex,
} from '../../../src/shared/node/runFiles';
import { gridGeometry } from '../../../src/shared/sampleIndex';
import { configHash } from '../../../src/trainer/run/configFile';
import { defaultEncoderDir, loadEncoder } from '../../../src/trainer/run/encoderStore';
import { RunFolder } from '../../../src/trainer/run/runFolder';
import { train } from '../../../src/trainer/run/train';
import { cleanTempDirs, tempDir } from '../data/tmp';
import { digitsArch } from '../helpers';

const FIXTURE = path.join(__dirname, '..', '..', 'fixtures', 'v0.1.0');

describe('a run folder written by 0.1.0', () => {
  let root: string;
  let runDir: string;

  beforeEach(() => {
    root = tempDir('dtn-v010-');
    fs.cpSync(FIXTURE, root, { recursive: true });
    runDir = path.join(root, 'runs', 'tiny');
  });
  after(cleanTempDirs);

  it('reads its run info and config strictly, and loads its encoder', () => {
    const folder = new RunFolder(runDir);
    const info = folder.readInfo()!;
    assert.deepEqual([info.runId, info.status, info.lastStep, info.totalSteps, info.backend], ['tiny', 'completed', 4, 4, 'cpu']);
    assert.equal(info.versions.dtnStudio, '0.1.0');
    const { config } = folder.readConfig();
    assert.equal(configHash(config), info.configHash, 'the same config hashes the same');
    const { f, meta } = loadEncoder(defaultEncoderDir(config, root), digitsArch(config), 'fixture encoder');
    assert.equal(meta.kind, 'dtn-encoder');
    f.params.dispose();
  });

  it('resumes from its checkpoint and trains on, keeping its history', async () => {
    const folder = new RunFolder(runDir);
    const before = folder.readInfo()!;
    const { config } = folder.readConfig();
    config.train.steps = 6;
    const messages: TrainerMessage[] = [];
    const result = await train({ config, baseDir: root, resume: runDir, backend: 'cpu', emit: (m) => messages.push(m) });
    assert.deepEqual([result.reason, result.step, result.runDir], ['completed', 6, runDir]);
    const started = messages.find((m) => m.type === 'started');
    assert.ok(started?.type === 'started' && started.startStep === 4);
    const info = folder.readInfo()!;
    assert.equal(info.createdAt, before.createdAt);
    assert.deepEqual(info.resumedFrom, [path.join(runDir, 'checkpoints', 'step-00000004')]);
    assert.deepEqual(
      folder.readMetrics().map((r) => r.step),
      [1, 2, 3, 4, 5, 6],
    );
    assert.deepEqual(
      folder.listCheckpoints().map((c) => c.step),
      [6],
      'keepCheckpoints 1, as configured then',
    );
    const index = readSampleIndex(runDir).index!;
    assert.ok(index.since > 4, `the sample index names only grids drawn after the resume (since ${index.since})`);
    const old = PNG.sync.read(fs.readFileSync(listSampleFiles(runDir)[0].path));
    assert.equal(gridGeometry(old.width, old.height, index, 0)?.tiles, undefined, "0.1.0's grids are not named by it");
  });

  it('is listed by the extension host with its info, metrics, samples and checkpoints', () => {
    assert.deepEqual(listRunDirs(path.join(root, 'runs')), [runDir]);
    const info = readRunInfoFile(runDir);
    assert.deepEqual([info?.runId, info?.status, info?.lastStep], ['tiny', 'completed', 4]);
    assert.deepEqual(
      readMetricsFile(runDir).map((r) => r.step),
      [1, 2, 3, 4],
    );
    assert.deepEqual(
      listSampleFiles(runDir).map((s) => s.step),
      [0, 4],
    );
    assert.deepEqual(
      listCheckpointDirs(runDir).map((c) => c.step),
      [4],
    );
  });

  it('shows its sample grids without samples/index.json: the tiles are found from the PNG size', () => {
    assert.deepEqual(readSampleIndex(runDir), {});
    for (const s of listSampleFiles(runDir)) {
      const png = PNG.sync.read(fs.readFileSync(s.path));
      const g = gridGeometry(png.width, png.height);
      assert.deepEqual([g?.count, g?.tileWidth, g?.tileHeight, g?.tiles], [2, 32, 32, undefined], `step ${s.step}`);
    }
  });
});
