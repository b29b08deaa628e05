/**
 * Face crops on disk, keyed by what they were made from: the sha256 of the photo's bytes (a
 * renamed or moved photo still hits, an edited one does not) under a folder named after the
 * pipeline's version. Per photo: `<key>.<i>.png` per face, then `<key>.json` (written last, so its
 * presence marks the entry complete). Negative results (no face, unreadable) are entries too.
 * An entry that does not read back is a miss: recomputed and rewritten, never an error.
 */
import { createHash } from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';
import sharp from 'sharp';
import { z } from 'zod';
import { writeFileAtomic } from '../../../shared/node/atomicWrite';
import { DEFAULT_CACHE_ROOT } from '../../../shared/node/runLayout';
import { decodeRgb } from '../imageDecode';
import { CANONICAL, CROP_SIZE } from './alignment';
import { faceApiVersion } from './faceApiPackage';
import { DETECTOR_SETTINGS } from './faceDetector';
import type { PhotoFace, PhotoFaces } from './photoFaces';

/** Bump when the crops change for the same photo and settings (warp, alignment code). */
const CODE_VERSION = 1;

/** Names the cache folder: a new detector, crop geometry or code version starts a fresh one. */
export function facePipelineVersion(): string {
  const settings = JSON.stringify({ DETECTOR_SETTINGS, CROP_SIZE, CANONICAL });
  const digest = createHash('sha256').update(settings).digest('hex').slice(0, 8);
  return `v${CODE_VERSION}-face-api-${faceApiVersion()}-${digest}`;
}

/** `<baseDir>/.dtn/cache/faces`: the versions live below it. */
export const faceCacheRoot = (baseDir: string): string => path.join(baseDir, DEFAULT_CACHE_ROOT, 'faces');

export function contentKey(bytes: Buffer): string {
  return createHash('sha256').update(bytes).digest('hex');
}

const Num = z.number().finite();
const EntrySchema = z.discriminatedUnion('outcome', [
  z.object({
    outcome: z.literal('faces'),
    width: z.number().int().positive(),
    height: z.number().int().positive(),
    faces: z.array(
      z.object({
        box: z.object({ x: Num, y: Num, width: Num, height: Num }),
        score: Num,
        landmarks: z.array(z.tuple([Num, Num])).length(68),
      }),
    ),
  }),
  z.object({ outcome: z.enum(['unreadable', 'not-an-image']), reason: z.string() }),
]);
type Entry = z.infer<typeof EntrySchema>;

const round = (v: number) => Math.round(v * 100) / 100;

export class FaceCache {
  /** Entries found damaged (and so recomputed) since this cache was opened. */
  corrupt = 0;

  /** `root`: usually faceCacheRoot(baseDir); entries go in its facePipelineVersion() folder. */
  constructor(
    root: string,
    readonly dir = path.join(root, facePipelineVersion()),
  ) {}

  private base(key: string): string {
    return path.join(this.dir, key.slice(0, 2), key);
  }

  private cropFile(key: string, i: number): string {
    return `${this.base(key)}.${i}.png`;
  }

  /** The cached result for `key`, or undefined (not cached, or damaged). */
  async read(key: string): Promise<PhotoFaces | undefined> {
    let text: string;
    try {
      text = fs.readFileSync(`${this.base(key)}.json`, 'utf8');
    } catch {
      return undefined;
    }
    try {
      const entry = EntrySchema.parse(JSON.parse(text));
      if (entry.outcome !== 'faces') return entry;
      const faces: PhotoFace[] = [];
      for (const [i, f] of entry.faces.entries()) {
        const file = this.cropFile(key, i);
        const crop = await decodeRgb(fs.readFileSync(file), file);
        if (crop.width !== CROP_SIZE || crop.height !== CROP_SIZE) throw new Error(`${file} is not ${CROP_SIZE} x ${CROP_SIZE}`);
        faces.push({ box: f.box, score: f.score, landmarks: f.landmarks.map(([x, y]) => ({ x, y })), crop: crop.data });
      }
      return { ...entry, faces };
    } catch {
      this.corrupt++;
      return undefined;
    }
  }

  async write(key: string, result: PhotoFaces): Promise<void> {
    let entry: Entry;
    if (result.outcome === 'faces') {
      for (const [i, f] of result.faces.entries()) {
        const raw = { raw: { width: CROP_SIZE, height: CROP_SIZE, channels: 3 as const } };
        writeFileAtomic(this.cropFile(key, i), await sharp(f.crop, raw).png().toBuffer());
      }
      const faces = result.faces.map((f) => ({
        box: { x: round(f.box.x), y: round(f.box.y), width: round(f.box.width), height: round(f.box.height) },
        score: round(f.score),
        landmarks: f.landmarks.map((p): [number, number] => [round(p.x), round(p.y)]),
      }));
      entry = { outcome: 'faces', width: result.width, height: result.height, faces };
    } else {
      entry = result;
    }
    writeFileAtomic(`${this.base(key)}.json`, `${JSON.stringify(entry)}\n`);
  }
}
