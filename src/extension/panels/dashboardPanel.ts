/** Host side of the dashboard: loss charts, throughput and ETA of one run (live or finished). */
import * as vscode from 'vscode';
import type { MetricsRecord } from '../../shared/protocol';
import { DashboardOutSchema, type DashboardIn, type DashboardOut } from '../../shared/webviewProtocol';
import { chartSmoothing } from '../settings';
import type { TailEvent } from '../runs/runTailer';
import { BatchingThrottle } from '../util/rateLimit';
import { RunPanel, type PanelHost } from './runPanel';

export const DASHBOARD_VIEW_TYPE = 'dtn.dashboard';
/** Charts redraw at most this often, however fast the trainer logs. */
const RECORDS_INTERVAL_MS = 250;

export class DashboardPanel extends RunPanel<DashboardOut> {
  static current: DashboardPanel | undefined;
  private readonly records = new BatchingThrottle<MetricsRecord>(RECORDS_INTERVAL_MS, (records) => {
    if (this.lease) this.send({ type: 'records', runId: this.summary()!.runId, records });
  });

  static show(host: PanelHost, runDir: string | undefined, column = vscode.ViewColumn.Active): DashboardPanel {
    if (!DashboardPanel.current) {
      const panel = vscode.window.createWebviewPanel(DASHBOARD_VIEW_TYPE, 'DTN Dashboard', column, { enableScripts: true });
      DashboardPanel.current = new DashboardPanel(panel, host);
    } else {
      DashboardPanel.current.panel.reveal(undefined, false);
    }
    DashboardPanel.current.showRun(runDir);
    return DashboardPanel.current;
  }

  /** After a window reload: VS Code hands back the panel, the webview's state names its run. */
  static revive(panel: vscode.WebviewPanel, host: PanelHost, runDir: string | undefined): void {
    DashboardPanel.current?.dispose();
    DashboardPanel.current = new DashboardPanel(panel, host);
    DashboardPanel.current.showRun(runDir);
  }

  private constructor(panel: vscode.WebviewPanel, host: PanelHost) {
    super(panel, host, DashboardOutSchema, { title: 'DTN Dashboard', bundle: 'dashboard', css: 'dashboard.css' });
    panel.iconPath = vscode.Uri.joinPath(host.extensionUri, 'media', 'dtn.svg');
  }

  private send(msg: DashboardIn): void {
    this.post(msg);
  }

  protected resetRun(): void {
    this.records.clear();
  }

  protected sendInit(): void {
    this.records.clear();
    const run = this.summary();
    if (!run) return this.send({ type: 'empty' });
    this.send({ type: 'init', run, records: this.lease!.tailer.snapshot().records, smoothing: chartSmoothing() });
  }

  protected override onTail(e: TailEvent): void {
    if (e.kind === 'records') this.records.push(...e.records);
    else if (e.kind === 'reset') this.sendInit();
    else super.onTail(e);
  }

  protected handle(msg: DashboardOut): void {
    switch (msg.type) {
      case 'openSamples':
        void vscode.commands.executeCommand('dtn.openSamples', this.runDir);
        break;
      case 'openRun':
        void vscode.commands.executeCommand('dtn.openRun');
        break;
      case 'stop':
        void vscode.commands.executeCommand('dtn.stopTraining', this.runDir);
        break;
      case 'compare':
        void vscode.commands.executeCommand('dtn.compareRuns', this.runDir);
        break;
      case 'ready':
        break;
    }
  }

  protected override onDisposed(): void {
    this.records.dispose();
    if (DashboardPanel.current === this) DashboardPanel.current = undefined;
  }
}
