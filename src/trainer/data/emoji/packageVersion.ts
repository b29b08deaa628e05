/** The installed version of an npm package, for cache keys that must change when a package does. */
import * as fs from 'node:fs';
import * as path from 'node:path';

/**
 * Walks up from the package's entry point to its package.json: the DiceBear packages export only
 * their entry, so `require('<pkg>/package.json')` is refused. 'unknown' when the package cannot be
 * found (the key is then still stable, just blind to upgrades).
 */
export function packageVersion(pkg: string): string {
  let dir: string;
  try {
    dir = path.dirname(require.resolve(pkg));
  } catch {
    return 'unknown';
  }
  for (;;) {
    const file = path.join(dir, 'package.json');
    try {
      const json = JSON.parse(fs.readFileSync(file, 'utf8')) as { name?: unknown; version?: unknown };
      if (json.name === pkg && typeof json.version === 'string') return json.version;
    } catch {
      // No package.json here, or not this package's: keep walking up.
    }
    const up = path.dirname(dir);
    if (up === dir) return 'unknown';
    dir = up;
  }
}
