// Extracts the outlines of "0".."9" from the digit fonts (devDependencies) into
// src/trainer/data/digitGlyphs.json, which the synthetic street digits draw as SVG paths, and writes
// the fonts' licences into FONT-NOTICES.md. The package then ships neither font files nor a font engine.
//
//   node scripts/digitGlyphs.mjs           # rewrites both files
//   node scripts/digitGlyphs.mjs --stdout  # prints {"glyphs": ..., "notices": ...} (the staleness test compares it)
import * as fs from 'node:fs';
import { createRequire } from 'node:module';
import * as path from 'node:path';
import opentype from 'opentype.js';

const repo = path.resolve(import.meta.dirname, '..');
const require = createRequire(import.meta.url);
export const GLYPHS_FILE = path.join(repo, 'src/trainer/data/digitGlyphs.json');
export const NOTICES_FILE = path.join(repo, 'FONT-NOTICES.md');

const DEJAVU = [
  'Sans',
  'Sans-Bold',
  'Sans-BoldOblique',
  'SansCondensed',
  'SansCondensed-Bold',
  'SansMono',
  'SansMono-Bold',
  'Serif',
  'Serif-Bold',
  'SerifCondensed-Bold',
];
const fontsource = (pkg, family, weights, style = 'printed') =>
  weights.map((w) => ({
    style,
    name: weights.length > 1 ? `${family} ${w}` : family,
    pkg: `@fontsource/${pkg}`,
    // opentype.js reads WOFF, not WOFF2; both carry the same outlines.
    file: `files/${pkg}-latin-${w}-normal.woff`,
  }));

/** The faces the renderer draws with: printed ones first, in the order its random choice indexes them. */
const FACES = [
  ...DEJAVU.map((s) => ({ style: 'printed', name: `DejaVu ${s}`, pkg: 'dejavu-fonts-ttf', file: `ttf/DejaVu${s}.ttf` })),
  ...fontsource('oswald', 'Oswald', [400, 600, 700]),
  ...fontsource('bebas-neue', 'Bebas Neue', [400]),
  ...fontsource('roboto-slab', 'Roboto Slab', [400, 700, 900]),
  ...fontsource('archivo-black', 'Archivo Black', [400]),
  ...fontsource('courier-prime', 'Courier Prime', [400, 700]),
  // Hand-lettered faces (synthetic-digits' handLettered): handwriting-like shapes for f to learn,
  // e.g. 9s with a straight stem and 7s with a bar, which printed faces never show.
  ...fontsource('caveat', 'Caveat', [400, 700], 'hand'),
  ...fontsource('kalam', 'Kalam', [400, 700], 'hand'),
  ...fontsource('patrick-hand', 'Patrick Hand', [400], 'hand'),
  ...fontsource('indie-flower', 'Indie Flower', [400], 'hand'),
  ...fontsource('gloria-hallelujah', 'Gloria Hallelujah', [400], 'hand'),
  ...fontsource('shadows-into-light', 'Shadows Into Light', [400], 'hand'),
  ...fontsource('architects-daughter', 'Architects Daughter', [400], 'hand'),
  ...fontsource('permanent-marker', 'Permanent Marker', [400], 'hand'),
  ...fontsource('nanum-pen-script', 'Nanum Pen Script', [400], 'hand'),
  ...fontsource('reenie-beanie', 'Reenie Beanie', [400], 'hand'),
  ...fontsource('just-another-hand', 'Just Another Hand', [400], 'hand'),
  ...fontsource('gochi-hand', 'Gochi Hand', [400], 'hand'),
  ...fontsource('handlee', 'Handlee', [400], 'hand'),
  ...fontsource('coming-soon', 'Coming Soon', [400], 'hand'),
];

const pkgDir = (pkg) => path.dirname(require.resolve(`${pkg}/package.json`));
const pkgJson = (pkg) => JSON.parse(fs.readFileSync(path.join(pkgDir(pkg), 'package.json'), 'utf8'));

