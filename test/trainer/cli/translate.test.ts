/** `dtn translate` and `dtn serve` as a user runs them: the built CLI on a tiny trained run. */
import { strict as assert } from 'node:assert';
import { spawn, spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as readline from 'node:readline';
import sharp from 'sharp';
import { parseServeResponse, parseTranslateLine, type ServeResponse, type TranslateLine } from '../../../src/shared/translateProtocol';
import { cleanTempDirs, tempDir } from '../data/tmp';
import { tinyRunConfig } from '../helpers';
import { quadrants, writeFormatSamples } from '../translate/images';
import { CLI, ensureBuilt } from './builtCli';

function dtnSync(args: string[], cwd: string) {
  const r = spawnSync(process.execPath, [CLI, ...args], { cwd, encoding: 'utf8', timeout: 120_000 });
  const lines: TranslateLine[] = args.includes('--json')
    ? r.stdout
        .split('\n')
        .filter(Boolean)
        .map((l) => parseTranslateLine(l)!)
    : [];
  assert.ok(lines.every(Boolean), `stdout line is not a translate message:\n${r.stdout}`);
  return { ...r, lines };
}

describe('dtn translate / dtn serve', function () {
  this.timeout(180_000);
  let dir: string;
  let run: string;

  before(() => {
    ensureBuilt();
    dir = tempDir('dtn-translate-');
    const train = { steps: 3, batchSize: 4, checkpointEvery: 3, sampleEvery: 3 };
    fs.writeFileSync(path.join(dir, 'tiny.dtn.json'), JSON.stringify(tinyRunConfig({ train })));
    assert.equal(dtnSync(['pretrain-f', '--config', 'tiny.dtn.json', '--steps', '5'], dir).status, 0);
    const t = dtnSync(['train', '--config', 'tiny.dtn.json', '--run-dir', 'run'], dir);
    assert.equal(t.status, 0, t.stderr);
    run = path.join(dir, 'run');
  });
  after(cleanTempDirs);

  it('translates every format in a folder with bad files among them: good ones written, bad ones named, exit 1', async () => {
    const imgs = path.join(dir, 'imgs');
    const good = await writeFormatSamples(path.join(imgs, 'sub'));
    fs.writeFileSync(path.join(imgs, 'broken.png'), fs.readFileSync(good[0]).subarray(0, 60));
    fs.writeFileSync(path.join(imgs, 'text.jpg'), 'hello');
    const other = tempDir('dtn-translate-cwd-');
    const r = dtnSync(['translate', '--checkpoint', run, imgs, '--out', path.join(dir, 'out'), '--scale', '2', '--json'], other);
    assert.equal(r.status, 1, r.stderr);
    const summary = r.lines.at(-1);
    assert.ok(summary?.type === 'translate-summary', r.stdout);
    assert.equal(summary.translated, good.length);
    const failures = summary.failures.map((f) => [path.basename(f.input), f.code]);
    assert.deepEqual(failures, [
      ['broken.png', 'DATA_INVALID'],
      ['text.jpg', 'DATA_INVALID'],
    ]);
    assert.ok(summary.failures.every((f) => f.message.startsWith(f.input) && /not a readable image/.test(f.message)));
    for (const file of good) {
      const out = path.join(dir, 'out', 'sub', `${path.parse(file).name}.dtn.png`);
      const meta = await sharp(out).metadata();
      assert.deepEqual([meta.width, meta.height, meta.channels], [32, 32, 1], out);
      assert.equal((await sharp(out.replace(/\.png$/, '.x2.png')).metadata()).width, 64);
    }
    assert.equal(r.lines.filter((l) => l.type === 'translated').length, good.length);
  });

  it('one image to one file; the same image again gives identical bytes; a 4000x3000 photo works', async () => {
    const big = path.join(dir, 'big.jpg');
    await sharp(quadrants(4000, 3000), { raw: { width: 4000, height: 3000, channels: 3 } })
      .jpeg()
      .toFile(big);
    const a = dtnSync(['translate', '--checkpoint', path.join(run, 'checkpoints', 'step-00000003'), big, '--out', 'one.png'], dir);
    assert.equal(a.status, 0, a.stderr);
    assert.match(a.stderr, /Translated 1 file\(s\), 0 failed/);
    const b = dtnSync(['translate', '--checkpoint', run, big, '--out', 'two.png'], dir);
    assert.equal(b.status, 0, b.stderr);
    assert.ok(fs.readFileSync(path.join(dir, 'one.png')).equals(fs.readFileSync(path.join(dir, 'two.png'))));
    const same = dtnSync(['translate', '--checkpoint', run, big, '--out', big, '--json'], dir);
    assert.equal(same.status, 1);
    assert.equal(same.lines[0].type === 'translate-failed' && same.lines[0].code, 'OUTPUT_INVALID');
  });

  it('a path that is no checkpoint stops with CHECKPOINT_MISSING', () => {
    const r = dtnSync(['translate', '--checkpoint', path.join(dir, 'nope'), 'x.png', '--out', 'o', '--json'], dir);
    assert.equal(r.status, 1);
    const last = r.lines.at(-1);
    assert.equal(last?.type === 'error' && last.code, 'CHECKPOINT_MISSING');
  });

  it('serve: ready, answers by id, survives bad requests, ends on shutdown and on end of input', async () => {
    const img = path.join(dir, 'serve.png');
    await sharp(quadrants(32, 32), { raw: { width: 32, height: 32, channels: 3 } })
      .png()
      .toFile(img);
    const child = spawn(process.execPath, [CLI, 'serve', '--json', '--checkpoint', run], { cwd: dir, stdio: ['pipe', 'pipe', 'inherit'] });
    const lines = readline.createInterface({ input: child.stdout })[Symbol.asyncIterator]();
    const next = async (): Promise<ServeResponse> => {
      const { value } = await lines.next();
      const msg = parseServeResponse(value as string);
      assert.ok(msg, `not a serve response: ${value}`);
      return msg;
    };
    const send = (obj: unknown) => child.stdin.write(`${typeof obj === 'string' ? obj : JSON.stringify(obj)}\n`);
    const ready = await next();
    assert.equal(ready.type, 'ready');
    send({ id: 'a', type: 'translate', inputs: [img], out: path.join(dir, 'served'), scale: 4 });
    const done = await next();
    assert.ok(done.type === 'translate-done' && done.id === 'a', JSON.stringify(done));
    assert.equal(done.summary.translated, 1);
    assert.ok(fs.existsSync(path.join(dir, 'served', 'serve.dtn.x4.png')));
    send('{not json');
    const notJson = await next();
    assert.ok(notJson.type === 'request-error' && notJson.id === null && notJson.code === 'REQUEST_INVALID', JSON.stringify(notJson));
    send({ id: 7, type: 'translate', inputs: [] });
    const invalid = await next();
    assert.ok(invalid.type === 'request-error' && invalid.id === 7 && /inputs/.test(invalid.message), JSON.stringify(invalid));
    send({ id: 8, type: 'translate', inputs: [path.join(dir, 'missing.png')], out: path.join(dir, 'served') });
    const missing = await next();
    assert.ok(missing.type === 'translate-done' && missing.summary.failed === 1, JSON.stringify(missing));
    send({ id: 9, type: 'ping' });
    assert.deepEqual(await next(), { id: 9, type: 'pong' });
    send({ id: 10, type: 'shutdown' });
    assert.deepEqual(await next(), { id: 10, type: 'bye' });
    const [code] = await new Promise<[number | null]>((resolve) => child.on('close', (c) => resolve([c])));
    assert.equal(code, 0);

    // End of input ends the server too.
    const input = `${JSON.stringify({ id: 1, type: 'ping' })}\n`;
    const eof = spawnSync(process.execPath, [CLI, 'serve', '--checkpoint', run], { cwd: dir, input, encoding: 'utf8', timeout: 60_000 });
    assert.equal(eof.status, 0);
    assert.deepEqual(
      eof.stdout
        .split('\n')
        .filter(Boolean)
        .map((l) => parseServeResponse(l)?.type),
      ['ready', 'pong'],
    );
  });
});
