/**
 * Checkpoints: g, D (weights and running statistics), both Adam optimisers, the step and the data
 * samplers' RNG state, in `checkpoints/step-XXXXXXXX/`. Written atomically (see tensorFile), so a
 * crash leaves either the previous complete checkpoint or the new one, never a partial one that
 * looks complete.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as tf from '@tensorflow/tfjs-core';
import { listCheckpointDirs } from '../../shared/node/runFiles';
import { RUN_FILES, checkpointPath, stepName } from '../../shared/node/runLayout';
import { z } from 'zod';
import type { Dtn } from '../dtn/dtn';
import { AVERAGE_PREFIX } from '../dtn/generatorAverage';
import type { FusedAdamOptimizer } from '../engine/webgpu/fusedAdamOptimizer';
import { assignVariables, readTensorFolder, writeTensorFolder } from './tensorFile';
import { DtnError } from '../../shared/errors';

/** Read from disk, so checked before its step names a folder or a report. */
const CheckpointMetaSchema = z.object({
  kind: z.literal('dtn-checkpoint'),
  step: z.number().int().nonnegative().max(1e9),
  configHash: z.string().max(128),
  createdAt: z.string().max(64),
  /** Opaque, JSON-serialisable sampler states (checked by the samplers when they restore). */
  samplers: z.record(z.string(), z.unknown()),
});
export type CheckpointMeta = z.infer<typeof CheckpointMetaSchema>;

/** A weight that is NaN or infinite: a diverged run. Such a checkpoint is never written. */
function assertFiniteWeights(name: string, values: Float32Array): void {
  for (let i = 0; i < values.length; i++) {
    if (!Number.isFinite(values[i])) {
      throw new DtnError('TRAINING_DIVERGED', `${name} holds a non-finite value (${values[i]}): the checkpoint is not written`, {
        fix: 'Training diverged: lower train.learningRate or the loss weights, then resume from the last good checkpoint.',
      });
    }
  }
}

async function optimizerTensors(prefix: string, opt: FusedAdamOptimizer, vars: Map<string, tf.Variable>): Promise<Map<string, tf.Tensor>> {
  const weights = await opt.getWeights();
  const out = new Map<string, tf.Tensor>();
  out.set(`${prefix}/accBeta`, tf.tensor1d(opt.accumulatedBetas()));
  const names = [...vars.keys()];
  const moments = weights.slice(1);
  // Adam lists first moments for every variable, then second moments, in var-list order.
  if (moments.length !== 0 && moments.length !== 2 * names.length) {
    throw new DtnError('CHECKPOINT_CORRUPT', `${prefix}: optimiser holds ${moments.length} slots for ${names.length} variables`);
  }
  out.set(`${prefix}/iterations`, weights[0].tensor);
  moments.forEach((w, i) => {
    const slot = i < names.length ? 'm' : 'v';
    out.set(`${prefix}/${slot}/${names[i % names.length]}`, w.tensor);
  });
  return out;
}

async function restoreOptimizer(
  prefix: string,
  opt: FusedAdamOptimizer,
  vars: Map<string, tf.Variable>,
  stored: Map<string, { shape: number[]; values: Float32Array }>,
  source: string,
): Promise<void> {
  const iter = stored.get(`${prefix}/iterations`);
  if (!iter) throw new DtnError('CHECKPOINT_CORRUPT', `${source}: missing ${prefix}/iterations`);
  const names = [...vars.keys()];
  const slots: { name: string; tensor: tf.Tensor }[] = [];
  for (const slot of ['m', 'v']) {
    for (const n of names) {
      const s = stored.get(`${prefix}/${slot}/${n}`);
      if (s) slots.push({ name: `${n}/${slot}`, tensor: tf.tensor(s.values, s.shape) });
    }
  }
  if (slots.length !== 0 && slots.length !== 2 * names.length) {
    throw new DtnError('CHECKPOINT_CORRUPT', `${source}: ${prefix} optimiser state is incomplete`);
  }
  // An optimiser that never stepped (e.g. D with the GAN terms off) has no slots to restore.
  if (slots.length === 0) return;
  await opt.setWeights([{ name: 'iter', tensor: tf.scalar(iter.values[0], 'int32') }, ...slots]);
  // Checkpoints from before 0.2 lack them: the recomputed powers are then as close as it gets.
  const betas = stored.get(`${prefix}/accBeta`);
  if (betas) {
    if (betas.values.length !== 2 || !betas.values.every((b) => Number.isFinite(b) && b >= 0 && b < 1)) {
      throw new DtnError('CHECKPOINT_CORRUPT', `${source}: ${prefix}/accBeta is not two numbers in [0, 1)`, { file: source });
    }
    opt.restoreAccumulatedBetas([betas.values[0], betas.values[1]]);
  }
}

