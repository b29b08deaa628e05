/**
 * The editor's translation commands: images and folders from the explorer, the image editor and the
 * palette go to one warm `dtn serve` (WarmTranslator) for the chosen checkpoint, and the results to
 * the translation panel. tfjs runs only in that child process.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as vscode from 'vscode';
import { DtnError } from '../../shared/errors';
import { IMAGE_EXTENSIONS, isImageName } from '../../shared/imageFiles';
import { listRunDirs } from '../../shared/node/runFiles';
import type { TranslateResult } from '../../shared/translateProtocol';
import { TranslatePanel, type Translation } from '../panels/translatePanel';
import { backendSetting, runRoot, translatorIdleSeconds } from '../settings';
import { serveLaunch } from '../trainer/trainerLaunch';
import { launchContext } from '../trainer/trainerTask';
import { chooseCheckpoint, describeCheckpoint, runCheckpoints, runDirOfCheckpoint, type CheckpointChoice } from './checkpointChoice';
import { pickCheckpoint } from './checkpointPicker';
import { chunkRequests, imagesUnder } from './imageFiles';
import { TranslateClient } from './translateClient';
import { WarmTranslator } from './warmTranslator';

/** workspaceState key: the checkpoint last chosen for translation in this workspace. */
const CHOSEN = 'dtn.translateCheckpoint';
/** Files per request of a folder translation: Cancel waits for at most one of these. */
export const FOLDER_CHUNK = 16;

interface Log {
  info(text: string): void;
  show(): void;
}

/** What to translate: files into `outDir`, or every image under `base` mirrored into it. */
interface Job {
  inputs: string[];
  base?: string;
  outDir: string;
}

export class TranslationService implements vscode.Disposable {
  private readonly warm: WarmTranslator<TranslateClient>;

  constructor(
    private readonly context: vscode.ExtensionContext,
    private readonly log: Log,
  ) {
    this.warm = new WarmTranslator(
      (checkpoint) => {
        this.log.info(`translator: starting dtn serve for ${checkpoint}`);
        const cwd = workspaceDirOf(checkpoint) ?? runDirOfCheckpoint(checkpoint);
        return new TranslateClient(serveLaunch(launchContext(context.extensionUri, cwd), { checkpoint, backend: backendSetting() }));
      },
      () => 1000 * translatorIdleSeconds(),
    );
  }

  commands(): Record<string, (...args: unknown[]) => unknown> {
    return {
      'dtn.translateImage': async (arg, selection) => {
        let files = urisOf(arg, selection).filter(isImageName);
        if (files.length === 0) files = (await this.askForImages('Translate')) ?? [];
        if (files.length) await this.translate({ inputs: files, outDir: this.scratchDir(files[0]) });
      },
      'dtn.translateFolder': async (arg) => {
        const folder = urisOf(arg, undefined)[0] ?? (await askForFolder());
        const outDir = folder && (await pickOutputFolder(folder));
        if (folder && outDir) await this.translate({ inputs: [folder], base: folder, outDir });
      },
      'dtn.chooseTranslateCheckpoint': async () => {
        const c = await this.choose();
        if (c) void vscode.window.showInformationMessage(`DTN: images will be translated with ${describeCheckpoint(c)}.`);
        return c;
      },
      'dtn.translateWithCheckpoint': async (arg) => {
        const c = checkpointFromArg(arg);
        if (!c) return void vscode.window.showErrorMessage('DTN: pick a checkpoint in the Runs view.');
        const files = await this.askForImages(`Translate With Step ${c.step}`);
        if (!files?.length) return;
        await this.remember(c.path);
        await this.translate({ inputs: files, outDir: this.scratchDir(files[0]) }, { ...c, reason: 'chosen' });
      },
    };
  }

  /** The checkpoint for the next translation (see chooseCheckpoint). */
  current(): CheckpointChoice | undefined {
    return chooseCheckpoint(allRunDirs(), this.context.workspaceState.get<string>(CHOSEN));
  }

  /** A changed backend setting needs a new server. */
  restart(): Promise<void> {
    return this.warm.stop();
  }

  private async choose(): Promise<CheckpointChoice | undefined> {
    const c = await pickCheckpoint(allRunDirs(), this.current()?.path);
    if (!c) return undefined;
    await this.remember(c.path);
    return { ...c, reason: 'chosen' };
  }

