import { strict as assert } from 'node:assert';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import type { TrainerMessage } from '../../../src/shared/protocol';
import type { DtnError } from '../../../src/shared/errors';
import { RUN_FILES, checkpointPath } from '../../../src/shared/node/runLayout';
import { lockPath } from '../../../src/shared/node/runLock';
import { readConfigFile } from '../../../src/trainer/run/configFile';
import { RunFolder } from '../../../src/trainer/run/runFolder';
import { setUpTraining, type TrainOptions } from '../../../src/trainer/run/trainSetup';
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
      run.folder.unlock();
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
      run.folder.unlock();
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
      run.folder.unlock();
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

describe('training start-up: whose folder it is', () => {
  after(cleanTempDirs);

  function copy(): { root: string; runDir: string; folder: RunFolder; opts: Omit<TrainOptions, 'emit'> } {
    const root = tempDir('dtn-own-');
    fs.cpSync(FIXTURE, root, { recursive: true });
    const runDir = path.join(root, 'runs', 'tiny');
    const folder = new RunFolder(runDir);
    const { config } = folder.readConfig();
    config.train.steps = 6;
    return { root, runDir, folder, opts: { config, baseDir: root, backend: 'cpu' } };
  }

  /** Every file under `dir` with its content, to show a refused start changed nothing. */
  function tree(dir: string): Record<string, string> {
    const out: Record<string, string> = {};
    for (const e of fs.readdirSync(dir, { recursive: true, withFileTypes: true })) {
      const p = path.join(e.parentPath, e.name);
      if (e.isFile()) out[path.relative(dir, p)] = fs.readFileSync(p).toString('base64');
    }
    return out;
  }

  async function setUp(opts: TrainOptions) {
    const run = await setUpTraining(opts);
    run.folder.unlock();
    run.dtn.dispose();
    run.f.params.dispose();
    return run;
  }

  it('a new run into a folder that holds a run is refused, before anything loads, unless --force', async () => {
    const { runDir, opts } = copy();
    const before = tree(runDir);
    const messages: TrainerMessage[] = [];
    await assert.rejects(
      setUpTraining({ ...opts, runDir, emit: (m) => messages.push(m) }),
      (e: DtnError) => e.code === 'RUN_EXISTS' && e.message.includes(runDir) && /--resume/.test(e.fix ?? '') && /--force/.test(e.fix ?? ''),
    );
    assert.deepEqual(messages, [], 'refused before the backend and the data');
    assert.deepEqual(tree(runDir), before, 'nothing changed, no lock left');
  });

  it('--force replaces the old run’s files and nothing else', async () => {
    const { runDir, folder, opts } = copy();
    fs.writeFileSync(path.join(runDir, 'notes.txt'), 'mine');
    fs.mkdirSync(path.join(runDir, RUN_FILES.eval));
    fs.writeFileSync(path.join(runDir, RUN_FILES.eval, 'step-00000004.md'), '# old');
    const old = folder.readInfo()!;
    await setUp({ ...opts, runDir, force: true, emit: () => undefined });
    assert.deepEqual(fs.readdirSync(runDir).sort(), [
      RUN_FILES.checkpoints,
      RUN_FILES.config,
      RUN_FILES.label,
      'notes.txt',
      RUN_FILES.run,
      RUN_FILES.samples,
    ]);
    assert.deepEqual(fs.readdirSync(path.join(runDir, RUN_FILES.checkpoints)), []);
    const info = folder.readInfo()!;
    assert.notEqual(info.createdAt, old.createdAt, 'a new run, not the old one continued');
    assert.deepEqual([info.resumedFrom, info.lastStep, info.best], [[], 0, undefined]);
  });

  it('a folder of other files is never written into, even with --force; an empty one is fine', async () => {
    const { root, opts } = copy();
    const theirs = path.join(root, 'mine');
    fs.mkdirSync(theirs);
    fs.writeFileSync(path.join(theirs, 'config.json'), '{"my": "own"}');
    for (const force of [false, true]) {
      await assert.rejects(
        setUpTraining({ ...opts, runDir: theirs, force, emit: () => undefined }),
        (e: DtnError) => e.code === 'OUTPUT_INVALID' && e.message.includes(theirs),
      );
    }
    assert.deepEqual(fs.readdirSync(theirs), ['config.json']);
    assert.equal(fs.readFileSync(path.join(theirs, 'config.json'), 'utf8'), '{"my": "own"}');
    const empty = path.join(root, 'empty');
    fs.mkdirSync(empty);
    await setUp({ ...opts, runDir: empty, emit: () => undefined });
    assert.ok(fs.existsSync(path.join(empty, RUN_FILES.run)));
  });

  it('a folder held by a live trainer is RUN_BUSY, for a resume and for --force alike, and stays as it was', async () => {
    const { runDir, opts } = copy();
    const other = new RunFolder(runDir);
    other.lock();
    try {
      const before = tree(runDir);
      for (const extra of [{ resume: runDir }, { runDir, force: true }]) {
        await assert.rejects(
          setUpTraining({ ...opts, ...extra, emit: () => undefined }),
          (e: DtnError) => e.code === 'RUN_BUSY' && e.message.includes(runDir) && e.message.includes(`process ${process.pid}`),
        );
      }
      assert.deepEqual(tree(runDir), before);
    } finally {
      other.unlock();
    }
  });

  it('a restart clears what the killed trainer left and takes over its stale lock, saying so', async () => {
    const { runDir, opts } = copy();
    fs.writeFileSync(
      lockPath(runDir),
      JSON.stringify({ pid: 999_999_999, hostname: os.hostname(), startedAt: new Date().toISOString(), command: [] }),
    );
    fs.writeFileSync(path.join(runDir, `run.json.tmp-999999999`), '{"runId": "half');
    fs.mkdirSync(path.join(runDir, 'checkpoints', '.step-00000005.tmp-xyz123'));
    const messages: TrainerMessage[] = [];
    await setUp({ ...opts, resume: runDir, emit: (m) => messages.push(m) });
    const text = messages.map((m) => ('message' in m ? m.message : m.type)).join('\n');
    assert.match(text, /took over the stale lock .*999999999/);
    assert.match(text, /removed leftovers of an interrupted run: .*run\.json\.tmp-999999999/);
    assert.deepEqual(
      fs.readdirSync(runDir).filter((n) => n.includes('.tmp-') || n === RUN_FILES.lock),
      [],
    );
    assert.deepEqual(fs.readdirSync(path.join(runDir, 'checkpoints')), ['step-00000004']);
  });

  it('a start that fails leaves the folder unlocked', async () => {
    const { runDir, opts } = copy();
    opts.config.train.steps = 4;
    await assert.rejects(setUpTraining({ ...opts, resume: runDir, emit: () => undefined }), /nothing to train/);
    assert.ok(!fs.existsSync(lockPath(runDir)));
  });

  it('--force with --resume is refused: one starts over, the other continues', async () => {
    const { runDir, opts } = copy();
    await assert.rejects(
      setUpTraining({ ...opts, resume: runDir, force: true, emit: () => undefined }),
      (e: DtnError) => e.code === 'CONFIG_INVALID' && /--force/.test(e.message),
    );
  });

  it('--resume of a run killed before its first checkpoint says so and how to start over, and clears its leftovers', async () => {
    const { runDir, opts } = copy();
    fs.rmSync(checkpointPath(runDir, 4), { recursive: true });
    const tmp = path.join(runDir, 'checkpoints', '.step-00000002.tmp-AbCdEf');
    fs.mkdirSync(tmp);
    fs.writeFileSync(path.join(tmp, 'tensors.bin'), 'partial');
    await assert.rejects(
      setUpTraining({ ...opts, resume: runDir, emit: () => undefined }),
      (e: DtnError) =>
        e.code === 'CHECKPOINT_MISSING' &&
        /no complete checkpoint/.test(e.message) &&
        (e.fix ?? '').includes(`--run-dir ${runDir} --force`),
    );
    assert.deepEqual(fs.readdirSync(path.join(runDir, 'checkpoints')), [], 'no temporary folder left');
    assert.ok(!fs.existsSync(lockPath(runDir)));
  });
});
