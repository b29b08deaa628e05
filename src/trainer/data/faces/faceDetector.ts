/**
 * Faces and their 68 landmarks in a photo, by the networks of @vladmandic/face-api (SSD
 * MobileNet v1 for the boxes, the 68-point landmark net), run in this process on whatever tfjs
 * backend the trainer started. The pipeline takes the detector as an argument, so tests can count
 * or replace it.
 */
import * as path from 'node:path';
import * as tf from '@tensorflow/tfjs-core';
import sharp from 'sharp';
import type { RgbImage } from '../imageDecode';
import type { Point } from './alignment';
import { ensureFaceApiData } from './faceApiPackage';

export interface Box {
  x: number;
  y: number;
  width: number;
  height: number;
}

export interface DetectedFace {
  /** The detector's box, in photo pixels. */
  box: Box;
  /** Detector confidence in [0, 1]. */
  score: number;
  /** The 68 landmarks (iBUG 300-W order), in photo pixels. */
  landmarks: Point[];
}

export interface FaceDetector {
  detect(photo: RgbImage): Promise<DetectedFace[]>;
}

/** Settings that change what is detected: part of the face cache's version. */
export const DETECTOR_SETTINGS = 'ssd_mobilenetv1 minConfidence 0.5, face_landmark_68, longest side 1024';

const MIN_CONFIDENCE = 0.5;
/**
 * Photos are shrunk to this longest side before detection: SSD sees 512 x 512 anyway, and the
 * landmark net 112 x 112 per face, so more pixels only cost time. The crop is cut from the full photo.
 */
const DETECT_SIDE = 1024;

/** The part of face-api's API used here (its own typings declare a tfjs of their own). */
interface FaceApiNet {
  loadFromDisk(dir: string): Promise<void>;
  readonly isLoaded: boolean;
}
interface FaceApiResult {
  detection: { score: number; box: Box };
  landmarks: { positions: Point[] };
}
interface FaceApi {
  nets: { ssdMobilenetv1: FaceApiNet; faceLandmark68Net: FaceApiNet };
  SsdMobilenetv1Options: new (o: { minConfidence: number; maxResults: number }) => unknown;
  detectAllFaces(input: tf.Tensor3D, options: unknown): { withFaceLandmarks(): Promise<FaceApiResult[]> };
}

let loaded: Promise<FaceApi> | undefined;

/**
 * The node-wasm build: it imports @tensorflow/tfjs (whose tfjs-core is ours, `npm ls
 * @tensorflow/tfjs-core` shows one copy; the trainer bundle maps it to tfjs-core itself) and
 * registers the wasm backend without selecting it, so its ops run on the backend already active.
 */
async function loadFaceApi(): Promise<FaceApi> {
  // face-api calls tensor methods (x.as3D()) that @tensorflow/tfjs registers and tfjs-core alone does not.
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  require('@tensorflow/tfjs-core/dist/public/chained_ops/register_all_chained_ops');
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const api = require('@vladmandic/face-api/dist/face-api.node-wasm.js') as FaceApi;
  const dir = path.join(await ensureFaceApiData(), 'model');
  for (const net of [api.nets.ssdMobilenetv1, api.nets.faceLandmark68Net]) if (!net.isLoaded) await net.loadFromDisk(dir);
  return api;
}

/** A photo at most DETECT_SIDE on its longest side, and the factor back to photo pixels. */
async function detectionInput(photo: RgbImage): Promise<{ image: RgbImage; scale: number }> {
  const shrink = Math.min(1, DETECT_SIDE / Math.max(photo.width, photo.height));
  if (shrink === 1) return { image: photo, scale: 1 };
  const width = Math.max(1, Math.round(photo.width * shrink));
  const height = Math.max(1, Math.round(photo.height * shrink));
  const data = await sharp(photo.data, { raw: { width: photo.width, height: photo.height, channels: 3 } })
    .resize(width, height, { fit: 'fill' })
    .raw()
    .toBuffer();
  return { image: { data, width, height }, scale: photo.width / width };
}

/** The face-api detector; its weights load on first use (once per process). */
export function faceApiDetector(): FaceDetector {
  return {
    async detect(photo: RgbImage): Promise<DetectedFace[]> {
      if (!tf.getBackend()) throw new Error('no tfjs backend: start one (initBackend) before detecting faces');
      const api = await (loaded ??= loadFaceApi().catch((e: unknown) => {
        loaded = undefined;
        throw e;
      }));
      const { image, scale } = await detectionInput(photo);
      const input = tf.tensor3d(image.data, [image.height, image.width, 3], 'int32');
      let found: FaceApiResult[];
      try {
        const options = new api.SsdMobilenetv1Options({ minConfidence: MIN_CONFIDENCE, maxResults: 100 });
        found = await api.detectAllFaces(input, options).withFaceLandmarks();
      } finally {
        input.dispose();
      }
      const s = (v: number) => v * scale;
      return found.map(({ detection, landmarks }) => ({
        box: { x: s(detection.box.x), y: s(detection.box.y), width: s(detection.box.width), height: s(detection.box.height) },
        score: detection.score,
        landmarks: landmarks.positions.map((p) => ({ x: s(p.x), y: s(p.y) })),
      }));
    },
  };
}
