/** Host side of the sample preview: source -> G(source) grids of one run, newest first, rate-bounded. */
import * as path from 'node:path';
import * as vscode from 'vscode';
import { readSampleIndex, type StepFile } from '../../shared/node/runFiles';
import type { SampleIndex } from '../../shared/sampleIndex';
import { RUN_FILES } from '../../shared/node/runLayout';
import { SamplesOutSchema, type SampleRef, type SamplesIn, type SamplesOut } from '../../shared/webviewProtocol';
import type { TailEvent } from '../runs/runTailer';
import { sampleIntervalMs } from '../settings';
import { BatchingThrottle } from '../util/rateLimit';
import { RunPanel, type PanelHost } from './runPanel';

export const SAMPLES_VIEW_TYPE = 'dtn.samples';

export class SamplesPanel extends RunPanel<SamplesOut> {
  static current: SamplesPanel | undefined;
  /** Steps the webview has been told about, so each grid is announced once. */
  private sent = new Set<number>();
  private readonly fresh = new BatchingThrottle<StepFile>(sampleIntervalMs(), (files) => {
    if (!this.lease) return;
    this.send({ type: 'samples', runId: this.summary()!.runId, samples: files.map((f) => this.ref(f)), index: this.freshIndex() });
  });
  /** samples/index.json as last sent (JSON), so a changed one (a resume with other sources) is sent again. */
  private sentIndex = '';

  /** The step a checkpoint asked to see (Open Samples at This Step); cleared when another run is shown. */
  private selectStep: number | undefined;

  /** `step`: open at the grid of that step (or the nearest earlier one) rather than the newest. */
  static show(
    host: PanelHost,
    runDir: string | undefined,
    column: vscode.ViewColumn = vscode.ViewColumn.Beside,
    step?: number,
  ): SamplesPanel {
    if (!SamplesPanel.current) {
      const panel = vscode.window.createWebviewPanel(SAMPLES_VIEW_TYPE, 'DTN Samples', column, { enableScripts: true });
      SamplesPanel.current = new SamplesPanel(panel, host);
    } else {
      SamplesPanel.current.panel.reveal(undefined, true);
    }
    SamplesPanel.current.selectStep = step;
    SamplesPanel.current.showRun(runDir);
    return SamplesPanel.current;
  }

  static revive(panel: vscode.WebviewPanel, host: PanelHost, runDir: string | undefined): void {
    SamplesPanel.current?.dispose();
    SamplesPanel.current = new SamplesPanel(panel, host);
    SamplesPanel.current.showRun(runDir);
  }

  private constructor(panel: vscode.WebviewPanel, host: PanelHost) {
    super(panel, host, SamplesOutSchema, { title: 'DTN Samples', bundle: 'samples', css: 'samples.css' });
    panel.iconPath = vscode.Uri.joinPath(host.extensionUri, 'media', 'dtn.svg');
  }

  private send(msg: SamplesIn): void {
    this.post(msg);
  }

  private ref(f: StepFile): SampleRef {
    return { step: f.step, uri: this.panel.webview.asWebviewUri(vscode.Uri.file(f.path)).toString() };
  }

  protected override extraRoots(): vscode.Uri[] {
    return this.runDir ? [vscode.Uri.file(path.join(this.runDir, RUN_FILES.samples))] : [];
  }

  protected resetRun(): void {
    this.fresh.clear();
    this.sent = new Set();
    this.sentIndex = '';
  }

  /** The run's index when it differs from the one the webview has. */
  private freshIndex(): SampleIndex | undefined {
    const { index } = readSampleIndex(this.runDir!);
    const json = JSON.stringify(index ?? null);
    if (!index || json === this.sentIndex) return undefined;
    this.sentIndex = json;
    return index;
  }

  protected sendInit(): void {
    this.resetRun();
    const run = this.summary();
    if (!run) return this.send({ type: 'empty' });
    const samples = this.lease!.tailer.snapshot().samples;
    for (const s of samples) this.sent.add(s.step);
    const { index, problem } = readSampleIndex(this.runDir!);
    if (problem) this.host.log(`DTN Samples: ${problem}`);
    this.sentIndex = JSON.stringify(index ?? null);
    this.send({ type: 'init', run, samples: samples.map((s) => this.ref(s)), select: this.selectStep, index, indexProblem: problem });
  }

  protected override onTail(e: TailEvent): void {
    if (e.kind === 'samples') {
      const added = e.samples.filter((s) => !this.sent.has(s.step));
      for (const s of added) this.sent.add(s.step);
      // Pruned or rewritten samples (a resume): start over rather than patch.
      if (e.samples.length < this.sent.size) return this.sendInit();
      if (added.length) this.fresh.push(...added);
    } else if (e.kind === 'reset') {
      this.sendInit();
    } else {
      super.onTail(e);
    }
  }

  protected handle(msg: SamplesOut): void {
    if (msg.type === 'openDashboard') void vscode.commands.executeCommand('dtn.openDashboard', this.runDir);
    if (msg.type === 'openRun') void vscode.commands.executeCommand('dtn.openRun');
  }

  protected override onDisposed(): void {
    this.fresh.dispose();
    if (SamplesPanel.current === this) SamplesPanel.current = undefined;
  }
}
