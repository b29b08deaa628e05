/** Runs a subcommand: exit 0 on success; on failure a clear message (and a protocol `error` with --json), exit 1. */
import { ConfigError } from '../../../shared/config';
import type { TrainerMessage } from '../../../shared/protocol';
import { DataError } from '../../data/imageSet';
import { dtnFlag } from '../../engine/flags';

export function describeError(err: unknown): TrainerMessage & { type: 'error' } {
  if (err instanceof ConfigError) return { type: 'error', message: err.message, file: err.file, fix: 'Fix the fields named above.' };
  if (err instanceof DataError) return { type: 'error', message: err.message, file: err.file, fix: err.fix };
  const e = err as { message?: string; fix?: string; file?: string; dir?: string };
  return { type: 'error', message: e?.message ?? String(err), fix: e?.fix, file: e?.file ?? e?.dir };
}

export function action<T>(fn: (opts: T) => Promise<unknown>) {
  return async (opts: T & { json?: boolean }) => {
    try {
      await fn(opts);
      // Backends may hold handles (a GPU device, wasm threads) that keep Node alive.
      process.exit(0);
    } catch (err) {
      const msg = describeError(err);
      if (opts.json) process.stdout.write(`${JSON.stringify(msg)}\n`);
      process.stderr.write(`\ndtn: error: ${msg.message}\n`);
      if (dtnFlag('DTN_DEBUG') && err instanceof Error) process.stderr.write(`${err.stack}\n`);
      process.exit(1);
    }
  };
}
