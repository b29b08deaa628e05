// Packages the extension for one vsce target (or all): stages package.json, README, LICENSE, FONT-NOTICES.md, media/,
// the bundles in dist/ and the run-time payload (scripts/package/payload.mjs) in .package/<target>/,
// then runs `vsce package --target` there. node_modules is not shipped: the trainer finds its native
// and data packages in dist/node_modules. Platform packages this machine did not install (npm installs
// only the host's optional binaries) are fetched from the npm registry with `npm pack`, at the exact
// version the parent package pins, into .package/cache/.
//
//   node scripts/package.mjs                      # the host's target (after `npm run build`)
//   node scripts/package.mjs --target darwin-arm64
//   node scripts/package.mjs --target all
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { parseArgs } from 'node:util';
import { runsOn } from './package/binaryArch.mjs';
import { NATIVE, PAYLOAD, TARGETS } from './package/payload.mjs';

const repo = path.resolve(import.meta.dirname, '..');
const modules = path.join(repo, 'node_modules');
const work = path.join(repo, '.package');
const { values } = parseArgs({ options: { target: { type: 'string' }, out: { type: 'string' } } });
const hostTarget = `${process.platform}-${process.arch}`;
const targets = values.target === 'all' ? Object.keys(TARGETS) : [values.target ?? hostTarget];
for (const t of targets) if (!TARGETS[t]) throw new Error(`unknown target ${t}: one of ${Object.keys(TARGETS).join(', ')}, or all`);
const manifest = JSON.parse(fs.readFileSync(path.join(repo, 'package.json'), 'utf8'));
const outDir = path.resolve(values.out ?? repo);
if (!fs.existsSync(path.join(repo, 'dist', 'trainer', 'cli.js'))) throw new Error('dist/ is missing: run `npm run build` first');

const readJson = (file) => JSON.parse(fs.readFileSync(file, 'utf8'));

/** Copies `from` (a file, or a folder's files that pass `filter`) to `to`; returns the files copied. */
function copy(from, to, filter = () => true) {
  const stat = fs.statSync(from);
  if (stat.isFile()) {
    fs.mkdirSync(path.dirname(to), { recursive: true });
    fs.copyFileSync(from, to);
    return 1;
  }
  let n = 0;
  for (const e of fs.readdirSync(from, { withFileTypes: true })) {
    const src = path.join(from, e.name);
    if (e.isDirectory()) n += copy(src, path.join(to, e.name), filter);
    else if (filter(e.name)) n += copy(src, path.join(to, e.name));
  }
  return n;
}

/** A platform package at the version its parent pins: from node_modules if installed, else `npm pack`ed. */
function platformPackage(parent, name) {
  const version = readJson(path.join(modules, parent, 'package.json')).optionalDependencies?.[name];
  if (!version) throw new Error(`${parent} does not list ${name} among its optional dependencies`);
  const installed = path.join(modules, name);
  if (fs.existsSync(installed) && readJson(path.join(installed, 'package.json')).version === version) return installed;
  const dir = path.join(work, 'cache', `${name.replace('/', '+')}@${version}`);
  if (!fs.existsSync(path.join(dir, 'package', 'package.json'))) {
    fs.rmSync(dir, { recursive: true, force: true });
    fs.mkdirSync(dir, { recursive: true });
    console.log(`fetching ${name}@${version} (npm pack)`);
    const [{ filename }] = JSON.parse(
      execFileSync('npm', ['pack', `${name}@${version}`, '--json', '--pack-destination', dir], { encoding: 'utf8', cwd: dir }),
    );
    execFileSync('tar', ['xzf', path.join(dir, path.basename(filename)), '-C', dir]);
  }
  return path.join(dir, 'package');
}

