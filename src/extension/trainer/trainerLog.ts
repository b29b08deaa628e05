/** The "DTN Trainer" output channel: the trainer's stderr, its protocol messages in words, host notes. */
import * as vscode from 'vscode';
import type { TrainerMessage } from '../../shared/protocol';
import { formatLoss } from '../../shared/trainingProgress';
import type { LogLine } from './trainerProcess';

export class TrainerLog implements vscode.Disposable {
  readonly channel = vscode.window.createOutputChannel('DTN Trainer', { log: true });

  line(l: LogLine): void {
    if (l.stream === 'host') this.channel.info(l.text);
    else if (l.stream === 'stderr') this.channel.info(`[trainer] ${l.text}`);
    else this.channel.info(`[trainer stdout] ${l.text}`);
  }

  message(m: TrainerMessage): void {
    switch (m.type) {
      case 'status':
        return this.channel.info(`${m.phase}: ${m.message}`);
      case 'started':
        return this.channel.info(
          `started run ${m.runId} in ${m.runDir}; backend ${m.backend} on ${m.device} (${m.backendReason}); ` +
            `steps ${m.startStep} -> ${m.totalSteps}`,
        );
      case 'metrics': {
        const l = m.record.loss;
        const losses = (Object.keys(l) as (keyof typeof l)[]).map((k) => `${k} ${formatLoss(l[k])}`).join('  ');
        return this.channel.info(`step ${m.record.step}/${m.totalSteps}  ${losses}  ${m.record.imgPerSec.toFixed(1)} img/s`);
      }
      case 'sample':
        return this.channel.debug(`sample at step ${m.step}: ${m.path}`);
      case 'checkpoint':
        return this.channel.info(`checkpoint at step ${m.step}: ${m.path}`);
      case 'warning':
        return this.channel.warn(m.message);
      case 'error': {
        // Once: the fix and the file only where the message does not already say them.
        const fix = m.fix && !m.message.includes(m.fix) ? `\n  fix: ${m.fix}` : '';
        const file = m.file && !m.message.includes(m.file) ? `\n  file: ${m.file}` : '';
        return this.channel.error(`${m.message}${fix}${file}`);
      }
      case 'done':
        return this.channel.info(`done (${m.reason}) at step ${m.step}; checkpoint ${m.checkpoint ?? '-'}`);
    }
  }

  info(text: string): void {
    this.channel.info(text);
  }

  error(text: string): void {
    this.channel.error(text);
  }

  show(): void {
    this.channel.show(true);
  }

  dispose(): void {
    this.channel.dispose();
  }
}
