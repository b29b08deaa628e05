// The end-to-end harness: a fresh code-server with the packaged extension installed, Debian's Chromium
// driven by Playwright, and the helpers steps use to act like a user. Every wait is on a condition
// (a selector, a text, a file, a class), with a deadline; nothing sleeps for a fixed time.
import { spawn, spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { chromium } from 'playwright-core';

export const repo = path.resolve(import.meta.dirname, '..', '..', '..');

/** code-server from $DTN_E2E_TOOLS, else the project-local .e2e-tools/ that scripts/e2e-tools.sh fills. */
export function codeServerBinary() {
  const tools = process.env.DTN_E2E_TOOLS ?? path.join(repo, '.e2e-tools');
  const bin = path.join(tools, 'node_modules', '.bin', 'code-server');
  if (!fs.existsSync(bin)) throw new Error(`no code-server at ${bin}: run \`bash scripts/e2e-tools.sh\` (or set DTN_E2E_TOOLS)`);
  return bin;
}

export const CHROMIUM = process.env.DTN_E2E_CHROMIUM ?? '/usr/bin/chromium';

/** Polls `probe` until it returns something other than undefined/false/null; throws `what` after `ms`. */
export async function until(what, probe, ms = 60_000, every = 200) {
  const end = Date.now() + ms;
  let last;
  for (;;) {
    try {
      last = await probe();
      if (last !== undefined && last !== false && last !== null) return last;
    } catch (err) {
      last = err;
    }
    if (Date.now() > end)
      throw new Error(`timed out after ${ms} ms waiting for ${what}${last instanceof Error ? ` (${last.message})` : ''}`);
    await new Promise((r) => setTimeout(r, every));
  }
}

/** Installs `vsix` into a fresh extensions folder; returns the installed extension's folder. */
export function installVsix(codeServer, vsix, extDir) {
  const inst = spawnSync(codeServer, ['--extensions-dir', extDir, '--install-extension', vsix], { encoding: 'utf8' });
  if (inst.status !== 0) throw new Error(`installing ${vsix} failed: ${inst.stderr}`);
  const dir = fs.readdirSync(extDir).find((d) => d.startsWith('dtn-studio.dtn-studio-'));
  if (!dir) throw new Error(`${vsix} installed, but no dtn-studio folder in ${extDir}`);
  return path.join(extDir, dir);
}

const THEMES = {
  dark: { setting: 'Default Dark Modern', workbench: 'vs-dark', webview: 'vscode-dark' },
  light: { setting: 'Default Light Modern', workbench: 'vs', webview: 'vscode-light' },
  'high contrast': { setting: 'Default High Contrast', workbench: 'hc-black', webview: 'vscode-high-contrast' },
};

/**
 * A code-server serving `workspace` with the extensions in `extDir`, and a browser page on it.
 * `env` reaches the extension host (code-server passes its environment on).
 */
export async function startWorkbench({ workspace, extDir, userData, screens, env = {} }) {
  const codeServer = codeServerBinary();
  const settingsFile = path.join(userData, 'User', 'settings.json');
  const settings = {
    'workbench.startupEditor': 'none',
    'security.workspace.trust.enabled': false,
    'workbench.colorTheme': THEMES.dark.setting,
    // No tips or walkthroughs over the panels the screenshots show.
    'workbench.tips.enabled': false,
    'extensions.ignoreRecommendations': true,
    // Offline: telemetry would fail (ENOTFOUND) inside the extension host the suite runs in.
    'telemetry.telemetryLevel': 'off',
  };
  fs.mkdirSync(path.dirname(settingsFile), { recursive: true });
  fs.writeFileSync(settingsFile, JSON.stringify(settings, null, 2));
  const port = 8740 + Math.floor(Math.random() * 1000);
  const log = fs.openSync(path.join(screens, `code-server-${port}.log`), 'w');
  const server = spawn(
    codeServer,
    ['--auth', 'none', '--bind-addr', `127.0.0.1:${port}`, '--disable-telemetry', '--disable-update-check'].concat([
      '--user-data-dir',
      userData,
      '--extensions-dir',
      extDir,
      workspace,
    ]),
    { stdio: ['ignore', log, log], env: { ...process.env, ...env } },
  );
  const exited = new Promise((r) => server.once('exit', r));
  const base = `http://127.0.0.1:${port}`;
  await until('code-server to answer /healthz', async () => (await fetch(`${base}/healthz`)).ok, 90_000, 300);
  const browser = await chromium.launch({
    executablePath: CHROMIUM,
    args: [
      '--no-sandbox',
      '--disable-gpu',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
      '--no-first-run',
    ],
  });
  const wb = {
    browser,
    page: undefined,
    workspace,
    screens,
    cspErrors: [],
    /** The latest console errors of the workbench and its webviews, for the failure report. */
    consoleErrors: [],

    /** Opens the workbench in a fresh tab (a reload, as far as VS Code can tell) and waits until the explorer lists the workspace. */
    async open() {
      await wb.page?.close();
      const page = await browser.newPage({ viewport: { width: 1600, height: 1000 } });
      wb.page = page;
      page.on('console', (m) => /Content Security Policy|Refused to/i.test(m.text()) && wb.cspErrors.push(m.text()));
      page.on('console', (m) => {
        if (m.type() !== 'error') return;
        const at = `${new Date().toISOString().slice(11, 19)} ${m.location()?.url?.slice(-60) ?? ''}`;
        wb.consoleErrors.push(`${at}: ${m.text().slice(0, 400)}`);
        if (wb.consoleErrors.length > 40) wb.consoleErrors.shift();
      });
      await page.goto(`${base}/?folder=${encodeURIComponent(workspace)}`);
      await page.waitForSelector('.monaco-workbench', { timeout: 90_000 });
      await page.waitForSelector('.part.statusbar', { timeout: 60_000 });
      await page.waitForSelector('.explorer-folders-view .monaco-list-row', { timeout: 90_000 });
      // Keyboard focus inside the workbench: F1 then reaches the command palette.
      await page.locator('.part.editor').click({ position: { x: 400, y: 300 } });
    },

    /**
     * Runs a palette command by its exact title; `pick` then chooses the item of that label in the
     * command's own picker. An item is taken only when its label is exactly the text (the focused row
     * can be another match, e.g. a recently used command).
     */
    async palette(command, pick) {
      for (let attempt = 1; ; attempt++) {
        try {
          return await wb.paletteOnce(command, pick);
        } catch (err) {
          // Under load a picker can lose focus and close before its item is chosen (nothing ran): once more.
          if (attempt >= 2 || (await wb.page.isVisible('.quick-input-widget'))) throw err;
          console.log(`  note the picker of ${command} closed before "${pick ?? command}" was chosen; running it again`);
        }
      }
    },

    async paletteOnce(command, pick) {
      const { page } = wb;
      await page.keyboard.press('F1');
      await page.waitForSelector('.quick-input-widget', { state: 'visible' });
      await page.keyboard.type(command);
      await wb.chooseQuickPick(command);
      if (pick) {
        await page.locator('.quick-input-list .monaco-list-row', { hasText: pick }).first().waitFor({ timeout: 60_000 });
        await page.keyboard.type(pick);
        await wb.chooseQuickPick(pick);
        // Taken: the picker closes, or gives way to the command's next box (an input box, without a list).
        await until(
          `the picker of ${command} to close`,
          async () => !(await page.isVisible('.quick-input-widget')) || !(await page.isVisible('.quick-input-list .monaco-list-row')),
          30_000,
          100,
        );
      }
    },

    /** Start Training's name box (its default kept, or `name` typed) and notes box; returns the name it offered. */
    async answerRunLabel({ name, notes } = {}) {
      const { page } = wb;
      await page.waitForSelector('.quick-input-widget:has-text("Name of the run")', { state: 'visible', timeout: 30_000 });
      const shown = await page.inputValue('.quick-input-widget input.input');
      if (name !== undefined) {
        await page.keyboard.press('Control+A');
        await page.keyboard.type(name);
      }
      await page.keyboard.press('Enter');
      await page.waitForSelector('.quick-input-widget:has-text("Notes")', { state: 'visible', timeout: 30_000 });
      if (notes !== undefined) await page.keyboard.type(notes);
      await page.keyboard.press('Enter');
      return shown;
    },

    /** Chooses the open quick pick's row labelled exactly `label`. */
    async chooseQuickPick(label) {
      const { page } = wb;
      const exact = new RegExp(`^\\s*${label.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}\\s*$`);
      const row = page
        .locator('.quick-input-list .monaco-list-row')
        .filter({ has: page.locator('.monaco-highlighted-label', { hasText: exact }) })
        .first();
      await row.waitFor({ state: 'visible', timeout: 60_000 });
      if (/\bfocused\b/.test((await row.getAttribute('class')) ?? '')) await page.keyboard.press('Enter');
      else await row.click();
    },

    /** The webview frame holding `selector` (webviews are nested iframes). */
    async frameWith(selector, timeout = 60_000) {
      return until(
        `a webview with ${selector}`,
        async () => {
          for (const f of wb.page.frames()) if (await f.$(selector).catch(() => null)) return f;
          return undefined;
        },
        timeout,
        300,
      );
    },

    /** Waits until `selector`'s text in `frame` matches `re`; returns the text. */
    async waitText(frame, selector, re, timeout = 120_000) {
      return until(
        `${selector} to match ${re}`,
        async () => {
          const text = (await frame.textContent(selector).catch(() => '')) ?? '';
          return re.test(text) ? text : undefined;
        },
        timeout,
        250,
      );
    },

    notification(re, timeout = 60_000) {
      return wb.page.waitForSelector(`.notification-toast :text-matches("${re}")`, { timeout });
    },

    /**
     * Picks an item of the open context menu. A click that lands while the menu is still opening can
     * be dropped (the item stays highlighted, the menu open): then Enter takes the highlighted item.
     * Returns when the pick was made (for latency figures).
     */
    async menuPick(label) {
      const { page } = wb;
      const item = page.locator('.monaco-menu .action-item', { hasText: label }).first();
      await item.waitFor({ state: 'visible', timeout: 15_000 });
      await item.hover();
      let at = Date.now();
      await item.click();
      const closed = await item
        .waitFor({ state: 'hidden', timeout: 2000 })
        .then(() => true)
        .catch(() => false);
      if (!closed) {
        at = Date.now();
        await page.keyboard.press('Enter');
        await item.waitFor({ state: 'hidden', timeout: 10_000 });
      }
      return at;
    },

    /** Shows the DTN Studio views; clicking the activity bar item when they are shown would hide them. */
    async showDtnViews() {
      const runsHeader = wb.page.locator('.part.sidebar .pane-header[aria-label^="Runs"]');
      if (await runsHeader.isVisible()) return;
      await wb.page.click('.activitybar .action-item a[aria-label^="DTN Studio"], .activitybar .action-label[aria-label^="DTN Studio"]');
      await runsHeader.waitFor({ state: 'visible', timeout: 30_000 });
    },

    /** The workbench's theme, read from its class: 'dark', 'light', 'high contrast' or '?'. */
    async theme() {
      const classes = await wb.page.$eval('.monaco-workbench', (e) => [...e.classList]);
      return Object.entries(THEMES).find(([, t]) => classes.includes(t.workbench))?.[0] ?? '?';
    },

    /**
     * Switches the color theme with *Preferences: Color Theme* (as a user would) and waits until the
     * workbench and every open webview show it. Returns whether it took.
     */
    async useTheme(kind) {
      if ((await wb.theme()) !== kind) await wb.palette('Preferences: Color Theme', THEMES[kind].setting);
      const { workbench, webview } = THEMES[kind];
      await wb.page.waitForFunction((cls) => document.querySelector('.monaco-workbench')?.classList.contains(cls), workbench, {
        timeout: 30_000,
      });
      // Webviews get the theme through a message: their body class changes once they have applied it.
      await until(
        `the open webviews to take the ${kind} theme`,
        async () => {
          for (const f of wb.page.frames()) {
            const cls = await f.evaluate(() => [...(document.body?.classList ?? [])]).catch(() => []);
            const themed = cls.filter((c) => /^vscode-(light|dark|high-contrast(-light)?)$/.test(c));
            if (themed.length && !themed.includes(webview)) return false;
          }
          return true;
        },
        30_000,
      );
      return (await wb.theme()) === kind;
    },

    async screenshot(name) {
      await wb.page.screenshot({ path: path.join(screens, `${name}.png`) });
    },

    /** What the window showed when a step gave up: a screenshot and the visible text of the page and its webviews. */
    async saveFailure(name) {
      if (!wb.page) return;
      await wb.screenshot(`failure-${name}`).catch(() => undefined);
      const texts = [];
      // The workbench and the webviews (other frames are workers, whose "text" is their script).
      for (const f of wb.page.frames().filter((f) => f === wb.page.mainFrame() || /\/webview\//.test(f.url()))) {
        const t = await f.evaluate(() => document.body?.innerText ?? '').catch(() => '');
        if (t.trim()) texts.push(`=== ${f === wb.page.mainFrame() ? 'workbench' : `frame ${f.url().slice(0, 120)}`}\n${t.trim()}`);
      }
      texts.push(`=== console errors (latest ${wb.consoleErrors.length})\n${wb.consoleErrors.join('\n')}`);
      texts.push(
        `=== frames\n${wb.page
          .frames()
          .map((f) => f.url().slice(0, 160))
          .join('\n')}`,
      );
      // The extension host's and the window's logs (the user-data folder is deleted after the run).
      fs.cpSync(path.join(userData, 'logs'), path.join(screens, `failure-${name}-logs`), { recursive: true });
      fs.writeFileSync(path.join(screens, `failure-${name}.txt`), `${texts.join('\n\n')}\n`);
    },

    async close() {
      await browser.close().catch(() => undefined);
      server.kill();
      await Promise.race([exited, new Promise((r) => setTimeout(r, 10_000))]);
      fs.closeSync(log);
    },
  };
  return wb;
}
