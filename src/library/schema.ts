// The library database's schema as numbered migrations. `user_version` holds the number of the last
// one applied; openLibrary applies the rest in order, each in its own transaction, so a database
// from any earlier Auris opens and a kill during a migration leaves the previous version intact.
// Never edit a migration that has shipped: add the next one.
//
// Every key that a query joins or filters on has an index (beets lost 4x to one missing index).

// The three helpers below write migration 2's text: changing them changes a shipped migration.

/** The track columns the search index holds, in its column order (bm25 weights follow it). */
const FTS_COLUMNS = ['title', 'artist', 'album_artist', 'album', 'composer', 'genre', 'uri'] as const;

/** A column as the index sees it: apostrophes removed ("Can't" and "Can’t" are indexed as "cant"). */
function searchable(column: string): string {
  return `replace(replace(${column}, '''', ''), '’', '')`;
}

/** The triggers keep the index in step unless a bulk scan deferred it (fts.ts). */
const FTS_LIVE = "NOT EXISTS (SELECT 1 FROM meta WHERE key = 'fts_deferred')";

export const MIGRATIONS: readonly string[] = [
  // 1: roots, files, tracks, albums, art, FTS, playlists, stickers, history.
  `
  CREATE TABLE roots (
    id INTEGER PRIMARY KEY,
    path TEXT NOT NULL UNIQUE,
    name TEXT NOT NULL UNIQUE,
    available INTEGER NOT NULL DEFAULT 1,
    added_at INTEGER NOT NULL,
    scanned_at INTEGER
  );

  -- Every file the scanner looked at: audio, cue sheets, playlists, folder images. (path, size,
  -- mtime) is what an incremental scan compares; dev/ino let a rename keep its track ids.
  CREATE TABLE files (
    id INTEGER PRIMARY KEY,
    root_id INTEGER NOT NULL REFERENCES roots(id) ON DELETE CASCADE,
    path TEXT NOT NULL UNIQUE,
    rel TEXT NOT NULL,
    folder TEXT NOT NULL,
    kind TEXT NOT NULL,
    size INTEGER NOT NULL,
    mtime REAL NOT NULL,
    dev INTEGER NOT NULL DEFAULT 0,
    ino INTEGER NOT NULL DEFAULT 0,
    error_code TEXT,
    error TEXT,
    -- a folder image's art (kind 'image')
    art_id INTEGER,
    scanned_at INTEGER NOT NULL
  );
  CREATE INDEX files_root ON files(root_id, folder);
  CREATE INDEX files_ino ON files(dev, ino);

  CREATE TABLE art (
    id INTEGER PRIMARY KEY,
    hash TEXT NOT NULL UNIQUE,
    mime TEXT NOT NULL,
    bytes BLOB NOT NULL
  );
  CREATE TABLE thumbs (
    art_id INTEGER NOT NULL REFERENCES art(id) ON DELETE CASCADE,
    size INTEGER NOT NULL,
    mime TEXT NOT NULL,
    bytes BLOB NOT NULL,
    PRIMARY KEY (art_id, size)
  ) WITHOUT ROWID;

  CREATE TABLE albums (
    id INTEGER PRIMARY KEY,
    key TEXT NOT NULL UNIQUE,
    root_id INTEGER,
    title TEXT NOT NULL,
    artist TEXT NOT NULL,
    year INTEGER,
    date TEXT,
    genre TEXT,
    compilation INTEGER NOT NULL DEFAULT 0,
    mb_album_id TEXT,
    folder TEXT,
    track_count INTEGER NOT NULL DEFAULT 0,
    disc_count INTEGER NOT NULL DEFAULT 0,
    duration REAL NOT NULL DEFAULT 0,
    art_id INTEGER REFERENCES art(id) ON DELETE SET NULL,
    added_at INTEGER NOT NULL,
    dr INTEGER
  );
  -- One index per album grid order (Library.albums), in that order, so a page at any offset walks
  -- the index instead of sorting every album.
  CREATE INDEX albums_artist ON albums(artist COLLATE NOCASE, year, title COLLATE NOCASE, id);
  CREATE INDEX albums_title ON albums(title COLLATE NOCASE, artist COLLATE NOCASE, id);
  CREATE INDEX albums_year ON albums(year IS NULL, year, artist COLLATE NOCASE, title COLLATE NOCASE, id);
  CREATE INDEX albums_added ON albums(added_at DESC, id DESC);
  CREATE INDEX albums_dr ON albums(dr IS NULL, dr DESC, artist COLLATE NOCASE, id) WHERE dr IS NOT NULL;

  CREATE TABLE tracks (
    id INTEGER PRIMARY KEY,
    file_id INTEGER NOT NULL REFERENCES files(id) ON DELETE CASCADE,
    root_id INTEGER NOT NULL REFERENCES roots(id) ON DELETE CASCADE,
    path TEXT NOT NULL,
    uri TEXT NOT NULL,
    cue_file_id INTEGER REFERENCES files(id) ON DELETE CASCADE,
    cue_track INTEGER,
    start_frame INTEGER,
    end_frame INTEGER,
    available INTEGER NOT NULL DEFAULT 1,
    codec TEXT NOT NULL,
    container TEXT NOT NULL,
    lossless INTEGER NOT NULL,
    rate INTEGER,
    bits INTEGER,
    channels INTEGER,
    total_frames INTEGER,
    duration REAL,
    bitrate REAL,
    md5 TEXT,
    title TEXT,
    artist TEXT,
    album_artist TEXT,
    album TEXT,
    track_no INTEGER,
    track_total INTEGER,
    disc_no INTEGER,
    disc_total INTEGER,
    date TEXT,
    year INTEGER,
    genre TEXT,
    composer TEXT,
    compilation INTEGER NOT NULL DEFAULT 0,
    mb_track_id TEXT,
    mb_album_id TEXT,
    mb_artist_id TEXT,
    mb_album_artist_id TEXT,
    rg_track_gain REAL,
    rg_track_peak REAL,
    rg_album_gain REAL,
    rg_album_peak REAL,
    album_id INTEGER REFERENCES albums(id) ON DELETE SET NULL,
    art_id INTEGER REFERENCES art(id) ON DELETE SET NULL,
    mtime REAL NOT NULL,
    size INTEGER NOT NULL,
    added_at INTEGER NOT NULL,
    play_count INTEGER NOT NULL DEFAULT 0,
    last_played INTEGER,
    -- analysis (null until analysed)
    analysed_at INTEGER,
    analysis_error TEXT,
    dr REAL,
    dr_rounded INTEGER,
    peak_db REAL,
    loudness_lufs REAL,
    lra_lu REAL,
    true_peak_dbtp REAL,
    rg2_track_gain REAL,
    true_bits INTEGER,
    verdict TEXT,
    cutoff_hz REAL
  );
  CREATE UNIQUE INDEX tracks_uri ON tracks(root_id, uri);
  CREATE INDEX tracks_file ON tracks(file_id);
  CREATE INDEX tracks_cue ON tracks(cue_file_id);
  CREATE INDEX tracks_album ON tracks(album_id, disc_no, track_no);
  CREATE INDEX tracks_artist ON tracks(artist COLLATE NOCASE);
  CREATE INDEX tracks_album_artist ON tracks(album_artist COLLATE NOCASE);
  CREATE INDEX tracks_genre ON tracks(genre COLLATE NOCASE);
  CREATE INDEX tracks_year ON tracks(year);
  CREATE INDEX tracks_mtime ON tracks(mtime);
  -- Partial indexes: a new track (not analysed) costs them nothing to insert.
  CREATE INDEX tracks_unanalysed ON tracks(album_id) WHERE analysed_at IS NULL;
  CREATE INDEX tracks_dr ON tracks(dr) WHERE dr IS NOT NULL;
  CREATE INDEX tracks_loudness ON tracks(loudness_lufs) WHERE loudness_lufs IS NOT NULL;

  -- FTS5 over the words people type, apostrophes removed ("Can't" and "Can’t" are indexed as
  -- "cant", which is what people type; ftsQuery removes them from queries too). remove_diacritics 2 folds accents ("Bjork" finds "Björk"),
  -- unicode61 folds case, the prefix indexes make type-ahead prefix queries cheap.
  CREATE VIRTUAL TABLE tracks_fts USING fts5(
    title, artist, album_artist, album, composer, genre, uri,
    content='tracks', content_rowid='id',
    tokenize='unicode61 remove_diacritics 2', prefix='1 2 3'
  );
  CREATE TRIGGER tracks_fts_insert AFTER INSERT ON tracks BEGIN
    INSERT INTO tracks_fts(rowid, title, artist, album_artist, album, composer, genre, uri)
    VALUES (new.id, replace(replace(new.title, '''', ''), '’', ''), replace(replace(new.artist, '''', ''), '’', ''), replace(replace(new.album_artist, '''', ''), '’', ''), replace(replace(new.album, '''', ''), '’', ''), replace(replace(new.composer, '''', ''), '’', ''), replace(replace(new.genre, '''', ''), '’', ''), replace(replace(new.uri, '''', ''), '’', ''));
  END;
  CREATE TRIGGER tracks_fts_delete AFTER DELETE ON tracks BEGIN
    INSERT INTO tracks_fts(tracks_fts, rowid, title, artist, album_artist, album, composer, genre, uri)
    VALUES ('delete', old.id, replace(replace(old.title, '''', ''), '’', ''), replace(replace(old.artist, '''', ''), '’', ''), replace(replace(old.album_artist, '''', ''), '’', ''), replace(replace(old.album, '''', ''), '’', ''), replace(replace(old.composer, '''', ''), '’', ''), replace(replace(old.genre, '''', ''), '’', ''), replace(replace(old.uri, '''', ''), '’', ''));
  END;
  CREATE TRIGGER tracks_fts_update AFTER UPDATE OF title, artist, album_artist, album, composer, genre, uri ON tracks BEGIN
    INSERT INTO tracks_fts(tracks_fts, rowid, title, artist, album_artist, album, composer, genre, uri)
    VALUES ('delete', old.id, replace(replace(old.title, '''', ''), '’', ''), replace(replace(old.artist, '''', ''), '’', ''), replace(replace(old.album_artist, '''', ''), '’', ''), replace(replace(old.album, '''', ''), '’', ''), replace(replace(old.composer, '''', ''), '’', ''), replace(replace(old.genre, '''', ''), '’', ''), replace(replace(old.uri, '''', ''), '’', ''));
    INSERT INTO tracks_fts(rowid, title, artist, album_artist, album, composer, genre, uri)
    VALUES (new.id, replace(replace(new.title, '''', ''), '’', ''), replace(replace(new.artist, '''', ''), '’', ''), replace(replace(new.album_artist, '''', ''), '’', ''), replace(replace(new.album, '''', ''), '’', ''), replace(replace(new.composer, '''', ''), '’', ''), replace(replace(new.genre, '''', ''), '’', ''), replace(replace(new.uri, '''', ''), '’', ''));
  END;

  CREATE TABLE playlists (
    id INTEGER PRIMARY KEY,
    name TEXT NOT NULL UNIQUE,
    modified_at INTEGER NOT NULL
  );
  -- An entry keeps its uri even when no track has it (yet): MPD keeps such entries too.
  CREATE TABLE playlist_entries (
    playlist_id INTEGER NOT NULL REFERENCES playlists(id) ON DELETE CASCADE,
    pos INTEGER NOT NULL,
    track_id INTEGER REFERENCES tracks(id) ON DELETE SET NULL,
    uri TEXT NOT NULL,
    PRIMARY KEY (playlist_id, pos)
  ) WITHOUT ROWID;
  CREATE INDEX playlist_entries_track ON playlist_entries(track_id);

  CREATE TABLE stickers (
    type TEXT NOT NULL,
    uri TEXT NOT NULL,
    name TEXT NOT NULL,
    value TEXT NOT NULL,
    PRIMARY KEY (type, uri, name)
  ) WITHOUT ROWID;
  CREATE INDEX stickers_name ON stickers(type, name);

  CREATE TABLE plays (
    id INTEGER PRIMARY KEY,
    track_id INTEGER NOT NULL REFERENCES tracks(id) ON DELETE CASCADE,
    played_at INTEGER NOT NULL
  );
  CREATE INDEX plays_track ON plays(track_id);
  CREATE INDEX plays_time ON plays(played_at);

  CREATE TABLE meta (
    key TEXT PRIMARY KEY,
    value TEXT NOT NULL
  ) WITHOUT ROWID;
  `,
  // 2: the search index reads its content through a view that removes apostrophes as the triggers
  // do, so FTS5's 'rebuild' makes the same index in one pass (a first scan builds it that way:
  // ~7x cheaper than row by row); the triggers pause while meta has 'fts_deferred' (see fts.ts).
  `
  DROP TRIGGER tracks_fts_insert;
  DROP TRIGGER tracks_fts_delete;
  DROP TRIGGER tracks_fts_update;
  DROP TABLE tracks_fts;
  CREATE VIEW tracks_fts_content AS SELECT id, ${FTS_COLUMNS.map((c) => `${searchable(c)} AS ${c}`).join(', ')} FROM tracks;
  CREATE VIRTUAL TABLE tracks_fts USING fts5(
    ${FTS_COLUMNS.join(', ')},
    content='tracks_fts_content', content_rowid='id',
    tokenize='unicode61 remove_diacritics 2', prefix='1 2 3'
  );
  CREATE TRIGGER tracks_fts_insert AFTER INSERT ON tracks WHEN ${FTS_LIVE} BEGIN
    INSERT INTO tracks_fts(rowid, ${FTS_COLUMNS.join(', ')}) VALUES (new.id, ${FTS_COLUMNS.map((c) => searchable(`new.${c}`)).join(', ')});
  END;
  CREATE TRIGGER tracks_fts_delete AFTER DELETE ON tracks WHEN ${FTS_LIVE} BEGIN
    INSERT INTO tracks_fts(tracks_fts, rowid, ${FTS_COLUMNS.join(', ')}) VALUES ('delete', old.id, ${FTS_COLUMNS.map((c) => searchable(`old.${c}`)).join(', ')});
  END;
  CREATE TRIGGER tracks_fts_update AFTER UPDATE OF ${FTS_COLUMNS.join(', ')} ON tracks WHEN ${FTS_LIVE} BEGIN
    INSERT INTO tracks_fts(tracks_fts, rowid, ${FTS_COLUMNS.join(', ')}) VALUES ('delete', old.id, ${FTS_COLUMNS.map((c) => searchable(`old.${c}`)).join(', ')});
    INSERT INTO tracks_fts(rowid, ${FTS_COLUMNS.join(', ')}) VALUES (new.id, ${FTS_COLUMNS.map((c) => searchable(`new.${c}`)).join(', ')});
  END;
  INSERT INTO tracks_fts(tracks_fts) VALUES ('rebuild');
  `,
];
