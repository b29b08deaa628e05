/** The extension's settings (contributes.configuration in package.json), read in one place. */
import * as path from 'node:path';
import * as vscode from 'vscode';
import { BACKENDS, type BackendChoice } from '../shared/config';
import { DEFAULT_RUN_ROOT } from '../shared/node/runLayout';
import { parseThreadsChoice, type ThreadsChoice } from '../shared/threads';

export const SECTION = 'dtn';

function cfg() {
  return vscode.workspace.getConfiguration(SECTION);
}

/** undefined = let the config file decide (`backend` in *.dtn.json, itself `auto` by default). */
export function backendSetting(): BackendChoice | undefined {
  const v = cfg().get<string>('backend', 'fromConfig');
  return (BACKENDS as readonly string[]).includes(v) ? (v as BackendChoice) : undefined;
}

/** The wasm backend's threads; a value the settings editor flags as invalid counts as auto. */
export function threadsSetting(): ThreadsChoice {
  const parsed = parseThreadsChoice(cfg().get<string>('threads', 'auto') ?? 'auto');
  return 'threads' in parsed ? parsed.threads : 'auto';
}

/** Absolute run root for a workspace folder. */
export function runRoot(workspaceDir: string): string {
  const v = cfg().get<string>('runRoot', DEFAULT_RUN_ROOT) || DEFAULT_RUN_ROOT;
  return path.resolve(workspaceDir, v);
}

/** Least time between two sample-grid updates sent to the preview panel. */
export function sampleIntervalMs(): number {
  return Math.max(200, 1000 * cfg().get<number>('sampleInterval', 1));
}

export function chartSmoothing(): number {
  return Math.min(0.99, Math.max(0, cfg().get<number>('chartSmoothing', 0.6)));
}

export function openDashboardOnStart(): boolean {
  return cfg().get<boolean>('openDashboardOnStart', true);
}

/** Seconds the warm translator (`dtn serve`) stays up after its last request. */
export function translatorIdleSeconds(): number {
  return Math.max(10, cfg().get<number>('translatorIdleSeconds', 300));
}

/** A folder holding node_modules/@tensorflow/tfjs-node-gpu for the `tensorflow` backend; undefined when unset. */
export function tensorflowModules(): string | undefined {
  return cfg().get<string>('tensorflowModules', '') || undefined;
}
