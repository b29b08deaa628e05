/**
 * The digit outlines the synthetic street digits are drawn from: "0".."9" of each font, as SVG path
 * data, extracted once by scripts/digitGlyphs.mjs into digitGlyphs.json (bundled), so the trainer
 * needs neither font files nor a font engine. The fonts' licences are in FONT-NOTICES.md.
 */
import { z } from 'zod';
import { DtnError } from '../../shared/errors';
import glyphFile from './digitGlyphs.json';

const TenOf = <T extends z.ZodType>(t: T) => z.array(t).length(10);

const DigitFontSchema = z.object({
  name: z.string().min(1),
  /** printed: type faces of plates and signs; hand: hand-lettered faces (synthetic-digits' handLettered). */
  style: z.enum(['printed', 'hand']),
  /** Package, version and file the outlines came from. */
  source: z.string(),
  license: z.string(),
  unitsPerEm: z.number().positive(),
  /** Ink height of "0".."9" together, per em: digits are sized by it. */
  digitHeight: z.number().positive(),
  /** Advance widths of "0".."9", font units. */
  advances: TenOf(z.number().nonnegative()),
  /** Outlines of "0".."9": font units, y down, origin on the baseline at the pen. */
  paths: TenOf(z.string().regex(/^[MLQCZ0-9 .-]+$/)),
});
const GlyphFileSchema = z.object({
  fonts: z
    .array(DigitFontSchema)
    .min(1)
    .refine(
      (fonts) => {
        const firstHand = fonts.findIndex((f) => f.style === 'hand');
        return firstHand < 0 || fonts.slice(firstHand).every((f) => f.style === 'hand');
      },
      { message: 'printed faces must come before hand-lettered ones' },
    ),
});

export type DigitFont = z.infer<typeof DigitFontSchema>;

let fonts: DigitFont[] | undefined;
let printedFonts: DigitFont[] | undefined;

/**
 * The faces the renderer draws with, in a fixed order (the random choice indexes it): the printed
 * ones, then, with `handLettered`, the hand-lettered ones. Printed ones come first in the file, so
 * printed-only images are the same as before hand-lettered faces existed.
 */
export function digitFontList(handLettered = false): readonly DigitFont[] {
  const all = allFonts();
  if (handLettered) return all;
  return (printedFonts ??= all.filter((f) => f.style === 'printed'));
}

function allFonts(): DigitFont[] {
  if (fonts) return fonts;
  const parsed = GlyphFileSchema.safeParse(glyphFile);
  if (!parsed.success) {
    // The file is generated and bundled: this is a broken build, not bad user data.
    throw new DtnError('INTERNAL', `digitGlyphs.json is damaged: ${parsed.error.issues[0]?.message}`, {
      fix: 'Regenerate it with `node scripts/digitGlyphs.mjs` and rebuild',
    });
  }
  fonts = parsed.data.fonts;
  return fonts;
}
