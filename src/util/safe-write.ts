// Writing an output file without losing anything: every command and output that writes a file the
// user named goes through `openSafeOutput`.
//
// - The bytes go to a temporary file beside the target (same folder, so same file system); the
//   target is replaced by rename only when `commit()` is called, after an fsync. A run that fails,
//   or that is killed, leaves an existing target exactly as it was (at worst a stray temporary).
// - An output that is one of the run's inputs is refused before anything is opened for writing,
//   compared by device and inode, so another name, a hard link or a symlink is caught as well.
// - A symlink as target is followed: the file it points to is replaced and the link stays.

import type { Stats } from 'node:fs';
import { constants } from 'node:fs';
import { open, readdir, readlink, realpath, rename, stat, unlink, type FileHandle } from 'node:fs/promises';
import path from 'node:path';
import { randomBytes } from 'node:crypto';
import { AurisError, asAurisError } from './errors.ts';

/** An output being written. Exactly one of commit() or abort() ends it. */
export interface SafeOutput {
  /** The path the user named. */
  readonly target: string;
  /** The temporary file's handle: write anywhere in it (positional writes are fine). */
  readonly handle: FileHandle;
  /** fsyncs, closes, and renames the temporary file over the target. Throws E_IO when any step fails (the target is then untouched). */
  commit(): Promise<void>;
  /** Closes and removes the temporary file; the target is untouched. Never throws. Idempotent, and a no-op after commit. */
  abort(): Promise<void>;
}

export interface SafeOutputOptions {
  /** Files the run reads: the output may not be any of them (compared by device and inode). */
  readonly inputs?: readonly string[];
  /** Already known input identities (device and inode), e.g. files this process has open. */
  readonly inputIds?: readonly FileId[];
}

/** A file's identity on this machine. */
export interface FileId {
  readonly dev: number;
  readonly ino: number;
  /** A name for messages. */
  readonly path: string;
}

/** Same file: same device and inode (inode 0 means the platform has none, so names decide). */
function sameFile(a: Pick<Stats, 'dev' | 'ino'>, b: FileId): boolean {
  return a.ino !== 0 && a.dev === b.dev && a.ino === b.ino;
}

/** The target's stat (symlinks followed), or null when nothing is there yet. */
async function statOrNull(p: string): Promise<Stats | null> {
  try {
    return await stat(p);
  } catch (e) {
    const err = asAurisError(e, 'E_IO');
    if (err.code === 'E_NOT_FOUND') return null;
    throw new AurisError(err.code, `${p}: cannot write there: ${err.message}`, { path: p, ...err.details }, { cause: err });
  }
}

/**
 * Refuses `target` with E_OUTPUT_IS_INPUT when it is one of the inputs. An input that cannot be
 * stat'ed is skipped here: opening it will report it.
 */
export async function refuseOutputIsInput(target: string, options: SafeOutputOptions): Promise<Stats | null> {
  const st = await statOrNull(target);
  if (!st) return null;
  const ids: FileId[] = [...(options.inputIds ?? [])];
  for (const input of options.inputs ?? []) {
    const ist = await stat(input).catch(() => null);
    if (ist) ids.push({ dev: ist.dev, ino: ist.ino, path: input });
  }
  const hit = ids.find((id) => sameFile(st, id));
  if (hit) {
    const how = path.resolve(hit.path) === path.resolve(target) ? '' : ` (${hit.path} by another name)`;
    throw new AurisError('E_OUTPUT_IS_INPUT', `${target} is an input of this run${how}: writing it would destroy what is being read; choose another output`, { path: target, input: hit.path });
  }
  return st;
}

/**
 * Opens a temporary file beside `target` for writing, after checking that the target is none of
 * the inputs and, when it exists, that it is a regular file (a FIFO or device is refused with
 * E_NOT_A_FILE: it cannot be replaced by rename). Throws E_OUTPUT_IS_INPUT, E_NOT_A_FILE,
 * E_PERMISSION, E_NOT_FOUND (the folder is missing) or E_IO.
 */
