/** The translation panel's state, free of the DOM: what was translated, with what, and what is going on. */
import type { TranslateFailure, TranslateIn, TranslatedItem, UsedCheckpoint } from '../../shared/translatePanelProtocol';

export interface TranslateModel {
  checkpoint?: UsedCheckpoint;
  outDir?: string;
  items: TranslatedItem[];
  failures: TranslateFailure[];
  partial?: { done: number; total: number };
  busy?: string;
  notice?: { text: string; level: 'info' | 'error' };
}

export const initialTranslateModel: TranslateModel = { items: [], failures: [] };

export function reduceTranslate(model: TranslateModel, msg: TranslateIn): TranslateModel {
  switch (msg.type) {
    case 'show':
      // A new result clears the busy line and any notice about the previous one.
      return { checkpoint: msg.checkpoint, outDir: msg.outDir, items: msg.items, failures: msg.failures, partial: msg.partial };
    case 'busy':
      return { ...model, busy: msg.text || undefined };
    case 'notice':
      return { ...model, notice: { text: msg.text, level: msg.level } };
  }
}

const REASON: Record<UsedCheckpoint['reason'], string> = {
  chosen: 'chosen for translation',
  best: 'the run’s best',
  newest: 'the run’s newest',
};

/** `run name · step 400 · accuracy 71.2% · the run's best`. */
export function checkpointLine(c: UsedCheckpoint): string {
  const what = c.faces ? 'identity top-1' : 'accuracy';
  const acc = c.accuracy === undefined ? `${what} not evaluated` : `${what} ${(100 * c.accuracy).toFixed(1)}%`;
  return `${c.runName ?? c.runId} · step ${c.step} · ${acc} · ${REASON[c.reason]}`;
}

/** The summary under the header: counts, and how far a cancelled folder got. */
export function summaryLine(m: TranslateModel): string {
  const n = m.items.length;
  const failed = m.failures.length ? `, ${m.failures.length} failed` : '';
  const partial = m.partial ? ` (cancelled after ${m.partial.done} of ${m.partial.total})` : '';
  return `${n} image${n === 1 ? '' : 's'} translated${failed}${partial}`;
}
