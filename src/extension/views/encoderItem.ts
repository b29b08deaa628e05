/**
 * What an encoder row of the "Configs & Encoders" view says: its input shape, embedding size and,
 * where known, accuracy; and a row for a folder of .dtn/encoders that is not a usable encoder.
 * Free of vscode so it is unit-tested; workspaceTree.ts turns it into a TreeItem.
 */
import {
  accuracyText,
  encoderConfigField,
  encoderShapeText,
  targetReadingText,
  type EncoderEntry,
  type EncoderKind,
  type EncoderProblem,
} from '../../shared/encoders';

export interface EncoderItemText {
  label: string;
  description: string;
  tooltip: string;
  /** A codicon name. */
  icon: string;
  /** dtnEncoder-<kind> for encoders (menus match /^dtnEncoder-/), dtnEncoderProblem otherwise. */
  contextValue: string;
}

const KIND_TEXT: Record<EncoderKind, { what: string; icon: string }> = {
  published: { what: 'published encoder (weights in a package)', icon: 'package' },
  pretrained: { what: 'digits encoder pretrained by dtn pretrain-f', icon: 'mortar-board' },
  'tfjs-model': { what: 'TensorFlow.js Layers model registered with dtn encoders add', icon: 'symbol-namespace' },
};

export function describeEncoder(e: EncoderEntry): EncoderItemText {
  const { what, icon } = KIND_TEXT[e.kind];
  const accuracy = e.accuracy ? accuracyText(e.accuracy) : undefined;
  const field = encoderConfigField(e.kind);
  const use = field === 'name' ? `"encoder": { "name": "${e.name}" }` : '"encoder": { "path": "<this folder, relative to the config>" }';
  return {
    label: e.name,
    description: [encoderShapeText(e), accuracy].filter(Boolean).join(' · '),
    tooltip: [
      `${e.name}: ${what}`,
      `input ${e.inputSize}x${e.inputSize}x${e.inputChannels}, embedding of ${e.embeddingSize} values`,
      `accuracy ${accuracy ?? 'unknown'}`,
      ...(e.targetReading ? [`reads the target domain: ${targetReadingText(e.targetReading)}`] : []),
      e.description,
      e.location,
      `In a config: ${use}`,
    ].join('\n'),
    icon,
    contextValue: `dtnEncoder-${e.kind}`,
  };
}

export function describeEncoderProblem(p: EncoderProblem): EncoderItemText {
  return {
    label: p.name,
    description: 'not usable',
    tooltip: `${p.dir}\n${p.message}`,
    icon: 'warning',
    contextValue: 'dtnEncoderProblem',
  };
}
