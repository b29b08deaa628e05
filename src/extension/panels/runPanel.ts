/**
 * What the dashboard and the samples panel share: one webview panel that shows one run at a time,
 * follows it through a RunTailer lease, validates every message from its webview and re-sends
 * the whole picture whenever the webview (re)loads.
 */
import * as path from 'node:path';
import * as vscode from 'vscode';
import type { z } from 'zod';
import { listEvalReports } from '../../shared/node/evalReports';
import { runState } from '../../shared/node/runFiles';
import { readRunLabel, runDisplayName } from '../../shared/node/runLabelFile';
import { parseMessage, type RunSummary } from '../../shared/webviewProtocol';
import type { LiveRunState } from '../runs/liveRunState';
import { summarizeRun } from '../runs/liveRunState';
import type { RunFeeds, RunFeedLease } from '../runs/runFeeds';
import type { TailEvent } from '../runs/runTailer';
import { webviewHtml, webviewRoots } from './webviewHtml';
import { WebviewLoadWatch } from './webviewLoadWatch';

export interface PanelHost {
  extensionUri: vscode.Uri;
  feeds: RunFeeds;
  liveFor(runDir: string): LiveRunState | undefined;
  onDidChangeLive: vscode.Event<void>;
  log(text: string): void;
}

/** What the webview persists with setState and the serializer hands back after a reload. */
export interface PanelState {
  runDir?: string;
}

export abstract class RunPanel<Out extends { type: string }> implements vscode.Disposable {
  protected runDir: string | undefined;
  protected lease: RunFeedLease | undefined;
  private leaseSub: vscode.Disposable | undefined;
  private readonly disposables: vscode.Disposable[] = [];
  private disposed = false;

  constructor(
    readonly panel: vscode.WebviewPanel,
    protected readonly host: PanelHost,
    private readonly outSchema: z.ZodType<Out>,
    private readonly page: { title: string; bundle: string; css: string },
  ) {
    this.applyOptions();
    const load = () => (panel.webview.html = webviewHtml(panel.webview, host.extensionUri, page));
    load();
    const loading = new WebviewLoadWatch({
      reload: load,
      visible: () => panel.visible,
      log: (text) => host.log(`${page.title}: ${text}`),
      warn: (text) => void vscode.window.showWarningMessage(`${page.title}: ${text}`),
    });
    this.disposables.push(
      loading,
      panel.webview.onDidReceiveMessage((raw: unknown) => {
        const msg = parseMessage(this.outSchema, raw);
        if (!msg) return this.host.log(`${page.title}: ignored a malformed webview message`);
        if (msg.type === 'ready') {
          loading.ready();
          return this.sendInit();
        }
        this.handle(msg);
      }),
      host.onDidChangeLive(() => this.runDir && this.sendRun()),
      panel.onDidDispose(() => this.dispose()),
    );
  }

  /** Shows another run (or none); the webview gets a fresh `init`. */
  showRun(runDir: string | undefined): void {
    runDir = runDir && path.resolve(runDir);
    if (runDir === this.runDir && this.lease) return this.sendInit();
    this.leaseSub?.dispose();
    this.lease?.release();
    this.lease = undefined;
    this.runDir = runDir;
    this.resetRun();
    if (runDir) {
      this.lease = this.host.feeds.acquire(runDir);
      this.leaseSub = this.lease.tailer.onEvent((e) => this.onTail(e));
      this.panel.title = `${this.page.title}: ${runDisplayName(runDir)}`;
    } else {
      this.panel.title = this.page.title;
    }
    this.applyOptions();
    this.sendInit();
  }

  get shownRun(): string | undefined {
    return this.runDir;
  }

  protected summary(): RunSummary | undefined {
    if (!this.runDir || !this.lease) return undefined;
    const snap = this.lease.tailer.snapshot();
    const run = summarizeRun(
      this.runDir,
      snap.info,
      snap.records.at(-1)?.step,
      this.host.liveFor(this.runDir),
      runState(this.runDir, snap.info),
      readRunLabel(this.runDir),
    );
    const evaluations = listEvalReports(this.runDir).map(({ step, accuracy, fConstancy }) => ({ step, accuracy, fConstancy }));
    return evaluations.length ? { ...run, evaluations } : run;
  }

  /** Re-sends the run's summary (after something the tailer does not watch changed: an eval report, its name). */
  refreshRun(): void {
    if (this.runDir) this.panel.title = `${this.page.title}: ${runDisplayName(this.runDir)}`;
    this.sendRun();
  }

  protected post(msg: object): void {
    if (!this.disposed) void this.panel.webview.postMessage(msg);
  }

  private sendRun(): void {
    const run = this.summary();
    if (run) this.post({ type: 'run', run });
  }

  /** localResourceRoots stay narrow: bundles, css, and whatever the subclass adds for the shown run. */
  private applyOptions(): void {
    this.panel.webview.options = { enableScripts: true, localResourceRoots: webviewRoots(this.host.extensionUri, this.extraRoots()) };
  }

  protected extraRoots(): vscode.Uri[] {
    return [];
  }

  protected onTail(e: TailEvent): void {
    if (e.kind === 'info') this.sendRun();
  }

  protected abstract resetRun(): void;
  protected abstract sendInit(): void;
  protected abstract handle(msg: Out): void;

  dispose(): void {
    if (this.disposed) return;
    this.disposed = true;
    this.resetRun();
    this.leaseSub?.dispose();
    this.lease?.release();
    for (const d of this.disposables) d.dispose();
    this.panel.dispose();
    this.onDisposed();
  }

  protected onDisposed(): void {}
}
