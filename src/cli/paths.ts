// What every command that takes files and folders shares: expanding them into audio files through
// the one folder lister (src/util/walk.ts), reporting each path it had to skip, and printing paths
// so that one result stays on one line.

import { supportedExtensions } from '../core/files.ts';
import { AurisError } from '../util/errors.ts';
import { refuseOutputIsInput } from '../util/safe-write.ts';
import { walkFiles, type WalkProblem } from '../util/walk.ts';

/** `message` about the file at `filePath`, naming it once: most errors name their file already. */
export function namingFile(filePath: string, message: string): string {
  return message.startsWith(filePath) ? message : `${filePath}: ${message}`;
}

/**
 * A path, or a message that carries one, as a line of output shows it: control characters (a newline, a tab, an escape sequence
 * in a file name) are written as \n, \t, \xHH, so a name can neither split a result over two
 * lines nor drive the terminal. Everything else, backslashes included, is left as it is.
 */
export function printable(text: string): string {
  // eslint-disable-next-line no-control-regex
  return text.replace(/[\x00-\x1f\x7f-\x9f]/g, (c) => {
    switch (c) {
      case '\n': return '\\n';
      case '\r': return '\\r';
      case '\t': return '\\t';
      default: return `\\x${c.charCodeAt(0).toString(16).padStart(2, '0')}`;
    }
  });
}

/** Writes one skipped path to stderr as `auris: <why> [code]` and marks the run failed (exit code 1 at the end). */
export function reportProblem(problem: WalkProblem): void {
  process.stderr.write(`auris: ${printable(problem.error.message)} [${problem.error.code}]\n`);
  process.exitCode = 1;
}

/**
 * The audio files under `paths` (files named directly as given, folders recursively, symlinks
 * followed, each folder once), in walk order, absolute, and how many paths were skipped. Every
 * path skipped (missing, unreadable, too long, not a regular file) is reported on stderr as it is
 * found and makes the exit code 1; the rest goes on. Throws E_NOT_FOUND only when no file at all
 * is left.
 */
export async function audioFilesIn(paths: readonly string[], options: { signal?: AbortSignal } = {}): Promise<{ files: string[]; skipped: number }> {
  const extensions = new Set(supportedExtensions());
  const files: string[] = [];
  const seen = new Set<string>();
  let skipped = 0;
  for await (const item of walkFiles(paths, { extensions, ...(options.signal ? { signal: options.signal } : {}) })) {
    if (item.kind === 'problem') {
      reportProblem(item);
      skipped++;
    } else if (!seen.has(item.path)) {
      seen.add(item.path);
      files.push(item.path);
    }
  }
  if (files.length === 0) throw new AurisError('E_NOT_FOUND', `no audio files in ${paths.map(printable).join(', ')}`);
  return { files, skipped };
}

/**
 * A `file:` output that would replace one of the files to play (by any name, compared by device
 * and inode) is refused with E_OUTPUT_IS_INPUT before anything plays. Other outputs pass.
 */
export async function refuseFileOutputAmong(output: string, inputs: readonly string[]): Promise<void> {
  if (output.startsWith('file:')) await refuseOutputIsInput(output.slice('file:'.length), { inputs });
}
