/** `dtn bench`: the real training step's speed per batch size, optionally against the PyTorch anchor. */
import * as path from 'node:path';
import { runBench, runTorchAnchor } from '../../bench/bench';
import type { Command } from 'commander';
import { action } from './action';
import { nonNegativeInt, positiveInt, resolveConfig, withConfigOptions, type CommonOpts } from './options';

/** Declares `bench` and its options on `cmd` (the full CLI's subcommand, or the stand-alone bundle). */
export function defineBench(cmd: Command): Command {
  return withConfigOptions(
    cmd.description("time the trainer's DTN step per batch size (after warm-up) and report tensor memory"),
    'built-in configuration (default digits)',
  )
    .option('--batch <list>', 'comma-separated batch sizes', '64')
    .option('--steps <n>', 'timed steps per batch size', positiveInt('--steps'), 10)
    .option('--warmup <n>', 'untimed steps first', nonNegativeInt('--warmup'), 2)
    .option('--anchor <file>', 'also run this PyTorch anchor (torch_dtn_bench.py) and print the ratio')
    .option('--profile', 'also profile one step: kernels per step, and time and count per kernel')
    .option('--conv', "webgpu: time each of a step's convolutions with this project's kernel and the stock one")
    .option('--threads <n>', 'threads for the PyTorch anchor on CPU', positiveInt('--threads'))
    .action(action(benchCommand));
}

export async function benchCommand(
  opts: CommonOpts & { batch: string; steps: number; warmup: number; anchor?: string; threads?: number; profile?: boolean; conv?: boolean },
): Promise<void> {
  const { config } = resolveConfig(opts, 'digits');
  const batches = opts.batch.split(',').map((b) => positiveInt('--batch')(b.trim()));
  const print = (line: string) => process.stdout.write(`${line}\n`);
  const results = await runBench({
    config,
    batches,
    steps: opts.steps,
    warmup: opts.warmup,
    backend: opts.backend,
    profile: opts.profile,
    conv: opts.conv,
    print,
  });
  if (!opts.anchor) return;
  for (const r of results) {
    const device = /nvidia|cuda/i.test(r.backend.device) ? 'cuda' : 'cpu';
    const anchor = runTorchAnchor(path.resolve(opts.anchor), device, r.batch, opts.threads);
    if (!anchor) {
      print(`dtn bench: anchor skipped (needs python3 with torch and ${opts.anchor})`);
      return;
    }
    print(anchor.line);
    print(`dtn bench: ratio batch=${r.batch} dtn/torch=${(r.msPerStep / anchor.msPerStep).toFixed(2)}`);
  }
}
