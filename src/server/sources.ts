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
