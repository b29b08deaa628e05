/**
 * The fault suite: the real trainer (the built CLI, in child processes) under every class of fault
 * of "Nothing lost, nothing escapes": SIGKILL at random points and at checkpoint writes, crafted
 * and corrupted manifests and configs, two trainers on one folder, an unwritable folder, a full
 * disk, a resume that must be bit-exact, --steps below the checkpoint, a closed stdin, a host that
 * goes away, a run stopped from outside through its lock.
 *
 * After each case, every run folder in the case's root is checked (faultKit.inspectRun): metrics
 * parse (a torn last line allowed until a restart), steps in order, everything reported before a
 * kill is on disk, every complete checkpoint loads with its checksum, run.json and config.json
 * agree, and after a restart no temporary file, folder or lock is left; nothing outside the case's
 * root changed. The last line printed: `faults: N tried, N survived, 0 data lost`.
 *
 * Kill points are drawn from a seeded generator: DTN_FAULT_SEED=<n> repeats a run's choices.
 * Alone: npm run test:faults
 */
import { strict as assert } from 'node:assert';
import { spawn, spawnSync } from 'node:child_process';
import * as crypto from 'node:crypto';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { messageOf } from '../../../src/shared/errors';
import { parseTrainerLine, type TrainerMessage } from '../../../src/shared/protocol';
import { listCheckpointDirs, readMetricsFile, readRunInfoFile, runState } from '../../../src/shared/node/runFiles';
import { RUN_FILES, TENSOR_MANIFEST, checkpointPath } from '../../../src/shared/node/runLayout';
import { lockPath, stopRunOwner } from '../../../src/shared/node/runLock';
import { cleanTempDirs, tempDir } from '../data/tmp';
import { bitwiseEqual, tinyRunConfig } from '../helpers';
import {
  assertFails,
  assertOk,
  CLI,
  canRun,
  dtn,
  ensureBuilt,
  findRuns,
  inspectRun,
  seededRandom,
  snapshot,
  snapshotChanges,
  tensorsOf,
  type DtnOptions,
  type DtnRun,
} from './faultKit';

const SEED = Number(process.env.DTN_FAULT_SEED ?? crypto.randomInt(1, 1_000_000));
const random = seededRandom(SEED);
const pick = (lo: number, hi: number) => lo + Math.floor(random() * (hi - lo + 1));

const STEPS = 30;
/** A checkpoint every 4 steps and none pruned, so every reported checkpoint must stay on disk. */
const FAULT_TRAIN = { steps: STEPS, batchSize: 4, logEvery: 1, sampleEvery: 5, checkpointEvery: 4, keepCheckpoints: 100, emaDecay: 0 };

const tally = { tried: 0, survived: 0, lost: 0 };

interface Case {
  root: string;
  /** Run folders left as a killed trainer left them (never restarted): leftovers and a stale lock allowed. */
  unsettled: Set<string>;
  /** Checkpoints damaged on purpose. */
  damaged: Set<string>;
  /** Data lost, found along the way (after each kill). */
  lost: string[];
  dtn(args: string[], opts?: DtnOptions): Promise<DtnRun>;
  /** After a run that may have been killed: what it reported is on disk, and a dead owner reads as interrupted. */
  afterKill(runDir: string, r: DtnRun): void;
}

