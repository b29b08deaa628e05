/**
 * Named float32 tensors in a folder: `tensors.bin` (raw little-endian float32, concatenated) and
 * `manifest.json` (names, shapes, offsets, plus caller metadata). Written to a temporary sibling
 * folder and renamed into place, so a reader never sees a half-written folder under the final name.
 */
import * as crypto from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as tf from '@tensorflow/tfjs-core';
import { TENSOR_MANIFEST } from '../../shared/node/runLayout';
import { DtnError } from '../../shared/errors';
import { z } from 'zod';

export const MANIFEST = TENSOR_MANIFEST;
export const TENSORS = 'tensors.bin';

const TensorEntrySchema = z.strictObject({
  name: z.string().min(1).max(256),
  shape: z.array(z.number().int().nonnegative()).max(8),
  offset: z.number().int().nonnegative().multipleOf(4),
  length: z.number().int().nonnegative(),
});
export type TensorEntry = z.infer<typeof TensorEntrySchema>;

/** The manifest as read: every number checked before it sizes or places anything. */
const ManifestSchema = z.object({
  format: z.literal('dtn-tensors/1'),
  meta: z.unknown(),
  tensors: z.array(TensorEntrySchema).max(100_000),
  /** SHA-256 of tensors.bin (hex); folders written before 0.2 have none. */
  sha256: z
    .string()
    .regex(/^[0-9a-f]{64}$/)
    .optional(),
});

export interface Manifest<M> {
  format: 'dtn-tensors/1';
  meta: M;
  tensors: TensorEntry[];
  sha256?: string;
}

/**
 * Refuses to replace `dir` unless it is absent, empty, or a tensor folder of the same `kind` (one of
 * ours: an older encoder, classifier or checkpoint), or `force` is given. Called before long work
 * (pretraining) as well as before the write, so nobody trains for minutes to be refused at the end.
 */
export function assertReplaceable(dir: string, kind: string, force = false): void {
  if (force || !fs.existsSync(dir)) return;
  const fix = 'Choose another --out folder, or pass --force to replace it';
  if (!fs.statSync(dir).isDirectory()) throw new DtnError('OUTPUT_INVALID', `${dir} is a file, not a folder`, { file: dir, fix });
  if (fs.readdirSync(dir).length === 0) return;
  let found: string | undefined;
  try {
    const k = (JSON.parse(fs.readFileSync(path.join(dir, MANIFEST), 'utf8')) as { meta?: { kind?: unknown } }).meta?.kind;
    found = typeof k === 'string' ? k.slice(0, 40) : undefined;
  } catch {
    found = undefined;
  }
  if (found === kind) return;
  const what = found === undefined ? 'a folder that dtn did not write' : `a ${found} folder`;
  throw new DtnError('OUTPUT_INVALID', `${dir} is ${what}, not a ${kind} folder: refusing to replace it`, { file: dir, fix });
}

/**
 * `check` sees every tensor's values before anything is written, and may refuse them by throwing.
 * An existing `dir` is replaced only when assertReplaceable allows it.
 */
export async function writeTensorFolder<M extends { kind: string }>(
  dir: string,
  tensors: Map<string, tf.Tensor>,
  meta: M,
  check?: (name: string, values: Float32Array) => void,
  opts: { force?: boolean } = {},
): Promise<void> {
  assertReplaceable(dir, meta.kind, opts.force);
  const entries: TensorEntry[] = [];
  const chunks: Buffer[] = [];
  let offset = 0;
  for (const [name, t] of tensors) {
    // The format is float32 only. Non-float tensors (the optimisers' int32 iteration counter)
    // must be converted by value: writing an Int32Array's raw bytes and reading them back as
    // float32 turned iteration 3 into 4e-45, i.e. 0, so a resumed Adam restarted its bias correction.
    const data = await t.data();
    const values = data instanceof Float32Array ? data : Float32Array.from(data as ArrayLike<number>);
    check?.(name, values);
    const bytes = Buffer.from(values.buffer, values.byteOffset, values.byteLength);
    entries.push({ name, shape: t.shape, offset, length: values.length });
    chunks.push(Buffer.from(bytes)); // copy: the backend may reuse its buffer
    offset += bytes.length;
  }
  const bin = Buffer.concat(chunks);
  const sha256 = crypto.createHash('sha256').update(bin).digest('hex');
  const manifest: Manifest<M> = { format: 'dtn-tensors/1', meta, tensors: entries, sha256 };
  const parent = path.dirname(dir);
  fs.mkdirSync(parent, { recursive: true });
  const tmp = fs.mkdtempSync(path.join(parent, `.${path.basename(dir)}.tmp-`));
  try {
    writeFileSynced(path.join(tmp, TENSORS), bin);
    // The manifest goes last: a folder with a manifest has all its tensors.
    writeFileSynced(path.join(tmp, MANIFEST), Buffer.from(JSON.stringify(manifest, null, 1)));
    // The old folder moves aside first: at no moment is there neither an old nor a new one.
    const old = fs.existsSync(dir) ? `${tmp}-old` : undefined;
    if (old) fs.renameSync(dir, old);
    fs.renameSync(tmp, dir);
    if (old) fs.rmSync(old, { recursive: true, force: true });
  } catch (err) {
    fs.rmSync(tmp, { recursive: true, force: true });
    throw err;
  }
}

