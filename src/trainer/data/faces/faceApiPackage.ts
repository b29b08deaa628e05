/**
 * Where the face-api weights and demo photos are: the installed npm package (a development checkout,
 * where `npm install` put it) or, in a packaged extension, which leaves them out, the per-user cache
 * that `ensureFaceApiData` fills from the npm registry on first use.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { userCacheDir } from '../../../shared/node/userCache';
import { DataError } from '../imageSet';
import { downloadFaceApi, faceApiCacheDir, type FaceApiDownloadOptions } from './faceApiDownload';
import { FACE_API_RELEASE } from './faceApiRelease';

const PACKAGE = FACE_API_RELEASE.name;

/** The installed package's folder, when it carries the weights. */
function installedDir(): string | undefined {
  let dir: string;
  try {
    dir = path.dirname(require.resolve(`${PACKAGE}/package.json`));
  } catch {
    return undefined;
  }
  return fs.existsSync(path.join(dir, 'model')) ? dir : undefined;
}

/** The folder with package.json, model/ and demo/; a DataError with the fix when there is none yet. */
export function faceApiDir(cacheRoot: string = userCacheDir()): string {
  const installed = installedDir();
  if (installed) return installed;
  const cached = faceApiCacheDir(cacheRoot);
  if (fs.existsSync(path.join(cached, 'package.json'))) return cached;
  throw new DataError(
    'the face models are not downloaded yet',
    cached,
    'Run `dtn fetch-face-models` (or any faces command) on a machine with access to registry.npmjs.org',
  );
}

const pending = new Map<string, Promise<string>>();

/**
 * faceApiDir(), downloading the data first when it is missing. Every faces entry point (the data,
 * the detector, f) awaits this, so a packaged extension fetches once, on first use.
 */
export function ensureFaceApiData(opts: Partial<FaceApiDownloadOptions> = {}): Promise<string> {
  const cacheRoot = opts.cacheRoot ?? userCacheDir();
  const installed = installedDir();
  if (installed) return Promise.resolve(installed);
  let p = pending.get(cacheRoot);
  if (!p) {
    p = downloadFaceApi({ ...opts, cacheRoot });
    // A failed download is retried by the next caller.
    p.catch(() => pending.delete(cacheRoot));
    pending.set(cacheRoot, p);
  }
  return p;
}

/** The weights folder: ssd_mobilenetv1_model*, face_landmark_68_model*, face_recognition_model*. */
export const faceApiModelDir = (): string => path.join(faceApiDir(), 'model');

export function faceApiVersion(): string {
  return (JSON.parse(fs.readFileSync(path.join(faceApiDir(), 'package.json'), 'utf8')) as { version: string }).version;
}

/** The package's demo photos (demo/sample1.jpg ... sample6.jpg, several people each), sorted by name. */
export function faceApiDemoPhotos(): string[] {
  const dir = path.join(faceApiDir(), 'demo');
  const files = fs
    .readdirSync(dir)
    .filter((f) => /^sample\d+\.jpg$/.test(f))
    .sort((a, b) => a.localeCompare(b, 'en', { numeric: true }));
  if (files.length === 0) {
    throw new DataError('has no sample*.jpg photos', dir, 'Delete the folder above it; the next faces command downloads it again');
  }
  return files.map((f) => path.join(dir, f));
}
