/**
 * A TensorFlow.js Layers model's files (model.json and its weight shards) read as data, for a
 * user's model used as f. Nothing in them is executed: the topology may name only classes the
 * caller knows (tfjs-layers' built-in layers; no custom layers), weight files must lie beside
 * model.json, and their sizes are checked against the manifest before anything is allocated.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { z } from 'zod';
import { DtnError } from '../../shared/errors';
import { isInside } from '../../shared/node/paths';

/** model.json holds a topology, not weights: anything larger is not one. */
export const MAX_MODEL_JSON_BYTES = 32 * 1024 * 1024;
/** Weights of an f that fits in memory next to g and D (VGG-Face is about 0.6 GB). */
export const MAX_WEIGHT_BYTES = 2 * 1024 * 1024 * 1024;
/** Deeper topologies are not Keras models; the bound keeps the class scan's recursion finite. */
const MAX_TOPOLOGY_DEPTH = 64;

const BYTES_PER_ELEMENT = { float32: 4, int32: 4, bool: 1 } as const;
const QUANTIZED_BYTES = { uint8: 1, uint16: 2, float16: 2 } as const;

const WeightSpecSchema = z.object({
  name: z.string().min(1),
  shape: z.array(z.number().int().nonnegative()),
  dtype: z.enum(['float32', 'int32', 'bool']),
  quantization: z
    .object({ dtype: z.enum(['uint8', 'uint16', 'float16']), scale: z.number().optional(), min: z.number().optional() })
    .optional(),
});
type WeightSpec = z.infer<typeof WeightSpecSchema>;

const ModelJsonSchema = z.object({
  format: z.string().optional(),
  generatedBy: z.string().nullish(),
  convertedBy: z.string().nullish(),
  modelTopology: z.record(z.string(), z.unknown()),
  weightsManifest: z.array(z.object({ paths: z.array(z.string().min(1)).min(1), weights: z.array(WeightSpecSchema) })),
});

export interface LayersModelFiles {
  modelFile: string;
  /** The model's config only: a Keras file's training_config (an optimizer) is dropped, never loaded. */
  modelTopology: Record<string, unknown>;
  format?: string;
  generatedBy?: string;
  convertedBy?: string;
  weightSpecs: WeightSpec[];
  /** Every shard of every group, concatenated in manifest order (how tfjs decodes them). */
  weightData: ArrayBuffer;
  weightFiles: string[];
}

function invalid(file: string, message: string, fix?: string): DtnError {
  return new DtnError('ENCODER_INVALID', `${file}: ${message}`, { file, fix });
}

/** Every `class_name` in the topology, at any depth. */
export function topologyClassNames(topology: unknown, file: string): Set<string> {
  const names = new Set<string>();
  const visit = (v: unknown, depth: number): void => {
    if (depth > MAX_TOPOLOGY_DEPTH) throw invalid(file, `the topology is nested more than ${MAX_TOPOLOGY_DEPTH} levels deep`);
    if (Array.isArray(v)) for (const x of v) visit(x, depth + 1);
    else if (v !== null && typeof v === 'object') {
      const o = v as Record<string, unknown>;
      if (typeof o.class_name === 'string') names.add(o.class_name);
      for (const x of Object.values(o)) visit(x, depth + 1);
    }
  };
  visit(topology, 0);
  return names;
}

function specBytes(s: WeightSpec): number {
  const elements = s.shape.reduce((n, d) => n * d, 1);
  return elements * (s.quantization ? QUANTIZED_BYTES[s.quantization.dtype] : BYTES_PER_ELEMENT[s.dtype]);
}

function fileSize(file: string): number | undefined {
  try {
    const st = fs.statSync(file);
    return st.isFile() ? st.size : undefined;
  } catch {
    return undefined;
  }
}

/** A weight path from the manifest: relative, and beside model.json or below it (also through links). */
function weightFile(modelFile: string, p: string): string {
  const dir = path.dirname(modelFile);
  const file = path.resolve(dir, p);
  const bad = path.isAbsolute(p) || /^[a-z][a-z0-9+.-]*:/i.test(p) || !isInside(dir, file);
  if (bad) throw invalid(modelFile, `weight path "${p}" does not lie in the model's folder`, 'Keep the .bin files beside model.json.');
  if (fileSize(file) !== undefined && !isInside(fs.realpathSync(dir), fs.realpathSync(file)))
    throw invalid(modelFile, `weight path "${p}" leads out of the model's folder through a symbolic link`);
  return file;
}

