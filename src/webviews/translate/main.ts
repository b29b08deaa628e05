/** Translation webview: each input as the model saw it beside G(input), with save buttons; failures listed. */
import '@vscode-elements/elements/dist/vscode-button/index.js';
import { TranslateInSchema, type TranslateIn, type TranslateOut, type TranslatedItem } from '../../shared/translatePanelProtocol';
import { connect, el } from '../common/vscodeApi';
import { checkpointLine, initialTranslateModel, reduceTranslate, summaryLine, type TranslateModel } from './translateModel';

let model: TranslateModel = initialTranslateModel;
const bridge = connect<TranslateIn, TranslateOut, never>(TranslateInSchema, (msg) => {
  model = reduceTranslate(model, msg);
  render();
});

const app = document.getElementById('app')!;
const header = el('header', { class: 'bar' });
const title = el('h1', {}, 'DTN Translation');
const btnAnother = el('vscode-button', { id: 'btn-retranslate', secondary: '' }, 'Translate with Another Checkpoint…');
header.append(title, el('span', { class: 'spacer' }), btnAnother);
const checkpoint = el('p', { id: 'checkpoint', class: 'meta' });
const summary = el('p', { id: 'summary', class: 'meta' });
const busy = el('p', { id: 'busy', class: 'busy' });
const notice = el('p', { id: 'notice', class: 'notice', role: 'status' });
const grid = el('section', { id: 'results', class: 'results' });
const failures = el('section', { id: 'failures', class: 'failures' });
const empty = el('p', { class: 'empty' }, 'Translating…');
app.append(header, checkpoint, summary, busy, notice, grid, failures, empty);

btnAnother.addEventListener('click', () => bridge.post({ type: 'retranslate' }));

function button(text: string, cls: string, msg: TranslateOut, secondary = true): HTMLElement {
  const b = el('vscode-button', { class: cls, ...(secondary ? { secondary: '' } : {}) }, text);
  b.addEventListener('click', () => bridge.post(msg));
  return b;
}

function image(src: string | undefined, cls: string, alt: string, label: string): HTMLElement {
  const fig = el('figure', { class: 'cell' });
  if (src) fig.append(el('img', { class: cls, src, alt, loading: 'lazy' }));
  else fig.append(el('div', { class: `${cls} missing` }, '—'));
  fig.append(el('figcaption', {}, label));
  return fig;
}

function card(item: TranslatedItem, step: number, faces: boolean): HTMLElement {
  const c = el('article', { class: 'item', title: item.input });
  c.append(el('h2', { class: 'name' }, item.name));
  const pair = el('div', { class: 'pair' });
  pair.append(
    faces
      ? image(item.inputUri, 'model-input', `the face detected in ${item.name}, aligned`, 'detected face (aligned crop)')
      : image(item.inputUri, 'model-input', `${item.name} as the model sees it`, 'x (as G sees it)'),
    el('span', { class: 'arrow', 'aria-hidden': 'true' }, '→'),
    image(item.outputUri, 'output', `translation of ${item.name} at step ${step}`, `G(x) · step ${step}`),
  );
  const actions = el('div', { class: 'actions' });
  actions.append(
    button('Save Next to Input', 'btn-save-next', { type: 'saveNext', output: item.output }, false),
    button('Save As…', 'btn-save-as', { type: 'saveAs', output: item.output }),
    button('Copy Path', 'btn-copy-path', { type: 'copyPath', output: item.output }),
  );
  c.append(pair, actions);
  return c;
}

function render(): void {
  const c = model.checkpoint;
  empty.hidden = Boolean(c);
  checkpoint.hidden = !c;
  summary.hidden = !c;
  btnAnother.hidden = !c;
  checkpoint.textContent = c ? checkpointLine(c) : '';
  summary.textContent = c ? summaryLine(model) : '';
  busy.hidden = !model.busy;
  busy.textContent = model.busy ?? '';
  notice.hidden = !model.notice;
  notice.textContent = model.notice?.text ?? '';
  notice.classList.toggle('error', model.notice?.level === 'error');
  grid.replaceChildren(...model.items.map((i) => card(i, c?.step ?? 0, Boolean(c?.faces))));
  failures.hidden = model.failures.length === 0;
  const list = el('ul');
  for (const f of model.failures) {
    const li = el('li', { title: f.input });
    li.append(el('strong', {}, f.name), document.createTextNode(` — ${f.message} (${f.code})`));
    list.append(li);
  }
  failures.replaceChildren(el('h2', {}, 'Not translated'), list);
}

render();
bridge.post({ type: 'ready' });
