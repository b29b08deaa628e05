/**
 * Named float32 tensors in a folder: `tensors.bin` (raw little-endian float32, concatenated) and
 * `manifest.json` (names, shapes, offsets, plus caller metadata). Written to a temporary sibling
 * folder and renamed into place, so a reader never sees a half-written folder under the final name.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as tf from '@tensorflow/tfjs-core';
import { TENSOR_MANIFEST } from '../../shared/node/runLayout';
import { DtnError } from '../../shared/errors';

export const MANIFEST = TENSOR_MANIFEST;
export const TENSORS = 'tensors.bin';

export interface TensorEntry {
  name: string;
  shape: number[];
  offset: number;
  length: number;
}

export interface Manifest<M> {
  format: 'dtn-tensors/1';
  meta: M;
  tensors: TensorEntry[];
}

export async function writeTensorFolder<M>(dir: string, tensors: Map<string, tf.Tensor>, meta: M): Promise<void> {
  const entries: TensorEntry[] = [];
  const chunks: Buffer[] = [];
  let offset = 0;
  for (const [name, t] of tensors) {
    // The format is float32 only. Non-float tensors (the optimisers' int32 iteration counter)
    // must be converted by value: writing an Int32Array's raw bytes and reading them back as
    // float32 turned iteration 3 into 4e-45, i.e. 0, so a resumed Adam restarted its bias correction.
    const data = await t.data();
    const values = data instanceof Float32Array ? data : Float32Array.from(data as ArrayLike<number>);
    const bytes = Buffer.from(values.buffer, values.byteOffset, values.byteLength);
    entries.push({ name, shape: t.shape, offset, length: values.length });
    chunks.push(Buffer.from(bytes)); // copy: the backend may reuse its buffer
    offset += bytes.length;
  }
  const manifest: Manifest<M> = { format: 'dtn-tensors/1', meta, tensors: entries };
  const parent = path.dirname(dir);
  fs.mkdirSync(parent, { recursive: true });
  const tmp = fs.mkdtempSync(path.join(parent, `.${path.basename(dir)}.tmp-`));
  try {
    writeFileSynced(path.join(tmp, TENSORS), Buffer.concat(chunks));
    // The manifest goes last: a folder with a manifest has all its tensors.
    writeFileSynced(path.join(tmp, MANIFEST), Buffer.from(JSON.stringify(manifest, null, 1)));
    if (fs.existsSync(dir)) fs.rmSync(dir, { recursive: true, force: true });
    fs.renameSync(tmp, dir);
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

/** Reads a folder written by writeTensorFolder; checks sizes so a truncated file is reported, not loaded. */
export function readTensorFolder<M>(dir: string): { meta: M; tensors: Map<string, { shape: number[]; values: Float32Array }> } {
  const manifestPath = path.join(dir, MANIFEST);
  if (!fs.existsSync(manifestPath)) {
    throw new TensorFolderError(`${dir} is not a complete checkpoint or encoder folder (no ${MANIFEST})`, manifestPath);
  }
  let manifest: Manifest<M>;
  try {
    manifest = JSON.parse(fs.readFileSync(manifestPath, 'utf8'));
  } catch (err) {
    throw new TensorFolderError(`${manifestPath} is not valid JSON: ${(err as Error).message}`, manifestPath);
  }
  if (manifest.format !== 'dtn-tensors/1')
    throw new TensorFolderError(`${manifestPath}: unknown format ${String(manifest.format)}`, manifestPath);
  const binPath = path.join(dir, TENSORS);
  const bin = fs.readFileSync(binPath);
  const expected = manifest.tensors.reduce((n, e) => n + e.length * 4, 0);
  if (bin.length !== expected) {
    throw new TensorFolderError(
      `${binPath} has ${bin.length} bytes, the manifest expects ${expected}: the file is truncated or corrupt`,
      binPath,
    );
  }
  const aligned = new Float32Array(bin.buffer.slice(bin.byteOffset, bin.byteOffset + bin.length));
  const tensors = new Map<string, { shape: number[]; values: Float32Array }>();
  for (const e of manifest.tensors) {
    tensors.set(e.name, { shape: e.shape, values: aligned.subarray(e.offset / 4, e.offset / 4 + e.length) });
  }
  return { meta: manifest.meta, tensors };
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
