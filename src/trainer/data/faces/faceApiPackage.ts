/** Where the npm package @vladmandic/face-api keeps its weights and demo photos. */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { DataError } from '../imageSet';

const PACKAGE = '@vladmandic/face-api';

/** The installed package's folder; a DataError with the fix when it is missing. */
export function faceApiDir(): string {
  try {
    return path.dirname(require.resolve(`${PACKAGE}/package.json`));
  } catch {
    throw new DataError(
      `the npm package "${PACKAGE}" is not installed`,
      PACKAGE,
      `Run \`npm install ${PACKAGE}\` in the DTN Studio folder`,
    );
  }
}

/** The weights folder: ssd_mobilenetv1_model*, face_landmark_68_model*, ... */
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
  if (files.length === 0) throw new DataError('has no sample*.jpg photos', dir, `Reinstall the package with \`npm install ${PACKAGE}\``);
  return files.map((f) => path.join(dir, f));
}
