/**
 * `dtn encoders`: the encoders f can be (published, pretrained by `dtn pretrain-f`, registered
 * TensorFlow.js models), and `dtn encoders add`, which registers a user's Layers model.
 */
import * as path from 'node:path';
import { InvalidArgumentError } from 'commander';
import type { BackendChoice } from '../../../shared/config';
import { isEncoderName } from '../../../shared/encoderName';
import {
  accuracyText,
  encoderShapeText,
  PREPROCESSING_PRESETS,
  PreprocessingSchema,
  type Accuracy,
  type EncoderAdded,
  type EncoderEntry,
  type EncoderListing,
  type Preprocessing,
  type TargetReading,
} from '../../../shared/encoders';
import { initBackend } from '../../engine/backend';
import { addTfjsEncoder, type AddEncoderOptions } from '../../run/encoderRegistration';
import { listEncoders } from '../../run/encoderRegistry';

type Write = (text: string) => void;
const stdout: Write = (text) => void process.stdout.write(text);

export interface EncodersOpts {
  /** The folder whose .dtn/encoders is read; default the current one. */
  dir?: string;
  json?: boolean;
}

/** The registration's own options, less where it goes (the CLI's --dir and <name>), plus the backend. */
export interface EncodersAddOpts extends EncodersOpts, Omit<AddEncoderOptions, 'workspaceDir' | 'name'> {
  backend?: BackendChoice;
}

/** The listing as a table; the config field that names each kind of encoder at the end. */
export function encoderListingText(listing: EncoderListing): string {
  // f's reading of the target domain, a column only where some encoder has one (dtn pretrain-f).
  const reads = listing.encoders.some((e) => e.targetReading);
  const readingCell = (r?: TargetReading) => (r ? `${(r.value * 100).toFixed(1)}% of ${r.count} from ${r.on}` : '-');
  const rows = [
    ['NAME', 'KIND', 'INPUT -> EMBEDDING', 'ACCURACY', ...(reads ? ['READS THE TARGET'] : [])],
    ...listing.encoders.map((e) => [
      e.name,
      e.kind,
      encoderShapeText(e),
      e.accuracy ? accuracyText(e.accuracy) : '-',
      ...(reads ? [readingCell(e.targetReading)] : []),
    ]),
  ];
  const widths = rows[0].map((_, i) => Math.max(...rows.map((r) => r[i].length)));
  const lines = rows.map((r) => `  ${r.map((c, i) => (i < r.length - 1 ? c.padEnd(widths[i]) : c)).join('  ')}`);
  const out = [`Encoders for f (${listing.workspace}):`, '', ...lines, ''];
  if (listing.problems.length) {
    out.push('Not usable:', ...listing.problems.map((p) => `  ${p.name}: ${p.message}`), '');
  }
  out.push(
    'In a config: "encoder": { "name": "<name>" } for published and tfjs-model encoders,',
    '             "encoder": { "path": "<folder>" } for pretrained ones.',
    'Register a TensorFlow.js Layers model: dtn encoders add <name> --model <model.json> --input-size N --channels 1|3 --preprocessing P',
    '',
  );
  return out.join('\n');
}

export async function encodersCommand(opts: EncodersOpts, write: Write = stdout): Promise<void> {
  const listing = listEncoders(path.resolve(opts.dir ?? '.'));
  write(opts.json ? `${JSON.stringify(listing)}\n` : encoderListingText(listing));
}

/** With --json: one `{ "type": "encoder-added", "encoder": EncoderEntry }` line. */
export async function encodersAddCommand(name: string, opts: EncodersAddOpts, write: Write = stdout): Promise<EncoderEntry> {
  // One forward pass checks the model: the cpu backend is always there and enough for it.
  await initBackend(opts.backend ?? 'cpu');
  const entry = await addTfjsEncoder({ ...opts, name, workspaceDir: path.resolve(opts.dir ?? '.') });
  if (opts.json) {
    const added: EncoderAdded = { type: 'encoder-added', encoder: entry };
    write(`${JSON.stringify(added)}\n`);
  } else {
    write(
      `Registered ${entry.name}: ${encoderShapeText(entry)} in ${entry.location}\n` +
        `  use it as f: "encoder": { "name": "${entry.name}" }\n`,
    );
  }
  return entry;
}

// Argument parsers for commander: a usage error names the option.

export function encoderNameArg(v: string): string {
  if (!isEncoderName(v)) throw new InvalidArgumentError('letters, digits, ".", "_" or "-" (at most 64, a letter or digit first)');
  return v;
}

export function channelsArg(v: string): 1 | 3 {
  if (v === '1' || v === '3') return Number(v) as 1 | 3;
  throw new InvalidArgumentError('1 or 3');
}

/** A named convention, or {"scale": …, "offset": …} as JSON (model input = x * scale + offset, x in [-1, 1]). */
export function preprocessingArg(v: string): Preprocessing {
  let raw: unknown = v;
  if (v.trim().startsWith('{')) {
    try {
      raw = JSON.parse(v);
    } catch {
      throw new InvalidArgumentError('not valid JSON');
    }
  }
  const parsed = PreprocessingSchema.safeParse(raw);
  if (!parsed.success) throw new InvalidArgumentError(`one of ${PREPROCESSING_PRESETS.join(', ')}, or {"scale": s, "offset": o}`);
  return parsed.data;
}

/** "0.9938:LFW": the fraction, then what it was measured on. */
export function accuracyArg(v: string): Accuracy {
  const at = v.indexOf(':');
  const value = Number(at < 0 ? v : v.slice(0, at));
  const on = at < 0 ? '' : v.slice(at + 1).trim();
  if (!(value >= 0 && value <= 1) || !on) throw new InvalidArgumentError('a fraction and what it was measured on, e.g. 0.9938:LFW');
  return { value, on };
}
