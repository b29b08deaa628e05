/**
 * What activate() returns (`vscode.extensions.getExtension('dtn-studio.dtn-studio').exports`): read
 * access to the two views and the live run, which the integration suite checks from inside the
 * extension host.
 */
import type * as vscode from 'vscode';
import type { RunsNode } from './views/runsTree';
import type { WorkspaceNode } from './views/workspaceTree';

export interface DtnStudioApi {
  readonly runsTree: vscode.TreeDataProvider<RunsNode>;
  readonly workspaceTree: vscode.TreeDataProvider<WorkspaceNode>;
  /** The run folder this window's training run writes; undefined when none is live. */
  liveRunDir(): string | undefined;
}