export async function openSafeOutput(target: string, options: SafeOutputOptions = {}): Promise<SafeOutput> {
  const existing = await refuseOutputIsInput(target, options);
  if (existing && !existing.isFile()) {
    throw new AurisError('E_NOT_A_FILE', `${target}: not a regular file (a FIFO, socket, device or folder); Auris writes only regular files`, { path: target });
  }
  // Replace the file a symlink points to, not the link.
  const real = existing ? await realpath(target) : path.resolve(target);
  const tmp = path.join(path.dirname(real), `.${path.basename(real)}.auris-${process.pid}-${randomBytes(4).toString('hex')}.tmp`);
  let handle: FileHandle;
  try {
    // O_EXCL: never follow or reuse something already at the temporary name. An existing target's
    // permission bits carry over to its replacement.
    handle = await open(tmp, constants.O_WRONLY | constants.O_CREAT | constants.O_EXCL, existing ? existing.mode & 0o7777 : 0o666);
  } catch (e) {
    const err = asAurisError(e, 'E_IO');
    throw new AurisError(err.code, `${target}: cannot write there: ${err.message}`, { path: target, ...err.details }, { cause: err });
  }
  let state: 'open' | 'committed' | 'aborted' = 'open';
  return {
    target,
    handle,
    async commit(): Promise<void> {
      if (state !== 'open') throw new AurisError('E_STATE', `${target}: the output was already ${state}`);
      try {
        if (existing) await handle.chmod(existing.mode & 0o7777).catch(() => undefined); // the umask may have narrowed it
        await handle.sync();
        await handle.close();
        await rename(tmp, real);
        state = 'committed';
      } catch (e) {
        await handle.close().catch(() => undefined);
        await unlink(tmp).catch(() => undefined);
        state = 'aborted';
        const err = asAurisError(e, 'E_IO');
        throw new AurisError(err.code, `${target}: writing failed, the file is left as it was: ${err.message}`, { path: target, ...err.details }, { cause: err });
      }
      await syncFolder(path.dirname(real));
    },
    async abort(): Promise<void> {
      if (state !== 'open') return;
      state = 'aborted';
      await handle.close().catch(() => undefined);
      await unlink(tmp).catch(() => undefined);
    },
  };
}

/**
 * Runs `write` on a safe output of `target` and commits it when `write` resolves; when it throws,
 * the temporary file is removed, the target stays as it was, and the error is rethrown.
 */
export async function writeSafely<T>(target: string, options: SafeOutputOptions, write: (out: SafeOutput) => Promise<T>): Promise<T> {
  const out = await openSafeOutput(target, options);
  let result: T;
  try {
    result = await write(out);
  } catch (e) {
    await out.abort();
    throw e;
  }
  await out.commit();
  return result;
}

/**
 * The regular files this process has open (Linux: /proc/self/fd), as input identities: an output
 * that cannot know the run's inputs (the player's file output) still refuses to replace the file
 * it is playing from. Empty where the platform has no /proc.
 */
export async function filesOpenInThisProcess(): Promise<FileId[]> {
  if (process.platform !== 'linux') return [];
  let fds: string[];
  try {
    fds = await readdir('/proc/self/fd');
  } catch {
    return [];
  }
  const ids: FileId[] = [];
  for (const fd of fds) {
    const link = `/proc/self/fd/${fd}`;
    const st = await stat(link).catch(() => null);
    if (st?.isFile()) ids.push({ dev: st.dev, ino: st.ino, path: await readlink(link).catch(() => link) });
  }
  return ids;
}

/** Writes `bytes` as the whole of `target` through writeSafely (temporary file, rename on success). */
export async function writeFileSafely(target: string, bytes: Uint8Array | string, options: SafeOutputOptions = {}): Promise<void> {
  await writeSafely(target, options, async ({ handle }) => {
    await handle.writeFile(bytes);
  });
}

/** Makes a rename durable (the folder's entry); file systems that cannot fsync a folder are fine. */
async function syncFolder(dir: string): Promise<void> {
  if (process.platform === 'win32') return;
  let h: FileHandle | null = null;
  try {
    h = await open(dir, 'r');
    await h.sync();
  } catch {
    // EINVAL/EBADF on file systems without folder fsync: the rename itself is done.
  } finally {
    await h?.close().catch(() => undefined);
  }
}
