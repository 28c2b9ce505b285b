// `auris`: the command-line entry point. Each command lives in src/cli/commands/<name>.ts and is
// listed once in src/cli/commands/index.ts, which loads only the modules a command line needs.

import type { Command } from 'commander';
import { COMMANDS, commandsFor, namedCommand, type CommandEntry } from './commands/index.ts';
import { isAurisError } from '../util/errors.ts';
import { AURIS_VERSION } from '../util/version.ts';

/** The program with `entries` registered (default: every command). */
export async function buildProgram(entries: readonly CommandEntry[] = COMMANDS): Promise<Command> {
  const { Command } = await import('commander');
  const program = new Command('auris')
    .description('Bit-perfect music player: plays every bit of a file to the DAC unchanged, and proves it.')
    .version(AURIS_VERSION)
    .showHelpAfterError();
  const registrars = await Promise.all(entries.map((e) => e.load()));
  for (const register of registrars) register(program);
  return program;
}

let closedOutputHandled = false;

/**
 * A reader that went away (`auris verify DIR | head -1`) ends the run quietly, as Unix tools end
 * on SIGPIPE: Node ignores SIGPIPE, so a write to the closed pipe fails with EPIPE, and that error
 * (on stdout or stderr) exits at once with the exit code so far, instead of an unhandled 'error'
 * event with a stack trace. Installed once per process.
 */
function endQuietlyWhenOutputCloses(): void {
  if (closedOutputHandled) return;
  closedOutputHandled = true;
  const onError = (e: NodeJS.ErrnoException) => {
    if (e.code === 'EPIPE' || e.code === 'ERR_STREAM_DESTROYED') process.exit(Number(process.exitCode ?? 0));
    throw e;
  };
  process.stdout.on('error', onError);
  process.stderr.on('error', onError);
}

/** Runs the CLI (no arguments: `serve`); an AurisError becomes one line on stderr and exit code 1 (2 for bad usage). */
export async function main(argvGiven: string[]): Promise<void> {
  endQuietlyWhenOutputCloses();
  // `auris` alone starts Auris (the server and its web app).
  const argv = argvGiven.length > 2 ? argvGiven : [...argvGiven, 'serve'];
  const args = argv.slice(2);
  // What the named command prepares (the analysis commands start their workers) begins before
  // anything else loads, commander included (~10 ms), and runs on while the modules load; its
  // failure is the command's.
  const named = namedCommand(args);
  const failure = await named?.prepare?.(args.slice(args.indexOf(named.name) + 1)).then(() => null, (e: unknown) => e);
  const { CommanderError } = await import('commander');
  const program = (await buildProgram(commandsFor(args))).exitOverride();
  try {
    if (failure) throw failure;
    await program.parseAsync(argv);
  } catch (e) {
    if (e instanceof CommanderError) {
      process.exitCode = e.exitCode === 0 ? 0 : 2;
      return;
    }
    if (isAurisError(e)) {
      process.stderr.write(`auris: ${e.message} [${e.code}]\n`);
      process.exitCode = isAurisError(e, 'E_INVALID_ARGUMENT') ? 2 : 1;
      return;
    }
    throw e;
  }
}

const isEntry = process.argv[1] !== undefined && import.meta.url === new URL(`file://${process.argv[1]}`).href;
if (isEntry) await main(process.argv);
