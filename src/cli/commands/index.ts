// Every CLI command, in the order `auris --help` lists them. One line per command.
import type { Command } from 'commander';
import { registerPlay } from './play.ts';
import { registerDevices } from './devices.ts';
import { registerDoctor } from './doctor.ts';
import { registerInfo } from './info.ts';
import { registerDecode } from './decode.ts';
import { registerVerify } from './verify.ts';
import { registerEq } from './eq.ts';
import { registerConvert } from './convert.ts';
import { registerDr } from './dr.ts';
import { registerLoudness } from './loudness.ts';
import { registerAnalyze } from './analyze.ts';
import { registerDebugDecode } from './debug.ts';
import { registerDebugFilter } from './debug-filter.ts';
import { registerDebugOutput } from './debug-output.ts';

export type RegisterCommand = (program: Command) => void;

export const COMMANDS: RegisterCommand[] = [
  registerPlay,
  registerDevices,
  registerDoctor,
  registerInfo,
  registerDecode,
  registerVerify,
  registerEq,
  registerConvert,
  registerDr,
  registerLoudness,
  registerAnalyze,
  registerDebugDecode,
  registerDebugFilter,
  registerDebugOutput,
];
