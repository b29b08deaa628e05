/**
 * "Use as f in Config…": the edit that makes a *.dtn.json config use an encoder, computed on the
 * config's text so its formatting and comments stay as they are. Free of vscode so it is
 * unit-tested; useEncoderCommand.ts asks for the config and applies the edit.
 */
import * as path from 'node:path';
import { applyEdits, modify, parse, type FormattingOptions, type ParseError } from 'jsonc-parser';
import { encoderConfigField, encoderShapeText, type EncoderEntry } from '../../shared/encoders';
import { encoderRootOf } from '../../shared/node/encoderFolders';
import { isPresetName, PRESETS } from '../../shared/presets';

/** One replacement of the config's text: [offset, offset + length) becomes `content`. */
export interface TextEdit {
  offset: number;
  length: number;
  content: string;
}

export interface EncoderEditPlan {
  /** Undefined when the config already uses the encoder. */
  edit?: TextEdit;
  /** The value written: encoder.name or encoder.path. */
  field: 'name' | 'path';
  value: string;
  /** Written, but training would refuse the pair as it stands: what to change. */
  note?: string;
}

/** The config cannot use the encoder as it stands: nothing is written, the message says why. */
export class EncoderEditError extends Error {}

/** Indentation and line ends as the file has them, so inserted lines look like their neighbours. */
export function formattingOf(text: string): FormattingOptions {
  const eol = text.includes('\r\n') ? '\r\n' : '\n';
  const indent = /^([ \t]+)\S/m.exec(text)?.[1];
  if (indent?.startsWith('\t')) return { insertSpaces: false, tabSize: 1, eol };
  return { insertSpaces: true, tabSize: indent ? indent.length : 2, eol };
}

/** The smallest single edit that turns `before` into `after`: their common start and end are kept. */
export function minimalEdit(before: string, after: string): TextEdit | undefined {
  if (before === after) return undefined;
  let start = 0;
  while (start < before.length && start < after.length && before[start] === after[start]) start++;
  let end = 0;
  while (end < before.length - start && end < after.length - start && before[before.length - 1 - end] === after[after.length - 1 - end])
    end++;
  return { offset: start, length: before.length - start - end, content: after.slice(start, after.length - end) };
}

interface ArchitectureFacts {
  kind: string;
  embeddingSize?: number;
}

/** The config's architecture kind and embedding size, with what its preset (`extends`) gives. */
function architectureOf(config: Record<string, unknown>): ArchitectureFacts {
  const own = (config.architecture ?? {}) as Record<string, unknown>;
  const preset = typeof config.extends === 'string' && isPresetName(config.extends) ? PRESETS[config.extends] : undefined;
  const base = (preset?.architecture ?? {}) as Record<string, unknown>;
  const kind = own.kind ?? base.kind;
  const size = own.embeddingSize ?? base.embeddingSize;
  return { kind: typeof kind === 'string' ? kind : 'digits', embeddingSize: typeof size === 'number' ? size : undefined };
}

/** encoder.name for published and registered models; encoder.path (relative to the config's folder) for a pretrained folder. */
export function encoderReference(entry: EncoderEntry, configFile: string): { field: 'name' | 'path'; value: string } {
  const field = encoderConfigField(entry.kind);
  if (field === 'name') return { field, value: entry.name };
  const rel = path.relative(path.dirname(configFile), entry.location) || '.';
  return { field, value: rel.split(path.sep).join('/') };
}

/**
 * The edit of `text` (the config at `configFile`) that sets encoder.name or encoder.path to
 * `entry` and removes the other, or EncoderEditError when training could never use the pair.
 */
export function planEncoderEdit(text: string, configFile: string, entry: EncoderEntry): EncoderEditPlan {
  const errors: ParseError[] = [];
  const config: unknown = parse(text, errors, { allowTrailingComma: true });
  if (errors.length || config === null || typeof config !== 'object' || Array.isArray(config))
    throw new EncoderEditError(`${path.basename(configFile)} is not a JSON object; fix its syntax first.`);
  const arch = architectureOf(config as Record<string, unknown>);
  if (entry.kind === 'published' && arch.kind !== 'faces')
    throw new EncoderEditError(`${entry.name} is a face-identity network; a ${arch.kind} config trains with its own pretrained f.`);
  if (entry.kind === 'pretrained' && arch.kind !== 'digits')
    throw new EncoderEditError(`${entry.name} is a digits encoder (32x32); a ${arch.kind} config needs a face-identity f.`);
  if (entry.kind === 'tfjs-model') {
    // The trainer looks a name up in the config's own .dtn/encoders.
    const root = encoderRootOf(path.dirname(configFile));
    if (path.resolve(path.dirname(entry.location)) !== path.resolve(root)) {
      throw new EncoderEditError(
        `${path.basename(configFile)} looks up encoder names in ${root}, and ${entry.name} is registered in ` +
          `${path.dirname(entry.location)}: register it for this config's folder (dtn encoders add --dir), or move the config.`,
      );
    }
  }
  const { field, value } = encoderReference(entry, configFile);
  const other = field === 'name' ? 'path' : 'name';
  const options = { formattingOptions: formattingOf(text) };
  let after = applyEdits(text, modify(text, ['encoder', field], value, options));
  const encoder = (config as { encoder?: Record<string, unknown> }).encoder;
  if (encoder && typeof encoder === 'object' && other in encoder)
    after = applyEdits(after, modify(after, ['encoder', other], undefined, options));
  const note =
    entry.kind === 'tfjs-model' && arch.kind === 'digits' && arch.embeddingSize !== undefined && arch.embeddingSize !== entry.embeddingSize
      ? `${entry.name} (${encoderShapeText(entry)}) gives ${entry.embeddingSize} values, but g reads architecture.embeddingSize = ` +
        `${arch.embeddingSize}: set it to ${entry.embeddingSize} before training.`
      : undefined;
  return { edit: minimalEdit(text, after), field, value, note };
}
