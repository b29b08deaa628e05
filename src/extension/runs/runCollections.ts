/**
 * Sets of runs to compare, found on disk (no vscode here, so it is tested with mocha): the run
 * folders of an ablation (`dtn ablate` writes .dtn/ablations/<id>/<variant>/ plus ablation.md and
 * ablation.csv) or of a sweep (`dtn sweep` writes .dtn/sweeps/<id>/<run>/ plus sweep.json and
 * summary.md / summary.csv), any folder that holds run folders, and short distinct names for a set of runs.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { flattenConfig, type FlatConfig } from '../../shared/configDiff';
import { childPaths, isDir, isRunDir, readRunInfoFile } from '../../shared/node/runFiles';
import { RUN_FILES } from '../../shared/node/runLayout';
import { readRunLabel } from '../../shared/node/runLabelFile';
import { SWEEP_FILES, SweepFileSchema, countStates, type SweepFile, type SweepRunState } from '../../shared/sweep';

export const ABLATION_FILES = { markdown: 'ablation.md', csv: 'ablation.csv' } as const;

/** sweep.json of a sweep folder, validated; undefined when absent or not a valid sweep file. */
export function readSweepSpec(dir: string): SweepFile | undefined {
  try {
    const r = SweepFileSchema.safeParse(JSON.parse(fs.readFileSync(path.join(dir, SWEEP_FILES.spec), 'utf8')));
    return r.success ? r.data : undefined;
  } catch {
    return undefined;
  }
}

/** Run folder names in their planned order: a sweep's runs as sweep.json lists them, an ablation's variants as ablation.csv does. */
function plannedOrder(dir: string): string[] {
  const sweep = readSweepSpec(dir);
  if (sweep) return sweep.runs.map((r) => r.name);
  try {
    return fs
      .readFileSync(path.join(dir, ABLATION_FILES.csv), 'utf8')
      .split('\n')
      .slice(1)
      .map((l) => l.split(',')[0]?.trim())
      .filter((id): id is string => Boolean(id));
  } catch {
    return [];
  }
}

/**
 * Run folders directly inside `dir`: an ablation's variants in its table's order (variants still
 * training come after, by start time), a sweep's runs in its plan's order, otherwise oldest first.
 * A run folder itself has none.
 */
export function childRunDirs(dir: string): string[] {
  if (isRunDir(dir)) return [];
  const runs = childPaths(dir).filter((d) => isDir(d) && isRunDir(d));
  const order = plannedOrder(dir);
  const rank = (d: string) => {
    const i = order.indexOf(path.basename(d));
    return i < 0 ? order.length : i;
  };
  const started = (d: string) => readRunInfoFile(d)?.createdAt ?? '';
  return runs.sort((a, b) => rank(a) - rank(b) || started(a).localeCompare(started(b)) || a.localeCompare(b));
}

/** A folder `dtn ablate` wrote (or is writing): its report, or run folders inside an ablations root. */
export function isAblationDir(dir: string): boolean {
  if (isRunDir(dir) || !isDir(dir)) return false;
  if (fs.existsSync(path.join(dir, ABLATION_FILES.markdown)) || fs.existsSync(path.join(dir, ABLATION_FILES.csv))) return true;
  return path.basename(path.dirname(dir)) === 'ablations' && childRunDirs(dir).length > 0;
}

export interface AblationFolder {
  dir: string;
  id: string;
  variants: string[];
  /** ablation.md exists: the ablation finished. */
  finished: boolean;
}

/** Ablations under a root (e.g. <workspace>/.dtn/ablations), newest first (ids start with a timestamp). */
export function listAblations(root: string): AblationFolder[] {
  return childPaths(root)
    .filter((d) => isAblationDir(d))
    .map((dir) => ({
      dir,
      id: path.basename(dir),
      variants: childRunDirs(dir),
      finished: fs.existsSync(path.join(dir, ABLATION_FILES.markdown)),
    }))
    .filter((a) => a.variants.length > 0)
    .sort((a, b) => b.id.localeCompare(a.id));
}

/** A folder `dtn sweep` wrote (or is writing): it holds sweep.json. */
export function isSweepDir(dir: string): boolean {
  return !isRunDir(dir) && isDir(dir) && fs.existsSync(path.join(dir, SWEEP_FILES.spec));
}

export interface SweepFolder {
  dir: string;
  id: string;
  /** Its run folders that exist (a run not started yet has none). */
  runs: string[];
  /** Runs by state, from sweep.json (undefined when it cannot be read). */
  states?: Record<SweepRunState, number>;
  /** Every run completed or failed. */
  finished: boolean;
}

