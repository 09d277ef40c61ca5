/**
 * defaultCacheDir: where slipway keeps downloads and blobs when not told otherwise.
 * Linux and other Unixes follow the XDG Base Directory spec ($XDG_CACHE_HOME, else ~/.cache);
 * macOS uses ~/Library/Caches; Windows %LOCALAPPDATA%.
 */
import { homedir } from 'node:os';
import { join } from 'node:path';

/** defaultCacheDir returns the per-user cache directory for slipway; SLIPWAY_CACHE_DIR overrides it. */
export function defaultCacheDir(env: NodeJS.ProcessEnv = process.env, platform: NodeJS.Platform = process.platform): string {
  if (env['SLIPWAY_CACHE_DIR']) return env['SLIPWAY_CACHE_DIR'];
  if (platform === 'darwin') return join(homedir(), 'Library', 'Caches', 'slipway');
  if (platform === 'win32' && env['LOCALAPPDATA']) return join(env['LOCALAPPDATA'], 'slipway', 'Cache');
  return join(env['XDG_CACHE_HOME'] || join(homedir(), '.cache'), 'slipway');
}
