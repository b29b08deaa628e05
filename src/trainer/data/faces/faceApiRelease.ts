/**
 * The release of @vladmandic/face-api whose weights and demo photos the trainer reads. Its JS is
 * bundled; its data (13 MB of weights, 2 MB of photos) is not packaged but fetched from the npm
 * registry on first use and checked against this integrity, which is the lockfile's (a test keeps
 * the two equal).
 */
export const FACE_API_RELEASE = {
  name: '@vladmandic/face-api',
  version: '1.7.15',
  integrity: 'sha512-WDMmK3CfNLo8jylWqMoQgf4nIst3M0fzx1dnac96wv/dvMTN4DxC/Pq1DGtduDk1lktCamQ3MIDXFnvrdHTXDw==',
} as const;

export type FaceApiRelease = { readonly name: string; readonly version: string; readonly integrity: string };

export const NPM_REGISTRY = 'https://registry.npmjs.org';

/** npm's tarball address: <registry>/<@scope/name>/-/<name>-<version>.tgz. */
export function tarballUrl(release: FaceApiRelease, registry: string = NPM_REGISTRY): string {
  const bare = release.name.split('/').pop()!;
  return `${registry.replace(/\/+$/, '')}/${release.name}/-/${bare}-${release.version}.tgz`;
}

/** The package files the trainer reads: the three nets' weights, the demo photos, and the licence. */
export function isFaceApiDataFile(relPath: string): boolean {
  return (
    relPath === 'package.json' ||
    relPath === 'LICENSE' ||
    /^model\/(ssd_mobilenetv1|face_landmark_68|face_recognition)_model[-.][\w.-]+$/.test(relPath) ||
    /^demo\/sample\d+\.jpg$/.test(relPath)
  );
}
