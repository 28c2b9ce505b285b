// Every CLI command, in the order `auris --help` lists them.
import type { Command } from 'commander';
import { registerConvert } from './convert.ts';
import { registerDebugFilter } from './debug-filter.ts';
import { registerEq } from './eq.ts';

export type RegisterCommand = (program: Command) => void;

export const COMMANDS: RegisterCommand[] = [registerEq, registerConvert, registerDebugFilter];
