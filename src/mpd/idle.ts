// MPD's idle subsystems (src/IdleFlags.cxx, in its order, which is also the order of the
// `changed:` lines) and the core's change flags they come from.

import type { ChangeFlag } from '../protocol/player.ts';

export const IDLE_NAMES = [
  'database', 'stored_playlist', 'playlist', 'player', 'mixer', 'output', 'options', 'sticker',
  'update', 'subscription', 'message', 'neighbor', 'mount', 'partition',
] as const;
export type IdleName = (typeof IDLE_NAMES)[number];

export const ALL_IDLE = (1 << IDLE_NAMES.length) - 1;

/** The subsystem bit of a name (any case, as MPD's idle_parse_name), or 0 for an unknown name. */
export function idleBit(name: string): number {
  const i = IDLE_NAMES.findIndex((n) => n === name.toLowerCase());
  return i < 0 ? 0 : 1 << i;
}

/** Core flags -> MPD subsystem: the queue is MPD's `playlist`; a new signal path is a player change. */
const SUBSYSTEM_OF: Readonly<Partial<Record<ChangeFlag, IdleName>>> = {
  player: 'player', mixer: 'mixer', options: 'options', queue: 'playlist', database: 'database',
  update: 'update', stored_playlist: 'stored_playlist', output: 'output', sticker: 'sticker',
  signal_path: 'player',
};

export function bitsOfFlags(flags: readonly ChangeFlag[]): number {
  let bits = 0;
  for (const f of flags) {
    const name = SUBSYSTEM_OF[f];
    if (name) bits |= idleBit(name);
  }
  return bits;
}

/** The core flags that wake an idle waiting for these subsystem bits. */
export function flagsOfBits(bits: number): ChangeFlag[] {
  return (Object.keys(SUBSYSTEM_OF) as ChangeFlag[]).filter((f) => (bits & idleBit(SUBSYSTEM_OF[f]!)) !== 0);
}

/** The `changed:` lines for a set of bits, in MPD's order. */
export function changedLines(bits: number): string {
  let s = '';
  IDLE_NAMES.forEach((name, i) => {
    if (bits & (1 << i)) s += `changed: ${name}\n`;
  });
  return s;
}