  /** Remembers the choice; a warm server for another checkpoint is ended now rather than when idle. */
  private async remember(checkpoint: string): Promise<void> {
    await this.context.workspaceState.update(CHOSEN, checkpoint);
    const warm = this.warm.checkpoint;
    if (warm && path.resolve(warm) !== path.resolve(checkpoint)) await this.warm.stop();
  }

  private async translate(job: Job, checkpoint = this.current()): Promise<void> {
    if (!checkpoint) {
      const pick = await vscode.window.showErrorMessage('DTN: no checkpoint to translate with. Train a run first.', 'Start Training');
      if (pick) void vscode.commands.executeCommand('dtn.startTraining');
      return;
    }
    let t: Translation | undefined;
    try {
      t = await this.run(job, checkpoint);
    } catch (e) {
      return this.reportFailure(e, job);
    }
    if (!t) return;
    const host = {
      extensionUri: this.context.extensionUri,
      log: (s: string) => this.log.info(s),
      retranslate: (x: Translation) => this.again(x),
    };
    TranslatePanel.show(host, t);
    if (t.partial)
      void vscode.window.showInformationMessage(`DTN: cancelled after ${t.partial.done} of ${t.partial.total} images (in ${t.outDir}).`);
  }

  /** "Translate with Another Checkpoint": the same inputs, a new scratch folder. */
  private async again(t: Translation): Promise<void> {
    const c = await this.choose();
    if (!c) return;
    TranslatePanel.current?.busy(`Translating again with ${describeCheckpoint(c)}…`);
    await this.translate({ inputs: t.inputs, base: t.base, outDir: this.scratchDir(t.inputs[0]) }, c);
    TranslatePanel.current?.busy('');
  }

  /** Sends the work in requests of FOLDER_CHUNK files and stops sending when the user cancels. */
  private run(job: Job, checkpoint: CheckpointChoice): Thenable<Translation | undefined> {
    const files = job.base ? imagesUnder(job.base) : job.inputs;
    if (files.length === 0) {
      void vscode.window.showErrorMessage(`DTN: no images (${IMAGE_EXTENSIONS.join(' ')}) under ${job.base ?? job.inputs.join(', ')}.`);
      return Promise.resolve(undefined);
    }
    const requests = job.base ? chunkRequests(job.base, files, job.outDir, FOLDER_CHUNK) : [{ inputs: files, out: job.outDir }];
    const title = `DTN: translating ${files.length} image${files.length === 1 ? '' : 's'} with ${describeCheckpoint(checkpoint)}`;
    const location = vscode.ProgressLocation.Notification;
    return vscode.window.withProgress({ location, title, cancellable: requests.length > 1 }, async (progress, token) => {
      const warm = this.warm.checkpoint !== undefined && path.resolve(this.warm.checkpoint) === path.resolve(checkpoint.path);
      if (!warm) progress.report({ message: 'starting the translator…' });
      fs.mkdirSync(job.outDir, { recursive: true });
      const results: TranslateResult[] = [];
      let done = 0;
      await this.warm.use(checkpoint.path, async (client) => {
        await client.ready;
        for (const r of requests) {
          if (token.isCancellationRequested) break;
          const answer = await client.translate(r.inputs, r.out, undefined, true);
          results.push(...answer.results);
          done += r.inputs.length;
          progress.report({ increment: (100 * r.inputs.length) / files.length, message: `${done} / ${files.length}` });
        }
      });
      const partial = done < files.length ? { done, total: files.length } : undefined;
      return { checkpoint, outDir: job.outDir, inputs: job.inputs, base: job.base, results, partial };
    });
  }

  /** Branches on the trainer's error code, never its wording. */
  private async reportFailure(e: unknown, job: Job): Promise<void> {
    const code = e instanceof DtnError ? e.code : 'INTERNAL';
    const message = (e as Error)?.message ?? String(e);
    this.log.info(`translator: ${code}: ${message}`);
    const fixable = ['CHECKPOINT_MISSING', 'CHECKPOINT_CORRUPT', 'RUN_INVALID'].includes(code);
    const encoder = code === 'ENCODER_MISSING' || code === 'ENCODER_INVALID';
    const hint = encoder ? ' The run’s encoder f is needed to translate; pretrain it, or pick a run whose encoder is here.' : '';
    const actions = fixable || encoder ? ['Choose Checkpoint…', 'Show Log'] : ['Show Log'];
    const pick = await vscode.window.showErrorMessage(`DTN: translation failed: ${message}${hint}`, ...actions);
    if (pick === 'Show Log') this.log.show();
    if (pick === 'Choose Checkpoint…') {
      const c = await this.choose();
      if (c) await this.translate(job, c);
    }
  }

