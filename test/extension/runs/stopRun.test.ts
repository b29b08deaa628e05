/** Stop for a run that another process trains: what is signalled and what the user is told. */
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { stopRunByLock } from '../../../src/extension/runs/stopRun';
import { lockPath } from '../../../src/shared/node/runLock';

describe('stopping a run through its lock', () => {
  let run: string;
  beforeEach(() => (run = fs.mkdtempSync(path.join(os.tmpdir(), 'dtn-stop-'))));
  afterEach(() => fs.rmSync(run, { recursive: true, force: true }));

  const lock = (over: object) =>
    fs.writeFileSync(
      lockPath(run),
      JSON.stringify({ pid: process.pid, hostname: os.hostname(), startedAt: new Date().toISOString(), command: process.argv, ...over }),
    );

  it('signals the live owner on this machine and says it checkpoints', () => {
    lock({});
    const sent: number[] = [];
    const r = stopRunByLock(run, (pid) => sent.push(pid));
    assert.deepEqual(sent, [process.pid]);
    assert.ok(r.ok);
    assert.match(r.message, new RegExp(`process ${process.pid}.*checkpoint`));
  });

  it('refuses without a live owner, or with one on another host, and signals nothing', () => {
    const kill = () => assert.fail('nothing may be signalled');
    assert.match(stopRunByLock(run, kill).message, /not running/);
    lock({ hostname: 'gpu-7' });
    const r = stopRunByLock(run, kill);
    assert.ok(!r.ok);
    assert.match(r.message, /on gpu-7: stop it there/);
  });
});
