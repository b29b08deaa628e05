/**
 * `dtn bench`: times the trainer's real DTN step (Dtn.step: one D update + one g update with every
 * active loss) after warm-up, per batch size, and reports tensor memory over the run so leaks show.
 * Optionally runs the PyTorch anchor on the same machine and prints the ratio.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as tf from '@tensorflow/tfjs-core';
import type { BackendChoice, DtnConfig } from '../shared/config';
import { initBackend, type BackendInfo } from './backend';
import { Dtn, readLosses } from './dtn';
import { Encoder } from './models/encoder';

export interface BenchResult {
  backend: BackendInfo;
  batch: number;
  msPerStep: number;
  imgPerSec: number;
  steps: number;
  /** Live tensors and bytes after warm-up and after the timed steps: equal when nothing leaks. */
  tensors: [number, number];
  bytes: [number, number];
}

export async function benchStep(config: DtnConfig, batch: number, steps: number, warmup: number): Promise<Omit<BenchResult, 'backend'>> {
  const arch = config.architecture;
  const f = new Encoder(arch, config.seed); // timing does not depend on f's values
  const dtn = new Dtn(config, f);
  const xs = tf.randomUniform([batch, arch.imageSize, arch.imageSize, arch.sourceChannels], -1, 1, 'float32', 1) as tf.Tensor4D;
  const xt = tf.randomUniform([batch, arch.imageSize, arch.imageSize, arch.targetChannels], -1, 1, 'float32', 2) as tf.Tensor4D;
  try {
    for (let i = 0; i < warmup; i++) await readLosses(dtn.step(xs, xt));
    const before = tf.memory();
    const t0 = performance.now();
    // Only the last step is read back: reading forces the device to finish everything queued.
    for (let i = 0; i < steps - 1; i++) {
      const losses = dtn.step(xs, xt);
      for (const t of Object.values(losses)) t?.dispose();
    }
    await readLosses(dtn.step(xs, xt));
    const ms = (performance.now() - t0) / steps;
    const after = tf.memory();
    return {
      batch,
      steps,
      msPerStep: ms,
      imgPerSec: (batch * 1000) / ms,
      tensors: [before.numTensors, after.numTensors],
      bytes: [before.numBytes, after.numBytes],
    };
  } finally {
    xs.dispose();
    xt.dispose();
    dtn.dispose();
    f.params.dispose();
  }
}

export async function runBench(opts: {
  config: DtnConfig;
  batches: number[];
  steps: number;
  warmup: number;
  backend?: BackendChoice;
  print: (line: string) => void;
}): Promise<BenchResult[]> {
  const backend = await initBackend(opts.backend ?? opts.config.backend);
  const results: BenchResult[] = [];
  for (const batch of opts.batches) {
    const r = { backend, ...(await benchStep(opts.config, batch, opts.steps, opts.warmup)) };
    results.push(r);
    opts.print(
      `dtn bench: backend=${backend.name} device=${JSON.stringify(backend.device)} batch=${batch} ms/step=${r.msPerStep.toFixed(1)} img/s=${r.imgPerSec.toFixed(1)} ` +
        `tensors=${r.tensors[0]}->${r.tensors[1]} bytes=${r.bytes[0]}->${r.bytes[1]} steps=${r.steps}`,
    );
  }
  return results;
}

/** The PyTorch anchor on this machine, when python3 has torch; undefined otherwise. */
export function runTorchAnchor(script: string, device: 'cpu' | 'cuda', batch: number, threads?: number): { msPerStep: number; line: string } | undefined {
  const python = ['/usr/bin/python3', 'python3'].find((p) => spawnSync(p, ['-c', 'import torch'], { stdio: 'ignore' }).status === 0);
  if (!python || !fs.existsSync(script)) return undefined;
  const args = [script, '--device', device, '--batch', String(batch), ...(threads ? ['--threads', String(threads)] : [])];
  const line = execFileSync(python, args, { encoding: 'utf8' }).trim().split('\n').at(-1) ?? '';
  const m = /([\d.]+) ms\/step/.exec(line);
  return m ? { msPerStep: Number(m[1]), line } : undefined;
}