  private async askForImages(openLabel: string): Promise<string[] | undefined> {
    const picked = await vscode.window.showOpenDialog({
      canSelectFiles: true,
      canSelectMany: true,
      openLabel,
      title: 'DTN: images to translate',
      filters: { Images: IMAGE_EXTENSIONS.map((e) => e.slice(1)) },
    });
    return picked?.map((u) => u.fsPath);
  }

  /** A fresh `.dtn/translations/<time>` in the input's workspace folder (else the extension's storage). */
  private scratchDir(input: string): string {
    const ws = workspaceDirOf(input) ?? vscode.workspace.workspaceFolders?.[0]?.uri.fsPath;
    const root = ws ? path.join(ws, '.dtn', 'translations') : (this.context.storageUri ?? this.context.globalStorageUri).fsPath;
    fs.mkdirSync(root, { recursive: true });
    const stamp = new Date()
      .toISOString()
      .replace(/[-:]/g, '')
      .replace(/\.\d+Z$/, '')
      .replace('T', '-');
    return fs.mkdtempSync(path.join(root, `${stamp}-`));
  }

  dispose(): void {
    void this.warm.dispose();
  }

  /** Deactivation: waits (briefly) for the server to exit. */
  shutdown(): Promise<void> {
    return this.warm.stop();
  }
}

function allRunDirs(): string[] {
  const roots = [...new Set((vscode.workspace.workspaceFolders ?? []).map((f) => runRoot(f.uri.fsPath)))];
  return roots.flatMap((r) => listRunDirs(r));
}

function workspaceDirOf(p: string): string | undefined {
  return vscode.workspace.getWorkspaceFolder(vscode.Uri.file(p))?.uri.fsPath;
}

/** A command's (clicked, selected) URIs: the whole multi-selection when there is one. */
function urisOf(arg: unknown, selection: unknown): string[] {
  const one = (a: unknown) => (a instanceof vscode.Uri ? [a.fsPath] : typeof a === 'string' ? [a] : []);
  const sel = Array.isArray(selection) ? selection.flatMap(one) : [];
  return sel.length ? sel : one(arg);
}

/** A Runs-tree checkpoint node `{ kind: 'checkpoint', path }`, a checkpoint path, or its URI. */
function checkpointFromArg(arg: unknown) {
  const node = arg as { kind?: unknown; path?: unknown } | undefined;
  const p =
    arg instanceof vscode.Uri
      ? arg.fsPath
      : typeof arg === 'string'
        ? arg
        : node?.kind === 'checkpoint' && typeof node.path === 'string'
          ? node.path
          : undefined;
  if (!p) return undefined;
  return runCheckpoints(runDirOfCheckpoint(p)).find((c) => path.resolve(c.path) === path.resolve(p));
}

async function askForFolder(): Promise<string | undefined> {
  const picked = await vscode.window.showOpenDialog({
    canSelectFolders: true,
    canSelectFiles: false,
    title: 'DTN: folder of images to translate',
  });
  return picked?.[0]?.fsPath;
}

/** Where a folder's translations go: a sibling `<folder>-dtn` by default, or a folder the user picks. */
async function pickOutputFolder(folder: string): Promise<string | undefined> {
  const sibling = `${folder}-dtn`;
  const pick = await vscode.window.showQuickPick(
    [
      {
        label: path.basename(sibling),
        description: fs.existsSync(sibling) ? 'existing folder beside it' : 'new folder beside it',
        detail: sibling,
        dir: sibling,
      },
      { label: 'Choose a Folder…', dir: undefined },
    ],
    { title: `DTN: Translate Folder: where do the translations of ${path.basename(folder)} go?` },
  );
  if (!pick) return undefined;
  if (pick.dir) return pick.dir;
  const picked = await vscode.window.showOpenDialog({ canSelectFolders: true, canSelectFiles: false, openLabel: 'Put Translations Here' });
  return picked?.[0]?.fsPath;
}
