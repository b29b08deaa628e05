/**
 * Choosing runs to compare: a multi-select quick pick over the run folders of the workspace, the
 * ablations (`dtn ablate` output) and sweeps (`dtn sweep` output) — all of one in one item, or each
 * run on its own — and whatever the panels show; a title-bar button browses for folders elsewhere.
 * Ablation and sweep pickers too.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as vscode from 'vscode';
import { listRunDirs, readMetricsFile, readRunInfoFile, runState } from '../../shared/node/runFiles';
import { DEFAULT_ABLATION_ROOT, DEFAULT_SWEEP_ROOT } from '../../shared/node/runLayout';
import { ABLATION_FILES, expandToRuns, listAblations, listSweeps, sweepStatesText, type AblationFolder } from './runCollections';
import { runRoot } from '../settings';

/** What to compare: run folders, and the folder they came from when it was one folder of runs. */
export interface ComparePick {
  runDirs: string[];
  source?: string;
}

/** `collection`: the ablation or sweep folder an "all runs" item stands for. */
type Item = vscode.QuickPickItem & { runDirs?: string[]; collection?: string };

export function ablationRoots(): string[] {
  return (vscode.workspace.workspaceFolders ?? []).map((f) => path.resolve(f.uri.fsPath, DEFAULT_ABLATION_ROOT));
}

export function sweepRoots(): string[] {
  return [...new Set((vscode.workspace.workspaceFolders ?? []).map((f) => path.resolve(f.uri.fsPath, DEFAULT_SWEEP_ROOT)))];
}

function runRoots(): string[] {
  return [...new Set((vscode.workspace.workspaceFolders ?? []).map((f) => runRoot(f.uri.fsPath)))];
}

function runDescription(runDir: string): string {
  const info = readRunInfoFile(runDir);
  const last = info?.lastStep ?? readMetricsFile(runDir).at(-1)?.step ?? 0;
  const status = runState(runDir, info).status ?? 'unknown';
  return `${status} · step ${last}/${info?.totalSteps ?? '?'}${info?.backend ? ` · ${info.backend}` : ''}`;
}

/** "full 46.9% · no-tid 31.2% · …" from ablation.csv, when the ablation finished. */
export function ablationDetail(a: AblationFolder): string {
  try {
    const rows = fs.readFileSync(path.join(a.dir, ABLATION_FILES.csv), 'utf8').trim().split('\n').slice(1);
    return rows
      .map((l) => l.split(','))
      .map((c) => `${c[0]} ${(Number(c.at(-2)) * 100).toFixed(1)}%`)
      .join(' · ');
  } catch {
    return 'in progress (no ablation.csv yet)';
  }
}

async function browse(title: string): Promise<string[] | undefined> {
  const folder = vscode.workspace.workspaceFolders?.[0]?.uri.fsPath;
  const picked = await vscode.window.showOpenDialog({
    canSelectFolders: true,
    canSelectFiles: false,
    canSelectMany: true,
    openLabel: 'Compare',
    title,
    defaultUri: folder ? vscode.Uri.file(path.join(folder, '.dtn')) : undefined,
  });
  return picked?.map((u) => u.fsPath);
}

const browseButton: vscode.QuickInputButton = {
  iconPath: new vscode.ThemeIcon('folder-opened'),
  tooltip: 'Browse for run folders (or an ablation folder)…',
};

