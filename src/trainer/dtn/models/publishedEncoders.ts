/** Encoders whose weights ship in a package: loaded as they are, never pretrained here. */
import type { PublishedEncoderName } from '../../../shared/config';
import type { FeatureEncoder } from './featureEncoder';
import { loadFaceRecognitionNet } from './faceRecognitionWeights';

export function loadPublishedEncoder(name: PublishedEncoderName): { f: FeatureEncoder; origin: string } {
  switch (name) {
    case 'face-recognition-net':
      return { f: loadFaceRecognitionNet(), origin: '@vladmandic/face-api (FaceRecognitionNet)' };
  }
}
