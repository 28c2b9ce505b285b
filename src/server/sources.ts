// Paths that reach the server (queue sources) are kept inside the library roots: the HTTP API never
// opens a file the user has not put in the library, whatever `..`, symlink or absolute path a request holds.

import { existsSync, realpathSync } from 'node:fs';
import path from 'node:path';
import { AurisError } from '../util/errors.ts';
import { isInsideRoot } from '../util/platform-paths.ts';

/** The real path when the file exists (symlinks resolved), else the normalised path. */
function realOrNormal(p: string): string {
  try {
    return realpathSync(p);
  } catch {
    return path.resolve(p);
  }
}

/**
 * The absolute path `requested` names inside one of `roots`: an absolute path as it is, a relative
 * one under the first root that holds it. E_PERMISSION when it is (or its symlinks lead) outside every root.
 */
export function pathInsideRoots(requested: string, roots: readonly string[]): string {
  if (requested.includes('\0')) throw new AurisError('E_INVALID_ARGUMENT', 'a path may not contain NUL', { path: requested });
  if (roots.length === 0) throw new AurisError('E_PERMISSION', 'no music folder is in the library yet: add one, then play from it', { path: requested });
  const realRoots = roots.map(realOrNormal);
  const candidates = path.isAbsolute(requested) ? [requested] : roots.map((r) => path.join(r, requested));
  const existing = candidates.find((c) => existsSync(c)) ?? candidates[0]!;
  const real = realOrNormal(existing);
  if (realRoots.some((r) => isInsideRoot(real, r))) return real;
  throw new AurisError('E_PERMISSION', `${requested} is outside the library's music folders`, { path: requested, roots: [...roots] });
}

/** The real path a file would have: its own when it exists (symlinks resolved), else its real folder's plus its name. */
function realTarget(p: string): string {
  if (existsSync(p)) return realOrNormal(p);
  return path.join(realOrNormal(path.dirname(p)), path.basename(p));
}

/**
 * Output names a client may choose over HTTP. A `file:` output writes wherever its path says, so
 * over HTTP its path must be absolute and inside `fileOutputDir` (null: no file output over HTTP);
 * an `alsa:` name is a plain device name, since alsa-lib's own `file` and `tee` plugins (or an
 * inline configuration) would write files too. E_PERMISSION otherwise, with the folder in the details.
 * The command line, run by the user on their own machine, is not restricted.
 */
export function checkOutputName(name: string, fileOutputDir: string | null): void {
  if (name.includes('\0')) throw new AurisError('E_INVALID_ARGUMENT', 'an output name may not contain NUL', { name });
  if (name.startsWith('file:')) {
    const file = name.slice('file:'.length);
    if (fileOutputDir === null) throw new AurisError('E_PERMISSION', 'this server writes no file outputs for its clients', { name, fileOutputDir: null });
    const folder = realOrNormal(fileOutputDir);
    if (!path.isAbsolute(file) || !isInsideRoot(realTarget(file), folder) || realTarget(file) === folder) {
      throw new AurisError('E_PERMISSION', `a file output chosen over the network must be a .wav file in ${folder}`, { name, fileOutputDir: folder });
    }
    return;
  }
  if (name.startsWith('alsa:')) {
    const pcm = name.slice('alsa:'.length);
    const plugins = pcm.toLowerCase().split(/[:,=]/);
    if (!/^[\w.:,=-]*$/.test(pcm) || plugins.includes('file') || plugins.includes('tee')) {
      throw new AurisError('E_PERMISSION', `the ALSA name ${JSON.stringify(pcm)} is not a plain device name (a device, card or asoundrc name, without alsa-lib's file or tee plugins); such names are for the command line`, { name });
    }
  }
}

/**
 * An EQ preset chosen over HTTP (setting `dsp.eqPreset`) must be a file in the server's data folder
 * (where the EQ editor saves and imports): the core reads and parses whatever file the setting
 * names, and its warnings quote the file's lines, so a client naming any file would read it.
 * E_PERMISSION otherwise; the command line is not restricted.
 */
export function checkEqPreset(file: string, dataFolder: string | null): void {
  if (file.includes('\0')) throw new AurisError('E_INVALID_ARGUMENT', 'a path may not contain NUL', { path: file });
  if (dataFolder === null || !path.isAbsolute(file) || !isInsideRoot(realTarget(file), realOrNormal(dataFolder))) {
    throw new AurisError('E_PERMISSION', `an EQ preset chosen over the network must be a file in ${dataFolder ?? "the server's data folder"}: import it in the EQ editor instead`, { path: file, dataFolder });
  }
}
