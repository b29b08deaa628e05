/**
 * Ctrl-C, SIGTERM or a `stop` line on stdin: finish the step, checkpoint, exit (a second Ctrl-C
 * exits at once). `pause` / `resume` lines hold the loop between steps. A closed stdin means
 * "host gone, stop" only when the launching program says it holds stdin (`--host-stdin`): a
 * person's own run under nohup, `< /dev/null` or a CI job has a closed stdin from the start.
 */
import * as readline from 'node:readline';
import { parseHostLine } from '../../shared/protocol';
import type { Reporter } from './reporter';

export function stopControls(reporter: Reporter, listenStdin: boolean, stopOnStdinClose: boolean) {
  let stop = false;
  let release: (() => void) | undefined;
  let paused: Promise<void> | undefined;
  const requestStop = () => {
    if (stop) process.exit(130);
    stop = true;
    release?.();
    reporter.note('stopping: writing a checkpoint after this step');
  };
  process.on('SIGINT', requestStop);
  process.on('SIGTERM', requestStop);
  if (listenStdin) {
    const rl = readline.createInterface({ input: process.stdin });
    rl.on('line', (line) => {
      const cmd = parseHostLine(line);
      if (!cmd) return reporter.emit({ type: 'warning', message: `ignored malformed command on stdin: ${line.slice(0, 80)}` });
      if (cmd.type === 'stop') requestStop();
      if (cmd.type === 'pause' && !paused) paused = new Promise((r) => (release = r));
      if (cmd.type === 'resume') {
        release?.();
        release = undefined;
        paused = undefined;
      }
    });
    // Host gone (stdin closed): stop cleanly rather than train orphaned.
    if (stopOnStdinClose) {
      rl.on('close', () => {
        if (!stop) requestStop();
      });
    }
  }
  return { shouldStop: () => stop, waitWhilePaused: async () => paused };
}
