/**
 * A speed ratio is only worth printing on a quiet machine: other processes' load slows one side
 * of the comparison more than the other (the two run one after the other). The bench prints the
 * load average before and after, and gives no ratio when the machine was busy when it started.
 */
import * as os from 'node:os';

/** Above this 1-minute load average a ratio is refused (unless forced). */
export const QUIET_LOAD = 0.5;

export interface LoadAverage {
  one: number;
  five: number;
  fifteen: number;
}

export function loadAverage(): LoadAverage {
  const [one, five, fifteen] = os.loadavg();
  return { one, five, fifteen };
}

export function formatLoad(when: 'before' | 'after', l: LoadAverage): string {
  return `dtn bench: load ${when} ${l.one.toFixed(2)} ${l.five.toFixed(2)} ${l.fifteen.toFixed(2)} (1, 5, 15 min)`;
}

/** Whether a ratio may be printed, given the 1-minute load when the bench began; else why not. */
export function ratioAllowed(loadBefore: LoadAverage, force: boolean): { ok: true; note?: string } | { ok: false; why: string } {
  if (loadBefore.one <= QUIET_LOAD) return { ok: true };
  const busy = `the load average was ${loadBefore.one.toFixed(2)} when the bench began (above ${QUIET_LOAD})`;
  if (force) return { ok: true, note: `${busy}: the ratio is printed because of --force and is indicative only` };
  return { ok: false, why: `no ratio: ${busy}, so other processes skew the comparison; rerun on a quiet machine, or add --force` };
}