/** A multi-select pick of runs; `preselected` run folders start ticked. */
export async function pickRunsToCompare(preselected: readonly string[]): Promise<ComparePick | undefined> {
  const ticked = new Set(preselected.map((d) => path.resolve(d)));
  const items: Item[] = [];
  const listed = new Set<string>();
  const runItem = (runDir: string): Item => {
    listed.add(runDir);
    return { label: readRunInfoFile(runDir)?.runId ?? path.basename(runDir), description: runDescription(runDir), runDirs: [runDir] };
  };
  const runs = runRoots().flatMap((r) => listRunDirs(r));
  if (runs.length) items.push({ label: 'Runs', kind: vscode.QuickPickItemKind.Separator }, ...runs.map(runItem));
  for (const a of ablationRoots().flatMap((r) => listAblations(r))) {
    items.push(
      { label: `Ablation ${a.id}`, kind: vscode.QuickPickItemKind.Separator },
      {
        label: `$(beaker) all ${a.variants.length} variants`,
        description: a.finished ? 'ablation' : 'ablation in progress',
        detail: ablationDetail(a),
        runDirs: a.variants,
        collection: a.dir,
      },
      ...a.variants.map((v) => ({ ...runItem(v), label: `$(blank) ${path.basename(v)}` })),
    );
  }
  for (const s of sweepRoots().flatMap((r) => listSweeps(r))) {
    if (s.runs.length === 0) continue;
    items.push(
      { label: `Sweep ${s.id}`, kind: vscode.QuickPickItemKind.Separator },
      {
        label: `$(layers) all ${s.runs.length} runs`,
        description: s.finished ? 'sweep' : 'sweep in progress',
        detail: sweepStatesText(s),
        runDirs: s.runs,
        collection: s.dir,
      },
      ...s.runs.map((v) => ({ ...runItem(v), label: `$(blank) ${path.basename(v)}` })),
    );
  }
  const others = [...ticked].filter((d) => !listed.has(d));
  if (others.length) items.push({ label: 'Open in panels', kind: vscode.QuickPickItemKind.Separator }, ...others.map(runItem));
  if (!items.some((i) => i.runDirs)) {
    const dirs = await browse('DTN: Compare Runs — no runs in this workspace; pick run folders');
    return dirs && { runDirs: expandToRuns(dirs), source: dirs.length === 1 ? dirs[0] : undefined };
  }

  const qp = vscode.window.createQuickPick<Item>();
  qp.title = 'DTN: Compare Runs';
  qp.placeholder = 'Tick the runs to compare (an ablation item ticks all its variants)';
  qp.canSelectMany = true;
  qp.matchOnDescription = true;
  qp.items = items;
  qp.selectedItems = items.filter((i) => i.runDirs?.length === 1 && ticked.has(i.runDirs[0]));
  qp.buttons = [browseButton];
  return new Promise<ComparePick | undefined>((resolve) => {
    let done = false;
    const finish = (v: ComparePick | undefined) => {
      if (done) return;
      done = true;
      resolve(v);
      qp.dispose();
    };
    qp.onDidTriggerButton(async () => {
      done = true;
      qp.hide();
      const dirs = await browse('DTN: Compare Runs — pick run folders, or one folder of runs (an ablation)');
      resolve(dirs?.length ? { runDirs: expandToRuns(dirs), source: dirs.length === 1 ? dirs[0] : undefined } : undefined);
      qp.dispose();
    });
    qp.onDidAccept(() => {
      const sel = qp.selectedItems;
      const runDirs = expandToRuns(sel.flatMap((i) => i.runDirs ?? []));
      const collections = sel.filter((i) => i.collection);
      // Exactly one ablation or sweep (and nothing outside it): follow the folder, so later runs join.
      const only = collections.length === 1 && sel.every((i) => i.collection || collections[0].runDirs!.includes(i.runDirs![0]));
      finish(runDirs.length ? { runDirs, source: only ? collections[0].collection : undefined } : undefined);
    });
    qp.onDidHide(() => finish(undefined));
    qp.show();
  });
}

interface FolderChoice {
  label: string;
  description: string;
  detail: string;
  dir: string;
}

interface FolderKind {
  /** Ablation, Sweep */
  title: string;
  /** an ablation, a sweep */
  noun: string;
  /** The command that writes such folders. */
  writer: string;
}

/** Picks one folder of runs from `choices`, or browses for one; `none` is said when there is no choice. */
async function pickFolderOfRuns(kind: FolderKind, choices: FolderChoice[], none: string): Promise<string | undefined> {
  const browseTitle = `DTN: Open ${kind.title}… (a folder written by ${kind.writer})`;
  if (choices.length === 0) {
    const choice = await vscode.window.showInformationMessage(none, 'Browse…');
    if (choice !== 'Browse…') return undefined;
    return (await browse(browseTitle))?.[0];
  }
  const qp = vscode.window.createQuickPick<vscode.QuickPickItem & { dir: string }>();
  qp.title = `DTN: Open ${kind.title}`;
  qp.placeholder = `Pick ${kind.noun} to compare its runs`;
  qp.items = choices;
  qp.buttons = [{ ...browseButton, tooltip: `Browse for ${kind.noun} folder…` }];
  return new Promise((resolve) => {
    let done = false;
    qp.onDidTriggerButton(async () => {
      done = true;
      qp.hide();
      resolve((await browse(browseTitle))?.[0]);
      qp.dispose();
    });
    qp.onDidAccept(() => {
      done = true;
      resolve(qp.selectedItems[0]?.dir);
      qp.dispose();
    });
    qp.onDidHide(() => {
      if (!done) resolve(undefined);
      qp.dispose();
    });
    qp.show();
  });
}

/** Picks one ablation of the workspace (or browses for one). */
export function pickAblation(): Promise<string | undefined> {
  const choices = ablationRoots()
    .flatMap((r) => listAblations(r))
    .map((a) => ({
      label: `$(beaker) ${a.id}`,
      description: `${a.variants.length} variants${a.finished ? '' : ' · in progress'}`,
      detail: ablationDetail(a),
      dir: a.dir,
    }));
  return pickFolderOfRuns(
    { title: 'Ablation', noun: 'an ablation', writer: 'dtn ablate' },
    choices,
    "DTN: no ablations in .dtn/ablations yet. Run `dtn ablate --preset digits` (the paper's ablation table), or pick a folder.",
  );
}

/** Picks one sweep of the workspace (or browses for one). */
export function pickSweep(): Promise<string | undefined> {
  const choices = sweepRoots()
    .flatMap((r) => listSweeps(r))
    .map((s) => ({
      label: `$(layers) ${s.id}`,
      description: `${s.runs.length} runs${s.finished ? '' : ' · in progress or stopped'}`,
      detail: sweepStatesText(s),
      dir: s.dir,
    }));
  return pickFolderOfRuns(
    { title: 'Sweep', noun: 'a sweep', writer: 'dtn sweep' },
    choices,
    'DTN: no sweeps in .dtn/sweeps yet. Run `dtn sweep --preset digits-quick --seeds 1,2,3 --set train.emaDecay=0,0.99`, or pick a folder.',
  );
}
