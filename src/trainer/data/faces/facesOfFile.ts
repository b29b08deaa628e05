/** A photo file's faces, from the cache when it has them, else detected (and then cached). */
import * as fs from 'node:fs/promises';
import { contentKey, type FaceCache } from './faceCache';
import type { FaceDetector } from './faceDetector';
import { facesInPhoto, type PhotoFaces } from './photoFaces';

export interface FacesOfFileOptions {
  detector: FaceDetector;
  /** Without one, every call detects. */
  cache?: FaceCache;
}

export async function facesOfFile(file: string, opts: FacesOfFileOptions): Promise<{ result: PhotoFaces; cached: boolean }> {
  let bytes: Buffer;
  try {
    bytes = await fs.readFile(file);
  } catch (e) {
    // Not cached: a permission or a missing file says nothing about the contents.
    return { result: { outcome: 'unreadable', reason: (e as Error).message }, cached: false };
  }
  const key = contentKey(bytes);
  const hit = await opts.cache?.read(key);
  if (hit) return { result: hit, cached: true };
  const result = await facesInPhoto(bytes, file, opts.detector);
  await opts.cache?.write(key, result);
  return { result, cached: false };
}