function stage(target) {
  const spec = TARGETS[target];
  const dir = path.join(work, target);
  fs.rmSync(dir, { recursive: true, force: true });
  fs.mkdirSync(dir, { recursive: true });

  // The manifest without what only a checkout needs; vsce reads engines, contributes, main, ...
  const { scripts, devDependencies, dependencies, optionalDependencies, bin, ...published } = manifest;
  void [scripts, devDependencies, dependencies, optionalDependencies, bin];
  fs.writeFileSync(path.join(dir, 'package.json'), `${JSON.stringify(published, null, 2)}\n`);
  for (const f of ['README.md', 'LICENSE', 'FONT-NOTICES.md', 'media']) copy(path.join(repo, f), path.join(dir, f));
  copy(path.join(repo, 'dist'), path.join(dir, 'dist'), (f) => !f.endsWith('.map'));
  // The staged folder holds only what ships; source maps stay out.
  fs.writeFileSync(path.join(dir, '.vscodeignore'), '**/*.map\n');

  const nm = path.join(dir, 'dist', 'node_modules');
  for (const p of PAYLOAD) {
    const from = path.join(modules, p.name);
    if (!fs.existsSync(from)) throw new Error(`${p.name} is not installed: run npm install`);
    for (const k of p.keep) {
      if (k === 'dawn') copy(path.join(from, 'dist', spec.dawn), path.join(nm, p.name, 'dist', spec.dawn));
      else if (fs.existsSync(path.join(from, k))) copy(path.join(from, k), path.join(nm, p.name, k), p.filter);
      else if (k !== 'LICENSE' && k !== 'LICENSE.md') throw new Error(`${p.name}/${k} is missing`);
    }
  }
  const allowed = new Set();
  for (const [parent, names] of Object.entries(spec.platformPackages))
    for (const name of names) {
      const n = copy(platformPackage(parent, name), path.join(nm, name), (f) => !/^README/i.test(f));
      if (n < 2) throw new Error(`${name} holds no files`);
      allowed.add(name);
    }
  checkNatives(nm, allowed, spec.dawn, target);
  return dir;
}

/** Every native file must come from this target's platform packages or its Dawn folder. */
function checkNatives(nm, allowed, dawn, target) {
  const walk = (d) =>
    fs.readdirSync(d, { withFileTypes: true }).flatMap((e) => (e.isDirectory() ? walk(path.join(d, e.name)) : [path.join(d, e.name)]));
  const natives = walk(nm).filter((f) => NATIVE.test(f));
  const foreign = natives.filter((f) => {
    const rel = path.relative(nm, f).split(path.sep).join('/');
    return !([...allowed].some((p) => rel.startsWith(`${p}/`)) || rel.startsWith(`webgpu/dist/${dawn}/`));
  });
  if (foreign.length) throw new Error(`${target}: native files of another platform would ship:\n  ${foreign.join('\n  ')}`);
  // Read from the headers too: a platform package with the wrong binary inside is caught here.
  const wrong = natives
    .filter((f) => f.endsWith('.node') || f.endsWith('.dll') || /\.so\.|\.dylib$/.test(f))
    .filter((f) => !runsOn(f, target));
  if (wrong.length) throw new Error(`${target}: these binaries are not built for ${target}:\n  ${wrong.join('\n  ')}`);
  for (const need of ['webgpu', ...allowed])
    if (!natives.some((f) => path.relative(nm, f).startsWith(`${need.split('/').join(path.sep)}${path.sep}`)))
      throw new Error(`${target}: ${need} has no native file`);
}

const vsce = path.join(modules, '.bin', process.platform === 'win32' ? 'vsce.cmd' : 'vsce');
for (const target of targets) {
  const dir = stage(target);
  const out = path.join(outDir, `${manifest.name}-${target}-${manifest.version}.vsix`);
  execFileSync(
    vsce,
    ['package', '--target', target, '--no-dependencies', '--allow-missing-repository', '--no-rewrite-relative-links', '--out', out],
    { cwd: dir, stdio: ['ignore', 'inherit', 'inherit'] },
  );
  console.log(`${path.relative(process.cwd(), out)}: ${(fs.statSync(out).size / 1e6).toFixed(1)} MB`);
}
