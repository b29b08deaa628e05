/**
 * Host side of the comparison panel: several runs (live or finished) on the same charts, and a
 * table of their results and config differences. Each run is followed through the shared RunFeeds
 * (one RunTailer per run folder, whoever shows it); new records of all runs go to the webview in
 * one batched, rate-bounded message. A comparison opened from a folder of runs (an ablation, a
 * sweep) picks up runs that `dtn ablate` or `dtn sweep` starts later.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as vscode from 'vscode';
import type { FlatConfig } from '../../shared/configDiff';
import type { MetricsRecord } from '../../shared/protocol';
import { isRunDir, readSampleIndex, runState, type StepFile } from '../../shared/node/runFiles';
import { RUN_FILES } from '../../shared/node/runLayout';
import { readRunLabel } from '../../shared/node/runLabelFile';
import {
  CompareOutSchema,
  parseMessage,
  type CompareIn,
  type CompareOut,
  type CompareRun,
  type RunSummary,
  type SampleRef,
} from '../../shared/webviewProtocol';
import { chartSmoothing } from '../settings';
import { summarizeRun } from '../runs/liveRunState';
import { SWEEP_FILES } from '../../shared/sweep';
import { ABLATION_FILES, childRunDirs, isAblationDir, isSweepDir, readFlatConfig, runNames } from '../runs/runCollections';
import type { RunFeedLease } from '../runs/runFeeds';
import type { TailEvent } from '../runs/runTailer';
import { BatchingThrottle } from '../util/rateLimit';
import type { PanelHost } from './runPanel';
import { webviewHtml, webviewRoots } from './webviewHtml';

export const COMPARE_VIEW_TYPE = 'dtn.compare';
/** Charts redraw at most this often, however many runs log and however fast (as the dashboard). */
const RECORDS_INTERVAL_MS = 250;
/** How often a folder of runs (an ablation in progress) is checked for runs that started since. */
const RESCAN_MS = 2000;

/** What the webview persists with setState and the serializer hands back after a reload. */
export interface CompareState {
  runDirs?: unknown;
  source?: unknown;
}

interface Followed {
  runDir: string;
  lease: RunFeedLease;
  sub: { dispose(): void };
  config: FlatConfig | undefined;
}

export class ComparePanel implements vscode.Disposable {
  static current: ComparePanel | undefined;
  private runs: Followed[] = [];
  private source: string | undefined;
  /** Runs the user removed from a folder comparison: a rescan does not bring them back. */
  private removed = new Set<string>();
  private rescanTimer: ReturnType<typeof setInterval> | undefined;
  private readonly disposables: vscode.Disposable[] = [];
  private disposed = false;
  private readonly pending = new BatchingThrottle<{ runDir: string; record: MetricsRecord }>(RECORDS_INTERVAL_MS, (items) => {
    const byRun = new Map<string, MetricsRecord[]>();
    for (const { runDir, record } of items) {
      if (!byRun.has(runDir)) byRun.set(runDir, []);
      byRun.get(runDir)!.push(record);
    }
    this.send({ type: 'records', batches: [...byRun].map(([runDir, records]) => ({ runDir, records })) });
  });

  /** Shows these runs (a folder of runs, `source`, also brings the runs it gains later). */
  static show(host: PanelHost, runDirs: string[], source?: string, column = vscode.ViewColumn.Active): ComparePanel {
    if (!ComparePanel.current) {
      const panel = vscode.window.createWebviewPanel(COMPARE_VIEW_TYPE, 'DTN Compare', column, { enableScripts: true });
      ComparePanel.current = new ComparePanel(panel, host);
    } else {
      ComparePanel.current.panel.reveal(undefined, false);
    }
    ComparePanel.current.setRuns(runDirs, source);
    return ComparePanel.current;
  }

