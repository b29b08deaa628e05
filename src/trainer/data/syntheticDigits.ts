/**
 * The source domain that ships: street-number style digit crops (like SVHN's 32x32 "cropped
 * digits"), rendered from bundled fonts. Labelled by the centre digit; neighbours are distractors.
 */
import * as path from 'node:path';
import { createCanvas, GlobalFonts, SKRSContext2D } from '@napi-rs/canvas';
import { ImageSet } from './imageSet';
import { Rng } from './rng';
import { DtnError } from '../../shared/errors';

export interface SyntheticDigitOptions {
  count: number;
  seed: number;
  /** Side of the square RGB images. */
  size?: number;
}

interface FontFace {
  family: string;
  /** Package and path inside it. */
  pkg: string;
  file: string;
}

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
const FONT_FACES: FontFace[] = [
  ...DEJAVU.map((s) => ({ family: `DTN DejaVu ${s}`, pkg: 'dejavu-fonts-ttf', file: `ttf/DejaVu${s}.ttf` })),
  ...[400, 600, 700].map((w) => ({ family: `DTN Oswald ${w}`, pkg: '@fontsource/oswald', file: `files/oswald-latin-${w}-normal.woff2` })),
  { family: 'DTN Bebas Neue', pkg: '@fontsource/bebas-neue', file: 'files/bebas-neue-latin-400-normal.woff2' },
  ...[400, 700, 900].map((w) => ({
    family: `DTN Roboto Slab ${w}`,
    pkg: '@fontsource/roboto-slab',
    file: `files/roboto-slab-latin-${w}-normal.woff2`,
  })),
  { family: 'DTN Archivo Black', pkg: '@fontsource/archivo-black', file: 'files/archivo-black-latin-400-normal.woff2' },
  ...[400, 700].map((w) => ({
    family: `DTN Courier Prime ${w}`,
    pkg: '@fontsource/courier-prime',
    file: `files/courier-prime-latin-${w}-normal.woff2`,
  })),
];

interface LoadedFont {
  family: string;
  /** Digit height (ascent of "0".."9", averaged) per 1px of font size, to size digits by height. */
  digitHeight: number;
}

let loaded: LoadedFont[] | undefined;

/** Registers every bundled font once per process under its own family name. */
function loadFonts(): LoadedFont[] {
  if (loaded) return loaded;
  const probe = createCanvas(8, 8).getContext('2d');
  const out: LoadedFont[] = [];
  for (const f of FONT_FACES) {
    let file: string;
    try {
      file = path.join(path.dirname(require.resolve(`${f.pkg}/package.json`)), f.file);
    } catch {
      continue; // a missing font package only narrows the variety
    }
    if (!GlobalFonts.has(f.family) && !GlobalFonts.registerFromPath(file, f.family)) continue;
    probe.font = `100px "${f.family}"`;
    const m = probe.measureText('0123456789');
    out.push({ family: f.family, digitHeight: (m.actualBoundingBoxAscent + m.actualBoundingBoxDescent) / 100 });
  }
  if (out.length === 0)
    throw new DtnError('DATA_INVALID', 'no digit fonts could be loaded: reinstall dejavu-fonts-ttf and the @fontsource packages');
  loaded = out;
  return out;
}

/** Families actually used for rendering. */
export function digitFonts(): string[] {
  return loadFonts().map((f) => f.family);
}

/** A fresh stream per (seed, index), so image i does not depend on count or on other images. */
function streamSeed(seed: number, index: number, salt: number): number {
  let h = Math.imul(seed ^ 0x9e3779b9, 0x85ebca6b) ^ Math.imul(index + salt, 0xc2b2ae35);
  h ^= h >>> 16;
  h = Math.imul(h, 0x7feb352d);
  h ^= h >>> 15;
  h = Math.imul(h, 0x846ca68b);
  return (h ^ (h >>> 16)) >>> 0;
}

type Rgb = [number, number, number];
const luma = (c: Rgb) => 0.299 * c[0] + 0.587 * c[1] + 0.114 * c[2];
const css = (c: Rgb) => `rgb(${c[0] | 0},${c[1] | 0},${c[2] | 0})`;

function randomColour(rng: Rng): Rgb {
  // Mostly muted, sometimes saturated, like painted signs and house plates.
  const base = rng.range(0, 255);
  const sat = rng.next() < 0.3 ? rng.range(60, 200) : rng.range(0, 60);
  return [0, 1, 2].map(() => Math.max(0, Math.min(255, base + rng.range(-sat, sat)))) as Rgb;
}

function shade(c: Rgb, k: number): Rgb {
  return c.map((v) => Math.max(0, Math.min(255, v + k))) as Rgb;
}

/** Foreground/background pair with at least `minContrast` luma difference. */
function colourPair(rng: Rng): [Rgb, Rgb] {
  const minContrast = rng.range(60, 120);
  const bg = randomColour(rng);
  for (let tries = 0; tries < 20; tries++) {
    const fg = randomColour(rng);
    if (Math.abs(luma(fg) - luma(bg)) >= minContrast) return [fg, bg];
  }
  return [luma(bg) > 128 ? shade(bg, -150) : shade(bg, 150), bg];
}

