// ESLint flat config: the recommended rules of ESLint and typescript-eslint, a 140-character line
// limit that Prettier cannot enforce on long strings and comments, and the import boundaries between
// the trainer, the extension host, the webviews and the shared contracts (see `boundaryZones`).
// Formatting itself is Prettier's job (`.prettierrc.json`); no rule here overlaps with it.
import js from '@eslint/js';
import stylistic from '@stylistic/eslint-plugin';
import { defineConfig } from 'eslint/config';
import globals from 'globals';
import { builtinModules } from 'node:module';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';
import tseslint from 'typescript-eslint';

const root = path.dirname(fileURLToPath(import.meta.url));

// ---------------------------------------------------------------------------------------------
// Import boundaries. ESLint's `no-restricted-imports` matches the import string only: it cannot
// tell `../trainer/x` in src/extension/panels (src/extension/trainer, legal) from the same string
// one level down (src/trainer, illegal), and it ignores require() and import(). This rule resolves
// every relative specifier against the importing file, so a zone is stated as folders of the repo,
// and checks package names exactly (Node builtins with or without `node:`). It needs no resolver,
// so it also works for files that do not exist yet (test/lint/importBoundaries.test.ts uses that).
// ---------------------------------------------------------------------------------------------

const builtins = new Set(builtinModules.filter((m) => !m.startsWith('_')));

/** 'src/a/b' style path of an absolute path, relative to the repository root. */
const repoPath = (abs) => path.relative(root, abs).split(path.sep).join('/');
const under = (p, folder) => p === folder || p.startsWith(`${folder}/`);
const packageName = (spec) => (spec.startsWith('@') ? spec.split('/').slice(0, 2).join('/') : spec.split('/')[0]);
const isBuiltin = (spec) => spec.startsWith('node:') || builtins.has(packageName(spec));
const matchesPackage = (name, patterns) => patterns.some((p) => (p.endsWith('/*') ? name.startsWith(p.slice(0, -1)) : name === p));

const importBoundaries = {
  meta: {
    type: 'problem',
    docs: { description: 'Keeps each part of the code base to the imports its runtime allows' },
    schema: [
      {
        type: 'object',
        additionalProperties: false,
        required: ['zone', 'why'],
        properties: {
          zone: { type: 'string' },
          why: { type: 'string' },
          // Repository folders a relative import may reach (all when absent), minus `denyPaths`.
          allowPaths: { type: 'array', items: { type: 'string' } },
          denyPaths: { type: 'array', items: { type: 'string' } },
          // The importing file's own subfolder of this folder is allowed too (src/webviews/<view>).
          ownFolderUnder: { type: 'string' },
          // Packages allowed (all when absent) and denied; 'scope/*' matches a whole scope.
          allowPackages: { type: 'array', items: { type: 'string' } },
          denyPackages: { type: 'array', items: { type: 'string' } },
          nodeBuiltins: { type: 'boolean' },
        },
      },
    ],
    messages: {
      path: "{{zone}} may not import '{{spec}}' ({{target}}): {{why}}",
      package: "{{zone}} may not import the package '{{spec}}': {{why}}",
      builtin: "{{zone}} may not import the Node builtin '{{spec}}': {{why}}",
    },
  },
  create(context) {
    const o = context.options[0];
    const file = repoPath(context.filename);
    // src/webviews/dashboard for src/webviews/dashboard/x.ts when ownFolderUnder is src/webviews.
    const depth = o.ownFolderUnder ? o.ownFolderUnder.split('/').length + 1 : 0;
    const ownFolder = o.ownFolderUnder && under(file, o.ownFolderUnder) ? file.split('/').slice(0, depth).join('/') : undefined;

    const check = (node, spec) => {
      if (typeof spec !== 'string') return;
      const data = { zone: o.zone, spec, why: o.why };
      if (spec.startsWith('.') || path.isAbsolute(spec)) {
        const target = repoPath(path.resolve(path.dirname(context.filename), spec));
        const allowed =
          (o.allowPaths === undefined ||
            o.allowPaths.some((f) => under(target, f)) ||
            (ownFolder !== undefined && under(target, ownFolder))) &&
          !(o.denyPaths ?? []).some((f) => under(target, f));
        if (!allowed) context.report({ node, messageId: 'path', data: { ...data, target } });
      } else if (isBuiltin(spec)) {
        if (o.nodeBuiltins === false) context.report({ node, messageId: 'builtin', data });
      } else {
        const name = packageName(spec);
        const allowed =
          (o.allowPackages === undefined || matchesPackage(name, o.allowPackages)) && !matchesPackage(name, o.denyPackages ?? []);
        if (!allowed) context.report({ node, messageId: 'package', data });
      }
    };
    const literal = (n) => (n && n.type === 'Literal' ? n.value : undefined);

    return {
      ImportDeclaration: (n) => check(n.source, n.source.value),
      ExportNamedDeclaration: (n) => n.source && check(n.source, n.source.value),
      ExportAllDeclaration: (n) => check(n.source, n.source.value),
      ImportExpression: (n) => check(n.source, literal(n.source)),
      TSImportEqualsDeclaration: (n) =>
        n.moduleReference.type === 'TSExternalModuleReference' && check(n.moduleReference, literal(n.moduleReference.expression)),
      CallExpression: (n) =>
        n.callee.type === 'Identifier' && n.callee.name === 'require' && check(n.arguments[0] ?? n, literal(n.arguments[0])),
    };
  },
};