  /** After a window reload: the webview's state names the runs (and the folder they came from). */
  static revive(panel: vscode.WebviewPanel, host: PanelHost, state: CompareState | undefined): void {
    ComparePanel.current?.dispose();
    const runDirs = Array.isArray(state?.runDirs) ? state.runDirs.filter((d): d is string => typeof d === 'string' && isRunDir(d)) : [];
    const source = typeof state?.source === 'string' && fs.existsSync(state.source) ? state.source : undefined;
    ComparePanel.current = new ComparePanel(panel, host);
    ComparePanel.current.setRuns(runDirs, source);
  }

  private constructor(
    readonly panel: vscode.WebviewPanel,
    private readonly host: PanelHost,
  ) {
    panel.iconPath = vscode.Uri.joinPath(host.extensionUri, 'media', 'dtn.svg');
    panel.webview.options = { enableScripts: true, localResourceRoots: webviewRoots(host.extensionUri) };
    panel.webview.html = webviewHtml(panel.webview, host.extensionUri, { title: 'DTN Compare', bundle: 'compare', css: 'compare.css' });
    this.disposables.push(
      panel.webview.onDidReceiveMessage((raw: unknown) => {
        const msg = parseMessage(CompareOutSchema, raw);
        if (!msg) return this.host.log('DTN Compare: ignored a malformed webview message');
        this.handle(msg);
      }),
      host.onDidChangeLive(() => {
        for (const r of this.runs) this.send({ type: 'run', run: this.summary(r) });
      }),
      panel.onDidDispose(() => this.dispose()),
    );
  }

  get shownRuns(): string[] {
    return this.runs.map((r) => r.runDir);
  }

  /** Replaces the compared runs; the webview gets a fresh `init`. */
  setRuns(runDirs: readonly string[], source?: string): void {
    const wanted = [...new Set(runDirs.map((d) => path.resolve(d)))];
    const keep = new Map(this.runs.map((r) => [r.runDir, r]));
    for (const r of this.runs) if (!wanted.includes(r.runDir)) this.unfollow(r);
    this.runs = wanted.map((d) => keep.get(d) ?? this.follow(d));
    this.source = source && path.resolve(source);
    this.removed.clear();
    if (this.rescanTimer) clearInterval(this.rescanTimer);
    this.rescanTimer = this.source ? setInterval(() => this.rescan(), RESCAN_MS) : undefined;
    this.updateTitle();
    this.applyOptions();
    this.sendInit();
  }

  /** The webview may load the sample grids of the compared runs, and nothing else of theirs. */
  private applyOptions(): void {
    const samples = this.runs.map((r) => vscode.Uri.file(path.join(r.runDir, RUN_FILES.samples)));
    this.panel.webview.options = { enableScripts: true, localResourceRoots: webviewRoots(this.host.extensionUri, samples) };
  }

  private sampleRefs(files: readonly StepFile[]): SampleRef[] {
    return files.map((f) => ({ step: f.step, uri: this.panel.webview.asWebviewUri(vscode.Uri.file(f.path)).toString() }));
  }

  private follow(runDir: string): Followed {
    const lease = this.host.feeds.acquire(runDir);
    const f: Followed = { runDir, lease, sub: { dispose() {} }, config: readFlatConfig(runDir) };
    f.sub = lease.tailer.onEvent((e) => this.onTail(f, e));
    return f;
  }

  private unfollow(f: Followed): void {
    f.sub.dispose();
    f.lease.release();
  }

  private rescan(): void {
    if (!this.source) return;
    const fresh = childRunDirs(this.source).filter((d) => !this.removed.has(d) && !this.runs.some((r) => r.runDir === d));
    if (fresh.length === 0) return;
    this.runs.push(...fresh.map((d) => this.follow(d)));
    this.updateTitle();
    this.applyOptions();
    this.sendInit();
  }

  /** A run's name changed: labels are part of the whole picture. */
  refresh(): void {
    this.sendInit();
  }

  private updateTitle(): void {
    const n = this.runs.length;
    const kind = this.sourceKind();
    this.panel.title =
      this.source && kind !== 'Runs in' ? `DTN ${kind}: ${path.basename(this.source)}` : `DTN Compare: ${n} run${n === 1 ? '' : 's'}`;
  }

