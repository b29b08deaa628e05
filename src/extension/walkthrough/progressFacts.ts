/**
 * What the getting-started walkthrough ticks off, read from the workspace folders on disk: a
 * pretrained encoder f, a classifier, a run, a translation. Free of vscode so it is unit-tested;
 * extension.ts turns the facts into context keys (`dtn.has…`) the walkthrough's steps complete on.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { listEncoderFolders } from '../../shared/node/encoderFolders';
import { listRunDirs } from '../../shared/node/runFiles';
import { DEFAULT_CLASSIFIER_ROOT, TENSOR_MANIFEST } from '../../shared/node/runLayout';

export interface ProgressFacts {
  hasEncoder: boolean;
  hasClassifier: boolean;
  hasRun: boolean;
  hasTranslation: boolean;
}

/** Where Translate Image writes, in a workspace folder (translationService.ts). */
export const TRANSLATIONS_DIR = path.join('.dtn', 'translations');

function nonEmptyDirs(dir: string): string[] {
  try {
    return fs
      .readdirSync(dir, { withFileTypes: true })
      .filter((d) => d.isDirectory() && !d.name.startsWith('.'))
      .map((d) => path.join(dir, d.name));
  } catch {
    return [];
  }
}

export function progressFacts(workspaceDirs: readonly string[], runRootOf: (dir: string) => string): ProgressFacts {
  const any = (f: (dir: string) => boolean) => workspaceDirs.some(f);
  return {
    // A pretrained digits f (a registered model is the user's own, not this step's).
    hasEncoder: any((d) => listEncoderFolders(d).some((e) => e.kind === 'pretrained')),
    hasClassifier: any((d) =>
      nonEmptyDirs(path.join(d, DEFAULT_CLASSIFIER_ROOT)).some((c) => fs.existsSync(path.join(c, TENSOR_MANIFEST))),
    ),
    hasRun: any((d) => listRunDirs(runRootOf(d)).length > 0),
    hasTranslation: any((d) => nonEmptyDirs(path.join(d, TRANSLATIONS_DIR)).some((t) => fs.readdirSync(t).length > 0)),
  };
}
