// The library as the MPD frontend reaches it: through the core (`core.library`, a LibraryService),
// whose `library` answers queries synchronously. The layer rule keeps src/mpd from importing
// src/library, so its types are taken from the service's own signatures.

import type { LibraryService } from '../core/library.ts';

export type { LibraryService };
export type Library = LibraryService['library'];
export type LibraryTrack = ReturnType<Library['findTracks']>[number];
export type LibraryFilter = NonNullable<Parameters<Library['findTracks']>[0]>;
export type LibraryCursor = NonNullable<ReturnType<Library['findTracksPage']>['next']>;
/** One sort key: a tag, or `-tag` for descending. */
export type LibrarySortKey = Exclude<NonNullable<NonNullable<Parameters<Library['findTracks']>[1]>['sort']>, readonly unknown[]>;
