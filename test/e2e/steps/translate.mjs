// Right-click Translate Image on a PNG: the result panel shows the output beside the input as the
// model sees it; Save Next to Input; a warm second translation; a photo through the faces pipeline.
import * as fs from 'node:fs';
import * as path from 'node:path';
import { dtn } from '../../integration/workspace.mjs';
import { until } from '../harness/workbench.mjs';

/** The explorer row of `name`, right-clicked. */
async function rightClickInExplorer(wb, name) {
  await wb.palette('View: Close All Editors');
  await wb.page.keyboard.press('Control+Shift+E');
  const row = wb.page.locator('.explorer-folders-view .monaco-list-row', { hasText: new RegExp(`^${name.replace('.', '\\.')}$`) }).first();
  await row.waitFor({ state: 'visible', timeout: 30_000 });
  await row.click({ button: 'right' });
  return row;
}

/**
 * Waits until a translation panel shows a loaded output image (other than `notSrc`) and, if given,
 * a checkpoint line matching `line`; returns its frame and the image's src. Frames are looked up on
 * every try: the panel's webview can be replaced while a translation arrives.
 */
async function outputShown(wb, { notSrc, line } = {}, timeout = 180_000) {
  return until(
    'a translation in the panel',
    async () => {
      for (const frame of wb.page.frames()) {
        const shown = await frame
          .evaluate(
            ([old, re]) => {
              const img = document.querySelector('#results .item img.output');
              const ok = img && img.complete && img.naturalWidth > 0 && img.src !== old;
              const text = document.querySelector('#checkpoint')?.textContent ?? '';
              return ok && (!re || new RegExp(re).test(text)) ? img.src : null;
            },
            [notSrc ?? null, line?.source ?? null],
          )
          .catch(() => null);
        if (shown) return { frame, src: shown };
      }
      return undefined;
    },
    timeout,
    100,
  );
}

export default {
  name: 'translate',
  async run({ wb, check, ws, cli, state }) {
    const grids = fs.readdirSync(path.join(state.runDir, 'samples'));
    fs.copyFileSync(path.join(state.runDir, 'samples', grids.at(-1)), path.join(ws, 'digit.png'));
    const row = await rightClickInExplorer(wb, 'digit.png');
    const coldStart = await wb.menuPick('Translate Image');
    const { frame: tr, src: firstSrc } = await outputShown(wb);
    const coldMs = Date.now() - coldStart;
    // The newest run (the CLI's second one) translates: its newest checkpoint, as no best or choice exists.
    const line = await wb.waitText(tr, '#checkpoint', /step \d+ /);
    // Each run by its name (label.json), else its folder's id.
    const runsRoot = path.join(ws, '.dtn', 'runs');
    const names = fs.readdirSync(runsRoot).map((id) => {
      const label = path.join(runsRoot, id, 'label.json');
      return fs.existsSync(label) ? JSON.parse(fs.readFileSync(label, 'utf8')).name : id;
    });
    check(
      names.some((name) => line.startsWith(`${name} · step `)),
      `the panel names the run and step (${line})`,
    );
    check(Boolean(await tr.$('#results .item img.model-input')), 'the input as the model sees it, beside the output');
    check(fs.readdirSync(path.join(ws, '.dtn', 'translations')).length === 1, 'outputs went to .dtn/translations/<time>/');
    await wb.screenshot('e2e-translate-dark');
    await tr.click('#results .item .btn-save-next');
    await wb.waitText(tr, '#notice', /Saved .*digit\.dtn\.png/, 20_000).catch(() => undefined);
    check(fs.existsSync(path.join(ws, 'digit.dtn.png')), 'Save Next to Input writes digit.dtn.png');
    await row.click({ button: 'right' });
    const warmStart = await wb.menuPick('Translate Image');
    await outputShown(wb, { notSrc: firstSrc });
    console.log(`  latency, right-click to result panel: cold ${coldMs} ms, warm ${Date.now() - warmStart} ms`);
    check(await wb.useTheme('light'), 'the light theme is on for the translation panel');
    await wb.screenshot('e2e-translate-light');
    check(await wb.useTheme('dark'), 'back to the dark theme');

    // A tiny faces -> emoji run from the installed CLI, now the newest run: translation picks it up.
    const faces = {
      name: 'e2e-faces',
      backend: 'wasm',
      architecture: { kind: 'faces', generatorWidths: [8, 8, 8, 8], discriminatorSize: 32, discriminatorWidths: [8, 8] },
      encoder: { name: 'face-recognition-net' },
      source: { kind: 'face-api-demo-photos', count: 4 },
      target: { kind: 'emoji', count: 8 },
      train: { steps: 2, batchSize: 2, logEvery: 1, sampleEvery: 2, checkpointEvery: 2, sampleCount: 4 },
      eval: { count: 4 },
    };
    fs.writeFileSync(path.join(ws, 'faces.dtn.json'), JSON.stringify(faces, null, 2));
    dtn(cli, ws, ['train', '--config', 'faces.dtn.json']);
    // The package has no face models: that first faces command fetched them into the user cache
    // (the runner points XDG_CACHE_HOME at its own folder, so this is a first use every time).
    const cache = path.join(process.env.XDG_CACHE_HOME, 'dtn-studio');
    const [faceApi] = fs.existsSync(cache) ? fs.readdirSync(cache).filter((d) => /^face-api-[\d.]+$/.test(d)) : [];
    check(!!faceApi, `the first faces run downloaded the face models (${faceApi ?? 'nothing'} in ${cache})`);
    const faceApiDir = path.join(cache, faceApi ?? 'face-api-missing');
    // A demo photo of the face package, which the run above downloaded on first use (into the test's HOME).
    fs.copyFileSync(path.join(faceApiDir, 'demo', 'sample1.jpg'), path.join(ws, 'face.jpg'));
    await rightClickInExplorer(wb, 'face.jpg');
    await wb.menuPick('Translate Image');
    // The panel still shows the digit until the faces run's translation replaces it.
    const { frame: ftr } = await outputShown(wb, { line: /e2e-faces.* · step 2 / });
    const faceLine = await ftr.textContent('#checkpoint');
    check(/identity top-1/.test(faceLine), `the panel names the faces run and its identity metric (${faceLine})`);
    const caption = await ftr.$eval('#results .item figcaption', (c) => c.textContent).catch(() => '');
    check(/detected face/.test(caption ?? ''), `the crop beside the emoji is labelled as the detected face (${caption})`);
    await wb.screenshot('e2e-translate-face');
  },
};
