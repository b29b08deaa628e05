/** Experiments table webview: every run with its results and differing config, sortable, filterable, selectable. */
import '@vscode-elements/elements/dist/vscode-button/index.js';
import '@vscode-elements/elements/dist/vscode-textfield/index.js';
import { ExperimentsInSchema, type ExperimentRow, type ExperimentsIn, type ExperimentsOut } from '../../shared/webviewProtocol';
import { connect, el } from '../common/vscodeApi';
import {
  columnsFor,
  pruneSelection,
  restoreTableUi,
  sortBy,
  tableActions,
  toggleAll,
  toggleSelected,
  visibleRows,
  type Column,
  type TableUi,
} from './experimentsModel';

let rows: ExperimentRow[] = [];
let loaded = false;
const bridge = connect<ExperimentsIn, ExperimentsOut, TableUi>(ExperimentsInSchema, onMessage);
let ui: TableUi = restoreTableUi(bridge.savedState());

const app = document.getElementById('app')!;
const header = el('header', { class: 'bar' });
const title = el('h1', { id: 'table-title' }, 'DTN Experiments');
const count = el('span', { class: 'count', id: 'row-count' });
const spacer = el('span', { class: 'spacer' });
const btnOpen = el('vscode-button', { id: 'btn-open', secondary: '', title: 'Open the dashboard of the selected run' }, 'Open');
const btnRename = el('vscode-button', { id: 'btn-rename', secondary: '', title: 'Rename the selected run' }, 'Rename…');
const btnCompare = el('vscode-button', { id: 'btn-compare', secondary: '', title: 'Compare the selected runs' }, 'Compare');
const btnDelete = el('vscode-button', { id: 'btn-delete', secondary: '', title: 'Delete the selected runs' }, 'Delete…');
header.append(title, count, spacer, btnOpen, btnRename, btnCompare, btnDelete);

const filterRow = el('section', { class: 'filter-row' });
const filter = el('vscode-textfield', {
  id: 'filter',
  placeholder: 'Filter: words, status:running, best>50, seed=2, train.steps>=1000',
  'aria-label': 'Filter runs',
}) as HTMLElement & { value: string };
const hint = el('span', { class: 'hint', id: 'hint' });
filterRow.append(filter, hint);

const wrap = el('div', { class: 'table-wrap' });
const table = el('table', { class: 'runs', id: 'runs-table' });
wrap.append(table);
const empty = el('section', { class: 'empty', id: 'empty' }, 'No runs yet. Start one with “DTN: Start Training”.');
app.append(header, filterRow, wrap, empty);

filter.value = ui.filter;
filter.addEventListener('input', () => setUi({ ...ui, filter: filter.value }));
const selected = () => rows.filter((r) => ui.selected.includes(r.runDir));
btnOpen.addEventListener('click', () => {
  const [r] = selected();
  if (r) bridge.post({ type: 'open', runDir: r.runDir });
});
btnRename.addEventListener('click', () => {
  const [r] = selected();
  if (r) bridge.post({ type: 'rename', runDir: r.runDir });
});
btnCompare.addEventListener('click', () => bridge.post({ type: 'compare', runDirs: selected().map((r) => r.runDir) }));
btnDelete.addEventListener('click', () => bridge.post({ type: 'delete', runDirs: selected().map((r) => r.runDir) }));

function setUi(next: TableUi): void {
  ui = next;
  bridge.saveState(ui);
  render();
}

function onMessage(msg: ExperimentsIn): void {
  rows = msg.rows;
  loaded = true;
  ui = pruneSelection(ui, rows);
  bridge.saveState(ui);
  render();
}

const setEnabled = (b: HTMLElement, on: boolean) => (on ? b.removeAttribute('disabled') : b.setAttribute('disabled', ''));

function render(): void {
  const columns = columnsFor(rows);
  const shown = visibleRows(rows, columns, ui);
  empty.hidden = !loaded || rows.length > 0;
  wrap.hidden = rows.length === 0;
  filterRow.hidden = rows.length === 0;
  count.textContent = rows.length ? `${shown.length} of ${rows.length} run${rows.length === 1 ? '' : 's'}` : '';
  const n = ui.selected.length;
  hint.textContent = n ? `${n} selected` : shown.length < rows.length ? '' : 'Select runs to compare, open or delete them';
  const acts = tableActions(ui, rows);
  setEnabled(btnOpen, acts.open);
  setEnabled(btnRename, acts.rename);
  setEnabled(btnCompare, acts.compare);
  setEnabled(btnDelete, acts.delete);
  btnDelete.title = acts.deleteHint ?? 'Delete the selected runs';
  renderTable(columns, shown);
}

function renderTable(columns: Column[], shown: ExperimentRow[]): void {
  const head = el('thead');
  const tr = el('tr');
  const all = el('input', { type: 'checkbox', id: 'select-all', 'aria-label': 'Select every shown run' });
  all.checked = shown.length > 0 && shown.every((r) => ui.selected.includes(r.runDir));
  all.indeterminate = !all.checked && shown.some((r) => ui.selected.includes(r.runDir));
  all.addEventListener('change', () => setUi(toggleAll(ui, shown)));
  const first = el('th', { class: 'sel' });
  first.append(all);
  tr.append(first);
  for (const c of columns) {
    const sorted = ui.sort.column === c.id;
    const th = el('th', {
      class: `${c.numeric ? 'num' : ''} ${c.config ? 'cfg' : ''} col-${c.id.replace(/[^\w-]/g, '_')}`,
      'aria-sort': sorted ? (ui.sort.descending ? 'descending' : 'ascending') : 'none',
      scope: 'col',
    });
    const b = el('button', { class: 'sort', title: `${c.help ?? c.title}\nClick to sort` }, c.title);
    if (sorted) b.append(el('span', { class: 'arrow' }, ui.sort.descending ? ' ▼' : ' ▲'));
    b.addEventListener('click', () => setUi(sortBy(ui, c)));
    th.append(b);
    tr.append(th);
  }
  head.append(tr);
  const body = el('tbody');
  for (const r of shown) {
    const isSel = ui.selected.includes(r.runDir);
    const row = el('tr', { class: `${isSel ? 'selected' : ''} status-${r.managed ? 'training' : r.status}`, 'data-run': r.runDir });
    const box = el('input', { type: 'checkbox', 'aria-label': `Select ${r.name}` });
    box.checked = isSel;
    box.addEventListener('change', () => setUi(toggleSelected(ui, r.runDir)));
    const sel = el('td', { class: 'sel' });
    sel.append(box);
    row.append(sel);
    for (const c of columns) {
      const td = el('td', { class: `${c.numeric ? 'num' : ''} col-${c.id.replace(/[^\w-]/g, '_')}` }, c.text(r));
      // The whole name, id and notes on hover: the cell wraps, but notes are only here.
      if (c.id === 'name') td.title = [r.name, `id ${r.id}`, r.notes].filter(Boolean).join('\n');
      else if (c.id === 'backend' && r.device) td.title = `${r.backend ?? ''} on ${r.device}`;
      else td.title = c.text(r);
      if (c.id === 'name' && r.notes) td.append(el('span', { class: 'notes', 'aria-label': 'has notes' }, ` — ${r.notes.split('\n')[0]}`));
      row.append(td);
    }
    row.addEventListener('dblclick', () => bridge.post({ type: 'open', runDir: r.runDir }));
    body.append(row);
  }
  table.replaceChildren(head, body);
}

render();
bridge.post({ type: 'ready' });
