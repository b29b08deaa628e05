/** The face data kinds of a config (face-photos, face-api-demo-photos) -> 150 x 150 face crops. */
import * as path from 'node:path';
import { DEFAULT_MIN_FACE_SIZE, type DataSpec } from '../../../shared/config';
import { FaceCache, faceCacheRoot } from './faceCache';
import { ensureFaceApiData, faceApiDemoPhotos } from './faceApiPackage';
import type { FaceDetector } from './faceDetector';
import { describeFaceReport, loadFaceFiles, loadFacePhotos, skippedCount, type FaceSet } from './facePhotos';

export type FaceDataSpec = Extract<DataSpec, { kind: 'face-photos' | 'face-api-demo-photos' }>;

export interface FaceSpecOptions {
  /** Folder of the config file: the spec's path and the cache (.dtn/cache/faces) are under it. */
  baseDir: string;
  /** Gets the report when photos were skipped or cache entries repaired. */
  onWarning?: (message: string) => void;
  detector?: FaceDetector;
}

export async function loadFaceSpec(spec: FaceDataSpec, opts: FaceSpecOptions): Promise<FaceSet> {
  // The detector's weights (and the demo photos) are fetched on first use.
  if (!opts.detector || spec.kind === 'face-api-demo-photos') await ensureFaceApiData();
  const common = { count: spec.count, cache: new FaceCache(faceCacheRoot(opts.baseDir)), detector: opts.detector };
  let loaded: Awaited<ReturnType<typeof loadFacePhotos>>;
  if (spec.kind === 'face-photos') {
    const { minFaceSize, severalFaces } = spec;
    loaded = await loadFacePhotos(path.resolve(opts.baseDir, spec.path), { ...common, minFaceSize, severalFaces });
  } else {
    const photos = faceApiDemoPhotos();
    // Group photos: every face is a crop.
    const choice = { minFaceSize: DEFAULT_MIN_FACE_SIZE, severalFaces: 'all' as const };
    loaded = await loadFaceFiles(
      photos.map((file) => ({ file })),
      path.dirname(photos[0]),
      { ...common, ...choice },
    );
  }
  const { set, report } = loaded;
  if (skippedCount(report) > 0 || report.cacheRepaired > 0) opts.onWarning?.(describeFaceReport(report));
  return set;
}
