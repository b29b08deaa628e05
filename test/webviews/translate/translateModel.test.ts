/** The translation panel's reducer and its lines: a result replaces the last, busy and notices come and go. */
import * as assert from 'node:assert/strict';
import { TranslateInSchema, TranslateOutSchema, type TranslateIn } from '../../../src/shared/translatePanelProtocol';
import { parseMessage } from '../../../src/shared/webviewProtocol';
import { checkpointLine, initialTranslateModel, reduceTranslate, summaryLine } from '../../../src/webviews/translate/translateModel';

const checkpoint = { runId: 'r1', runDir: '/w/.dtn/runs/r1', step: 400, path: '/w/.dtn/runs/r1/checkpoints/step-00000400' };
const show = (n: number, extra: Partial<Extract<TranslateIn, { type: 'show' }>> = {}): TranslateIn => ({
  type: 'show',
  checkpoint: { ...checkpoint, accuracy: 0.712, reason: 'best' },
  outDir: '/w/.dtn/translations/x',
  items: Array.from({ length: n }, (_, i) => ({ name: `${i}.png`, input: `/w/${i}.png`, output: `/w/o/${i}.dtn.png`, outputUri: `u${i}` })),
  failures: [],
  ...extra,
});

describe('translate panel model', () => {
  it('a result replaces everything, clearing busy and notices', () => {
    let m = reduceTranslate(initialTranslateModel, show(2));
    m = reduceTranslate(m, { type: 'busy', text: 'Translating again…' });
    m = reduceTranslate(m, { type: 'notice', text: 'Saved /w/0.dtn.png', level: 'info' });
    assert.equal(m.busy, 'Translating again…');
    assert.equal(m.notice?.text, 'Saved /w/0.dtn.png');
    m = reduceTranslate(m, show(1));
    assert.equal(m.items.length, 1);
    assert.equal(m.busy, undefined);
    assert.equal(m.notice, undefined);
    assert.equal(reduceTranslate(reduceTranslate(m, { type: 'busy', text: 'x' }), { type: 'busy', text: '' }).busy, undefined);
  });

  it('says which checkpoint translated, how many and what failed or was cancelled', () => {
    const failures = [{ name: 'bad.png', input: '/w/bad.png', code: 'DATA_INVALID' as const, message: 'not an image' }];
    const m = reduceTranslate(initialTranslateModel, show(3, { failures, partial: { done: 3, total: 10 } }));
    assert.equal(checkpointLine(m.checkpoint!), 'r1 · step 400 · accuracy 71.2% · the run’s best');
    assert.equal(summaryLine(m), '3 images translated, 1 failed (cancelled after 3 of 10)');
    assert.equal(checkpointLine({ ...checkpoint, reason: 'chosen' }), 'r1 · step 400 · accuracy not evaluated · chosen for translation');
    assert.equal(summaryLine(reduceTranslate(initialTranslateModel, show(1))), '1 image translated');
  });

  it('messages are validated both ways', () => {
    assert.ok(parseMessage(TranslateInSchema, show(1)));
    assert.equal(parseMessage(TranslateInSchema, { type: 'show', items: 'x' }), undefined);
    assert.ok(parseMessage(TranslateOutSchema, { type: 'saveNext', output: '/w/o/0.dtn.png' }));
    assert.equal(parseMessage(TranslateOutSchema, { type: 'saveNext' }), undefined);
    assert.equal(parseMessage(TranslateOutSchema, { type: 'writeFile', path: '/etc/passwd' }), undefined);
  });
});