/** Font units to the path text: integers for TrueType, at most 2 decimals for CFF outlines. */
const num = (v) => String(Math.round(v * 100) / 100);

/** SVG path data of one glyph in font units, y pointing down (SVG's way), origin on the baseline at the pen. */
function pathData(glyph) {
  let d = '';
  for (const c of glyph.path.commands) {
    if (c.type === 'M' || c.type === 'L') d += `${c.type}${num(c.x)} ${num(-c.y)}`;
    else if (c.type === 'Q') d += `Q${num(c.x1)} ${num(-c.y1)} ${num(c.x)} ${num(-c.y)}`;
    else if (c.type === 'C') d += `C${num(c.x1)} ${num(-c.y1)} ${num(c.x2)} ${num(-c.y2)} ${num(c.x)} ${num(-c.y)}`;
    else if (c.type === 'Z') d += 'Z';
    else throw new Error(`unknown path command ${c.type}`);
  }
  return d;
}

export function generate() {
  const fonts = FACES.map((face) => {
    const { version, license } = pkgJson(face.pkg);
    const buf = fs.readFileSync(path.join(pkgDir(face.pkg), face.file));
    const font = opentype.parse(buf.buffer.slice(buf.byteOffset, buf.byteOffset + buf.byteLength));
    const glyphs = [...'0123456789'].map((ch) => {
      const g = font.charToGlyph(ch);
      if (!g || g.index === 0) throw new Error(`${face.pkg}/${face.file} has no glyph for "${ch}"`);
      return g;
    });
    // The ink height of "0".."9" together (top of the tallest to the bottom of the lowest), per em:
    // the renderer sizes digits by it, so every face draws digits of the height it asks for.
    const boxes = glyphs.map((g) => g.getBoundingBox());
    const digitHeight = (Math.max(...boxes.map((b) => b.y2)) - Math.min(...boxes.map((b) => b.y1))) / font.unitsPerEm;
    return {
      name: face.name,
      style: face.style,
      source: `${face.pkg}@${version}/${face.file}`,
      license,
      unitsPerEm: font.unitsPerEm,
      digitHeight: Math.round(digitHeight * 1e6) / 1e6,
      advances: glyphs.map((g) => g.advanceWidth),
      paths: glyphs.map(pathData),
    };
  });
  const glyphs = `${JSON.stringify({ generatedBy: 'scripts/digitGlyphs.mjs', fonts }, null, 1)}\n`;
  return { glyphs, notices: notices() };
}

/** Each font package's licence, verbatim: the outlines in digitGlyphs.json are derived from these fonts. */
function notices() {
  const pkgs = [...new Set(FACES.map((f) => f.pkg))];
  const parts = pkgs.map((pkg) => {
    const { version, license } = pkgJson(pkg);
    const names = FACES.filter((f) => f.pkg === pkg).map((f) => f.name);
    const text = fs.readFileSync(path.join(pkgDir(pkg), 'LICENSE'), 'utf8').trim();
    return `## ${pkg} ${version} (${license})\n\nFaces: ${names.join(', ')}.\n\n\`\`\`text\n${text}\n\`\`\`\n`;
  });
  return (
    '# Font notices\n\n' +
    'The synthetic street digits are drawn from the outlines of the digits "0" to "9" of the fonts below, ' +
    'extracted into `src/trainer/data/digitGlyphs.json` by `scripts/digitGlyphs.mjs` (no font file is shipped). ' +
    'Each font is used under its licence, reproduced here.\n\n' +
    parts.join('\n')
  );
}

if (process.argv[1] === import.meta.filename) {
  const out = generate();
  if (process.argv.includes('--stdout')) process.stdout.write(JSON.stringify(out));
  else {
    fs.writeFileSync(GLYPHS_FILE, out.glyphs);
    fs.writeFileSync(NOTICES_FILE, out.notices);
    console.log(`wrote ${path.relative(repo, GLYPHS_FILE)} (${out.glyphs.length} bytes) and ${path.relative(repo, NOTICES_FILE)}`);
  }
}