/** One block per zone; a later block replaces the rule's options of an earlier one for its files. */
const boundaryZones = [
  {
    files: ['src/shared/**'],
    options: {
      zone: 'src/shared',
      why: 'shared contracts run in the webviews too: only zod-style browser-safe code from src/shared (not src/shared/node)',
      allowPaths: ['src/shared'],
      denyPaths: ['src/shared/node'],
      denyPackages: ['vscode'],
      nodeBuiltins: false,
    },
  },
  {
    files: ['src/shared/node/**'],
    options: {
      zone: 'src/shared/node',
      why: 'the run-folder readers serve both the trainer and the extension host, so they import only src/shared',
      allowPaths: ['src/shared'],
      denyPackages: ['vscode', '@tensorflow/*', 'webgpu', 'sharp'],
    },
  },
  {
    files: ['src/webviews/**'],
    options: {
      zone: 'src/webviews',
      why: 'browser scripts: only src/shared (not node/), src/webviews/common, their own folder, chart.js (+ matrix), vscode-elements, zod',
      allowPaths: ['src/shared', 'src/webviews/common'],
      denyPaths: ['src/shared/node'],
      ownFolderUnder: 'src/webviews',
      allowPackages: ['chart.js', 'chartjs-chart-matrix', '@vscode-elements/elements', 'zod'],
      nodeBuiltins: false,
    },
  },
  {
    files: ['src/extension/**'],
    options: {
      zone: 'src/extension',
      why: 'the extension host stays light and starts the trainer as a process: no trainer code, tfjs or native compute packages',
      denyPaths: ['src/trainer'],
      denyPackages: ['@tensorflow/*', 'webgpu', 'sharp'],
    },
  },
  {
    files: ['src/trainer/**'],
    options: {
      zone: 'src/trainer',
      why: 'the dtn CLI runs outside VS Code: no vscode API, extension host or webview code',
      denyPaths: ['src/extension', 'src/webviews'],
      denyPackages: ['vscode'],
    },
  },
];

export default defineConfig(
  {
    ignores: [
      'dist/**',
      'out/**',
      'node_modules/**',
      '.dtn/**',
      '.gpu/**',
      'scratch/**',
      'gpu-bundle/**',
      'shared/**',
      'test/fixtures/**',
      '*.vsix',
      // Package staging and the end-to-end tools (scripts/package.mjs, scripts/e2e-tools.sh).
      '.package/**',
      '.e2e-tools/**',
    ],
  },
  js.configs.recommended,
  tseslint.configs.recommended,
  {
    // A few type-aware rules for the bugs that matter most in async, message-passing code. The full
    // recommendedTypeChecked set mostly reports `any` from tfjs and redundant assertions; these four
    // cost one TypeScript program (about 12 s) and report real mistakes.
    files: ['**/*.ts'],
    languageOptions: { parserOptions: { projectService: true, tsconfigRootDir: root } },
    rules: {
      '@typescript-eslint/no-floating-promises': 'error',
      '@typescript-eslint/no-misused-promises': 'error',
      '@typescript-eslint/await-thenable': 'error',
      '@typescript-eslint/no-base-to-string': 'error',
    },
  },
  {
    linterOptions: { reportUnusedDisableDirectives: 'error' },
    languageOptions: { ecmaVersion: 2022, sourceType: 'module', globals: { ...globals.node } },
    plugins: { '@stylistic': stylistic },
    rules: {
      // Prettier wraps code at 140; strings, comments and template literals it cannot wrap are held to
      // the same limit here. URLs are the one exception: they cannot be split.
      '@stylistic/max-len': ['error', { code: 140, tabWidth: 2, ignoreUrls: true }],
      '@typescript-eslint/no-unused-vars': [
        'error',
        { argsIgnorePattern: '^_', varsIgnorePattern: '^_', caughtErrors: 'none', ignoreRestSiblings: true },
      ],
    },
  },
  {
    plugins: { dtn: { rules: { 'import-boundaries': importBoundaries } } },
  },
  ...boundaryZones.map(({ files, options }) => ({ files, rules: { 'dtn/import-boundaries': ['error', options] } })),
  // Functions the end-to-end test hands to page.evaluate() and waitForFunction() run in the browser.
  { files: ['test/e2e/**/*.mjs'], languageOptions: { globals: { ...globals.browser } } },
);
