/**
 * One photo -> the aligned face crop a faces model translates: for `dtn translate` and the editor.
 * The largest face wins when there are several; a photo without a usable face is a FACE_NOT_FOUND
 * error that says what photo would do.
 */
import sharp from 'sharp';
import { DEFAULT_MIN_FACE_SIZE } from '../../../shared/config';
import { DtnError } from '../../../shared/errors';
import { DataError } from '../imageSet';
import { CROP_SIZE } from './alignment';
import type { FaceCache } from './faceCache';
import { chooseFaces, faceSize } from './faceChoice';
import { faceApiDetector, type Box, type FaceDetector } from './faceDetector';
import { facesOfFile } from './facesOfFile';

export interface FaceCrop {
  /** 1 x 150 x 150 x 3, NHWC, values in [-1, 1]. */
  image: Float32Array;
  /** The same crop as a PNG file's bytes. */
  png: Buffer;
  /** The cropped face's detector box, in photo pixels. */
  box: Box;
  /** How many faces of at least minFaceSize the photo shows (the largest was cropped). */
  faces: number;
}

export interface FaceCropOptions {
  minFaceSize?: number;
  detector?: FaceDetector;
  cache?: FaceCache;
}

export async function cropFace(file: string, opts: FaceCropOptions = {}): Promise<FaceCrop> {
  const minFaceSize = opts.minFaceSize ?? DEFAULT_MIN_FACE_SIZE;
  const { result } = await facesOfFile(file, { detector: opts.detector ?? faceApiDetector(), cache: opts.cache });
  const fix = `Use a photo with one clearly visible face of at least ${minFaceSize} px`;
  if (result.outcome !== 'faces') throw new DataError(`not a readable image (${result.reason})`, file, 'Re-export it as PNG or JPEG');
  const choice = chooseFaces(result, { minFaceSize, severalFaces: 'largest' });
  if ('skip' in choice) {
    const largest = Math.max(...result.faces.map(faceSize));
    const why =
      choice.skip === 'face-too-small' ? `the largest face is ${Math.round(largest)} px, smaller than ${minFaceSize} px` : 'no face found';
    throw new DtnError('FACE_NOT_FOUND', `${file}: ${why}. ${fix}`, { file, fix });
  }
  const [face] = choice.faces;
  const image = new Float32Array(face.crop.length);
  for (let k = 0; k < image.length; k++) image[k] = face.crop[k] / 127.5 - 1;
  const png = await sharp(face.crop, { raw: { width: CROP_SIZE, height: CROP_SIZE, channels: 3 } })
    .png()
    .toBuffer();
  return { image, png, box: face.box, faces: result.faces.filter((f) => faceSize(f) >= minFaceSize).length };
}
