/**
 * Restricted Mode: a config names data, encoder and model paths, and the trainer loads them. In an
 * untrusted workspace nothing starts the trainer (training, pretraining, evaluation, export,
 * translation, ablations); viewing runs, samples and comparisons stays available.
 */
export const NEEDS_TRUST = new Set([
  'dtn.startTraining',
  'dtn.resumeTraining',
  'dtn.resumeFromHere',
  'dtn.pretrainEncoder',
  'dtn.trainClassifier',
  'dtn.runAblation',
  'dtn.evaluateCheckpoint',
  'dtn.exportCheckpoint',
  'dtn.translateImage',
  'dtn.translateFolder',
  'dtn.translateWithCheckpoint',
  'dtn.chooseTranslateCheckpoint',
  'dtn.useEncoderInConfig',
]);

type Command = (...args: unknown[]) => unknown;

/** Wraps the commands that start the trainer: in an untrusted workspace they call `refuse` instead. */
export function guardUntrusted(
  commands: Record<string, Command>,
  isTrusted: () => boolean,
  refuse: (id: string) => unknown,
): Record<string, Command> {
  return Object.fromEntries(
    Object.entries(commands).map(([id, fn]) => [
      id,
      NEEDS_TRUST.has(id) ? (...args: unknown[]) => (isTrusted() ? fn(...args) : refuse(id)) : fn,
    ]),
  );
}

export const RESTRICTED_MESSAGE =
  'DTN Studio does not start the trainer in Restricted Mode: configs name data, encoder and model paths it would load. ' +
  'Trust this workspace to train, evaluate or translate; runs and samples can be viewed as they are.';
