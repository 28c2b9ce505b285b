// The one table of MPD commands, sorted by name as MPD's AllCommands.cxx keeps it. Each entry
// carries its permission and argument counts; the connection checks them before a handler runs.

import type { CommandSpec } from '../context.ts';
import { connectionCommands } from './connection.ts';
import { DATABASE_COMMANDS } from './database.ts';
import { OUTPUT_COMMANDS } from './outputs.ts';
import { PLAYBACK_COMMANDS } from './playback.ts';
import { PLAYLIST_COMMANDS } from './playlists.ts';
import { QUEUE_COMMANDS } from './queue.ts';
import { STICKER_COMMANDS } from './stickers.ts';

export const COMMANDS: readonly CommandSpec[] = [
  ...PLAYBACK_COMMANDS,
  ...QUEUE_COMMANDS,
  ...DATABASE_COMMANDS,
  ...PLAYLIST_COMMANDS,
  ...OUTPUT_COMMANDS,
  ...STICKER_COMMANDS,
  ...connectionCommands(() => COMMANDS),
].sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));

export const COMMAND_MAP: ReadonlyMap<string, CommandSpec> = new Map(COMMANDS.map((c) => [c.name, c]));
