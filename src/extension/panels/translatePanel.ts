/**
 * The translation result panel: each input as the model saw it beside G(input), the checkpoint that
 * translated them, failures with their reason, and Save / Save As / Copy Path / another checkpoint.
 * It may load only its output folder (and the bundles); it acts only on outputs it showed.
 */
import * as fs from 'node:fs/promises';
import * as path from 'node:path';
import * as vscode from 'vscode';
import type { TranslateResult } from '../../shared/translateProtocol';
import {
  TranslateOutSchema,
  type TranslateFailure,
  type TranslateIn,
  type TranslatedItem,
  type UsedCheckpoint,
} from '../../shared/translatePanelProtocol';
import { parseMessage } from '../../shared/webviewProtocol';
import { nextToInput, shownItem } from './translatePaths';
import { webviewHtml, webviewRoots } from './webviewHtml';

export const TRANSLATE_VIEW_TYPE = 'dtn.translate';

export interface Translation {
  checkpoint: UsedCheckpoint;
  outDir: string;
  /** What was asked for (files, or one folder): translated again with another checkpoint. */
  inputs: string[];
  /** Names are relative to this folder (a translated folder); otherwise file names. */
  base?: string;
  results: TranslateResult[];
  partial?: { done: number; total: number };
}

export interface TranslatePanelHost {
  extensionUri: vscode.Uri;
  log(text: string): void;
  /** Asks for another checkpoint and translates these inputs again (the panel then shows the new result). */
  retranslate(t: Translation): Promise<void>;
}

export class TranslatePanel implements vscode.Disposable {
  static current: TranslatePanel | undefined;
  private shown: Translation | undefined;
  private items: TranslatedItem[] = [];
  private readonly disposables: vscode.Disposable[] = [];

  static show(host: TranslatePanelHost, t: Translation): TranslatePanel {
    if (!TranslatePanel.current) {
      const panel = vscode.window.createWebviewPanel(TRANSLATE_VIEW_TYPE, 'DTN Translation', vscode.ViewColumn.Beside, {
        enableScripts: true,
        localResourceRoots: webviewRoots(host.extensionUri),
      });
      TranslatePanel.current = new TranslatePanel(panel, host);
    } else {
      TranslatePanel.current.panel.reveal(undefined, true);
    }
    TranslatePanel.current.showTranslation(t);
    return TranslatePanel.current;
  }

  private constructor(
    readonly panel: vscode.WebviewPanel,
    private readonly host: TranslatePanelHost,
  ) {
    panel.iconPath = vscode.Uri.joinPath(host.extensionUri, 'media', 'dtn.svg');
    panel.webview.html = webviewHtml(panel.webview, host.extensionUri, {
      title: 'DTN Translation',
      bundle: 'translate',
      css: 'translate.css',
    });
    this.disposables.push(
      panel.webview.onDidReceiveMessage((raw: unknown) => void this.onMessage(raw)),
      panel.onDidDispose(() => this.dispose()),
    );
  }

  busy(text: string): void {
    this.post({ type: 'busy', text });
  }

  private showTranslation(t: Translation): void {
    this.shown = t;
    // Only this result's folder becomes loadable; a page that reloads asks for `show` again.
    this.panel.webview.options = {
      enableScripts: true,
      localResourceRoots: webviewRoots(this.host.extensionUri, [vscode.Uri.file(t.outDir)]),
    };
    const uri = (p: string) => this.panel.webview.asWebviewUri(vscode.Uri.file(p)).toString();
    const name = (input: string) => (t.base ? path.relative(t.base, input) : path.basename(input));
    this.items = t.results.flatMap((r) =>
      r.type === 'translated'
        ? [
            {
              name: name(r.input),
              input: r.input,
              output: r.output,
              outputUri: uri(r.output),
              ...(r.modelInput ? { inputUri: uri(r.modelInput) } : {}),
            },
          ]
        : [],
    );
    this.panel.title = `DTN Translation: ${t.checkpoint.runName ?? t.checkpoint.runId} @ ${t.checkpoint.step}`;
    this.sendShow();
  }

  private sendShow(): void {
    const t = this.shown;
    if (!t) return;
    const failures: TranslateFailure[] = t.results.flatMap((r) =>
      r.type === 'translate-failed' ? [{ name: path.basename(r.input), input: r.input, code: r.code, message: r.message }] : [],
    );
    this.post({ type: 'show', checkpoint: t.checkpoint, outDir: t.outDir, items: this.items, failures, partial: t.partial });
  }

  private post(msg: TranslateIn): void {
    void this.panel.webview.postMessage(msg);
  }

  private notice(text: string, level: 'info' | 'error' = 'info'): void {
    this.post({ type: 'notice', text, level });
  }

  private async onMessage(raw: unknown): Promise<void> {
    const msg = parseMessage(TranslateOutSchema, raw);
    if (!msg) return this.host.log('DTN Translation: ignored a malformed webview message');
    if (msg.type === 'ready') return this.sendShow();
    const t = this.shown;
    if (!t) return;
    if (msg.type === 'retranslate') return this.host.retranslate(t);
    const item = shownItem(this.items, t.outDir, msg.output);
    if (!item) return this.host.log(`DTN Translation: refused a request for ${msg.output}, which this panel did not show`);
    if (msg.type === 'copyPath') {
      await vscode.env.clipboard.writeText(item.output);
      return this.notice(`Copied ${item.output}`);
    }
    const next = nextToInput(item.input);
    let target: string | undefined = next;
    if (msg.type === 'saveAs') {
      const picked = await vscode.window.showSaveDialog({
        title: `DTN: Save the translation of ${item.name}`,
        defaultUri: vscode.Uri.file(next ?? path.join(path.dirname(item.input), path.basename(item.output))),
        filters: { 'PNG image': ['png'] },
      });
      target = picked?.fsPath;
    } else if (target && (await exists(target))) {
      const replace = await vscode.window.showWarningMessage(`${target} exists. Replace it?`, { modal: true }, 'Replace');
      if (replace !== 'Replace') return;
    }
    if (!target) return;
    if (path.resolve(target) === path.resolve(item.input)) return this.notice('Refused: that would replace the input image.', 'error');
    try {
      await fs.copyFile(item.output, target);
      this.notice(`Saved ${target}`);
    } catch (e) {
      this.notice(`Could not save ${target}: ${(e as Error).message}`, 'error');
    }
  }

  dispose(): void {
    if (TranslatePanel.current === this) TranslatePanel.current = undefined;
    for (const d of this.disposables.splice(0)) d.dispose();
    this.panel.dispose();
  }
}

async function exists(p: string): Promise<boolean> {
  return fs.stat(p).then(
    () => true,
    () => false,
  );
}
