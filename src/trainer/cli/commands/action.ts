/** Runs a subcommand: exit 0 on success; on failure a clear message (and a protocol `error` with --json), exit 1. */
import { DtnError, messageOf } from '../../../shared/errors';
import type { TrainerMessageOf } from '../../../shared/protocol';
import { dtnFlag } from '../../engine/flags';

/** The protocol's `error` message for a failure: its code, the message, and the file and fix when known. */
export function describeError(err: unknown): TrainerMessageOf<'error'> {
  if (err instanceof DtnError) return { type: 'error', code: err.code, message: err.message, file: err.file, fix: err.fix };
  return { type: 'error', code: 'INTERNAL', message: messageOf(err) };
}

/** `fn` may return an exit code (a partly failed batch); anything else exits 0. */
export function action<T>(fn: (opts: T) => Promise<unknown>) {
  return async (opts: T & { json?: boolean }) => {
    try {
      const result = await fn(opts);
      // Backends may hold handles (a GPU device, wasm threads) that keep Node alive.
      process.exit(typeof result === 'number' ? result : 0);
    } catch (err) {
      const msg = describeError(err);
      // With --json the protocol line is the report: the host shows it, and a second copy on stderr
      // would reach its log twice.
      if (opts.json) process.stdout.write(`${JSON.stringify(msg)}\n`);
      else process.stderr.write(`\ndtn: error: ${msg.message}\n`);
      if (dtnFlag('DTN_DEBUG') && err instanceof Error) process.stderr.write(`${err.stack}\n`);
      process.exit(1);
    }
  };
}
