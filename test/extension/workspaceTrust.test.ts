import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { guardUntrusted, NEEDS_TRUST } from '../../src/extension/workspaceTrust';

describe('workspace trust', () => {
  it('in an untrusted workspace the commands that start the trainer refuse; viewing commands run', () => {
    const ran: string[] = [];
    const refused: string[] = [];
    let trusted = false;
    const cmds = guardUntrusted(
      {
        'dtn.startTraining': () => ran.push('start'),
        'dtn.translateImage': () => ran.push('translate'),
        'dtn.openDashboard': () => ran.push('open'),
      },
      () => trusted,
      (id) => refused.push(id),
    );
    for (const fn of Object.values(cmds)) fn();
    assert.deepEqual(ran, ['open']);
    assert.deepEqual(refused, ['dtn.startTraining', 'dtn.translateImage']);
    trusted = true;
    cmds['dtn.startTraining']();
    assert.deepEqual(ran, ['open', 'start']);
  });

  it('every contributed command that launches the trainer is guarded, and the manifest declares limited support', () => {
    const pkg = JSON.parse(fs.readFileSync(path.join(__dirname, '..', '..', 'package.json'), 'utf8'));
    assert.equal(pkg.capabilities.untrustedWorkspaces.supported, 'limited');
    const contributed = new Set<string>(pkg.contributes.commands.map((c: { command: string }) => c.command));
    for (const id of [
      'dtn.startTraining',
      'dtn.resumeTraining',
      'dtn.pretrainEncoder',
      'dtn.evaluateCheckpoint',
      'dtn.translateImage',
      'dtn.exportCheckpoint',
    ]) {
      assert.ok(contributed.has(id) && NEEDS_TRUST.has(id), id);
    }
  });
});
