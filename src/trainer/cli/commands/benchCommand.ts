/** `dtn bench`: the real training step's speed per batch size, optionally against the PyTorch anchor. */
import * as path from 'node:path';
import { bestAnchor, runBench, runTorchAnchor, type AnchorRun } from '../../bench/bench';
import { formatLoad, loadAverage, ratioAllowed } from '../../bench/benchLoad';
import type { Command } from 'commander';
import { InvalidArgumentError } from 'commander';
import { action } from './action';
import { nonNegativeInt, positiveInt, resolveConfig, withConfigOptions, type CommonOpts } from './options';

/** `--anchor-threads 1,2`: the thread counts PyTorch runs with, each a positive integer. */
export function anchorThreadsArg(v: string): number[] {
  const list = v.split(',').map((t) => t.trim());
  if (!list.length || list.some((t) => !/^\d+$/.test(t) || Number(t) < 1))
    throw new InvalidArgumentError('--anchor-threads must be a comma-separated list of positive integers, e.g. 1,2');
  return [...new Set(list.map(Number))];
}

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
    .option('--anchor-threads <list>', "the anchor's CPU thread counts, e.g. 1,2: the ratio is against the fastest", anchorThreadsArg)
    .option('--force', 'print the ratio even when the load average was above 0.5 when the bench began')
    .option('--profile', 'also profile one step: kernels per step, and time and count per kernel')
    .option('--conv', "webgpu: time each of a step's convolutions with this project's kernel and the stock one")
    .action(action(benchCommand));
}

export async function benchCommand(
  opts: CommonOpts & {
    batch: string;
    steps: number;
    warmup: number;
    anchor?: string;
    anchorThreads?: number[];
    force?: boolean;
    profile?: boolean;
    conv?: boolean;
  },
): Promise<void> {
  const { config } = resolveConfig(opts, 'digits');
  const batches = opts.batch.split(',').map((b) => positiveInt('--batch')(b.trim()));
  const print = (line: string) => process.stdout.write(`${line}\n`);
  const before = loadAverage();
  print(formatLoad('before', before));
  const results = await runBench({
    config,
    batches,
    steps: opts.steps,
    warmup: opts.warmup,
    backend: opts.backend,
    threads: opts.threads,
    profile: opts.profile,
    conv: opts.conv,
    print,
  });
  try {
    if (!opts.anchor) return;
    const verdict = ratioAllowed(before, opts.force ?? false);
    for (const r of results) {
      const device = /nvidia|cuda/i.test(r.backend.device) ? 'cuda' : 'cpu';
      const runs: AnchorRun[] = [];
      for (const threads of device === 'cpu' ? (opts.anchorThreads ?? [undefined]) : [undefined]) {
        const anchor = runTorchAnchor(path.resolve(opts.anchor), device, r.batch, threads);
        if (!anchor) {
          print(`dtn bench: anchor skipped (needs python3 with torch and ${opts.anchor})`);
          return;
        }
        print(`${anchor.line}${threads ? ` threads=${threads}` : ''}`);
        runs.push({ ...anchor, ...(threads ? { threads } : {}) });
      }
      const best = bestAnchor(runs)!;
      if (!verdict.ok) {
        print(`dtn bench: ${verdict.why}`);
        continue;
      }
      if (verdict.note) print(`dtn bench: ${verdict.note}`);
      const at = best.threads ? ` torch-threads=${best.threads}` : '';
      const ratio = (r.msPerStep / best.msPerStep).toFixed(2);
      print(`dtn bench: ratio batch=${r.batch} dtn/torch=${ratio}${at} dtn-threads=${r.backend.threads ?? '-'}`);
    }
  } finally {
    print(formatLoad('after', loadAverage()));
  }
}
