import { strict as assert } from 'node:assert';
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { TrainerMessage } from '../../../src/shared/protocol';
import type { DtnError } from '../../../src/shared/errors';
import { RUN_FILES } from '../../../src/shared/node/runLayout';
import { readConfigFile } from '../../../src/trainer/run/configFile';
import { RunFolder } from '../../../src/trainer/run/runFolder';
import { setUpTraining } from '../../../src/trainer/run/trainSetup';
import { cleanTempDirs, tempDir } from '../data/tmp';

const FIXTURE = path.join(__dirname, '..', '..', 'fixtures', 'v0.1.0');

describe('training start-up', () => {
  after(cleanTempDirs);

  /** A copy of the 0.1.0 fixture: a finished 4-step run and its encoder. */
  function copy(): { root: string; runDir: string } {
    const root = tempDir('dtn-setup-');
    fs.cpSync(FIXTURE, root, { recursive: true });
    return { root, runDir: path.join(root, 'runs', 'tiny') };
  }

  it('resuming into a folder whose run.json is not one is an error naming the file and the fix', async () => {
    const { root, runDir } = copy();
    const file = path.join(runDir, RUN_FILES.run);
    fs.writeFileSync(file, JSON.stringify({ name: 'something else' }));
    const { config } = readConfigFile(path.join(runDir, RUN_FILES.config));
    await assert.rejects(
      setUpTraining({ config, baseDir: root, resume: runDir, backend: 'cpu', emit: () => undefined }),
      (e: Error) => e.message.includes(file) && /not a run\.json written by dtn train.*another --run-dir/.test(e.message),
    );
    assert.deepEqual(JSON.parse(fs.readFileSync(file, 'utf8')), { name: 'something else' }, 'left as it was');
  });

  it('restores the step from the checkpoint and rewrites run.json as running, keeping its history', async () => {
    const { root, runDir } = copy();
    const folder = new RunFolder(runDir);
    const before = folder.readInfo()!;
    const messages: TrainerMessage[] = [];
    const emit = (m: TrainerMessage) => messages.push(m);
    const { config } = folder.readConfig();
    config.train.steps = 6;
    const run = await setUpTraining({ config, baseDir: root, resume: runDir, backend: 'cpu', emit });
    try {
      assert.equal(run.startStep, 4);
      assert.equal(run.folder.dir, runDir);
      const info = folder.readInfo()!;
      assert.deepEqual([info.status, info.createdAt, info.lastStep, info.baseDir], ['running', before.createdAt, 4, root]);
      assert.deepEqual(
        messages.map((m) => m.type),
        ['status', 'status', 'status', 'started'],
      );
    } finally {
      run.dtn.dispose();
      run.f.params.dispose();
    }
  });

  it('a resumed run stays on the backend it ran on unless --backend says otherwise', async () => {
    const { root, runDir } = copy();
    const folder = new RunFolder(runDir);
    assert.equal(folder.readInfo()!.backend, 'cpu');
    const { config } = folder.readConfig();
    config.backend = 'auto'; // would start wasm here
    config.train.steps = 6;
    const run = await setUpTraining({ config, baseDir: root, resume: runDir, emit: () => undefined });
    try {
      assert.equal(run.backend.name, 'cpu');
    } finally {
      run.dtn.dispose();
      run.f.params.dispose();
    }
  });

  it('resuming with train.steps at or below the checkpoint step is refused: nothing to train', async () => {
    const { root, runDir } = copy();
    const folder = new RunFolder(runDir);
    const { config } = folder.readConfig();
    await assert.rejects(
      setUpTraining({ config, baseDir: root, resume: runDir, backend: 'cpu', emit: () => undefined }),
      (e: DtnError) => e.code === 'CONFIG_INVALID' && /nothing to train/.test(e.message),
    );
    assert.equal(folder.readInfo()!.status, 'completed', 'run.json untouched');
  });

  it('--resume <run folder> falls back past a damaged newest checkpoint to the newest good one, saying which and why', async () => {
    const { root, runDir } = copy();
    const folder = new RunFolder(runDir);
    const good = path.join(runDir, 'checkpoints', 'step-00000004');
    const damaged = path.join(runDir, 'checkpoints', 'step-00000006');
    fs.cpSync(good, damaged, { recursive: true });
    fs.truncateSync(path.join(damaged, 'tensors.bin'), 100);
    const { config } = folder.readConfig();
    config.train.steps = 8;
    const messages: TrainerMessage[] = [];
    const run = await setUpTraining({ config, baseDir: root, resume: runDir, backend: 'cpu', emit: (m) => messages.push(m) });
    try {
      assert.equal(run.startStep, 4);
      const warning = messages.find((m) => m.type === 'warning');
      assert.ok(
        warning?.type === 'warning' && warning.message.includes(damaged) && /truncated/.test(warning.message),
        JSON.stringify(warning),
      );
      assert.deepEqual(folder.readInfo()!.resumedFrom.at(-1), good);
    } finally {
      run.dtn.dispose();
      run.f.params.dispose();
    }
    // A damaged checkpoint named explicitly is an error, not a silent switch to another one.
    await assert.rejects(
      setUpTraining({ config, baseDir: root, resume: damaged, backend: 'cpu', emit: () => undefined }),
      (e: DtnError) => e.code === 'CHECKPOINT_CORRUPT' && e.message.includes(damaged),
    );
  });
});