/**
 * Reads and checks `modelFile` and its weights. `isKnownClass` says which `class_name`s may appear
 * (the loader's registry): anything else is refused before tfjs sees the topology.
 */
export function readLayersModelFiles(modelFile: string, isKnownClass: (name: string) => boolean): LayersModelFiles {
  const size = fileSize(modelFile);
  if (size === undefined) throw invalid(modelFile, 'no such file', 'Pass the model.json of a TensorFlow.js Layers model.');
  if (size > MAX_MODEL_JSON_BYTES) throw invalid(modelFile, `${size} bytes is too large for a model.json (weights belong in .bin files)`);
  let raw: unknown;
  try {
    raw = JSON.parse(fs.readFileSync(modelFile, 'utf8'));
  } catch (err) {
    throw invalid(modelFile, `not valid JSON (${(err as Error).message})`);
  }
  const parsed = ModelJsonSchema.safeParse(raw);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw invalid(
      modelFile,
      `not a TensorFlow.js Layers model.json (${issue.path.join('.') || '(root)'}: ${issue.message})`,
      'Save the model with model.save() of @tensorflow/tfjs, or convert a Keras model with ' +
        'tensorflowjs_converter --output_format tfjs_layers_model.',
    );
  }
  const json = parsed.data;
  if (json.format !== undefined && json.format !== 'layers-model') {
    throw invalid(
      modelFile,
      `format "${json.format}": only Layers models ("layers-model") can be f`,
      'A graph model cannot be run layer by layer; convert the Keras model with --output_format tfjs_layers_model.',
    );
  }
  const topology = (json.modelTopology.model_config ?? json.modelTopology) as Record<string, unknown>;
  if (topology === null || typeof topology !== 'object' || typeof topology.class_name !== 'string')
    throw invalid(modelFile, 'modelTopology has no model class_name');
  const unknown = [...topologyClassNames(topology, modelFile)].filter((n) => !isKnownClass(n));
  if (unknown.length) {
    throw invalid(
      modelFile,
      `unknown classes ${unknown.map((n) => `"${n}"`).join(', ')}: only TensorFlow.js's built-in layers can be loaded (no custom layers)`,
      'Rebuild the model from built-in layers, or use the layer before the custom one as the embedding.',
    );
  }

  // Sizes first: every shard exists, and each group's files hold exactly what its specs need.
  const weightFiles: string[] = [];
  let total = 0;
  for (const group of json.weightsManifest) {
    const files = group.paths.map((p) => weightFile(modelFile, p));
    const sizes = files.map((f) => fileSize(f));
    const missing = files.find((_, i) => sizes[i] === undefined);
    if (missing) throw invalid(missing, `weight file missing (model.json names it: ${modelFile})`);
    const have = sizes.reduce<number>((n, s) => n + (s ?? 0), 0);
    const need = group.weights.reduce((n, s) => n + specBytes(s), 0);
    if (have !== need) {
      const where = files.length === 1 ? files[0] : modelFile;
      const what = files.length === 1 ? 'the file' : `the files ${group.paths.join(', ')}`;
      throw invalid(
        where,
        `${what} hold ${have} bytes; the manifest in ${path.basename(modelFile)} needs ${need}: truncated, or not this model's weights`,
        'Copy the weight files again, complete, from where the model was saved.',
      );
    }
    total += need;
    if (total > MAX_WEIGHT_BYTES) throw invalid(modelFile, `the weights need more than ${MAX_WEIGHT_BYTES} bytes`);
    weightFiles.push(...files);
  }
  const weightData = new Uint8Array(total);
  let offset = 0;
  for (const file of weightFiles) {
    const bytes = fs.readFileSync(file);
    // A file that changed since its size was read would not line up with the specs.
    if (offset + bytes.length > total) throw invalid(file, 'changed while it was read');
    weightData.set(bytes, offset);
    offset += bytes.length;
  }
  if (offset !== total) throw invalid(modelFile, 'a weight file changed while it was read');
  return {
    modelFile,
    modelTopology: topology,
    format: json.format,
    generatedBy: json.generatedBy ?? undefined,
    convertedBy: json.convertedBy ?? undefined,
    weightSpecs: json.weightsManifest.flatMap((g) => g.weights),
    weightData: weightData.buffer,
    weightFiles,
  };
}
