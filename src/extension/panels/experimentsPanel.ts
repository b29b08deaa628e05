/**
 * Host side of the experiments table: one row per run of the workspace's run roots. Rows are
 * rebuilt from disk when runs change (the Runs view's watchers call refresh()), and live rows follow
 * their run: this window's through the trainer's messages, another process's through a RunTailer
 * lease, and a timer notices a trainer that dies. Actions from the webview are checked against the
 * rows sent (a webview is an untrusted boundary) and run as the Runs view's commands.
 */
import * as path from 'node:path';
import * as vscode from 'vscode';
import { listRunDirs, readRunInfoFile, runState } from '../../shared/node/runFiles';
import { readRunLabel } from '../../shared/node/runLabelFile';
import {
  ExperimentsOutSchema,
  parseMessage,
  type ExperimentRow,
  type ExperimentsIn,
  type ExperimentsOut,
} from '../../shared/webviewProtocol';
import { experimentRow, MetricsCache } from '../runs/experimentRows';
import { readFlatConfig } from '../runs/runCollections';
import type { RunFeedLease } from '../runs/runFeeds';
import { LatestThrottle } from '../util/rateLimit';
import type { PanelHost } from './runPanel';
import { webviewHtml, webviewRoots } from './webviewHtml';

export const EXPERIMENTS_VIEW_TYPE = 'dtn.experiments';
/** Live rows update at most this often. */
const ROWS_INTERVAL_MS = 1000;
/** How often live rows are re-read: a killed trainer changes no file, and durations tick. */
const LIVE_POLL_MS = 2000;

export class ExperimentsPanel implements vscode.Disposable {
  static current: ExperimentsPanel | undefined;
  private rows: ExperimentRow[] = [];
  private readonly metrics = new MetricsCache();
  /** Leases on runs that are live, so their rows follow them. */
  private readonly followed = new Map<string, { lease: RunFeedLease; sub: { dispose(): void } }>();
  private readonly disposables: vscode.Disposable[] = [];
  private readonly throttle = new LatestThrottle<void>(ROWS_INTERVAL_MS, () => this.sendRows());
  private readonly poll = setInterval(() => this.rows.some((r) => r.status === 'running') && this.refresh(), LIVE_POLL_MS);
  private disposed = false;

  static show(host: PanelHost, roots: () => string[], column = vscode.ViewColumn.Active): ExperimentsPanel {
    if (!ExperimentsPanel.current) {
      const panel = vscode.window.createWebviewPanel(EXPERIMENTS_VIEW_TYPE, 'DTN Experiments', column, { enableScripts: true });
      ExperimentsPanel.current = new ExperimentsPanel(panel, host, roots);
    } else {
      ExperimentsPanel.current.panel.reveal(undefined, false);
      ExperimentsPanel.current.refresh();
    }
    return ExperimentsPanel.current;
  }

  static revive(panel: vscode.WebviewPanel, host: PanelHost, roots: () => string[]): void {
    ExperimentsPanel.current?.dispose();
    ExperimentsPanel.current = new ExperimentsPanel(panel, host, roots);
  }

  private constructor(
    readonly panel: vscode.WebviewPanel,
    private readonly host: PanelHost,
    private readonly roots: () => string[],
  ) {
    panel.iconPath = vscode.Uri.joinPath(host.extensionUri, 'media', 'dtn.svg');
    panel.webview.options = { enableScripts: true, localResourceRoots: webviewRoots(host.extensionUri) };
    panel.webview.html = webviewHtml(panel.webview, host.extensionUri, {
      title: 'DTN Experiments',
      bundle: 'experiments',
      css: 'experiments.css',
    });
    this.disposables.push(
      panel.webview.onDidReceiveMessage((raw: unknown) => {
        const msg = parseMessage(ExperimentsOutSchema, raw);
        if (!msg) return this.host.log('DTN Experiments: ignored a malformed webview message');
        this.handle(msg);
      }),
      host.onDidChangeLive(() => this.refresh()),
      panel.onDidDispose(() => this.dispose()),
    );
  }

  /** Re-reads every run (a run started, ended, was renamed or deleted); sent at most once a second. */
  refresh(): void {
    if (!this.disposed) this.throttle.push();
  }

  private readRows(): ExperimentRow[] {
    const dirs = [...new Set(this.roots())].flatMap((r) => listRunDirs(r));
    this.metrics.keepOnly(dirs);
    const now = new Date();
    const rows = dirs.map((runDir) => {
      const live = this.host.liveFor(runDir);
      const lease = this.followed.get(runDir)?.lease;
      const snap = lease?.tailer.snapshot();
      const info = snap?.info ?? readRunInfoFile(runDir);
      const state = runState(runDir, info);
      const records = snap?.records ?? this.metrics.records(runDir);
      return experimentRow({ runDir, info, records, label: readRunLabel(runDir), config: readFlatConfig(runDir), state, live, now });
    });
    this.follow(rows.filter((r) => r.status === 'running').map((r) => r.runDir));
    return rows;
  }

  /** Holds a lease on exactly these runs (live ones); a new record or run.json change refreshes the table. */
  private follow(runDirs: string[]): void {
    for (const [d, f] of this.followed) {
      if (runDirs.includes(d)) continue;
      f.sub.dispose();
      f.lease.release();
      this.followed.delete(d);
    }
    for (const d of runDirs) {
      if (this.followed.has(d)) continue;
      const lease = this.host.feeds.acquire(d);
      this.followed.set(d, { lease, sub: lease.tailer.onEvent(() => this.refresh()) });
    }
  }

  private sendRows(): void {
    if (this.disposed) return;
    this.rows = this.readRows();
    const msg: ExperimentsIn = { type: 'rows', rows: this.rows };
    void this.panel.webview.postMessage(msg);
  }

  /** Only folders of rows this panel sent are acted on. */
  private known(dirs: readonly string[]): string[] {
    const listed = new Set(this.rows.map((r) => path.resolve(r.runDir)));
    return dirs.map((d) => path.resolve(d)).filter((d) => listed.has(d));
  }

  private handle(msg: ExperimentsOut): void {
    switch (msg.type) {
      case 'ready':
        this.throttle.flush();
        return this.sendRows();
      case 'open': {
        const [d] = this.known([msg.runDir]);
        if (d) void vscode.commands.executeCommand('dtn.openDashboard', d);
        return;
      }
      case 'rename':
      case 'editNotes': {
        const [d] = this.known([msg.runDir]);
        if (d) void vscode.commands.executeCommand(msg.type === 'rename' ? 'dtn.renameRun' : 'dtn.editRunNotes', d);
        return;
      }
      case 'compare': {
        const dirs = this.known(msg.runDirs);
        if (dirs.length) void vscode.commands.executeCommand('dtn.compareRuns', dirs[0], dirs);
        return;
      }
      case 'delete': {
        const dirs = this.known(msg.runDirs);
        if (dirs.length) void vscode.commands.executeCommand('dtn.deleteRun', dirs[0], dirs);
        return;
      }
    }
  }

  dispose(): void {
    if (this.disposed) return;
    this.disposed = true;
    this.throttle.dispose();
    clearInterval(this.poll);
    this.follow([]);
    for (const d of this.disposables) d.dispose();
    this.panel.dispose();
    if (ExperimentsPanel.current === this) ExperimentsPanel.current = undefined;
  }
}