/** Sweeps under a root (e.g. <workspace>/.dtn/sweeps), newest first (ids start with a timestamp). */
export function listSweeps(root: string): SweepFolder[] {
  return childPaths(root)
    .filter((d) => isSweepDir(d))
    .map((dir) => {
      const spec = readSweepSpec(dir);
      const states = spec && countStates(spec.runs);
      return {
        dir,
        id: path.basename(dir),
        runs: childRunDirs(dir),
        states,
        finished: states !== undefined && states.completed + states.failed === spec!.runs.length,
      };
    })
    .sort((a, b) => b.id.localeCompare(a.id));
}

/** "4 completed · 1 failed · 1 pending" */
export function sweepStatesText(s: SweepFolder): string {
  if (!s.states) return 'sweep.json unreadable';
  return Object.entries(s.states)
    .filter(([, n]) => n > 0)
    .map(([state, n]) => `${n} ${state}`)
    .join(' · ');
}

/**
 * What the user picked, as run folders: run folders as they are, folders of runs (an ablation,
 * a run root) expanded into their runs. Duplicates go; the first occurrence keeps its place.
 */
export function expandToRuns(dirs: readonly string[]): string[] {
  const out: string[] = [];
  const seen = new Set<string>();
  for (const d of dirs) {
    const abs = path.resolve(d);
    for (const r of isRunDir(abs) ? [abs] : childRunDirs(abs)) {
      if (!seen.has(r)) {
        seen.add(r);
        out.push(r);
      }
    }
  }
  return out;
}

/** Folder names, made unique by prefixing parent folders where two runs share a name (two ablations' `full`). */
export function runLabels(runDirs: readonly string[]): string[] {
  const parts = runDirs.map((d) => path.resolve(d).split(path.sep).filter(Boolean));
  const depth = runDirs.map(() => 1);
  for (let round = 0; round < 8; round++) {
    const labels = parts.map((p, i) => p.slice(-depth[i]).join('/'));
    const counts = new Map<string, number>();
    for (const l of labels) counts.set(l, (counts.get(l) ?? 0) + 1);
    let clash = false;
    labels.forEach((l, i) => {
      if (counts.get(l)! > 1 && depth[i] < parts[i].length) {
        depth[i]++;
        clash = true;
      }
    });
    if (!clash) return labels;
  }
  return parts.map((p, i) => p.slice(-depth[i]).join('/'));
}

/**
 * What each run is called in a comparison or table: its name (label.json), else its folder's id;
 * where two runs share a name, the folder label (runLabels) is added to tell them apart.
 */
export function runNames(runDirs: readonly string[]): string[] {
  const names = runDirs.map((d) => readRunLabel(d)?.name);
  const folders = runLabels(runDirs);
  const shown = names.map((n, i) => n ?? folders[i]);
  const counts = new Map<string, number>();
  for (const s of shown) counts.set(s, (counts.get(s) ?? 0) + 1);
  return shown.map((s, i) => (counts.get(s)! > 1 && names[i] !== undefined ? `${s} (${folders[i]})` : s));
}

/** The run's config.json flattened into dotted keys; undefined when missing or not JSON. */
export function readFlatConfig(runDir: string): FlatConfig | undefined {
  try {
    const raw: unknown = JSON.parse(fs.readFileSync(path.join(runDir, RUN_FILES.config), 'utf8'));
    return raw && typeof raw === 'object' && !Array.isArray(raw) ? flattenConfig(raw) : undefined;
  } catch {
    return undefined;
  }
}

/**
 * What the Runs view shows of the ablation and sweep folders under `roots`, in a few stat calls: their
 * names, their run folders, and the times of the files that change as they go (sweep.json, the
 * ablation report). A change means the view is stale; the view polls it because a file watcher may
 * miss a folder a CLI created after the window opened.
 */
export function collectionsSignature(roots: readonly string[]): string {
  const mtime = (f: string) => {
    try {
      return fs.statSync(f).mtimeMs;
    } catch {
      return 0;
    }
  };
  return roots
    .flatMap((root) =>
      childPaths(root).map(
        (d) => `${d}:${childPaths(d).length}:${mtime(path.join(d, SWEEP_FILES.spec))}:${mtime(path.join(d, ABLATION_FILES.markdown))}`,
      ),
    )
    .join('|');
}
