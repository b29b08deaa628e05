import { strict as assert } from 'node:assert';
import { createHash } from 'node:crypto';
import * as fs from 'node:fs';
import * as http from 'node:http';
import type { AddressInfo } from 'node:net';
import * as path from 'node:path';
import * as tar from 'tar';
import { DtnError } from '../../../../src/shared/errors';
import { downloadFaceApi, faceApiCacheDir } from '../../../../src/trainer/data/faces/faceApiDownload';
import { FACE_API_RELEASE, isFaceApiDataFile, tarballUrl } from '../../../../src/trainer/data/faces/faceApiRelease';
import { cleanTempDirs, tempDir } from '../tmp';

const installed = path.dirname(require.resolve('@vladmandic/face-api/package.json'));

/** An npm-style tarball (package/...) of the installed package's data, plus files the trainer does not read. */
async function packTarball(): Promise<Buffer> {
  const model = fs.readdirSync(path.join(installed, 'model')).map((f) => `model/${f}`);
  const files = ['package.json', 'LICENSE', 'README.md', 'demo/sample1.jpg', 'demo/sample2.jpg', ...model];
  const chunks: Buffer[] = [];
  for await (const c of tar.c({ gzip: true, cwd: installed, prefix: 'package' }, files)) chunks.push(c as Buffer);
  return Buffer.concat(chunks);
}

const integrityOf = (b: Buffer) => `sha512-${createHash('sha512').update(b).digest('base64')}`;

/** A registry on localhost that serves `body` at any path, counting requests. */
async function serve(status: number, body: Buffer): Promise<{ url: string; requests: string[]; close(): Promise<void> }> {
  const requests: string[] = [];
  const server = http.createServer((req, res) => {
    requests.push(req.url ?? '');
    res.writeHead(status, { 'content-length': body.length });
    res.end(body);
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const { port } = server.address() as AddressInfo;
  return { url: `http://127.0.0.1:${port}`, requests, close: () => new Promise((r) => server.close(() => r())) };
}

describe('face-api data downloaded on first use', function () {
  this.timeout(120_000);
  let tarball: Buffer;
  before(async () => {
    tarball = await packTarball();
  });
  after(cleanTempDirs);

  it('pins the release the lockfile installs, and its integrity', () => {
    const lock = JSON.parse(fs.readFileSync(path.join(__dirname, '../../../../package-lock.json'), 'utf8'));
    const entry = lock.packages[`node_modules/${FACE_API_RELEASE.name}`];
    assert.equal(FACE_API_RELEASE.version, entry.version);
    assert.equal(FACE_API_RELEASE.integrity, entry.integrity);
    assert.equal(
      tarballUrl(FACE_API_RELEASE),
      `https://registry.npmjs.org/@vladmandic/face-api/-/face-api-${FACE_API_RELEASE.version}.tgz`,
    );
  });

  it('fetches, verifies and unpacks only the files the trainer reads; a second call fetches nothing', async () => {
    const registry = await serve(200, tarball);
    const cacheRoot = tempDir('dtn-face-cache-');
    const release = { ...FACE_API_RELEASE, integrity: integrityOf(tarball) };
    const lines: string[] = [];
    try {
      const dir = await downloadFaceApi({ cacheRoot, registry: registry.url, release, say: (l) => lines.push(l) });
      assert.equal(dir, faceApiCacheDir(cacheRoot));
      assert.deepEqual(registry.requests, [`/@vladmandic/face-api/-/face-api-${FACE_API_RELEASE.version}.tgz`]);
      const manifest = 'model/face_recognition_model-weights_manifest.json';
      assert.deepEqual(fs.readFileSync(path.join(dir, manifest)), fs.readFileSync(path.join(installed, manifest)));
      assert.deepEqual(fs.readdirSync(path.join(dir, 'demo')).sort(), ['sample1.jpg', 'sample2.jpg']);
      assert.ok(!fs.existsSync(path.join(dir, 'README.md')), 'files the trainer does not read are left out');
      for (const f of fs.readdirSync(path.join(dir, 'model'))) assert.ok(isFaceApiDataFile(`model/${f}`), f);
      assert.deepEqual(fs.readdirSync(cacheRoot), [path.basename(dir)], 'no temporary folder is left');
      assert.ok(
        lines.some((l) => l.includes(registry.url) && l.includes(dir)),
        'says where from and where to',
      );

      await downloadFaceApi({ cacheRoot, registry: registry.url, release, say: () => {} });
      assert.equal(registry.requests.length, 1);
    } finally {
      await registry.close();
    }
  });

  it('refuses a tarball that fails the integrity check and leaves nothing behind', async () => {
    const registry = await serve(200, tarball);
    const cacheRoot = tempDir('dtn-face-cache-');
    const release = { ...FACE_API_RELEASE, integrity: integrityOf(Buffer.from('another file')) };
    try {
      await assert.rejects(
        downloadFaceApi({ cacheRoot, registry: registry.url, release, say: () => {} }),
        (e: DtnError) => e.code === 'DOWNLOAD_FAILED' && /sha512 check/.test(e.message) && e.file === faceApiCacheDir(cacheRoot) && !!e.fix,
      );
      assert.deepEqual(fs.existsSync(cacheRoot) ? fs.readdirSync(cacheRoot) : [], []);
    } finally {
      await registry.close();
    }
  });

  it('names the address and the fix when the registry cannot serve it', async () => {
    const registry = await serve(404, Buffer.from('not found'));
    const cacheRoot = tempDir('dtn-face-cache-');
    try {
      await assert.rejects(
        downloadFaceApi({ cacheRoot, registry: registry.url, say: () => {} }),
        (e: DtnError) => e.code === 'DOWNLOAD_FAILED' && e.message.includes(`${registry.url}/@vladmandic`) && /HTTP 404/.test(e.message),
      );
      assert.ok(!fs.existsSync(faceApiCacheDir(cacheRoot)));
    } finally {
      await registry.close();
    }
  });

  it('refuses a verified tarball that lacks the weights', async () => {
    const chunks: Buffer[] = [];
    for await (const c of tar.c({ gzip: true, cwd: installed, prefix: 'package' }, ['package.json'])) chunks.push(c as Buffer);
    const partial = Buffer.concat(chunks);
    const registry = await serve(200, partial);
    const cacheRoot = tempDir('dtn-face-cache-');
    try {
      await assert.rejects(
        downloadFaceApi({
          cacheRoot,
          registry: registry.url,
          release: { ...FACE_API_RELEASE, integrity: integrityOf(partial) },
          say: () => {},
        }),
        (e: DtnError) => e.code === 'DOWNLOAD_FAILED' && /has no model\//.test(e.message),
      );
      assert.deepEqual(fs.readdirSync(cacheRoot), []);
    } finally {
      await registry.close();
    }
  });
});
