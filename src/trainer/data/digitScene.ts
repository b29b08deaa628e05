/**
 * One street-number crop as SVG: the random choices (colours, background, plate edge, font, size,
 * neighbours, pose, blur, outline, shadow, alpha) drawn from the image's own stream, in a fixed order.
 * The markup is placed in a size x size cell by svgSheet.ts; glyphs are `<use>`s of the sheet's defs.
 */
import type { DigitFont } from './digitGlyphs';
import type { Rng } from './rng';

type Rgb = [number, number, number];
const luma = (c: Rgb) => 0.299 * c[0] + 0.587 * c[1] + 0.114 * c[2];
const hex = (c: Rgb) => `#${c.map((v) => (v | 0).toString(16).padStart(2, '0')).join('')}`;
/** Coordinates to 3 decimals: below a thousandth of a pixel, and short markup. */
const n = (v: number) => String(Math.round(v * 1000) / 1000);
/** Scale factors to 6 significant digits: a glyph spans about a thousand font units. */
const sig = (v: number) => String(Number(v.toPrecision(6)));

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

/**
 * A Gaussian blur of standard deviation `sigma` px as two 1-D convolutions. Not feGaussianBlur:
 * librsvg's is far narrower than asked below 2 px (0.44 px for 1), and these blurs are 0.3-1.1 px.
 */
export function gaussianBlur(sigma: number): string {
  const radius = Math.ceil(3 * sigma);
  const taps = Array.from({ length: 2 * radius + 1 }, (_, i) => Math.exp(-((i - radius) ** 2) / (2 * sigma * sigma)));
  const sum = taps.reduce((a, b) => a + b, 0);
  const kernel = taps.map((t) => sig(t / sum)).join(' ');
  const pass = (order: string) => `<feConvolveMatrix order="${order}" kernelMatrix="${kernel}" edgeMode="none"/>`;
  return pass(`${taps.length} 1`) + pass(`1 ${taps.length}`);
}

/** The id of a glyph in the sheet's defs: font index and digit. */
export const glyphId = (font: number, digit: number) => `g${font}_${digit}`;

export interface DigitScene {
  /** Markup for a size x size cell, in cell pixels; `uid` prefixes its own defs' ids. */
  svg: string;
  /** Glyph ids it uses (glyphId), for the sheet's defs. */
  glyphs: string[];
}

/**
 * Draws the crop of `label` (its neighbours are distractors). Same stream, same scene: the random
 * choices are made in this order whatever the sheet does with the markup.
 */
