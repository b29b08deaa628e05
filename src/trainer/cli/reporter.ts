/**
 * How the CLI reports: `--json` writes each protocol message as one stdout line (what the
 * extension consumes); otherwise a progress bar and readable lines on stderr.
 */
import * as cliProgress from 'cli-progress';
import type { TrainerMessage } from '../../shared/protocol';

export interface Reporter {
  emit(msg: TrainerMessage): void;
  progress(label: string, step: number, total: number, detail: string): void;
  note(text: string): void;
  finish(): void;
}

export function createReporter(json: boolean): Reporter {
  return json ? jsonReporter() : humanReporter();
}

function jsonReporter(): Reporter {
  // A host that died closes the pipe: writing must not kill the trainer before its stop checkpoint.
  process.stdout.on('error', () => undefined);
  const emit = (msg: TrainerMessage) => process.stdout.write(`${JSON.stringify(msg)}\n`);
  return {
    emit,
    progress: (label, step, total, detail) => emit({ type: 'status', phase: label, message: `${step}/${total} ${detail}` }),
    note: (text) => emit({ type: 'status', phase: 'note', message: text }),
    finish: () => undefined,
  };
}

/** Not a terminal (a log file, CI): a plain line at most every 10 s instead of a redrawn bar. */
function lineProgress() {
  let last = 0;
  return (label: string, step: number, total: number, detail: string) => {
    const now = Date.now();
    if (step !== total && now - last < 10_000) return;
    last = now;
    process.stderr.write(`${label} ${step}/${total} | ${detail}\n`);
  };
}

function humanReporter(): Reporter {
  let bar: cliProgress.SingleBar | undefined;
  let barLabel = '';
  const say = (text: string) => {
    if (bar) bar.stop();
    bar = undefined;
    process.stderr.write(`${text}\n`);
  };
  const plain = process.stderr.isTTY ? undefined : lineProgress();
  const progress = (label: string, step: number, total: number, detail: string) => {
    if (plain) return plain(label, step, total, detail);
    if (!bar || barLabel !== label) {
      bar?.stop();
      barLabel = label;
      bar = new cliProgress.SingleBar(
        { format: `${label} [{bar}] {value}/{total} | {detail} | ETA {eta_formatted}`, stream: process.stderr, etaBuffer: 20 },
        cliProgress.Presets.shades_classic,
      );
      bar.start(total, step, { detail });
    }
    bar.update(step, { detail });
  };
  const fmt = (v: number | null) => (v === null ? '-' : v.toFixed(3));
  return {
    emit(msg) {
      switch (msg.type) {
        case 'metrics': {
          const l = msg.record.loss;
          progress(
            'train',
            msg.record.step,
            msg.totalSteps,
            `D ${fmt(l.D)} G ${fmt(l.G)} CONST ${fmt(l.CONST)} TID ${fmt(l.TID)} | ${msg.record.imgPerSec.toFixed(0)} img/s`,
          );
          break;
        }
        case 'started':
          say(
            `run ${msg.runId} in ${msg.runDir}\n  backend: ${msg.backend} on ${msg.device} (${msg.backendReason})\n` +
              `  steps ${msg.startStep} -> ${msg.totalSteps}`,
          );
          break;
        case 'status':
          say(msg.message);
          break;
        case 'warning':
          say(`warning: ${msg.message}`);
          break;
        case 'error':
          say(`error: ${msg.message}${msg.fix ? `\n  fix: ${msg.fix}` : ''}`);
          break;
        case 'sample':
        case 'checkpoint':
        case 'done':
          break; // shown by the bar and the final summary
      }
    },
    progress,
    note: say,
    finish() {
      bar?.stop();
      bar = undefined;
    },
  };
}
