/** The per-user cache folder for downloads shared by every workspace (the face models). */
import * as os from 'node:os';
import * as path from 'node:path';

export interface UserCacheEnv {
  platform: NodeJS.Platform;
  home: string;
  /** XDG_CACHE_HOME (Linux) and LOCALAPPDATA (Windows), when set. */
  xdgCacheHome?: string;
  localAppData?: string;
}

export function currentCacheEnv(): UserCacheEnv {
  return {
    platform: process.platform,
    home: os.homedir(),
    xdgCacheHome: process.env.XDG_CACHE_HOME,
    localAppData: process.env.LOCALAPPDATA,
  };
}

/** `dtn-studio` in the platform's cache folder; a relative XDG_CACHE_HOME is ignored, as the spec says. */
export function userCacheDir(env: UserCacheEnv = currentCacheEnv()): string {
  const abs = (p?: string) => (p && path.isAbsolute(p) ? p : undefined);
  switch (env.platform) {
    case 'darwin':
      return path.join(env.home, 'Library', 'Caches', 'dtn-studio');
    case 'win32':
      return path.join(abs(env.localAppData) ?? path.join(env.home, 'AppData', 'Local'), 'dtn-studio', 'Cache');
    default:
      return path.join(abs(env.xdgCacheHome) ?? path.join(env.home, '.cache'), 'dtn-studio');
  }
}
