/**
 * Fetches face-api's data (weights, demo photos) from the npm registry into the per-user cache:
 * the tarball is read whole, checked against the pinned sha512 integrity, and only the files the
 * trainer reads are extracted, into a temporary sibling that is renamed into place. So the cache
 * folder either holds a complete, verified copy or does not exist, and concurrent trainers at worst
 * download twice.
 */
import { createHash, randomBytes } from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import * as tar from 'tar';
import { DtnError } from '../../../shared/errors';
import { FACE_API_RELEASE, isFaceApiDataFile, NPM_REGISTRY, tarballUrl, type FaceApiRelease } from './faceApiRelease';

export interface FaceApiDownloadOptions {
  /** Per-user cache folder; the data goes in its face-api-<version> folder. */
  cacheRoot: string;
  registry?: string;
  release?: FaceApiRelease;
  /** Progress lines for people (the CLI prints them on stderr). */
  say?: (line: string) => void;
  /** Gives up after this long (default 10 minutes). */
  timeoutMs?: number;
}

export const faceApiCacheDir = (cacheRoot: string, release: FaceApiRelease = FACE_API_RELEASE): string =>
  path.join(cacheRoot, `face-api-${release.version}`);

/** The files a complete copy has: each net's manifest, and the demo photos' folder. */
const REQUIRED = [
  'package.json',
  'model/ssd_mobilenetv1_model-weights_manifest.json',
  'model/face_landmark_68_model-weights_manifest.json',
  'model/face_recognition_model-weights_manifest.json',
  'demo',
];

function failed(message: string, url: string, target: string, cause?: unknown): DtnError {
  const fix = `Check the network and run the command again, or fetch ${url} elsewhere and unpack its package/ folder ` + `as ${target}`;
  return new DtnError('DOWNLOAD_FAILED', `${message}. ${fix}`, { file: target, fix, cause });
}

async function readBody(res: Response, say: (line: string) => void): Promise<Buffer> {
  const total = Number(res.headers.get('content-length')) || 0;
  const chunks: Buffer[] = [];
  let got = 0;
  let shown = 0;
  for await (const chunk of Readable.fromWeb(res.body as import('node:stream/web').ReadableStream<Uint8Array>)) {
    chunks.push(chunk as Buffer);
    got += (chunk as Buffer).length;
    const quarter = total ? Math.floor((4 * got) / total) : 0;
    if (quarter > shown && quarter < 4) {
      shown = quarter;
      say(`  ${(got / 1e6).toFixed(1)} of ${(total / 1e6).toFixed(1)} MB`);
    }
  }
  return Buffer.concat(chunks);
}

/** Downloads and unpacks the release into the cache unless a complete copy is there; returns its folder. */
export async function downloadFaceApi(opts: FaceApiDownloadOptions): Promise<string> {
  const release = opts.release ?? FACE_API_RELEASE;
  const target = faceApiCacheDir(opts.cacheRoot, release);
  if (fs.existsSync(path.join(target, 'package.json'))) return target;
  const say = opts.say ?? ((line: string) => process.stderr.write(`${line}\n`));
  const url = tarballUrl(release, opts.registry ?? NPM_REGISTRY);

  say(`Downloading the face models (${release.name} ${release.version}) from ${url} to ${target} (once per machine)`);
  let bytes: Buffer;
  try {
    const res = await fetch(url, { signal: AbortSignal.timeout(opts.timeoutMs ?? 600_000) });
    if (!res.ok || !res.body) throw new Error(`HTTP ${res.status} ${res.statusText}`);
    bytes = await readBody(res, say);
  } catch (e) {
    throw failed(`the face models could not be downloaded from ${url}: ${(e as Error).message}`, url, target, e);
  }
  const [algo, expected] = release.integrity.split('-', 2);
  const actual = createHash(algo).update(bytes).digest('base64');
  if (actual !== expected) throw failed(`the download from ${url} failed its ${algo} check (a damaged or altered file)`, url, target);

  fs.mkdirSync(opts.cacheRoot, { recursive: true });
  const temp = `${target}.partial-${process.pid}-${randomBytes(4).toString('hex')}`;
  try {
    fs.mkdirSync(temp);
    // npm tarballs hold one top folder, package/; tar refuses entries that would leave `temp`.
    await pipeline(Readable.from([bytes]), tar.x({ cwd: temp, strip: 1, filter: (p) => isFaceApiDataFile(p.replace(/^[^/]+\//, '')) }));
    const missing = REQUIRED.filter((f) => !fs.existsSync(path.join(temp, f)));
    if (missing.length) throw new Error(`the package has no ${missing.join(', ')}`);
    try {
      fs.renameSync(temp, target);
    } catch (e) {
      // Another trainer finished first: its copy is as good as ours.
      if (!fs.existsSync(path.join(target, 'package.json'))) throw e;
    }
  } catch (e) {
    throw failed(`the face models from ${url} could not be unpacked: ${(e as Error).message}`, url, target, e);
  } finally {
    fs.rmSync(temp, { recursive: true, force: true });
  }
  say(`Face models ready in ${target}`);
  return target;
}
