/**
 * The import boundaries of eslint.config.mjs (rule `dtn/import-boundaries`): for each part of the code
 * base, an import it may not make is reported and a legal one is not, so that a change to the config
 * (a glob, a zone's order, a misspelt folder) cannot silently switch a boundary off. The files linted
 * here need not exist: the rule resolves relative imports against the path it is given.
 */
import * as assert from 'node:assert/strict';
import * as path from 'node:path';
import { ESLint } from 'eslint';

const root = path.resolve(__dirname, '../..');
const RULE = 'dtn/import-boundaries';

describe('import boundaries (eslint.config.mjs)', function () {
  this.timeout(60_000);
  let eslint: ESLint;

  before(() => {
    eslint = new ESLint({
      cwd: root,
      overrideConfigFile: path.join(root, 'eslint.config.mjs'),
      // Only the boundary rule: the type-aware rules would need these made-up files in the TS project.
      ruleFilter: ({ ruleId }) => ruleId === RULE,
      overrideConfig: { languageOptions: { parserOptions: { projectService: false } } },
    });
  });

  /** The boundary messages for `code` linted as the file `file` (relative to the repository root). */
  async function violations(file: string, code: string): Promise<string[]> {
    const [result] = await eslint.lintText(code, { filePath: path.join(root, file) });
    const fatal = result.messages.filter((m) => m.fatal);
    assert.deepEqual(fatal, [], `${file} did not parse`);
    return result.messages.filter((m) => m.ruleId === RULE).map((m) => m.message);
  }

  async function rejects(file: string, code: string, why: RegExp) {
    const found = await violations(file, code);
    assert.equal(found.length, 1, `expected one boundary error for ${file}: ${code}\ngot: ${JSON.stringify(found)}`);
    assert.match(found[0], why);
  }

  async function accepts(file: string, code: string) {
    assert.deepEqual(await violations(file, code), [], `${file} should accept: ${code}`);
  }

  it('the rule is configured for every part of src', async () => {
    for (const file of [
      'src/shared/a.ts',
      'src/shared/node/a.ts',
      'src/webviews/dashboard/a.ts',
      'src/extension/a.ts',
      'src/trainer/a.ts',
    ]) {
      const config = await eslint.calculateConfigForFile(path.join(root, file));
      const setting = config.rules?.[RULE];
      assert.ok(Array.isArray(setting) && setting[0] === 2, `${file}: ${JSON.stringify(setting)}`);
    }
  });

  describe('src/webviews', () => {
    const file = 'src/webviews/dashboard/panel.ts';

    it('accepts browser-safe shared code, common, its own folder and the browser packages', async () => {
      await accepts(
        file,
        [
          "import { a } from '../../shared/protocol';",
          "import { b } from '../common/theme';",
          "import { c } from './dashboardModel';",
          "import { Chart } from 'chart.js';",
          "import '@vscode-elements/elements/dist/vscode-button/index.js';",
          "import { z } from 'zod';",
        ].join('\n'),
      );
    });

    it('rejects src/shared/node', async () => {
      await rejects(file, "import { listRunDirs } from '../../shared/node/runFiles';", /src\/shared\/node\/runFiles/);
    });

    it("rejects another webview's folder", async () => {
      await rejects(file, "import { m } from '../samples/samplesModel';", /src\/webviews\/samples\/samplesModel/);
    });

    it('rejects the trainer and the extension host', async () => {
      await rejects(file, "import { train } from '../../trainer/run/train';", /src\/trainer\/run\/train/);
      await rejects(file, "import { x } from '../../extension/settings';", /src\/extension\/settings/);
    });

    it('rejects Node builtins, with or without node:, also through require()', async () => {
      await rejects(file, "import * as fs from 'node:fs';", /Node builtin 'node:fs'/);
      await rejects(file, "import * as path from 'path';", /Node builtin 'path'/);
      await rejects(file, "const fs = require('fs/promises');", /Node builtin 'fs\/promises'/);
    });

    it('rejects other packages', async () => {
      await rejects(file, "import * as vscode from 'vscode';", /package 'vscode'/);
      await rejects(file, "import * as tf from '@tensorflow/tfjs-core';", /package '@tensorflow\/tfjs-core'/);
    });
  });

  describe('src/shared (browser-safe)', () => {
    const file = 'src/shared/protocol.ts';

    it('accepts other shared modules and zod', async () => {
      await accepts(file, "import { z } from 'zod';\nimport { RunConfig } from './config';");
    });

    it('rejects Node builtins', async () => {
      await rejects(file, "import * as fs from 'node:fs';", /Node builtin 'node:fs'/);
      await rejects(file, "export { join } from 'path';", /Node builtin 'path'/);
    });

    it('rejects anything outside src/shared, and src/shared/node', async () => {
      await rejects(file, "import { x } from '../trainer/run/train';", /src\/trainer\/run\/train/);
      await rejects(file, "import { x } from '../webviews/common/theme';", /src\/webviews\/common\/theme/);
      await rejects(file, "import { x } from './node/runFiles';", /src\/shared\/node\/runFiles/);
    });
  });

  describe('src/shared/node', () => {
    it('may use Node builtins and src/shared, but not the trainer', async () => {
      const file = 'src/shared/node/runFiles.ts';
      await accepts(file, "import * as fs from 'node:fs';\nimport { RUN_FILES } from './runLayout';\nimport { p } from '../protocol';");
      await rejects(file, "import { x } from '../../trainer/run/train';", /src\/trainer\/run\/train/);
    });
  });

  describe('src/extension', () => {
    const file = 'src/extension/panels/dashboardPanel.ts';

    it('accepts vscode, shared code (node readers too) and its own trainer launcher folder', async () => {
      await accepts(
        file,
        [
          "import * as vscode from 'vscode';",
          "import * as fs from 'node:fs';",
          "import { listRunDirs } from '../../shared/node/runFiles';",
          "import { TrainerProcess } from '../trainer/trainerProcess';",
        ].join('\n'),
      );
    });

    it('rejects src/trainer, whatever the depth of the importing file', async () => {
      await rejects(file, "import { train } from '../../trainer/run/train';", /src\/trainer\/run\/train/);
      await rejects('src/extension/extension.ts', "import { train } from '../trainer/run/train';", /src\/trainer\/run\/train/);
      await rejects(file, "const m = await import('../../trainer/cli/main');", /src\/trainer\/cli\/main/);
    });

    it('rejects tfjs and the native compute packages', async () => {
      await rejects(file, "import * as tf from '@tensorflow/tfjs-core';", /package '@tensorflow\/tfjs-core'/);
      await rejects(file, "const tf = require('@tensorflow/tfjs-node-gpu');", /package '@tensorflow\/tfjs-node-gpu'/);
      await rejects(file, "import { create } from 'webgpu';", /package 'webgpu'/);
      await rejects(file, "import sharp from 'sharp';", /package 'sharp'/);
    });
  });

  describe('src/trainer', () => {
    const file = 'src/trainer/run/train.ts';

    it('accepts tfjs, Node builtins and shared code', async () => {
      await accepts(
        file,
        [
          "import * as tf from '@tensorflow/tfjs-core';",
          "import * as fs from 'node:fs';",
          "import { RunConfig } from '../../shared/config';",
          "import { RUN_FILES } from '../../shared/node/runLayout';",
        ].join('\n'),
      );
    });

    it('rejects vscode, the extension host and the webviews', async () => {
      await rejects(file, "import * as vscode from 'vscode';", /package 'vscode'/);
      await rejects(file, "import { x } from '../../extension/settings';", /src\/extension\/settings/);
      await rejects(file, "import type { M } from '../../webviews/dashboard/dashboardModel';", /src\/webviews\/dashboard\/dashboardModel/);
    });
  });
});
