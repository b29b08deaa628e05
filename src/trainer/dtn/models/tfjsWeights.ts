/**
 * Reads a TensorFlow.js weights manifest (`*-weights_manifest.json`) and its `.bin` shards as data.
 * The manifest is validated, every tensor the caller expects must be listed with its shape and
 * dtype, and each group's shards must hold exactly the bytes the manifest describes, all before
 * anything is read or allocated. Nothing in the files is executed.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { z } from 'zod';
import { DtnError } from '../../../shared/errors';

/** Affine quantisation as tfjs writes it: value = q * scale + min. */
const QuantizationSchema = z.object({
  dtype: z.enum(['uint8', 'uint16']),
  scale: z.number(),
  min: z.number(),
});

const WeightSchema = z.object({
  name: z.string().min(1),
  shape: z.array(z.number().int().nonnegative()),
  dtype: z.string(),
  quantization: QuantizationSchema.optional(),
});

// Shards are file names beside the manifest, never paths that lead elsewhere.
const ShardName = z.string().regex(/^(?!\.\.?$)[^/\\]+$/, 'expected a file name beside the manifest');

const ManifestSchema = z
  .array(
    z.object({
      paths: z.array(ShardName).min(1),
      weights: z.array(WeightSchema),
    }),
  )
  .min(1);

type WeightEntry = z.infer<typeof WeightSchema>;

export interface WeightValues {
  shape: number[];
  values: Float32Array;
}

const BYTES = { uint8: 1, uint16: 2, float32: 4 } as const;

function invalid(file: string, what: string, fix: string): DtnError {
  return new DtnError('ENCODER_INVALID', `${file}: ${what}. ${fix}`, { file, fix });
}

function missing(file: string, fix: string): DtnError {
  return new DtnError('ENCODER_MISSING', `${file} not found. ${fix}`, { file, fix });
}

function readManifest(file: string, fix: string): z.infer<typeof ManifestSchema> {
  let raw: unknown;
  try {
    raw = JSON.parse(fs.readFileSync(file, 'utf8'));
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') throw missing(file, fix);
    throw invalid(file, `not a readable JSON file (${(e as Error).message})`, fix);
  }
  const r = ManifestSchema.safeParse(raw);
  if (r.success) return r.data;
  const issues = r.error.issues.slice(0, 3).map((i) => `${i.path.map(String).join('.') || '(root)'}: ${i.message}`);
  throw invalid(file, `not a TensorFlow.js weights manifest (${issues.join('; ')})`, fix);
}

function elements(shape: readonly number[]): number {
  return shape.reduce((n, d) => n * d, 1);
}

function byteLength(w: WeightEntry): number {
  return elements(w.shape) * BYTES[w.quantization?.dtype ?? 'float32'];
}

/** Every expected tensor exactly once, with its shape and float32 dtype; nothing else. */
function checkEntries(file: string, weights: readonly WeightEntry[], expected: ReadonlyMap<string, readonly number[]>, fix: string): void {
  const seen = new Set<string>();
  for (const w of weights) {
    const shape = expected.get(w.name);
    if (!shape) throw invalid(file, `unexpected tensor "${w.name}": these are not the weights of this network`, fix);
    if (seen.has(w.name)) throw invalid(file, `tensor "${w.name}" is listed twice`, fix);
    seen.add(w.name);
    if (w.dtype !== 'float32') throw invalid(file, `tensor "${w.name}" has dtype ${w.dtype}, expected float32`, fix);
    if (w.shape.join('x') !== shape.join('x')) throw invalid(file, `tensor "${w.name}" has shape [${w.shape}], expected [${shape}]`, fix);
  }
  const absent = [...expected.keys()].filter((n) => !seen.has(n));
  if (absent.length) throw invalid(file, `${absent.length} tensor(s) missing, first "${absent[0]}"`, fix);
}

/** A group's shards, concatenated, after checking that together they hold exactly `bytes`. */
function readShards(dir: string, names: readonly string[], bytes: number, fix: string): Buffer {
  const files = names.map((n) => path.join(dir, n));
  let total = 0;
  for (const f of files) {
    try {
      const st = fs.statSync(f);
      if (!st.isFile()) throw invalid(f, 'not a file', fix);
      total += st.size;
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code === 'ENOENT') throw missing(f, fix);
      throw e;
    }
  }
  if (total !== bytes) {
    const what = files.length === 1 ? `has ${total} bytes` : `and the other shards of its group hold ${total} bytes`;
    throw invalid(files[files.length - 1], `${what}, the manifest describes ${bytes}: the file is truncated or not these weights`, fix);
  }
  return files.length === 1 ? fs.readFileSync(files[0]) : Buffer.concat(files.map((f) => fs.readFileSync(f)));
}

/** One tensor's values from `bytes` at `offset` (the buffer is copied so typed views are aligned). */
function decode(bytes: Buffer, offset: number, w: WeightEntry): Float32Array {
  const n = elements(w.shape);
  const q = w.quantization;
  const start = bytes.byteOffset + offset;
  const copy = bytes.buffer.slice(start, start + byteLength(w));
  if (!q) return new Float32Array(copy);
  const ints = q.dtype === 'uint8' ? new Uint8Array(copy) : new Uint16Array(copy);
  const out = new Float32Array(n);
  for (let i = 0; i < n; i++) out[i] = ints[i] * q.scale + q.min;
  return out;
}

/**
 * The tensors of `manifestFile` by name, dequantised to float32. `expected` lists every tensor
 * (name -> shape) the network needs; `fix` tells the user how to get intact files. Missing files
 * are ENCODER_MISSING, anything else wrong ENCODER_INVALID, each naming the file at fault.
 */
export function readTfjsWeights(
  manifestFile: string,
  expected: ReadonlyMap<string, readonly number[]>,
  fix: string,
): Map<string, WeightValues> {
  const groups = readManifest(manifestFile, fix);
  const entries = groups.flatMap((g) => g.weights);
  checkEntries(manifestFile, entries, expected, fix);
  const dir = path.dirname(manifestFile);
  const out = new Map<string, WeightValues>();
  for (const group of groups) {
    const size = group.weights.reduce((n, w) => n + byteLength(w), 0);
    const bytes = readShards(dir, group.paths, size, fix);
    let offset = 0;
    for (const w of group.weights) {
      out.set(w.name, { shape: w.shape, values: decode(bytes, offset, w) });
      offset += byteLength(w);
    }
  }
  return out;
}
