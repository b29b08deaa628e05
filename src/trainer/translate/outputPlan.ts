/**
 * Which output file each input gets. A folder means every image under it, its sub-folders
 * mirrored under `out`; outputs are `<out>/<name>.dtn.png`. One input file with `--out x.png` writes
 * x.png. No output may replace an input.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { ErrorCode } from '../../shared/errors';
import { IMAGE_EXTENSIONS, isImageName, TRANSLATION_OUTPUT } from '../../shared/imageFiles';

export interface PlannedFile {
  input: string;
  output: string;
  /** The --scale enlargement: `<output minus .png>.x<N>.png`. */
  scaled?: string;
  /** The preprocessed input (`<output minus .png>.input.png`), when asked for. */
  modelInput?: string;
}

export type PlanEntry = { ok: true; file: PlannedFile } | { ok: false; input: string; code: ErrorCode; message: string };

const byName = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);

function imagesUnder(dir: string, rel = ''): string[] {
  const out: string[] = [];
  const entries = fs.readdirSync(path.join(dir, rel), { withFileTypes: true }).sort((a, b) => byName(a.name, b.name));
  for (const e of entries) {
    // Our own outputs are skipped, so translating into the input folder twice adds nothing.
    if (e.name.startsWith('.')) continue;
    const r = path.join(rel, e.name);
    if (e.isDirectory()) out.push(...imagesUnder(dir, r));
    else if (e.isFile() && isImageName(e.name) && !TRANSLATION_OUTPUT.test(e.name)) out.push(r);
  }
  return out;
}

const scaledName = (output: string, scale?: number) => (scale ? output.replace(/\.png$/i, `.x${scale}.png`) : undefined);

const realPath = (p: string) => {
  try {
    return fs.realpathSync(p);
  } catch {
    return path.resolve(p);
  }
};

/** Inputs in order, each with where its translation goes, or why it cannot be translated. */
export function planOutputs(inputs: string[], out: string, scale?: number, modelInput = false): PlanEntry[] {
  const sources: { input: string; rel?: string; message?: string }[] = [];
  for (const raw of inputs) {
    const input = path.resolve(raw);
    const stat = fs.statSync(input, { throwIfNoEntry: false });
    if (!stat) sources.push({ input, message: `${input}: file not found` });
    else if (stat.isDirectory()) {
      let found: string[];
      try {
        found = imagesUnder(input);
      } catch (e) {
        sources.push({ input, message: `${input}: cannot list the folder (${(e as Error).message})` });
        continue;
      }
      if (found.length === 0) sources.push({ input, message: `${input}: no images (${IMAGE_EXTENSIONS.join(' ')}) in this folder` });
      for (const rel of found) sources.push({ input: path.join(input, rel), rel });
    } else sources.push({ input, rel: path.basename(input) });
  }
  const outAbs = path.resolve(out);
  const single = inputs.length === 1 && sources.length === 1 && sources[0].rel === path.basename(sources[0].input);
  const toFile = single && /\.png$/i.test(outAbs) && !fs.statSync(outAbs, { throwIfNoEntry: false })?.isDirectory();

  const inputPaths = new Set(sources.map((s) => realPath(s.input)));
  const taken = new Set<string>();
  return sources.map((s): PlanEntry => {
    const fail = (code: ErrorCode, message: string): PlanEntry => ({ ok: false, input: s.input, code, message });
    if (s.message !== undefined || s.rel === undefined) return fail('DATA_INVALID', s.message ?? `${s.input}: unreadable`);
    const stem = path.join(path.dirname(s.rel), path.parse(s.rel).name);
    // a.png and a.jpg side by side: the second keeps its extension in the name.
    const candidates = toFile ? [outAbs] : [path.join(outAbs, `${stem}.dtn.png`), path.join(outAbs, `${s.rel}.dtn.png`)];
    const output = candidates.find((c) => !taken.has(c));
    if (!output) return fail('OUTPUT_INVALID', `${s.input}: another input already writes ${candidates.at(-1)}`);
    const scaled = scaledName(output, scale);
    const seen = modelInput ? output.replace(/\.png$/i, '.input.png') : undefined;
    for (const target of [output, scaled, seen]) {
      if (target && inputPaths.has(realPath(target))) {
        return fail('OUTPUT_INVALID', `${s.input}: the output ${target} is an input file; choose another --out`);
      }
    }
    taken.add(output);
    return { ok: true, file: { input: s.input, output, scaled, ...(seen ? { modelInput: seen } : {}) } };
  });
}
