/** Versions recorded in run.json so a run can be reproduced. */
import { version_core as tfjsVersion } from '@tensorflow/tfjs-core';
import { dtnFlag } from '../engine/flags';

export function versions(): Record<string, string> {
  return {
    // DTN_STUDIO_VERSION overrides package.json's (flags.ts).
    dtnStudio: dtnFlag('DTN_STUDIO_VERSION') || readOwnVersion(),
    node: process.version,
    tfjsCore: tfjsVersion,
    platform: `${process.platform}-${process.arch}`,
  };
}

function readOwnVersion(): string {
  try {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    return (require('../../../package.json') as { version: string }).version;
  } catch {
    return 'unknown';
  }
}