  private sourceKind(): 'Ablation' | 'Sweep' | 'Runs in' {
    if (this.source === undefined) return 'Runs in';
    return isAblationDir(this.source) ? 'Ablation' : isSweepDir(this.source) ? 'Sweep' : 'Runs in';
  }

  /** The report of the folder of runs: a sweep's summary.md, an ablation's ablation.md. */
  private reportName(): string {
    return this.sourceKind() === 'Sweep' ? SWEEP_FILES.markdown : ABLATION_FILES.markdown;
  }

  private summary(f: Followed): RunSummary {
    const snap = f.lease.tailer.snapshot();
    const live = this.host.liveFor(f.runDir);
    return summarizeRun(f.runDir, snap.info, snap.records.at(-1)?.step, live, runState(f.runDir, snap.info), readRunLabel(f.runDir));
  }

  private onTail(f: Followed, e: TailEvent): void {
    if (e.kind === 'records') {
      this.pending.push(...e.records.map((record) => ({ runDir: f.runDir, record })));
    } else if (e.kind === 'reset') {
      this.sendInit();
    } else if (e.kind === 'samples') {
      this.send({ type: 'samples', runDir: f.runDir, samples: this.sampleRefs(e.samples), sampleIndex: readSampleIndex(f.runDir).index });
    } else if (e.kind === 'info') {
      f.config ??= readFlatConfig(f.runDir);
      this.send({ type: 'run', run: this.summary(f) });
    }
  }

  private sendInit(): void {
    // Records gathered before this point are in the snapshots below.
    this.pending.clear();
    if (this.runs.length === 0) return this.send({ type: 'empty' });
    const labels = runNames(this.shownRuns);
    const runs: CompareRun[] = this.runs.map((f, i) => ({
      label: labels[i],
      run: this.summary(f),
      records: f.lease.tailer.snapshot().records,
      config: f.config,
      samples: this.sampleRefs(f.lease.tailer.snapshot().samples),
      sampleIndex: readSampleIndex(f.runDir).index,
    }));
    const kind = this.sourceKind();
    const reportName = this.reportName();
    this.send({
      type: 'init',
      title: this.source ? `${kind} ${path.basename(this.source)}` : `${runs.length} run${runs.length === 1 ? '' : 's'}`,
      runs,
      smoothing: chartSmoothing(),
      source: this.source
        ? {
            dir: this.source,
            ablation: kind === 'Ablation',
            report: fs.existsSync(path.join(this.source, reportName)),
            reportName,
          }
        : undefined,
    });
  }

  private handle(msg: CompareOut): void {
    switch (msg.type) {
      case 'ready':
        return this.sendInit();
      case 'openDashboard': {
        // The webview is an untrusted boundary: only a run of this comparison opens.
        const f = this.runs.find((r) => r.runDir === msg.runDir);
        if (f) void vscode.commands.executeCommand('dtn.openDashboard', f.runDir);
        return;
      }
      case 'remove': {
        const f = this.runs.find((r) => r.runDir === msg.runDir);
        if (!f) return;
        this.unfollow(f);
        this.runs = this.runs.filter((r) => r !== f);
        this.removed.add(f.runDir);
        this.updateTitle();
        this.applyOptions();
        return this.sendInit();
      }
      case 'pickRuns':
        void vscode.commands.executeCommand('dtn.compareRuns');
        return;
      case 'openReport': {
        if (!this.source) return;
        const report = vscode.Uri.file(path.join(this.source, this.reportName()));
        void vscode.commands.executeCommand('markdown.showPreview', report).then(undefined, () => vscode.window.showTextDocument(report));
        return;
      }
    }
  }

  private send(msg: CompareIn): void {
    if (!this.disposed) void this.panel.webview.postMessage(msg);
  }

  dispose(): void {
    if (this.disposed) return;
    this.disposed = true;
    this.pending.dispose();
    if (this.rescanTimer) clearInterval(this.rescanTimer);
    for (const r of this.runs) this.unfollow(r);
    this.runs = [];
    for (const d of this.disposables) d.dispose();
    this.panel.dispose();
    if (ComparePanel.current === this) ComparePanel.current = undefined;
  }
}
