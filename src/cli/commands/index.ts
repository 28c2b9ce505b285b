// Every CLI command, in the order `auris --help` lists them: its name and how to load the module
// that registers it. A run loads only the module of the command it names (a command's module pulls
// in decoders, outputs, DSP...: loading all of them cost each run ~0.1 s of start-up); help and
// unknown commands load them all.
import type { Command } from 'commander';

export type RegisterCommand = (program: Command) => void;

/**
 * A top-level command: `name` as typed on the command line, `load` resolves its registrar, and
 * `prepare`, when given, begins work the command will need when a command line names it. The CLI
 * awaits `prepare` before loading anything else, so it resolves as soon as the work has begun
 * (the work itself goes on while the command loads).
 */
export interface CommandEntry {
  readonly name: string;
  readonly load: () => Promise<RegisterCommand>;
  /** `args`: the command line's words after the command's name. */
  readonly prepare?: (args: readonly string[]) => Promise<void>;
}

/** The analysis commands start their workers as soon as they are named (src/cli/analysis/workers.ts). */
const startAnalysisWorkers = async (args: readonly string[]): Promise<void> => (await import('../analysis/workers.ts')).startAnalysisWorkers(args);

export const COMMANDS: readonly CommandEntry[] = [
  { name: 'serve', load: async () => (await import('./serve.ts')).registerServe },
  { name: 'play', load: async () => (await import('./play.ts')).registerPlay },
  { name: 'devices', load: async () => (await import('./devices.ts')).registerDevices },
  { name: 'doctor', load: async () => (await import('./doctor.ts')).registerDoctor },
  { name: 'info', load: async () => (await import('./info.ts')).registerInfo },
  { name: 'decode', load: async () => (await import('./decode.ts')).registerDecode },
  { name: 'verify', load: async () => (await import('./verify.ts')).registerVerify },
  { name: 'eq', load: async () => (await import('./eq.ts')).registerEq },
  { name: 'convert', load: async () => (await import('./convert.ts')).registerConvert },
  { name: 'dr', load: async () => (await import('./dr.ts')).registerDr, prepare: startAnalysisWorkers },
  { name: 'loudness', load: async () => (await import('./loudness.ts')).registerLoudness, prepare: startAnalysisWorkers },
  { name: 'analyze', load: async () => (await import('./analyze.ts')).registerAnalyze, prepare: startAnalysisWorkers },
  { name: 'library', load: async () => (await import('./library.ts')).registerLibrary },
  { name: 'playlist', load: async () => (await import('./playlist.ts')).registerPlaylist },
  { name: 'mpd', load: async () => (await import('./mpd.ts')).registerMpd },
  {
    name: 'debug',
    load: async () => {
      const [decode, filter, output] = await Promise.all([import('./debug.ts'), import('./debug-filter.ts'), import('./debug-output.ts')]);
      return (program) => {
        decode.registerDebugDecode(program);
        filter.registerDebugFilter(program);
        output.registerDebugOutput(program);
      };
    },
  },
];

/**
 * The entries a command line needs: the one its first operand names, none for `auris --version`,
 * or every entry when it names none (`auris`, `auris --help`, `auris help dr`, a typo that
 * commander must report).
 */
export function commandsFor(args: readonly string[]): readonly CommandEntry[] {
  const named = namedCommand(args);
  if (named) return [named];
  // `auris --version` names no command and needs none (loading them all took ~0.2 s).
  if (args.length === 1 && (args[0] === '--version' || args[0] === '-V')) return [];
  return COMMANDS;
}

/** The entry the first operand names, if any. */
export function namedCommand(args: readonly string[]): CommandEntry | undefined {
  const first = args.find((a) => !a.startsWith('-'));
  return COMMANDS.find((c) => c.name === first);
}
