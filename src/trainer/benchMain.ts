/**
 * A stand-alone `dtn bench` (no data loaders, fonts or canvas), bundled for machines that get a
 * copy of a few files rather than node_modules: see scripts/gpu-bundle.mjs.
 */
import { Command } from 'commander';
import { action } from './commands/action';
import { benchCommand } from './commands/benchCommand';
import { nonNegativeInt, positiveInt, withConfigOptions } from './commands/options';

const program = new Command('dtn-bench');
withConfigOptions(program.description("time the trainer's DTN step per batch size (after warm-up)"), 'built-in configuration (default digits)')
  .option('--batch <list>', 'comma-separated batch sizes', '64')
  .option('--steps <n>', 'timed steps per batch size', positiveInt('--steps'), 10)
  .option('--warmup <n>', 'untimed steps first', nonNegativeInt('--warmup'), 2)
  .option('--anchor <file>', 'also run this PyTorch anchor (torch_dtn_bench.py) and print the ratio')
  .option('--threads <n>', 'threads for the PyTorch anchor on CPU', positiveInt('--threads'))
  .action(action(benchCommand));
program.parseAsync(process.argv);
