/**
 * How a sweep shows its progress: on a terminal, a cli-progress multibar (one line per running run:
 * variant, seed, step/total, last accuracy; and an overall line); in a log, a plain line per event
 * and at most every 10 s per run; with --json, protocol `status` (and `warning`) messages on stdout.
 */
import * as cliProgress from 'cli-progress';
import type { TrainerMessage } from '../../shared/protocol';

export interface RunView {
  name: string;
  variant: string;
  seed: number;
}

export interface SweepProgress {
  /** `finished` of `total` runs are completed or failed. */
  overall(finished: number, total: number, failed: number): void;
  runStarted(run: RunView, how: string): void;
  runProgress(run: RunView, step: number, total: number, accuracy: number | undefined): void;
  runEnded(run: RunView, text: string): void;
  note(text: string): void;
  warn(text: string): void;
  finish(): void;
}

const pct = (a: number | undefined) => (a === undefined ? '–' : `${(a * 100).toFixed(1)}%`);
const label = (r: RunView) => `${r.variant} · seed ${r.seed}`;

export function createSweepProgress(json: boolean): SweepProgress {
  if (json) return jsonProgress();
  return process.stderr.isTTY ? barProgress() : lineProgress();
}

function jsonProgress(): SweepProgress {
  process.stdout.on('error', () => undefined);
  const emit = (msg: TrainerMessage) => process.stdout.write(`${JSON.stringify(msg)}\n`);
  const status = (message: string) => emit({ type: 'status', phase: 'sweep', message });
  const lastShown = new Map<string, number>();
  let lastOverall = '';
  return {
    overall: (finished, total, failed) => {
      const text = `${finished}/${total} runs finished${failed ? ` (${failed} failed)` : ''}`;
      if (text !== lastOverall) status(text);
      lastOverall = text;
    },
    runStarted: (r, how) => status(`${r.name}: ${how} (${label(r)})`),
    runProgress: (r, step, total, accuracy) => {
      // A status per evaluation and at most one a second otherwise: a host log, not a firehose.
      const now = Date.now();
      if (accuracy === undefined && now - (lastShown.get(r.name) ?? 0) < 1000) return;
      lastShown.set(r.name, now);
      status(`${r.name}: step ${step}/${total} · accuracy ${pct(accuracy)}`);
    },
    runEnded: (r, text) => status(`${r.name}: ${text}`),
    note: status,
    warn: (text) => emit({ type: 'warning', message: text }),
    finish: () => undefined,
  };
}

function lineProgress(): SweepProgress {
  const say = (text: string) => process.stderr.write(`${text}\n`);
  const lastShown = new Map<string, number>();
  return {
    overall: (finished, total, failed) => say(`sweep: ${finished}/${total} runs finished${failed ? `, ${failed} failed` : ''}`),
    runStarted: (r, how) => say(`${r.name}: ${how}`),
    runProgress: (r, step, total, accuracy) => {
      const now = Date.now();
      if (step !== total && now - (lastShown.get(r.name) ?? 0) < 10_000) return;
      lastShown.set(r.name, now);
      say(`${r.name}: step ${step}/${total} | accuracy ${pct(accuracy)}`);
    },
    runEnded: (r, text) => say(`${r.name}: ${text}`),
    note: say,
    warn: (text) => say(`warning: ${text}`),
    finish: () => undefined,
  };
}

/** Width of a bar's label (variant · seed). */
const LABEL = 30;

function barProgress(): SweepProgress {
  const multi = new cliProgress.MultiBar(
    {
      stream: process.stderr,
      format: '{label} [{bar}] {value}/{total} | {detail}',
      hideCursor: true,
      // Room for the label, the counts and the accuracy on an 80-column terminal.
      barsize: 16,
      clearOnComplete: false,
      etaBuffer: 20,
    },
    cliProgress.Presets.shades_classic,
  );
  const overallBar = multi.create(1, 0, { label: 'sweep'.padEnd(LABEL), detail: 'starting' });
  const bars = new Map<string, { bar: cliProgress.SingleBar; accuracy?: number }>();
  const log = (text: string) => multi.log(`${text}\n`);
  return {
    overall(finished, total, failed) {
      overallBar.setTotal(total);
      overallBar.update(finished, { detail: `runs finished${failed ? ` · ${failed} failed` : ''} · ${bars.size} running` });
    },
    runStarted(r, how) {
      const text = label(r);
      const shown = text.length > LABEL ? `${text.slice(0, LABEL - 1)}…` : text.padEnd(LABEL);
      bars.set(r.name, { bar: multi.create(1, 0, { label: shown, detail: how }) });
    },
    runProgress(r, step, total, accuracy) {
      const b = bars.get(r.name);
      if (!b) return;
      if (accuracy !== undefined) b.accuracy = accuracy;
      b.bar.setTotal(total);
      b.bar.update(step, { detail: `accuracy ${pct(b.accuracy)}` });
    },
    runEnded(r, text) {
      const b = bars.get(r.name);
      if (b) multi.remove(b.bar);
      bars.delete(r.name);
      log(`${r.name}: ${text}`);
    },
    note: log,
    warn: (text) => log(`warning: ${text}`),
    finish: () => multi.stop(),
  };
}