/** g's average and how many updates it has folded in (the decay's warm-up resumes from there). */
function averageTensors(dtn: Dtn): [string, tf.Tensor][] {
  if (!dtn.average) return [];
  return [...dtn.average.net.params.all(), [`${AVERAGE_PREFIX}/updates`, tf.tensor1d([dtn.average.updates])]];
}

/** Restores g's average; a checkpoint from a run without one starts it from the restored g. */
function restoreAverage(dtn: Dtn, stored: Map<string, { shape: number[]; values: Float32Array }>, source: string): void {
  if (!dtn.average) return;
  const updates = stored.get(`${AVERAGE_PREFIX}/updates`);
  if (!updates) return dtn.average.restart();
  const n = updates.values[0];
  if (updates.values.length !== 1 || !Number.isInteger(n) || n < 0) {
    throw new DtnError('CHECKPOINT_CORRUPT', `${source}: ${AVERAGE_PREFIX}/updates is not a whole number`, { file: source });
  }
  assignVariables(dtn.average.net.params.all(), stored, source);
  dtn.average.updates = n;
}

export async function saveCheckpoint(runDir: string, dtn: Dtn, meta: Omit<CheckpointMeta, 'kind' | 'createdAt'>): Promise<string> {
  const dir = checkpointPath(runDir, meta.step);
  const gVars = dtn.g.params.trainable;
  const dVars = dtn.D.params.trainable;
  const tensors = new Map<string, tf.Tensor>([
    ...dtn.g.params.all(),
    ...dtn.D.params.all(),
    ...(await optimizerTensors('optG', dtn.optG, gVars)),
    ...(await optimizerTensors('optD', dtn.optD, dVars)),
    ...averageTensors(dtn),
  ]);
  const full: CheckpointMeta = { kind: 'dtn-checkpoint', createdAt: new Date().toISOString(), ...meta };
  // The run folder is ours (its lock is held): a damaged step folder there is replaced.
  await writeTensorFolder(dir, tensors, full, assertFiniteWeights, { force: true });
  return dir;
}

/** Restores g, D and both optimisers in place; returns the checkpoint's metadata. */
export async function loadCheckpoint(dir: string, dtn: Dtn): Promise<CheckpointMeta> {
  const { meta: raw, tensors } = readTensorFolder<unknown>(dir);
  if ((raw as { kind?: unknown } | undefined)?.kind !== 'dtn-checkpoint')
    throw new DtnError('CHECKPOINT_CORRUPT', `${dir} is not a DTN checkpoint (it may be an encoder folder)`, { file: dir });
  const parsed = CheckpointMetaSchema.safeParse(raw);
  if (!parsed.success) {
    const first = parsed.error.issues[0];
    throw new DtnError('CHECKPOINT_CORRUPT', `${dir}: its manifest's meta.${first.path.join('.')} is invalid (${first.message})`, {
      file: dir,
      fix: 'Use another checkpoint of the run.',
    });
  }
  const meta = parsed.data;
  if (/^step-\d+$/.test(path.basename(dir)) && path.basename(dir) !== stepName(meta.step)) {
    throw new DtnError('CHECKPOINT_CORRUPT', `${dir}: its manifest says step ${meta.step}, its folder name another step`, { file: dir });
  }
  for (const [name, t] of tensors) {
    if (name.startsWith('g/') || name.startsWith('D/') || name.startsWith(`${AVERAGE_PREFIX}/`)) {
      try {
        assertFiniteWeights(name, t.values);
      } catch {
        throw new DtnError('CHECKPOINT_CORRUPT', `${dir}: ${name} holds non-finite values (NaN or infinity)`, {
          file: dir,
          fix: 'Use an earlier checkpoint of the run.',
        });
      }
    }
  }
  assignVariables(dtn.g.params.all(), tensors, dir);
  assignVariables(dtn.D.params.all(), tensors, dir);
  await restoreOptimizer('optG', dtn.optG, dtn.g.params.trainable, tensors, dir);
  await restoreOptimizer('optD', dtn.optD, dtn.D.params.trainable, tensors, dir);
  restoreAverage(dtn, tensors, dir);
  return meta;
}

/** Complete checkpoints of a run (those with a manifest), oldest first. */
export const listCheckpoints = listCheckpointDirs;

/**
 * Keeps the newest `keep` checkpoints and those at the `protect` steps (the run's best, which
 * `best` and the Runs view's star point at); also removes leftovers of interrupted writes.
 */
export function pruneCheckpoints(runDir: string, keep: number, protect: readonly number[] = []): void {
  const root = path.join(runDir, RUN_FILES.checkpoints);
  if (!fs.existsSync(root)) return;
  for (const name of fs.readdirSync(root)) {
    if (name.startsWith('.') && name.includes('.tmp-')) fs.rmSync(path.join(root, name), { recursive: true, force: true });
  }
  const all = listCheckpoints(runDir);
  for (const c of all.slice(0, Math.max(0, all.length - keep))) {
    if (!protect.includes(c.step)) fs.rmSync(c.path, { recursive: true, force: true });
  }
}
