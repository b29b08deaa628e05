/** The status-bar item of a live run: step / total and the current G and D losses; click = dashboard. */
import * as vscode from 'vscode';
import { etaMs, formatDuration, formatLoss, recentMsPerStep } from '../../shared/trainingProgress';
import type { LiveRunState } from '../runs/liveRunState';

export class TrainingStatusBar implements vscode.Disposable {
  private readonly item = vscode.window.createStatusBarItem('dtn.training', vscode.StatusBarAlignment.Left, 10);

  constructor() {
    this.item.name = 'DTN Training';
    this.item.command = 'dtn.openDashboard';
  }

  update(s: LiveRunState | undefined, label?: string): void {
    if (!s || s.phase === 'finished') return this.item.hide();
    const icon = s.phase === 'stopping' ? '$(debug-stop)' : '$(sync~spin)';
    if (s.phase === 'starting') {
      this.item.text = `${icon} DTN starting…`;
    } else {
      const loss = s.loss ? `  G ${formatLoss(s.loss.G)}  D ${formatLoss(s.loss.D)}` : '';
      this.item.text = `${icon} DTN ${s.step}/${s.totalSteps}${loss}`;
    }
    const ms = recentMsPerStep(s.recent);
    const tip = new vscode.MarkdownString(undefined, true);
    tip.appendMarkdown(`**DTN ${s.phase}** ${label ? `— ${label}` : ''}\n\n`);
    if (s.runId) tip.appendMarkdown(`run \`${s.runId}\`\n\n`);
    if (s.backend) tip.appendMarkdown(`backend ${s.backend} on ${s.device ?? '?'}\n\n`);
    if (ms !== undefined)
      tip.appendMarkdown(`${(1000 / ms).toFixed(2)} steps/s · ETA ${formatDuration(etaMs(s.recent, s.totalSteps))}\n\n`);
    tip.appendMarkdown('Click to open the dashboard');
    this.item.tooltip = tip;
    this.item.show();
  }

  dispose(): void {
    this.item.dispose();
  }
}
