// Every CLI command, in the order `auris --help` lists them.
import type { Command } from 'commander';
import { registerDr } from './dr.ts';
import { registerLoudness } from './loudness.ts';
import { registerAnalyze } from './analyze.ts';

export type RegisterCommand = (program: Command) => void;

export const COMMANDS: RegisterCommand[] = [registerDr, registerLoudness, registerAnalyze];
