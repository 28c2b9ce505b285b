// Every CLI command, in the order `auris --help` lists them. One line per command.
import type { Command } from 'commander';
import { registerPlay } from './play.ts';
import { registerDevices } from './devices.ts';
import { registerDoctor } from './doctor.ts';
import { registerDr } from './dr.ts';
import { registerLoudness } from './loudness.ts';
import { registerAnalyze } from './analyze.ts';
import { registerDebugOutput } from './debug-output.ts';

export type RegisterCommand = (program: Command) => void;

export const COMMANDS: RegisterCommand[] = [
  registerPlay,
  registerDevices,
  registerDoctor,
  registerDr,
  registerLoudness,
  registerAnalyze,
  registerDebugOutput,
];
