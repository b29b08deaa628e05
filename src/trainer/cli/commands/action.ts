/** Runs a subcommand: exit 0 on success; on failure a clear message (and a protocol `error` with --json), exit 1. */
import { DtnError, messageOf } from '../../../shared/errors';
import type { TrainerMessageOf } from '../../../shared/protocol';
import { dtnFlag } from '../../engine/flags';

/** The protocol's `error` message for a failure: its code, the message, and the file and fix when known. */
export function describeError(err: unknown): TrainerMessageOf<'error'> {
  if (err instanceof DtnError) return { type: 'error', code: err.code, message: err.message, file: err.file, fix: err.fix };
  const io = unwritable(err);
  if (io) return { type: 'error', code: 'OUTPUT_INVALID', message: messageOf(err), file: io.path, fix: io.fix };
  return { type: 'error', code: 'INTERNAL', message: messageOf(err) };
}

/** A write the file system refused (full, read-only, no permission): the user's to fix, not a bug. */
function unwritable(err: unknown): { path?: string; fix: string } | undefined {
  const e = err as NodeJS.ErrnoException | undefined;
  const full = 'Free space on that disk (or write elsewhere), then resume the run';
  const denied = 'Make the folder writable (or write elsewhere), then resume the run';
  const fixes: Record<string, string> = { ENOSPC: full, EDQUOT: full, EACCES: denied, EPERM: denied, EROFS: denied };
  const fix = e?.code === undefined ? undefined : fixes[e.code];
  return fix ? { path: e?.path, fix } : undefined;
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
      else process.stderr.write(`\ndtn: error: ${msg.message}\n${msg.fix && !msg.message.includes(msg.fix) ? `  fix: ${msg.fix}\n` : ''}`);
      if (dtnFlag('DTN_DEBUG') && err instanceof Error) process.stderr.write(`${err.stack}\n`);
      process.exit(1);
    }
  };
}
