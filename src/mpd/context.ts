// What a command handler receives: the core, the library (when the core has one), the client's own
// state and the response. Handlers throw MpdError (or AurisError) to fail.

import type { AurisCore } from '../core/api.ts';
import { ACK, MpdError } from './ack.ts';
import type { Library, LibraryService, LibraryTrack } from './database.ts';
import type { Response } from './response.ts';
import type { IdleName } from './idle.ts';
import type { MpdTag } from './tags.ts';

/** MPD's permission bits (src/Permission.hxx). */
export const PERMISSION = { NONE: 0, READ: 1, ADD: 2, CONTROL: 4, ADMIN: 8, PLAYER: 16 } as const;
export const ALL_PERMISSIONS = PERMISSION.READ | PERMISSION.ADD | PERMISSION.CONTROL | PERMISSION.ADMIN | PERMISSION.PLAYER;

/** Per-connection state a command may read or change. */
export interface ClientState {
  permission: number;
  /** Tags this client wants in song records (`tagtypes`). */
  readonly tagMask: Set<MpdTag>;
  /** Largest binary chunk for this client (`binarylimit`), 8192 by default as in MPD. */
  binaryLimit: number;
}

/** What the whole frontend shares between connections. */
export interface FrontendState {
  readonly core: AurisCore;
  readonly library: LibraryService | null;
  readonly password: string;
  readonly startedAt: number;
  /** Id of the last `update` job, and whether it still runs (`updating_db` in status). */
  updateJob: number;
  updating: boolean;
  /** Time the player has spent playing since the frontend started (stats `playtime`). */
  playtimeMs(): number;
  /** Wakes the idle of every connection for these subsystems (changes the core does not report). */
  raise(...names: IdleName[]): void;
}

export interface CommandContext {
  readonly frontend: FrontendState;
  readonly core: AurisCore;
  readonly client: ClientState;
  readonly r: Response;
  /** The library's queries, or ACK 50 when Auris runs without a library. */
  library(): Library;
  /** The library service (scans), or ACK 50. */
  service(): LibraryService;
  /** The uri a client sees for a track (its root's name first when there are several roots). */
  uriOf(track: Pick<LibraryTrack, 'rootId' | 'uri'>): string;
}

export function makeContext(frontend: FrontendState, client: ClientState, r: Response): CommandContext {
  // Asked once per command: with one root a track's public uri is its own (publicUri reads the roots every call).
  let oneRoot: boolean | null = null;
  return {
    frontend,
    core: frontend.core,
    client,
    r,
    library() {
      return this.service().library;
    },
    service() {
      if (!frontend.library) throw new MpdError(ACK.NO_EXIST, 'No database');
      return frontend.library;
    },
    uriOf(track) {
      const lib = frontend.library?.library;
      if (!lib) return track.uri;
      oneRoot ??= lib.roots().length <= 1;
      return oneRoot ? track.uri : lib.publicUri(track);
    },
  };
}

/** What a handler may ask of the connection after it ran. */
export type CommandOutcome = void | 'close' | { readonly idle: number };

/**
 * One command: its permission and argument counts as data (MPD's AllCommands.cxx table).
 * `min`/`max`: argument counts; max -1 = no limit; min -1 = not checked.
 */
export interface CommandSpec {
  readonly name: string;
  readonly permission: number;
  readonly min: number;
  readonly max: number;
  readonly run: (ctx: CommandContext, args: string[]) => CommandOutcome | Promise<CommandOutcome>;
}