describe('fault suite: the trainer under faults loses no data', function () {
  this.timeout(600_000);
  let suiteRoot: string;
  let config: string;
  /** A finished 8-step run (checkpoints 4 and 8): cases damage copies of it. */
  let refRun: string;

  before(async function () {
    this.timeout(300_000);
    ensureBuilt();
    console.log(`      faults: seed ${SEED} (DTN_FAULT_SEED=${SEED} repeats it)`);
    suiteRoot = tempDir('dtn-faults-');
    const shared = path.join(suiteRoot, 'shared');
    fs.mkdirSync(shared);
    config = path.join(shared, 'fault.dtn.json');
    fs.writeFileSync(config, JSON.stringify(tinyRunConfig({ train: FAULT_TRAIN })));
    assertOk(await dtn(['pretrain-f', '--config', config, '--steps', '10', '--json'], shared));
    refRun = path.join(suiteRoot, 'ref', 'run');
    assertOk(await dtn(['train', '--config', config, '--run-dir', refRun, '--steps', '8', '--json'], shared));
  });

  after(() => {
    console.log(`faults: ${tally.tried} tried, ${tally.survived} survived, ${tally.lost} data lost`);
    cleanTempDirs();
  });

  /** A case in its own folder; afterwards, the data checks (a failure there counts as data lost). */
  function fault(title: string, body: (c: Case) => Promise<void>, unavailable?: () => string | undefined): void {
    it(title, async function () {
      const why = unavailable?.();
      if (why) {
        console.log(`      (skipped: ${why})`);
        return this.skip();
      }
      const root = path.join(suiteRoot, 'cases', title.replace(/[^A-Za-z0-9]+/g, '-').slice(0, 60));
      fs.mkdirSync(root, { recursive: true });
      const c: Case = {
        root,
        unsettled: new Set(),
        damaged: new Set(),
        lost: [],
        dtn: (args, opts) => dtn(args, root, opts),
        afterKill(runDir, r) {
          if (!r.killed) return;
          this.lost.push(...inspectRun(runDir, { reported: r.reported, damaged: this.damaged }));
          if (readRunInfoFile(runDir)?.status === 'running') {
            assert.equal(runState(runDir).status, 'interrupted', 'a killed run reads as interrupted, not running');
          }
        },
      };
      const outside = snapshot(suiteRoot, root);
      tally.tried++;
      let failure: unknown;
      try {
        await body(c);
      } catch (err) {
        failure = err;
      }
      for (const run of findRuns(root)) c.lost.push(...inspectRun(run, { settled: !c.unsettled.has(run), damaged: c.damaged }));
      c.lost.push(...snapshotChanges(outside, snapshot(suiteRoot, root)));
      if (c.lost.length) {
        tally.lost++;
        const also = failure ? `\nand the case failed: ${messageOf(failure)}` : '';
        assert.fail(`data lost or escaped (seed ${SEED}):\n  ${c.lost.join('\n  ')}${also}`);
      }
      if (failure) throw failure;
      tally.survived++;
    });
  }

  const metricSteps = (runDir: string) => readMetricsFile(runDir).map((r) => r.step);
  const upTo = (n: number) => Array.from({ length: n }, (_, i) => i + 1);
  const copyRef = (c: Case) => {
    const run = path.join(c.root, 'run');
    fs.cpSync(refRun, run, { recursive: true });
    return run;
  };
  /** Every file under `dir` with a hash of its content. */
  const tree = (dir: string): Record<string, string> => {
    const out: Record<string, string> = {};
    for (const e of fs.readdirSync(dir, { recursive: true, withFileTypes: true })) {
      const p = path.join(e.parentPath, e.name);
      out[path.relative(dir, p)] = e.isFile() ? crypto.createHash('sha1').update(fs.readFileSync(p)).digest('hex') : 'dir';
    }
    return out;
  };

  /**
   * Carries a run on: --resume when it has a checkpoint; a run killed before its first is refused
   * with CHECKPOINT_MISSING (fix: --force, no temporary folder left) and started over with --force.
   */
  async function restart(c: Case, runDir: string, opts: DtnOptions = {}): Promise<DtnRun> {
    if (fs.existsSync(path.join(runDir, RUN_FILES.run)) || fs.existsSync(path.join(runDir, RUN_FILES.metrics))) {
      if (listCheckpointDirs(runDir).length > 0) return c.dtn(['train', '--resume', runDir, '--json'], opts);
      const refused = await c.dtn(['train', '--resume', runDir, '--json']);
      assertFails(refused, 'CHECKPOINT_MISSING', 'no complete checkpoint', `--run-dir ${runDir} --force`);
      const ck = path.join(runDir, RUN_FILES.checkpoints);
      assert.deepEqual(fs.existsSync(ck) ? fs.readdirSync(ck) : [], [], 'the refused resume cleared the temporary folders');
    }
    return c.dtn(['train', '--config', config, '--run-dir', runDir, '--force', '--json'], opts);
  }

  const completed = (runDir: string) => readRunInfoFile(runDir)?.status === 'completed' && runState(runDir).status === 'completed';

  /** Trains the run to its end, unless the last round already got there. */
  async function finish(c: Case, runDir: string): Promise<void> {
    if (!completed(runDir)) assertOk(await restart(c, runDir));
    assert.deepEqual(metricSteps(runDir), upTo(STEPS), 'one record per step, none twice, none missing');
    assert.equal(readRunInfoFile(runDir)?.status, 'completed');
    assert.equal(runState(runDir).status, 'completed');
  }

  describe('SIGKILL', () => {
    for (const chain of [1, 2, 3]) {
      fault(`at random points, restarted after each (chain ${chain})`, async (c) => {
        const run = path.join(c.root, 'run');
        for (let round = 0; round < 3 && !completed(run); round++) {
          const at = pick(1, 50);
          const delay = pick(0, 25);
          const r = await restart(c, run, { onMessage: (_m, i, ctl) => i === at && ctl.kill(delay) });
          c.afterKill(run, r);
        }
        await finish(c, run);
      });
    }

    fault('inside checkpoint writes (right after the metrics of a checkpoint step, 0-8 ms later)', async (c) => {
      const run = path.join(c.root, 'run');
      for (const [step, delay] of [
        [4, 0],
        [8, 1],
        [12, 3],
        [16, pick(0, 8)],
      ]) {
        const r = await restart(c, run, { onMessage: (m, _i, ctl) => m.type === 'metrics' && m.record.step === step && ctl.kill(delay) });
        assert.ok(r.killed, `killed at step ${step}`);
        c.afterKill(run, r);
      }
      await finish(c, run);
    });

    fault('right after a checkpoint message, and on a status line of start-up', async (c) => {
      const run = path.join(c.root, 'run');
      const r1 = await restart(c, run, { onMessage: (m, _i, ctl) => m.type === 'checkpoint' && m.step === 8 && ctl.kill() });
      c.afterKill(run, r1);
      assert.ok(
        listCheckpointDirs(run).some((k) => k.step === 8),
        'the reported checkpoint survives',
      );
      const r2 = await restart(c, run, { onMessage: (m, _i, ctl) => m.type === 'status' && ctl.kill() });
      c.afterKill(run, r2);
      await finish(c, run);
    });

    fault('before the first checkpoint: --resume says there is none and how to start over, leaving no temporary folder', async (c) => {
      const run = path.join(c.root, 'run');
      const r = await c.dtn(['train', '--config', config, '--run-dir', run, '--json'], {
        onMessage: (m, _i, ctl) => m.type === 'metrics' && m.record.step === 2 && ctl.kill(),
      });
      assert.ok(r.killed);
      c.afterKill(run, r);
      assert.equal(runState(run).status, 'interrupted');
      fs.mkdirSync(path.join(run, RUN_FILES.checkpoints, '.step-00000004.tmp-AbCdEf')); // as a kill mid-write leaves
      await finish(c, run); // via the refused resume (checked in restart) and --force
    });

    fault('resume after a kill is bit-exact with the uninterrupted run (cpu)', async (c) => {
      const cut = path.join(c.root, 'cut');
      const r = await c.dtn(['train', '--config', config, '--run-dir', cut, '--steps', '8', '--json'], {
        onMessage: (m, _i, ctl) => m.type === 'checkpoint' && m.step === 4 && ctl.kill(),
      });
      c.afterKill(cut, r);
      assertOk(await c.dtn(['train', '--resume', cut, '--steps', '8', '--json']));
      const losses = (d: string) => readMetricsFile(d).map((m) => [m.step, m.loss]);
      assert.deepEqual(losses(cut), losses(refRun));
      const a = tensorsOf(checkpointPath(refRun, 8));
      const b = tensorsOf(checkpointPath(cut, 8));
      assert.deepEqual([...b.keys()], [...a.keys()]);
      for (const [name, v] of a) assert.ok(bitwiseEqual(b.get(name)!, v), `${name} differs`);
    });

    fault('leftovers of a killed trainer (temporary files, folders, a stale lock) are cleared on restart, only ours', async (c) => {
      const run = copyRef(c);
      const dead = spawnSync(process.execPath, ['-e', '0']).pid!;
      fs.writeFileSync(path.join(run, `run.json.tmp-${dead}`), '{"half');
      fs.writeFileSync(path.join(run, RUN_FILES.samples, `step-00000005.png.tmp-${dead}`), 'png');
      fs.mkdirSync(path.join(run, RUN_FILES.checkpoints, '.step-00000012.tmp-Zz9Zz9'));
      fs.mkdirSync(checkpointPath(run, 16));
      fs.writeFileSync(
        lockPath(run),
        JSON.stringify({ pid: dead, hostname: os.hostname(), startedAt: new Date().toISOString(), command: [] }),
      );
      fs.writeFileSync(path.join(run, 'notes.tmp-1'), 'not ours');
      const r = await c.dtn(['train', '--resume', run, '--steps', '12', '--json']);
      assertOk(r);
      assert.ok(r.messages.some((m) => m.type === 'warning' && /stale lock/.test(m.message)));
      assert.ok(fs.existsSync(path.join(run, 'notes.tmp-1')), 'a file not of ours stays');
      fs.rmSync(path.join(run, 'notes.tmp-1'));
    });
  });

  describe('crafted and corrupted checkpoints', () => {
    const newest = (run: string) => checkpointPath(run, 8);
    const manifestOf = (dir: string) => path.join(dir, TENSOR_MANIFEST);
    const editManifest = (
      dir: string,
      edit: (m: { meta: Record<string, unknown>; tensors: { name: string; offset: number }[] }) => void,
    ) => {
      const m = JSON.parse(fs.readFileSync(manifestOf(dir), 'utf8'));
      edit(m);
      fs.writeFileSync(manifestOf(dir), JSON.stringify(m));
    };
    const damages: [string, (dir: string) => void][] = [
      ['meta.step is not a number', (d) => editManifest(d, (m) => (m.meta.step = '8'))],
      ['meta.step names another checkpoint', (d) => editManifest(d, (m) => (m.meta.step = 4))],
      ['a tensor named ../..', (d) => editManifest(d, (m) => (m.tensors[0].name = '../..'))],
      ['overlapping offsets', (d) => editManifest(d, (m) => (m.tensors[1].offset = m.tensors[0].offset))],
      ['a manifest cut in half', (d) => fs.writeFileSync(manifestOf(d), fs.readFileSync(manifestOf(d), 'utf8').slice(0, 200))],
      [
        'flipped bytes in tensors.bin',
        (d) => {
          const file = path.join(d, 'tensors.bin');
          const bin = fs.readFileSync(file);
          const at = pick(0, bin.length - 1);
          bin[at] ^= 0xff;
          fs.writeFileSync(file, bin);
        },
      ],
      ['tensors.bin missing', (d) => fs.rmSync(path.join(d, 'tensors.bin'))],
    ];
    for (const [what, damage] of damages) {
      fault(`${what}: named, it is refused untouched; as the newest of a run, resume falls back past it`, async (c) => {
        const run = copyRef(c);
        damage(newest(run));
        c.damaged.add(newest(run));
        const before = tree(run);
        const named = await c.dtn(['train', '--resume', newest(run), '--steps', '12', '--json']);
        assertFails(named, 'CHECKPOINT_CORRUPT', newest(run));
        assert.deepEqual(tree(run), before, 'nothing in the run changed');
        const r = await c.dtn(['train', '--resume', run, '--steps', '12', '--json']);
        assertOk(r);
        assert.ok(
          r.messages.some((m) => m.type === 'warning' && m.message.includes(newest(run))),
          'the skipped checkpoint is named',
        );
        const started = r.messages.find((m) => m.type === 'started');
        assert.ok(started?.type === 'started' && started.startStep === 4, JSON.stringify(started));
        assert.deepEqual(metricSteps(run), upTo(12));
        c.damaged.delete(newest(run)); // trained again: written anew
      });
    }
  });

  describe('crafted configs', () => {
    fault('a nested typo in a config file is named and nothing is written', async (c) => {
      const file = path.join(c.root, 'typo.dtn.json');
      const raw = tinyRunConfig({ train: { ...FAULT_TRAIN, stepz: 5 } });
      raw.encoder = { path: path.join(path.dirname(config), 'enc') };
      fs.writeFileSync(file, JSON.stringify(raw));
      const r = await c.dtn(['train', '--config', file, '--run-dir', path.join(c.root, 'run'), '--json']);
      assertFails(r, 'CONFIG_INVALID', 'stepz');
      assert.deepEqual(fs.readdirSync(c.root), ['typo.dtn.json']);
    });

    fault('a config named ../../.. writes its run inside the run root or is refused', async (c) => {
      const file = path.join(c.root, 'climb.dtn.json');
      const raw = tinyRunConfig({ name: '../../../escape', train: { ...FAULT_TRAIN, steps: 4 } });
      raw.encoder = { path: path.join(path.dirname(config), 'enc') };
      fs.writeFileSync(file, JSON.stringify(raw));
      const r = await c.dtn(['train', '--config', file, '--json']);
      if (r.status !== 0) assertFails(r, 'CONFIG_INVALID');
      else {
        const done = r.messages.find((m) => m.type === 'done');
        assert.ok(done?.type === 'done' && path.dirname(done.runDir) === path.join(c.root, '.dtn', 'runs'), JSON.stringify(done));
      }
    });

    fault('a run whose config.json was tampered with is refused on resume, untouched', async (c) => {
      const run = copyRef(c);
      const file = path.join(run, RUN_FILES.config);
      const original = fs.readFileSync(file);
      const crafted = JSON.parse(original.toString());
      crafted.train.batchSize = 'four';
      crafted.losses = { ...crafted.losses, alpah: 1 };
      fs.writeFileSync(file, JSON.stringify(crafted));
      const before = tree(run);
      assertFails(await c.dtn(['train', '--resume', run, '--steps', '12', '--json']), 'CONFIG_INVALID', file);
      assert.deepEqual(tree(run), before);
      fs.writeFileSync(file, original);
    });

    fault('a run.json whose best points outside the run leads nowhere outside it', async (c) => {
      const run = copyRef(c);
      const file = path.join(run, RUN_FILES.run);
      const info = JSON.parse(fs.readFileSync(file, 'utf8'));
      info.best = { step: 4, accuracy: 0.5, checkpoint: '../../../../../shared/enc' };
      fs.writeFileSync(file, JSON.stringify(info));
      assertOk(await c.dtn(['train', '--resume', run, '--steps', '12', '--json']));
      assert.deepEqual(metricSteps(run), upTo(12));
    });

    fault('--resume with --steps at or below the checkpoint is refused, the run untouched', async (c) => {
      const run = copyRef(c);
      const before = tree(run);
      for (const steps of ['6', '8']) {
        assertFails(await c.dtn(['train', '--resume', run, '--steps', steps, '--json']), 'CONFIG_INVALID', 'nothing to train');
      }
      assert.deepEqual(tree(run), before, 'metrics, run.json unchanged; no lock left');
    });
  });

  describe('concurrent writers', () => {
    fault('a second trainer on a live run folder (new, --force, --resume) is RUN_BUSY; the first’s files stay consistent', async (c) => {
      const run = path.join(c.root, 'run');
      let seconds: Promise<DtnRun[]> | undefined;
      // The first trains until every second one has been answered, however slow the machine.
      const r = await c.dtn(['train', '--config', config, '--run-dir', run, '--steps', '400', '--json'], {
        onMessage: (m, _i, ctl) => {
          if (m.type !== 'started') return;
          seconds = Promise.all([
            c.dtn(['train', '--config', config, '--run-dir', run, '--json']),
            c.dtn(['train', '--config', config, '--run-dir', run, '--force', '--json']),
            c.dtn(['train', '--resume', run, '--steps', '500', '--json']),
          ]);
          void seconds.finally(() => ctl.child.stdin!.write('{"type":"stop"}\n'));
        },
      });
      assertOk(r);
      for (const s of await seconds!) assertFails(s, 'RUN_BUSY', run, /process \d+ on /);
      const info = readRunInfoFile(run)!;
      assert.deepEqual([info.status, info.totalSteps, info.resumedFrom], ['stopped', 400, []]);
      assert.deepEqual(metricSteps(run), upTo(info.lastStep ?? -1), 'no interleaved metrics');
      assert.equal(listCheckpointDirs(run).at(-1)?.step, info.lastStep);
    });

    fault('two trainers started at once on one new folder: one trains, the other is refused', async (c) => {
      const run = path.join(c.root, 'run');
      const both = await Promise.all([0, 1].map(() => c.dtn(['train', '--config', config, '--run-dir', run, '--json'])));
      const ok = both.filter((r) => r.status === 0);
      assert.equal(ok.length, 1, both.map((r) => JSON.stringify(r.error)).join('\n'));
      const other = both.find((r) => r.status !== 0)!;
      assert.ok(other.error && ['RUN_BUSY', 'RUN_EXISTS'].includes(other.error.code), JSON.stringify(other.error));
      assert.deepEqual(metricSteps(run), upTo(STEPS));
    });
  });

  describe('unwritable folders and a full disk', () => {
    const asRoot = process.getuid?.() === 0;
    const mountNs = process.platform === 'linux' && canRun('unshare', asRoot ? ['-m', 'true'] : ['-rm', 'true']);
    /** Root ignores permissions: there a read-only bind mount in a private mount namespace stands in for chmod. */
    const lockDownHow = () =>
      process.platform === 'win32'
        ? 'no POSIX permissions on Windows'
        : asRoot && !mountNs
          ? 'running as root (chmod has no effect) and no mount namespace (unshare -m) to mount a folder read-only'
          : undefined;
    const readOnlyWrap = (dir: string) => (argv: string[]) =>
      asRoot
        ? ['unshare', '-m', 'sh', '-c', 'mount --bind "$0" "$0" && mount -o remount,ro,bind "$0" "$0" && exec "$@"', dir, ...argv]
        : argv;

    fault(
      'an unwritable run root: a clean OUTPUT_INVALID naming it, nothing written',
      async (c) => {
        const ro = path.join(c.root, 'ro');
        fs.mkdirSync(ro);
        if (!asRoot) fs.chmodSync(ro, 0o555);
        try {
          const r = await c.dtn(['train', '--config', config, '--run-dir', path.join(ro, 'run'), '--json'], { wrap: readOnlyWrap(ro) });
          assertFails(r, 'OUTPUT_INVALID', ro);
          assert.deepEqual(fs.readdirSync(ro), []);
        } finally {
          fs.chmodSync(ro, 0o755);
        }
      },
      lockDownHow,
    );

    fault(
      'checkpoints/ turning unwritable mid-run: the run fails cleanly, earlier checkpoints load, resume completes',
      async (c) => {
        const run = path.join(c.root, 'run');
        const ck = path.join(run, RUN_FILES.checkpoints);
        const firstCheckpoint = path.join(checkpointPath(run, 4), TENSOR_MANIFEST);
        // As root the lock-down happens inside the trainer's mount namespace, once checkpoint 4 is
        // complete: sh -c '<script>' <checkpoints> <manifest> node cli … ("$@" is the trainer after one shift).
        const opts: DtnOptions = asRoot
          ? {
              wrap: (argv) => [
                'unshare',
                '-m',
                'sh',
                '-c',
                'C=$0; F=$1; shift; "$@" & P=$!; until [ -f "$F" ] || ! kill -0 $P 2>/dev/null; do sleep 0.01; done; ' +
                  'mount --bind "$C" "$C" && mount -o remount,ro,bind "$C" "$C"; wait $P',
                ck,
                firstCheckpoint,
                ...argv,
              ],
            }
          : { onMessage: (m) => m.type === 'checkpoint' && m.step === 4 && fs.chmodSync(ck, 0o555) };
        let r: DtnRun;
        try {
          r = await c.dtn(['train', '--config', config, '--run-dir', run, '--json'], opts);
        } finally {
          if (fs.existsSync(ck)) fs.chmodSync(ck, 0o755);
        }
        assertFails(r, 'OUTPUT_INVALID', ck);
        assert.equal(readRunInfoFile(run)?.status, 'failed');
        // The lock-down follows checkpoint 4 as soon as it is seen; a loaded machine may let the trainer
        // finish another checkpoint first. Either way the checkpoints before the failure are all there.
        const steps = listCheckpointDirs(run).map((k) => k.step);
        assert.ok(steps.length >= 1 && steps.every((s, i) => s === 4 * (i + 1)), `checkpoints ${steps.join(', ')}`);
        c.lost.push(...inspectRun(run, { reported: r.reported }));
        await finish(c, run);
      },
      lockDownHow,
    );

    fault(
      'a full disk (a small tmpfs): a clean OUTPUT_INVALID, what was reported is on disk, resume completes once there is room',
      async (c) => {
        const disk = path.join(c.root, 'disk');
        const out = path.join(c.root, 'out');
        fs.mkdirSync(disk);
        fs.mkdirSync(out);
        const afterFull = path.join(out, 'after-full');
        c.unsettled.add(afterFull); // the state a full disk left, before any restart
        const phase = (name: string, args: string) =>
          `"${process.execPath}" "${CLI}" train ${args} --json > "${out}/${name}.jsonl" 2> "${out}/${name}.err"; ` +
          `echo $? > "${out}/${name}.rc"`;
        const script = [
          // 1 MB, of which a filler leaves ~170 KB: room for the first checkpoint, not for the run.
          `mount -t tmpfs -o size=1m none "${disk}" || exit 99`,
          `dd if=/dev/zero of="${disk}/filler" bs=1k count=854 2> /dev/null || exit 98`,
          phase('full', `--config "${config}" --run-dir "${disk}/run"`),
          `cp -a "${disk}/run" "${out}/after-full"`,
          `rm "${disk}/filler"`,
          phase('resume', `--resume "${disk}/run"`),
          `cp -a "${disk}/run" "${out}/after-resume"`,
        ].join('\n');
        const code = await new Promise<number | null>((resolve) => {
          const child = spawn('unshare', [...(asRoot ? ['-m'] : ['-rm']), 'sh', '-c', script], { cwd: c.root, stdio: 'ignore' });
          child.on('close', resolve);
        });
        assert.equal(code, 0, `namespace script exited ${code}`);
        const read = (name: string) => {
          const messages = fs
            .readFileSync(path.join(out, `${name}.jsonl`), 'utf8')
            .split('\n')
            .map((l) => (l ? parseTrainerLine(l) : undefined))
            .filter((m): m is TrainerMessage => m !== undefined);
          return {
            rc: Number(fs.readFileSync(path.join(out, `${name}.rc`), 'utf8')),
            messages,
            stderr: fs.readFileSync(path.join(out, `${name}.err`), 'utf8'),
          };
        };
        const full = read('full');
        const error = full.messages.find((m) => m.type === 'error');
        assert.equal(full.rc, 1, full.stderr);
        assert.ok(error?.type === 'error' && error.code === 'OUTPUT_INVALID' && /ENOSPC/.test(error.message), JSON.stringify(error));
        c.lost.push(
          ...inspectRun(afterFull, {
            reported: {
              metrics: full.messages.flatMap((m) => (m.type === 'metrics' ? [m.record.step] : [])),
              checkpoints: full.messages.flatMap((m) => (m.type === 'checkpoint' ? [m.step] : [])),
            },
          }),
        );
        assert.ok(listCheckpointDirs(afterFull).length > 0, 'the disk filled after the first checkpoint (tune size= otherwise)');
        const resumed = read('resume');
        assert.equal(resumed.rc, 0, resumed.stderr + JSON.stringify(resumed.messages.at(-1)));
        assert.deepEqual(metricSteps(path.join(out, 'after-resume')), upTo(STEPS));
      },
      () =>
        process.platform !== 'linux'
          ? 'tmpfs is Linux only'
          : mountNs
            ? undefined
            : `cannot mount a tmpfs here (${asRoot ? 'unshare -m' : 'unprivileged user namespaces, unshare -rm'} unavailable)`,
    );
  });

  describe('the host and stdin', () => {
    fault('stdin closed without --host-stdin (nohup, a CI job): the run goes on to the end', async (c) => {
      const run = path.join(c.root, 'run');
      const r = await c.dtn(['train', '--config', config, '--run-dir', run, '--json'], {
        onMessage: (m, _i, ctl) => m.type === 'started' && ctl.child.stdin!.end(),
      });
      assertOk(r);
      assert.equal(readRunInfoFile(run)?.status, 'completed');
      assert.deepEqual(metricSteps(run), upTo(STEPS));
    });

    fault('the host goes away (stdin and stdout closed) under --host-stdin: checkpoint, stop, lock released', async (c) => {
      const run = path.join(c.root, 'run');
      const r = await c.dtn(['train', '--config', config, '--run-dir', run, '--steps', '400', '--json', '--host-stdin'], {
        onMessage: (m, _i, ctl) => {
          if (m.type !== 'metrics' || m.record.step !== 3) return;
          ctl.child.stdin!.destroy();
          ctl.child.stdout!.destroy(); // writes now fail with EPIPE: the trainer must not die of it
        },
      });
      assert.equal(r.status, 0, r.stderr);
      const info = readRunInfoFile(run)!;
      assert.equal(info.status, 'stopped');
      assert.ok((info.lastStep ?? 400) < 400);
      assert.equal(listCheckpointDirs(run).at(-1)?.step, info.lastStep, 'a checkpoint of the last step');
      assert.equal(runState(run).status, 'stopped');
    });

    fault('a run from a terminal is live through its lock; Stop (SIGTERM to the lock’s pid) checkpoints it', async (c) => {
      const run = path.join(c.root, 'run');
      let pid = 0;
      const r = c.dtn(['train', '--config', config, '--run-dir', run, '--steps', '400'], { onSpawn: (ctl) => (pid = ctl.child.pid!) });
      const deadline = Date.now() + 60_000;
      while (runState(run).owner?.pid !== pid || readMetricsFile(run).length < 2) {
        assert.ok(Date.now() < deadline, 'the run never showed as live');
        await new Promise((res) => setTimeout(res, 50));
      }
      const state = runState(run);
      assert.deepEqual([state.status, state.owner?.here], ['running', true]);
      assert.deepEqual(stopRunOwner(run), { kind: 'signalled', pid });
      const done = await r;
      assert.equal(done.status, 0, done.stderr);
      const info = readRunInfoFile(run)!;
      assert.equal(info.status, 'stopped');
      assert.equal(listCheckpointDirs(run).at(-1)?.step, info.lastStep);
      assert.equal(runState(run).status, 'stopped');
    });
  });
});
