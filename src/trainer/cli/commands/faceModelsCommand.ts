/**
 * `dtn fetch-face-models`: the face weights and demo photos, fetched ahead of time (e.g. before going
 * offline). Faces commands fetch them on first use anyway; a checkout uses the installed package.
 */
import { userCacheDir } from '../../../shared/node/userCache';
import { ensureFaceApiData } from '../../data/faces/faceApiPackage';

export interface FetchFaceModelsOpts {
  cacheDir?: string;
  registry?: string;
}

export async function fetchFaceModelsCommand(opts: FetchFaceModelsOpts): Promise<void> {
  const dir = await ensureFaceApiData({ cacheRoot: opts.cacheDir ?? userCacheDir(), registry: opts.registry });
  process.stdout.write(`${dir}\n`);
}