function drawOne(ctx: SKRSContext2D, size: number, label: number, rng: Rng, fonts: LoadedFont[]): void {
  const [fg, bg] = colourPair(rng);
  ctx.setTransform(1, 0, 0, 1, 0, 0);
  ctx.filter = 'none';
  ctx.globalAlpha = 1;

  // Background: flat, or a gradient between two nearby shades (lighting, weathered plates).
  if (rng.next() < 0.4) {
    const a = rng.range(0, Math.PI * 2);
    const g = ctx.createLinearGradient(
      size / 2 - Math.cos(a) * size,
      size / 2 - Math.sin(a) * size,
      size / 2 + Math.cos(a) * size,
      size / 2 + Math.sin(a) * size,
    );
    const k = rng.range(15, 60);
    g.addColorStop(0, css(shade(bg, k)));
    g.addColorStop(1, css(shade(bg, -k)));
    ctx.fillStyle = g;
  } else {
    ctx.fillStyle = css(bg);
  }
  ctx.fillRect(0, 0, size, size);
  // Occasionally a plate/frame edge crosses the crop.
  if (rng.next() < 0.15) {
    ctx.fillStyle = css(shade(bg, rng.next() < 0.5 ? -50 : 50));
    const w = rng.range(2, 6);
    if (rng.next() < 0.5) ctx.fillRect(0, rng.next() < 0.5 ? 0 : size - w, size, w);
    else ctx.fillRect(rng.next() < 0.5 ? 0 : size - w, 0, w, size);
  }

  const font = rng.pick(fonts);
  const height = size * rng.range(0.5, 0.85); // digit height in px
  const px = height / font.digitHeight;
  ctx.font = `${px.toFixed(2)}px "${font.family}"`;
  ctx.textBaseline = 'alphabetic';
  ctx.textAlign = 'center';

  // Neighbouring digits as in SVHN crops of multi-digit numbers.
  const gap = rng.range(-0.04, 0.2) * height;
  const centre = String(label);
  const cw = ctx.measureText(centre).width;
  const left = rng.next() < 0.65 ? String(rng.int(10)) : '';
  const right = rng.next() < 0.65 ? String(rng.int(10)) : '';

  const blur = rng.next() < 0.35 ? rng.range(0.3, 1.1) : 0;
  const outline = rng.next() < 0.12;
  const shadow = !outline && rng.next() < 0.15;
  const alpha = rng.range(0.85, 1);

  ctx.translate(size / 2 + rng.range(-0.07, 0.07) * size, size / 2 + rng.range(-0.07, 0.07) * size);
  ctx.rotate((rng.range(-15, 15) * Math.PI) / 180);
  // Aspect jitter and slight shear: perspective of a photographed plate.
  ctx.transform(rng.range(0.8, 1.15), 0, rng.range(-0.15, 0.15), 1, 0, 0);
  if (blur > 0) ctx.filter = `blur(${blur.toFixed(2)}px)`;
  ctx.globalAlpha = alpha;

  const base = height / 2;
  const draw = (text: string, x: number) => {
    if (!text) return;
    if (shadow) {
      ctx.fillStyle = css(shade(bg, luma(bg) > 128 ? -90 : 90));
      ctx.fillText(text, x + height * 0.06, base + height * 0.06);
    }
    ctx.fillStyle = css(fg);
    ctx.fillText(text, x, base);
    if (outline) {
      ctx.strokeStyle = css(shade(fg, luma(fg) > 128 ? -120 : 120));
      ctx.lineWidth = Math.max(0.6, height * 0.04);
      ctx.strokeText(text, x, base);
    }
  };
  draw(centre, 0);
  if (left) draw(left, -(cw / 2 + gap + ctx.measureText(left).width / 2));
  if (right) draw(right, cw / 2 + gap + ctx.measureText(right).width / 2);
}

/** Renders `count` labelled RGB digits; the same (seed, index) always gives the same bytes. */
export function renderSyntheticDigits(opts: SyntheticDigitOptions): ImageSet {
  const { count, seed } = opts;
  const size = opts.size ?? 32;
  const fonts = loadFonts();
  const canvas = createCanvas(size, size);
  const ctx = canvas.getContext('2d');
  const plane = size * size;
  const images = new Float32Array(count * plane * 3);
  const labels = new Int32Array(count);
  let block: number[] = [];
  for (let i = 0; i < count; i++) {
    // Balanced classes: each block of 10 is a seeded permutation of 0..9.
    if (i % 10 === 0) block = new Rng(streamSeed(seed, i / 10, 0x51ed)).shuffle([0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
    const label = block[i % 10];
    labels[i] = label;
    const rng = new Rng(streamSeed(seed, i, 0));
    drawOne(ctx, size, label, rng, fonts);
    const rgba = ctx.getImageData(0, 0, size, size).data;
    // Sensor noise and exposure jitter, applied in the pixel pass.
    const noise = rng.next() < 0.7 ? rng.range(1, 12) : 0;
    const gain = rng.range(0.85, 1.1);
    const offset = rng.range(-15, 15);
    const out = i * plane * 3;
    for (let p = 0; p < plane; p++) {
      for (let c = 0; c < 3; c++) {
        let v = rgba[4 * p + c] * gain + offset;
        if (noise) v += noise * rng.normal();
        v = v < 0 ? 0 : v > 255 ? 255 : v;
        images[out + 3 * p + c] = v / 127.5 - 1;
      }
    }
  }
  return { images, labels, count, height: size, width: size, channels: 3, origin: `synthetic digits (seed ${seed})` };
}
