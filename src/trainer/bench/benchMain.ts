/**
 * A stand-alone `dtn bench` (no data loaders, sharp or glyphs), bundled for machines that get a
 * copy of a few files rather than node_modules: see scripts/gpu-bundle.mjs.
 */
import { Command } from 'commander';
import { defineBench } from '../cli/commands/benchCommand';

void defineBench(new Command('dtn-bench')).parseAsync(process.argv);
