// Where Auris keeps its files on each OS, and path rules that differ on Windows (drive letters,
// UNC shares, \\?\ long paths, case-insensitive comparison). Pure functions: the platform and the
// environment are parameters (defaulting to this process), so every OS is tested everywhere.

import path from 'node:path';

/** The OS families whose folder conventions differ. */
export type PathPlatform = 'win32' | 'darwin' | 'posix';

/** This process's platform, as PathPlatform. */
export function currentPathPlatform(platform: NodeJS.Platform = process.platform): PathPlatform {
  return platform === 'win32' ? 'win32' : platform === 'darwin' ? 'darwin' : 'posix';
}

/** Environment values the folders come from (a subset of process.env). */
export interface PathEnv {
  readonly HOME?: string;
  readonly USERPROFILE?: string;
  readonly APPDATA?: string;
  readonly LOCALAPPDATA?: string;
  readonly XDG_CONFIG_HOME?: string;
  readonly XDG_DATA_HOME?: string;
  readonly XDG_CACHE_HOME?: string;
  readonly XDG_MUSIC_DIR?: string;
  readonly [name: string]: string | undefined;
}

/** The folders Auris uses: config (settings), data (library database), cache, and the default music folder. */
export interface AurisFolders {
  readonly config: string;
  readonly data: string;
  readonly cache: string;
  readonly music: string;
}

function pathApi(p: PathPlatform): path.PlatformPath {
  return p === 'win32' ? path.win32 : path.posix;
}

/** An absolute environment value, or undefined (relative XDG values are ignored, as the spec says). */
function absEnv(value: string | undefined, p: PathPlatform): string | undefined {
  return value && pathApi(p).isAbsolute(value) ? value : undefined;
}

/**
 * The Auris folders for `platform`:
 * - Windows: config and data in %APPDATA%\Auris (roaming, like foobar2000 and MPD's Windows
 *   builds), cache in %LOCALAPPDATA%\Auris\Cache, music in %USERPROFILE%\Music.
 * - macOS: ~/Library/Application Support/Auris, ~/Library/Caches/Auris, ~/Music.
 * - Linux and other POSIX: XDG base directories (~/.config/auris, ~/.local/share/auris,
 *   ~/.cache/auris), music from XDG_MUSIC_DIR or ~/Music.
 */
export function aurisFolders(platform: PathPlatform = currentPathPlatform(), env: PathEnv = process.env, home?: string): AurisFolders {
  const api = pathApi(platform);
  if (platform === 'win32') {
    const profile = absEnv(env.USERPROFILE, platform) ?? home ?? 'C:\\Users\\Default';
    const roaming = absEnv(env.APPDATA, platform) ?? api.join(profile, 'AppData', 'Roaming');
    const local = absEnv(env.LOCALAPPDATA, platform) ?? api.join(profile, 'AppData', 'Local');
    const dir = api.join(roaming, 'Auris');
    return { config: dir, data: dir, cache: api.join(local, 'Auris', 'Cache'), music: api.join(profile, 'Music') };
  }
  const userHome = absEnv(env.HOME, platform) ?? home ?? '/';
  if (platform === 'darwin') {
    const support = api.join(userHome, 'Library', 'Application Support', 'Auris');
    return { config: support, data: support, cache: api.join(userHome, 'Library', 'Caches', 'Auris'), music: api.join(userHome, 'Music') };
  }
  return {
    config: api.join(absEnv(env.XDG_CONFIG_HOME, platform) ?? api.join(userHome, '.config'), 'auris'),
    data: api.join(absEnv(env.XDG_DATA_HOME, platform) ?? api.join(userHome, '.local', 'share'), 'auris'),
    cache: api.join(absEnv(env.XDG_CACHE_HOME, platform) ?? api.join(userHome, '.cache'), 'auris'),
    music: absEnv(env.XDG_MUSIC_DIR, platform) ?? api.join(userHome, 'Music'),
  };
}

/** A Windows path's root, as written: `C:\`, `\\server\share\`, `\\?\C:\`, `\\?\UNC\server\share\`. */
export interface WindowsRoot {
  readonly kind: 'drive' | 'unc';
  /** Upper-case drive letter for `drive`. */
  readonly drive?: string;
  readonly server?: string;
  readonly share?: string;
  /** The path after the root, with `\` separators. */
  readonly rest: string;
}

/**
 * Parses the root of an absolute Windows path: drive letters (`C:\`, `c:/`), UNC shares
 * (`\\server\share`, `//server/share`) and their `\\?\` long-path forms. Null for relative and
 * drive-relative (`C:music`) paths, which have no fixed meaning.
 */
export function windowsRoot(p: string): WindowsRoot | null {
  const s = p.replace(/\//g, '\\');
  let m = /^\\\\\?\\UNC\\([^\\]+)\\([^\\]+)(?:\\(.*))?$/i.exec(s);
  if (m) return { kind: 'unc', server: m[1], share: m[2], rest: m[3] ?? '' };
  m = /^(?:\\\\\?\\)?([A-Za-z]):\\(.*)$/.exec(s);
  if (m) return { kind: 'drive', drive: m[1]!.toUpperCase(), rest: m[2] ?? '' };
  m = /^\\\\([^\\?.][^\\]*)\\([^\\]+)(?:\\(.*))?$/.exec(s);
  if (m) return { kind: 'unc', server: m[1], share: m[2], rest: m[3] ?? '' };
  return null;
}

/** True for an absolute path on `platform` (Windows: drive letter or UNC share, not `\foo` or `C:foo`). */
export function isAbsolutePath(p: string, platform: PathPlatform = currentPathPlatform()): boolean {
  return platform === 'win32' ? windowsRoot(p) !== null : p.startsWith('/');
}

/**
 * The canonical comparable form of an absolute path: `..` and `.` resolved, separators unified;
 * on Windows also the `\\?\` prefix dropped and the whole path lower-cased (NTFS and SMB compare
 * names case-insensitively). Null when not absolute.
 */
export function comparablePath(p: string, platform: PathPlatform = currentPathPlatform()): string | null {
  if (platform !== 'win32') return p.startsWith('/') ? path.posix.normalize(p).replace(/(.)\/$/, '$1') : null;
  const root = windowsRoot(p);
  if (!root) return null;
  const rest = path.win32.normalize(`\\${root.rest}`).replace(/\\$/, '');
  const head = root.kind === 'drive' ? `${root.drive}:` : `\\\\${root.server!}\\${root.share!}`;
  return `${head}${rest}`.toLowerCase();
}

/**
 * True when `p` is `root` or lies inside it, after resolving `..` (so `C:\Music\..\Windows` is
 * outside `C:\Music`). Windows compares case-insensitively and treats `\\?\` forms as their plain
 * forms. Relative paths are never inside anything.
 */
export function isInsideRoot(p: string, root: string, platform: PathPlatform = currentPathPlatform()): boolean {
  const a = comparablePath(p, platform);
  const b = comparablePath(root, platform);
  if (a === null || b === null) return false;
  const sep = platform === 'win32' ? '\\' : '/';
  return a === b || a.startsWith(b.endsWith(sep) ? b : b + sep);
}