export function digitScene(size: number, label: number, rng: Rng, fonts: readonly DigitFont[], uid: string): DigitScene {
  const [fg, bg] = colourPair(rng);
  const defs: string[] = [];
  const parts: string[] = [];

  // Background: flat, or a gradient between two nearby shades (lighting, weathered plates).
  let fill = hex(bg);
  if (rng.next() < 0.4) {
    const a = rng.range(0, Math.PI * 2);
    const k = rng.range(15, 60);
    const [dx, dy] = [Math.cos(a) * size, Math.sin(a) * size];
    const c = size / 2;
    defs.push(
      `<linearGradient id="${uid}g" gradientUnits="userSpaceOnUse" ` +
        `x1="${n(c - dx)}" y1="${n(c - dy)}" x2="${n(c + dx)}" y2="${n(c + dy)}">` +
        `<stop offset="0" stop-color="${hex(shade(bg, k))}"/><stop offset="1" stop-color="${hex(shade(bg, -k))}"/></linearGradient>`,
    );
    fill = `url(#${uid}g)`;
  }
  parts.push(`<rect width="${size}" height="${size}" fill="${fill}"/>`);
  // Occasionally a plate/frame edge crosses the crop.
  if (rng.next() < 0.15) {
    const edge = hex(shade(bg, rng.next() < 0.5 ? -50 : 50));
    const w = rng.range(2, 6);
    const rect = rng.next() < 0.5 ? [0, rng.next() < 0.5 ? 0 : size - w, size, w] : [rng.next() < 0.5 ? 0 : size - w, 0, w, size];
    parts.push(`<rect x="${n(rect[0])}" y="${n(rect[1])}" width="${n(rect[2])}" height="${n(rect[3])}" fill="${edge}"/>`);
  }

  const fontIndex = rng.int(fonts.length);
  const font = fonts[fontIndex];
  const height = size * rng.range(0.5, 0.85); // digit height in px
  const em = height / font.digitHeight; // font size in px
  const scale = em / font.unitsPerEm; // px per font unit
  const advance = (d: number) => font.advances[d] * scale;

  // Neighbouring digits as in SVHN crops of multi-digit numbers.
  const gap = rng.range(-0.04, 0.2) * height;
  const left = rng.next() < 0.65 ? rng.int(10) : -1;
  const right = rng.next() < 0.65 ? rng.int(10) : -1;

  const blur = rng.next() < 0.35 ? rng.range(0.3, 1.1) : 0;
  const outline = rng.next() < 0.12;
  const shadow = !outline && rng.next() < 0.15;
  const alpha = n(rng.range(0.85, 1));

  const tx = size / 2 + rng.range(-0.07, 0.07) * size;
  const ty = size / 2 + rng.range(-0.07, 0.07) * size;
  const angle = rng.range(-15, 15);
  // Aspect jitter and slight shear: perspective of a photographed plate.
  const aspect = rng.range(0.8, 1.15);
  const shear = rng.range(-0.15, 0.15);

  const base = height / 2;
  const glyphs: string[] = [];
  const text: string[] = [];
  // Each mark is its own element with its own opacity, as each draw composites on its own.
  const draw = (digit: number, centreX: number) => {
    const id = glyphId(fontIndex, digit);
    glyphs.push(id);
    const at = (dx: number, dy: number) =>
      `transform="translate(${n(centreX - advance(digit) / 2 + dx)} ${n(base + dy)}) scale(${sig(scale)})"`;
    if (shadow) {
      const off = height * 0.06;
      text.push(`<use href="#${id}" ${at(off, off)} fill="${hex(shade(bg, luma(bg) > 128 ? -90 : 90))}" fill-opacity="${alpha}"/>`);
    }
    text.push(`<use href="#${id}" ${at(0, 0)} fill="${hex(fg)}" fill-opacity="${alpha}"/>`);
    if (outline) {
      // The stroke width is in pixels of the posed frame, so it is divided by the glyph's scale.
      const width = Math.max(0.6, height * 0.04) / scale;
      const colour = hex(shade(fg, luma(fg) > 128 ? -120 : 120));
      text.push(
        `<use href="#${id}" ${at(0, 0)} fill="none" stroke="${colour}" stroke-width="${n(width)}" ` +
          `stroke-miterlimit="10" stroke-opacity="${alpha}"/>`,
      );
    }
  };
  const cw = advance(label);
  draw(label, 0);
  if (left >= 0) draw(left, -(cw / 2 + gap + advance(left) / 2));
  if (right >= 0) draw(right, cw / 2 + gap + advance(right) / 2);

  const pose = `translate(${n(tx)} ${n(ty)}) rotate(${n(angle)}) matrix(${n(aspect)} 0 ${n(shear)} 1 0 0)`;
  let marks = `<g transform="${pose}">${text.join('')}</g>`;
  if (blur > 0) {
    // Blurred in cell pixels (outside the pose), like a camera's defocus, with standard deviation
    // `blur`; the region is the cell and outside it is transparent, as on a canvas.
    defs.push(
      `<filter id="${uid}b" filterUnits="userSpaceOnUse" x="0" y="0" width="${size}" height="${size}">${gaussianBlur(blur)}</filter>`,
    );
    marks = `<g filter="url(#${uid}b)">${marks}</g>`;
  }
  const defsSvg = defs.length ? `<defs>${defs.join('')}</defs>` : '';
  return { svg: defsSvg + parts.join('') + marks, glyphs };
}
