/**
 * A domain is held in memory as float32 NHWC. A count that cannot fit is refused by name before
 * anything is rendered or allocated, instead of failing deep inside with "Invalid typed array
 * length" or an out-of-memory abort.
 */
import * as os from 'node:os';
import { DtnError } from '../../shared/errors';

/** At most half the machine's memory for one domain: the model, the other domain and Node need the rest. */
const SHARE = 0.5;
/** V8's limit for one typed array (elements), whatever the memory. */
const MAX_ELEMENTS = 2 ** 32 - 1;

export function assertDomainFits(count: number, size: number, channels: number, what: string, totalBytes = os.totalmem()): void {
  const elements = count * size * size * channels;
  const bytes = elements * 4;
  if (elements <= MAX_ELEMENTS && bytes <= totalBytes * SHARE) return;
  const gib = (b: number) => `${(b / 2 ** 30).toFixed(1)} GiB`;
  const fit = Math.floor(Math.min(MAX_ELEMENTS, (totalBytes * SHARE) / 4) / (size * size * channels));
  throw new DtnError(
    'CONFIG_INVALID',
    `${what}: ${count} images of ${size}x${size}x${channels} need ${gib(bytes)} in memory; this machine has ${gib(totalBytes)}`,
    {
      fix: `Lower ${what} to at most ${fit}.`,
    },
  );
}
