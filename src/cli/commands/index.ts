// Every CLI command, in the order `auris --help` lists them.
import type { Command } from 'commander';
import { registerDebugOutput } from './debug-output.ts';
import { registerDevices } from './devices.ts';
import { registerPlay } from './play.ts';

export type RegisterCommand = (program: Command) => void;

export const COMMANDS: RegisterCommand[] = [registerPlay, registerDevices, registerDebugOutput];
