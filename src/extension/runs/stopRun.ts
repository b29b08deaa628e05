/**
 * Stop for a run this window did not start (a terminal run, or one whose window reloaded): SIGTERM
 * to the process that holds its lock, on this machine only; the trainer then checkpoints and exits.
 * Free of vscode: the caller shows the message.
 */
import * as path from 'node:path';
import { lockPath, stopRunOwner } from '../../shared/node/runLock';

export interface StopOutcome {
  ok: boolean;
  message: string;
}

export function stopRunByLock(runDir: string, kill?: (pid: number, signal: NodeJS.Signals) => void): StopOutcome {
  const name = path.basename(runDir);
  const r = stopRunOwner(runDir, kill);
  switch (r.kind) {
    case 'signalled':
      return { ok: true, message: `DTN: asked process ${r.pid} to stop ${name}: it writes a checkpoint, then exits.` };
    case 'not-running':
      return { ok: false, message: `DTN: ${name} is not running: no live trainer holds it.` };
    case 'other-host':
      return { ok: false, message: `DTN: ${name} is training on ${r.hostname}: stop it there.` };
    case 'not-trainer':
      return {
        ok: false,
        message:
          `DTN: process ${r.pid}, named by ${lockPath(runDir)}, is no longer the trainer that took the lock: not stopped. ` +
          'If no trainer runs this folder, delete that file.',
      };
  }
}
