import { strict as assert } from 'node:assert';
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import type { DtnError } from '../../../src/shared/errors';
import { runState } from '../../../src/shared/node/runFiles';
import { RUN_FILES } from '../../../src/shared/node/runLayout';
import { acquireRunLock, lockPath, readRunLock, runLockState, stopRunOwner, type RunLockInfo } from '../../../src/shared/node/runLock';
import { cleanTempDirs, tempDir } from '../../trainer/data/tmp';

/** The pid of a process that has exited (and so names nobody, barring reuse within the test). */
function deadPid(): number {
  const r = spawnSync(process.execPath, ['-e', '0']);
  return r.pid!;
}

function writeLock(runDir: string, over: Partial<RunLockInfo>): void {
  const lock: RunLockInfo = {
    pid: process.pid,
    hostname: os.hostname(),
    startedAt: new Date().toISOString(),
    command: process.argv,
    ...over,
  };
  fs.writeFileSync(lockPath(runDir), JSON.stringify(lock));
}

function sleeper(): ChildProcess {
  return spawn(process.execPath, ['-e', 'setTimeout(() => {}, 60000)'], { stdio: 'ignore' });
}

describe('run lock', () => {
  after(cleanTempDirs);

  it('is taken whole and exclusively, names its owner, and is removed on release', () => {
    const dir = tempDir('dtn-lock-');
    const lock = acquireRunLock(dir, { command: ['node', 'cli.js', 'train'] });
    const read = readRunLock(dir);
    assert.ok(read.kind === 'lock');
    assert.deepEqual(read.lock, lock.info);
    assert.equal(lock.info.pid, process.pid);
    assert.equal(lock.info.hostname, os.hostname());
    assert.deepEqual(fs.readdirSync(dir), [RUN_FILES.lock], 'no temporary file left');
    const state = runLockState(dir);
    assert.ok(state.kind === 'live' && state.here);
    lock.release();
    lock.release();
    assert.deepEqual(fs.readdirSync(dir), []);
  });

  it('a live owner is RUN_BUSY naming the folder, the pid, the host and the fix; its lock is left alone', () => {
    const dir = tempDir('dtn-lock-');
    const first = acquireRunLock(dir, { command: ['node', 'cli.js', 'train', '--run-dir', dir] });
    const before = fs.readFileSync(lockPath(dir), 'utf8');
    assert.throws(
      () => acquireRunLock(dir),
      (e: DtnError) =>
        e.code === 'RUN_BUSY' &&
        e.message.includes(dir) &&
        e.message.includes(`process ${process.pid} on ${os.hostname()}`) &&
        e.message.includes('cli.js train') &&
        /kill -TERM/.test(e.fix ?? '') &&
        e.file === lockPath(dir),
    );
    assert.equal(fs.readFileSync(lockPath(dir), 'utf8'), before);
    first.release();
  });

  it('a dead owner on this host, a lock from before the last boot, or an unreadable lock is stale: taken over with a warning', () => {
    const cases: [string, (dir: string) => void, RegExp][] = [
      ['dead pid', (d) => writeLock(d, { pid: deadPid() }), /no longer running/],
      ['before boot', (d) => writeLock(d, { startedAt: new Date(Date.now() - os.uptime() * 1000 - 3_600_000).toISOString() }), /no longer/],
      ['unparsable', (d) => fs.writeFileSync(lockPath(d), '{"pid": 12'), /not readable/],
      ['empty', (d) => fs.writeFileSync(lockPath(d), ''), /not readable/],
    ];
    for (const [what, make, why] of cases) {
      const dir = tempDir('dtn-lock-');
      make(dir);
      assert.equal(runLockState(dir).kind, 'stale', what);
      const warnings: string[] = [];
      const lock = acquireRunLock(dir, { warn: (m) => warnings.push(m) });
      assert.equal(warnings.length, 1, what);
      assert.match(warnings[0], /took over the stale lock/);
      assert.match(warnings[0], why, what);
      assert.equal(lock.info.pid, process.pid);
      assert.deepEqual(fs.readdirSync(dir), [RUN_FILES.lock], `${what}: nothing moved aside is left`);
      lock.release();
    }
  });

  it('a lock of another host cannot be checked: it counts as live, and the fix says where to look', () => {
    const dir = tempDir('dtn-lock-');
    writeLock(dir, { hostname: 'gpu-box-7', pid: deadPid() });
    assert.throws(
      () => acquireRunLock(dir),
      (e: DtnError) => e.code === 'RUN_BUSY' && e.message.includes('gpu-box-7') && /on gpu-box-7/.test(e.fix ?? ''),
    );
    assert.deepEqual(runState(dir, { status: 'running' }).owner?.here, false);
    assert.equal(runState(dir, { status: 'running' }).status, 'running');
  });

  it('release removes only its own lock: after a takeover the file is the new owner’s', () => {
    const dir = tempDir('dtn-lock-');
    const mine = acquireRunLock(dir);
    writeLock(dir, { pid: process.pid, command: ['node', 'someone-else'] });
    mine.release();
    assert.ok(fs.existsSync(lockPath(dir)));
  });

  it('of processes racing for one folder, exactly one gets it', async function () {
    this.timeout(60_000);
    const dir = tempDir('dtn-lock-race-');
    const module = path.resolve(__dirname, '../../../src/shared/node/runLock.ts');
    // Each waits for the same moment, then tries; a stale lock makes them race through the takeover too.
    writeLock(dir, { pid: deadPid() });
    const at = Date.now() + 3000;
    const code = `
      const { acquireRunLock } = require(${JSON.stringify(module)});
      setTimeout(() => {
        try { acquireRunLock(${JSON.stringify(dir)}); console.log('got'); setTimeout(() => {}, 1500); }
        catch (e) { console.log(e.code); }
      }, ${at} - Date.now());`;
    const runs = Array.from(
      { length: 6 },
      () =>
        new Promise<string>((resolve) => {
          const child = spawn(process.execPath, ['-r', 'tsx/cjs', '-e', code], { cwd: path.resolve(__dirname, '../../..') });
          let out = '';
          child.stdout.on('data', (d: Buffer) => (out += d.toString()));
          child.on('close', () => resolve(out.trim()));
        }),
    );
    const results = await Promise.all(runs);
    assert.equal(results.filter((r) => r === 'got').length, 1, results.join(', '));
    assert.equal(results.filter((r) => r === 'RUN_BUSY').length, 5, results.join(', '));
  });

  it('runState: running only while a live process holds the lock; running without one reads as interrupted', () => {
    const dir = tempDir('dtn-lock-');
    assert.deepEqual(runState(dir, { status: 'running' }), { status: 'interrupted' });
    assert.deepEqual(runState(dir, { status: 'completed' }), { status: 'completed' });
    assert.deepEqual(runState(dir, undefined), { status: undefined });
    writeLock(dir, { pid: deadPid() });
    assert.deepEqual(runState(dir, { status: 'running' }), { status: 'interrupted' }, 'a dead owner');
    const lock = acquireRunLock(dir);
    const live = runState(dir, { status: 'completed' });
    assert.equal(live.status, 'running', 'a live owner wins over run.json (a --force start, a resume)');
    assert.deepEqual(live.owner, { pid: process.pid, hostname: os.hostname(), startedAt: lock.info.startedAt, here: true });
    lock.release();
  });

  it('stopRunOwner sends SIGTERM to a live owner on this host, and to nothing else', async () => {
    const dir = tempDir('dtn-lock-');
    assert.deepEqual(stopRunOwner(dir), { kind: 'not-running' });
    const child = sleeper();
    const exited = new Promise<NodeJS.Signals | null>((resolve) => child.on('exit', (_c, s) => resolve(s)));
    writeLock(dir, { pid: child.pid!, command: [process.execPath, '-e', 'setTimeout(() => {}, 60000)'] });
    if (fs.existsSync('/proc/self/cmdline')) {
      // A pid that now runs another program than the one that took the lock is never signalled.
      writeLock(dir, { pid: child.pid!, command: [process.execPath, '/opt/dtn/dist/trainer/cli.js', 'train'] });
      assert.deepEqual(stopRunOwner(dir), { kind: 'not-trainer', pid: child.pid });
      writeLock(dir, { pid: child.pid!, command: [process.execPath, '-e', 'setTimeout(() => {}, 60000)'] });
    }
    const sent: [number, string][] = [];
    assert.deepEqual(
      stopRunOwner(dir, (pid, sig) => sent.push([pid, sig])),
      { kind: 'signalled', pid: child.pid },
    );
    assert.deepEqual(sent, [[child.pid, 'SIGTERM']]);
    assert.deepEqual(stopRunOwner(dir), { kind: 'signalled', pid: child.pid });
    assert.equal(await exited, 'SIGTERM');
    writeLock(dir, { hostname: 'gpu-box-7' });
    assert.deepEqual(stopRunOwner(dir), { kind: 'other-host', hostname: 'gpu-box-7' });
  });
});
