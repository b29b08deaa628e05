/**
 * What a translation panel's message may touch: only an output it showed, inside its output folder,
 * and (to save next to the input) the name beside that item's input. Pure, so crafted messages are tested.
 */
import * as path from 'node:path';
import { isInside } from '../../shared/node/paths';

export interface ShownTranslation {
  input: string;
  output: string;
}

/** The shown item whose output the message names; undefined for any other path. */
export function shownItem<T extends ShownTranslation>(items: readonly T[], outDir: string, requested: string): T | undefined {
  if (!isInside(outDir, requested)) return undefined;
  const want = path.resolve(requested);
  return items.find((i) => path.resolve(i.output) === want && isInside(outDir, i.output));
}

/** `<input folder>/<input name>.dtn.png`; undefined if that would be the input itself. */
export function nextToInput(input: string): string | undefined {
  const target = path.join(path.dirname(input), `${path.parse(input).name}.dtn.png`);
  return path.resolve(target) === path.resolve(input) ? undefined : target;
}
