/**
 * `dtn fetch-face-models`: the face weights and demo photos, fetched ahead of time (e.g. before going
 * offline) into the per-user cache, where every faces command looks. Faces commands fetch them on
 * first use anyway; a checkout uses the installed package.
 */
import { ensureFaceApiData } from '../../data/faces/faceApiPackage';

export interface FetchFaceModelsOpts {
  registry?: string;
}

export async function fetchFaceModelsCommand(opts: FetchFaceModelsOpts): Promise<void> {
  const dir = await ensureFaceApiData({ registry: opts.registry });
  process.stdout.write(`${dir}\n`);
}
