// Every CLI command, in the order `auris --help` lists them.
import type { Command } from 'commander';
import { registerInfo } from './info.ts';
import { registerDecode } from './decode.ts';
import { registerVerify } from './verify.ts';
import { registerDebug } from './debug.ts';

export type RegisterCommand = (program: Command) => void;

export const COMMANDS: RegisterCommand[] = [registerInfo, registerDecode, registerVerify, registerDebug];