function writeFileSynced(file: string, data: Buffer): void {
  const fd = fs.openSync(file, 'w');
  try {
    fs.writeSync(fd, data);
    fs.fsyncSync(fd);
  } finally {
    fs.closeSync(fd);
  }
}

export class TensorFolderError extends DtnError {
  declare readonly file: string;

  constructor(message: string, file: string) {
    super('CHECKPOINT_CORRUPT', message, { file });
    this.name = 'TensorFolderError';
  }
}

/**
 * Reads a folder written by writeTensorFolder. The manifest is data from disk: its numbers are
 * checked (entries contiguous, not overlapping, sizes matching the file) before anything is
 * allocated, and the checksum, where the folder has one, before any value is used.
 */
export function readTensorFolder<M>(dir: string): { meta: M; tensors: Map<string, { shape: number[]; values: Float32Array }> } {
  const manifestPath = path.join(dir, MANIFEST);
  if (!fs.existsSync(manifestPath)) {
    throw new TensorFolderError(`${dir} is not a complete checkpoint or encoder folder (no ${MANIFEST})`, manifestPath);
  }
  let raw: unknown;
  try {
    raw = JSON.parse(fs.readFileSync(manifestPath, 'utf8'));
  } catch (err) {
    throw new TensorFolderError(`${manifestPath} is not valid JSON: ${(err as Error).message}`, manifestPath);
  }
  const parsed = ManifestSchema.safeParse(raw);
  if (!parsed.success) {
    const first = parsed.error.issues[0];
    throw new TensorFolderError(
      `${manifestPath}: not a dtn tensor manifest (${first.path.join('.') || 'root'}: ${first.message})`,
      manifestPath,
    );
  }
  const manifest = parsed.data;
  const binPath = path.join(dir, TENSORS);
  const expected = checkLayout(manifest.tensors, manifestPath);
  let size: number;
  try {
    size = fs.statSync(binPath).size;
  } catch {
    throw new TensorFolderError(`${binPath} is missing: the folder is incomplete. Use another checkpoint or write this one again`, binPath);
  }
  if (size !== expected) {
    throw new TensorFolderError(
      `${binPath} has ${size} bytes, the manifest expects ${expected}: the file is truncated or corrupt`,
      binPath,
    );
  }
  const bin = fs.readFileSync(binPath);
  if (manifest.sha256 && crypto.createHash('sha256').update(bin).digest('hex') !== manifest.sha256) {
    throw new TensorFolderError(`${binPath} does not match the checksum in its manifest: the file is corrupt`, binPath);
  }
  const aligned = new Float32Array(bin.buffer.slice(bin.byteOffset, bin.byteOffset + bin.length));
  const tensors = new Map<string, { shape: number[]; values: Float32Array }>();
  for (const e of manifest.tensors) {
    tensors.set(e.name, { shape: e.shape, values: aligned.subarray(e.offset / 4, e.offset / 4 + e.length) });
  }
  return { meta: manifest.meta as M, tensors };
}

/** Entries must tile the file in order: shape matching length, no gaps, no overlaps, no repeats. Returns the byte size. */
function checkLayout(entries: TensorEntry[], manifestPath: string): number {
  const names = new Set<string>();
  let end = 0;
  for (const e of entries) {
    const bad = (why: string) =>
      new TensorFolderError(`${manifestPath}: tensor ${JSON.stringify(e.name)} ${why}: the manifest is corrupt`, manifestPath);
    if (names.has(e.name)) throw bad('appears twice');
    names.add(e.name);
    if (e.shape.reduce((n, d) => n * d, 1) !== e.length) throw bad(`has shape [${e.shape}] but ${e.length} values`);
    if (e.offset !== end) throw bad(`starts at byte ${e.offset}, not where the previous one ends (${end})`);
    end += e.length * 4;
  }
  return end;
}

/** Assigns stored values to variables by name; every variable must be present with its shape. */
export function assignVariables(
  vars: Map<string, tf.Variable>,
  stored: Map<string, { shape: number[]; values: Float32Array }>,
  source: string,
): void {
  for (const [name, v] of vars) {
    const s = stored.get(name);
    if (!s) throw new TensorFolderError(`${source} has no tensor ${name}: it was written for a different architecture`, source);
    if (s.shape.join('x') !== v.shape.join('x')) {
      throw new TensorFolderError(
        `${source}: ${name} has shape [${s.shape}] but the model expects [${v.shape}]: the architecture differs`,
        source,
      );
    }
    tf.tidy(() => v.assign(tf.tensor(s.values, s.shape)));
  }
}
