/**
 * One photo's faces: decode, detect, and cut an aligned 150 x 150 crop per face. Every face the
 * detector finds is kept here, with its box; which ones a data set uses (size, several faces) is
 * decided later (faceChoice.ts), so that the cached result serves any choice.
 */
import sharp from 'sharp';
import { decodeRgb, type RgbImage } from '../imageDecode';
import { DataError } from '../imageSet';
import { isBmp } from '../bmpDecode';
import { alignmentOf, CROP_SIZE, type Point } from './alignment';
import type { Box, FaceDetector } from './faceDetector';
import { warpCrop } from './warp';

export interface PhotoFace {
  /** Detector box in photo pixels (after EXIF orientation). */
  box: Box;
  score: number;
  landmarks: Point[];
  /** The aligned crop: CROP_SIZE x CROP_SIZE x 3 RGB bytes. */
  crop: Buffer;
}

/** What a photo gave: faces (possibly none), or why it could not be looked at. */
export type PhotoFaces =
  { outcome: 'faces'; width: number; height: number; faces: PhotoFace[] } | { outcome: 'unreadable' | 'not-an-image'; reason: string };

/** Whether sharp recognises the bytes as an image at all (a truncated JPEG still is one). */
async function looksLikeImage(bytes: Buffer): Promise<boolean> {
  if (isBmp(bytes)) return true;
  try {
    await sharp(bytes).metadata();
    return true;
  } catch {
    return false;
  }
}

/** Decoded photo, or the reason it is not one. */
export async function readPhoto(bytes: Buffer, file: string): Promise<RgbImage | Extract<PhotoFaces, { reason: string }>> {
  try {
    return await decodeRgb(bytes, file);
  } catch (e) {
    if (!(e instanceof DataError)) throw e;
    return { outcome: (await looksLikeImage(bytes)) ? 'unreadable' : 'not-an-image', reason: e.reason };
  }
}

export async function facesInPhoto(bytes: Buffer, file: string, detector: FaceDetector): Promise<PhotoFaces> {
  const photo = await readPhoto(bytes, file);
  if ('outcome' in photo) return photo;
  const detected = await detector.detect(photo);
  const faces: PhotoFace[] = [];
  for (const face of detected) faces.push({ ...face, crop: await warpCrop(photo, alignmentOf(face.landmarks), CROP_SIZE) });
  return { outcome: 'faces', width: photo.width, height: photo.height, faces };
}
