/** How a run's status reads in a panel header. */
import type { RunSummary } from '../../shared/webviewProtocol';

export function statusText(run: RunSummary): string {
  switch (run.status) {
    case 'running':
      return run.managed ? 'training' : 'running (elsewhere)';
    case 'completed':
      return 'completed';
    case 'stopped':
      return 'stopped';
    case 'failed':
      return 'failed';
    case 'interrupted':
      return 'interrupted (its trainer is gone: resume it)';
    default:
      return 'unknown';
  }
}
