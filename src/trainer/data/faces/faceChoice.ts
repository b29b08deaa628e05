/** Which of a photo's faces a data set uses, or why it uses none. */
import type { DataSpec } from '../../../shared/config';
import type { PhotoFace, PhotoFaces } from './photoFaces';

/** What to do with a photo that shows several large-enough faces: skip it, or use the largest, or all. */
export type SeveralFaces = Extract<DataSpec, { kind: 'face-photos' }>['severalFaces'];

/** Every reason a photo gives no crop; each is counted and listed in the report. */
export const SKIP_REASONS = ['no-face', 'several-faces', 'face-too-small', 'unreadable', 'not-an-image'] as const;
export type SkipReason = (typeof SKIP_REASONS)[number];

export interface FaceChoiceOptions {
  /** Faces whose box is smaller than this (shorter side, photo pixels) are ignored. */
  minFaceSize: number;
  severalFaces: SeveralFaces;
}

export const faceSize = (f: PhotoFace): number => Math.min(f.box.width, f.box.height);

/**
 * Small faces are dropped first, so a bystander in the background neither makes a portrait
 * "several faces" nor becomes a crop; a photo with only small faces is "face too small".
 */
export function chooseFaces(photo: PhotoFaces, opts: FaceChoiceOptions): { faces: PhotoFace[] } | { skip: SkipReason } {
  if (photo.outcome !== 'faces') return { skip: photo.outcome };
  if (photo.faces.length === 0) return { skip: 'no-face' };
  const large = photo.faces.filter((f) => faceSize(f) >= opts.minFaceSize);
  if (large.length === 0) return { skip: 'face-too-small' };
  if (large.length === 1 || opts.severalFaces === 'all') return { faces: large };
  if (opts.severalFaces === 'skip') return { skip: 'several-faces' };
  return { faces: [large.reduce((a, b) => (faceSize(b) > faceSize(a) ? b : a))] };
}
