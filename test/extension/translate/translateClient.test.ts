/** TranslateClient against the real `dtn serve` on a tiny trained run. */
import * as assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { serveLaunch, type LaunchContext } from '../../../src/extension/trainer/trainerLaunch';
import { TranslateClient, TranslateRequestError } from '../../../src/extension/translate/translateClient';
import { CLI, tinyWorkspace, type TinyWorkspace } from '../trainer/tinyTrainer';

describe('TranslateClient (real dtn serve, tiny run)', function () {
  this.timeout(120_000);
  let ws: TinyWorkspace;
  let ctx: LaunchContext;
  let run: string;

  before(() => {
    ws = tinyWorkspace();
    ctx = { cliPath: CLI, nodePath: process.execPath, cwd: ws.dir };
    run = path.join(ws.dir, 'run');
    const args = [CLI, 'train', '--config', ws.config, '--run-dir', run, '--steps', '3'];
    const t = spawnSync(process.execPath, args, { cwd: ws.dir, encoding: 'utf8' });
    assert.equal(t.status, 0, t.stderr);
    // The synthetic sample grid is a PNG the model can translate.
    const grid = fs.readdirSync(path.join(run, 'samples')).find((n) => n.endsWith('.png'))!;
    fs.copyFileSync(path.join(run, 'samples', grid), path.join(ws.dir, 'grid.png'));
  });
  after(() => ws?.cleanup());

  it('launches dtn serve with the checkpoint, --json and the backend', () => {
    const l = serveLaunch(ctx, { checkpoint: 'run', backend: 'cpu' });
    assert.deepEqual(l.args, [CLI, 'serve', '--checkpoint', path.join(ws.dir, 'run'), '--json', '--backend', 'cpu']);
    assert.equal(l.env.ELECTRON_RUN_AS_NODE, '1');
  });

  it('matches answers to requests by id, in flight together, then shuts down', async () => {
    const client = new TranslateClient(serveLaunch(ctx, { checkpoint: run }));
    const ready = await client.ready;
    assert.match(ready.checkpoint, /step-00000003$/);
    const [t, pong, missing] = await Promise.all([
      client.translate([path.join(ws.dir, 'grid.png')], path.join(ws.dir, 'out'), 2),
      client.ping(),
      client.translate([path.join(ws.dir, 'missing.png')], path.join(ws.dir, 'out')),
    ]);
    assert.equal(t.type, 'translate-done');
    assert.equal(t.summary.translated, 1);
    assert.ok(fs.existsSync(path.join(ws.dir, 'out', 'grid.dtn.x2.png')));
    assert.equal(pong.type, 'pong');
    assert.equal(missing.summary.failed, 1);
    assert.notEqual(t.id, missing.id);
    // The input as the model sees it: the source domain's size, beside the output.
    const seen = await client.translate([path.join(ws.dir, 'grid.png')], path.join(ws.dir, 'seen'), undefined, true);
    const r = seen.results[0];
    assert.ok(r.type === 'translated' && r.modelInput === path.join(ws.dir, 'seen', 'grid.dtn.input.png'));
    assert.ok(fs.existsSync(path.join(ws.dir, 'seen', 'grid.dtn.input.png')));
    assert.equal(await client.shutdown(), 0);
    await assert.rejects(client.ping(), TranslateRequestError);
  });

  it('a server that cannot start rejects ready and pending requests with its error code', async () => {
    const client = new TranslateClient(serveLaunch(ctx, { checkpoint: 'no-such-run' }));
    const pending = client.ping();
    await assert.rejects(client.ready, (e: unknown) => e instanceof TranslateRequestError && e.code === 'CHECKPOINT_MISSING');
    await assert.rejects(pending, (e: unknown) => e instanceof TranslateRequestError && e.code === 'CHECKPOINT_MISSING');
    assert.equal(await client.exited, 1);
  });
});
