/** `dtn bench`: the real training step's speed per batch size, optionally against the PyTorch anchor. */
import * as path from 'node:path';
import { runBench, runTorchAnchor } from '../bench';
import { positiveInt, resolveConfig, type CommonOpts } from './options';

export async function benchCommand(opts: CommonOpts & { batch: string; steps: number; warmup: number; anchor?: string; threads?: number }): Promise<void> {
  const { config } = resolveConfig(opts, 'digits');
  const batches = opts.batch.split(',').map((b) => positiveInt('--batch')(b.trim()));
  const print = (line: string) => process.stdout.write(`${line}\n`);
  const results = await runBench({ config, batches, steps: opts.steps, warmup: opts.warmup, backend: opts.backend, print });
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
