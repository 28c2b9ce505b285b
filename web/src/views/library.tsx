// Library: albums (grid with art), artists, album artists, genres, folders, and search as you type.
// Every list is a virtual grid over paged queries; the A–Z scrubber finds a letter's first row by
// a binary search over the sorted album list, one album per probe, so nothing fetches the library.

import { useEffect, useMemo, useRef, useState } from 'preact/hooks';
import { enqueue } from '../actions.ts';
import { ApiError, api, authUrl, qs } from '../api.ts';
import { VirtualGrid, type GridHandle } from '../components/virtual-grid.tsx';
import { clock, count, formatBadge, indexLetter } from '../format.ts';
import { href, type Route } from '../router.ts';
import { attempt, libraryVersion, notify, scan, useRoots, useStore } from '../store.ts';
import type { Album, FolderListing, LibraryStats, NamedCount, Paged, Track } from '../wire.ts';

const TABS = [
  ['albums', 'Albums'],
  ['artists', 'Artists'],
  ['albumartists', 'Album artists'],
  ['genres', 'Genres'],
  ['folders', 'Folders'],
] as const;

const LETTERS = '#ABCDEFGHIJKLMNOPQRSTUVWXYZ'.split('');

export function LibraryView({ route }: { route: Route }) {
  const tab = route.parts[1] ?? 'albums';
  const version = useStore(libraryVersion);
  const [stats, setStats] = useState<LibraryStats | null>(null);
  const [q, setQ] = useState(route.query.get('q') ?? '');
  const [debounced, setDebounced] = useState(q);

  const [noLibrary, setNoLibrary] = useState(false);
  useEffect(() => {
    api.get<LibraryStats>('/api/library/stats').then(setStats, (e: unknown) => {
      // A server started without a library (a core without one, an older server) says so with E_STATE or 404.
      if (e instanceof ApiError && (e.code === 'E_STATE' || e.status === 404)) setNoLibrary(true);
      else notify('error', e instanceof Error ? e.message : String(e));
    });
  }, [version]);
  useEffect(() => {
    const t = setTimeout(() => setDebounced(q.trim()), 150);
    return () => clearTimeout(t);
  }, [q]);

  if (noLibrary) {
    return (
      <div class="first-run card" data-testid="no-library">
        <h1>No library on this server</h1>
        <p>This Auris runs without a music library. Files can still be queued by path (<code>auris play</code>, MPD clients), and
          the <a href="#/queue">Queue</a>, <a href="#/now">Now playing</a> and <a href="#/settings">Settings</a> work as usual.</p>
      </div>
    );
  }

  if (stats && stats.songs === 0) return <FirstRun />;

  return (
    <div class="library view-fill">
      <div class="library-bar">
        <input
          id="search"
          type="search"
          placeholder="Search the library  ( / )"
          value={q}
          onInput={(e) => setQ((e.currentTarget as HTMLInputElement).value)}
          aria-label="Search"
          autocomplete="off"
        />
        <nav class="tabs" aria-label="Library views">
          {TABS.map(([id, label]) => (
            <a key={id} href={href('library', id)} class={tab === id && !debounced ? 'active' : ''} onClick={() => setQ('')}>{label}</a>
          ))}
        </nav>
        {stats && <span class="muted stats">{count(stats.albums, 'album')} · {count(stats.songs, 'track')}</span>}
      </div>
      <ScanProgress />
      {debounced ? <SearchResults q={debounced} version={version} />
        : tab === 'albums' ? <AlbumGrid route={route} version={version} />
        : tab === 'artists' ? <NameList kind="artists" version={version} />
        : tab === 'albumartists' ? <NameList kind="albumartists" version={version} />
        : tab === 'genres' ? <NameList kind="genres" version={version} />
        : <Folders uri={route.query.get('uri') ?? ''} />}
    </div>
  );
}

function ScanProgress() {
  const s = useStore(scan);
  if (!s) return null;
  return (
    <div class="scan" role="status">
      Scanning… {s.done}{s.total !== null ? ` / ${s.total}` : ''} {(s.total ?? s.done) === 1 ? 'file' : 'files'} {s.message && <span class="muted">{s.message}</span>}
      {s.total ? <progress value={s.done} max={s.total} /> : <progress />}
    </div>
  );
}

/** First run: no music yet. Says how to add a folder and offers the platform's music folder. */
function FirstRun() {
  const roots = useRoots();
  const [suggested, setSuggested] = useState('');
  const [path, setPath] = useState('');
  useEffect(() => {
    void attempt(async () => {
      const r = await api.get<{ path: string; exists: boolean }>('/api/library/suggestion');
      if (r.exists) {
        setSuggested(r.path);
        setPath((p) => p || r.path);
      }
    });
  }, []);
  const add = (p: string) => attempt(async () => {
    await api.post('/api/library/roots', { path: p });
    libraryVersion.set(libraryVersion.get() + 1);
  });

  return (
    <div class="first-run card" data-testid="first-run">
      <h1>Add your music</h1>
      <p>
        Auris plays from music folders on this computer. Give the folder where your albums are (one folder per album
        or per artist is fine); Auris reads their tags, art and CUE sheets, and watches the folder for new music.
      </p>
      {roots.length > 0 && (
        <p class="muted">Folders already added: {roots.map((r) => r.path).join(', ')}. They hold no music Auris can play yet, or the scan is still running.</p>
      )}
      <ScanProgress />
      <form class="row" onSubmit={(e) => { e.preventDefault(); if (path.trim()) void add(path.trim()); }}>
        <input type="text" value={path} onInput={(e) => setPath((e.currentTarget as HTMLInputElement).value)} placeholder="/home/you/Music" aria-label="Music folder" style={{ flex: 1 }} />
        <button type="submit" class="primary">Add folder</button>
      </form>
      {suggested && suggested !== path && (
        <p><button type="button" onClick={() => void add(suggested)}>Use {suggested}</button></p>
      )}
      <p class="muted">From a terminal, <code>auris serve --library DIR</code> does the same.</p>
    </div>
  );
}

/** Albums per query: about two screens of the grid. */
const ALBUM_PAGE = 60;

const SORTS = [['artist', 'Artist'], ['title', 'Title'], ['year', 'Year'], ['added', 'Recently added'], ['dr', 'Dynamic range']] as const;

function AlbumGrid({ route, version }: { route: Route; version: number }) {
  const [sort, setSort] = useState<string>(route.query.get('sort') ?? 'artist');
  // Albums are filed under their album artist, so both artist lists filter by `artist`.
  const artist = route.query.get('artist');
  const genre = route.query.get('genre');
  const [total, setTotal] = useState<number | null>(null);
  const [first, setFirst] = useState<{ key: string; items: readonly Album[] } | null>(null);
  const [letter, setLetter] = useState('');
  const grid = useRef<GridHandle>(null);
  const filter = { sort, artist, genre };
  const key = JSON.stringify([filter, version]);

  const load = useMemo(() => async (offset: number, limit: number) => {
    const page = await api.get<Paged<Album>>(`/api/library/albums${qs({ ...filter, offset, limit })}`);
    setTotal(page.total);
    return page.items;
  }, [key]);

  // The first page comes with the total, and the grid starts from it.
  useEffect(() => {
    setTotal(null);
    void attempt(async () => setFirst({ key, items: await load(0, ALBUM_PAGE) }));
  }, [key]);

  const sortKey = (a: Album) => (sort === 'title' ? a.title : a.artist);
  const jump = (l: string) => attempt(async () => {
    if (total === null) return;
    // First offset whose sort key is at or after the letter ('#' is the top).
    let lo = 0;
    let hi = total;
    if (l !== '#') {
      while (lo < hi) {
        const mid = (lo + hi) >> 1;
        const [a] = (await api.get<Paged<Album>>(`/api/library/albums${qs({ ...filter, offset: mid, limit: 1 })}`)).items;
        const k = a ? sortKey(a).trim().toUpperCase() : '';
        if (a && (indexLetter(k) === '#' ? k.charAt(0) < 'A' : k.charAt(0) < l)) lo = mid + 1;
        else hi = mid;
      }
    }
    grid.current?.scrollToIndex(lo);
  });

  const scrubbable = sort === 'artist' || sort === 'title';
  const title = artist ?? genre;
  return (
    <div class="album-area">
      <div class="row list-head">
        {title && <h2 class="filter-title">{title} <a href={href('library', 'albums')} class="muted" aria-label="Clear filter">×</a></h2>}
        <label class="muted">Sort{' '}
          <select value={sort} onChange={(e) => setSort((e.currentTarget as HTMLSelectElement).value)}>
            {SORTS.map(([v, l]) => <option key={v} value={v}>{l}</option>)}
          </select>
        </label>
        {total !== null && <span class="muted">{count(total, 'album')}</span>}
      </div>
      <div class="grid-with-scrubber">
        {total !== null && first?.key === key && (
          <VirtualGrid<Album>
            label="Albums"
            total={total}
            load={load}
            queryKey={key}
            initial={first.items}
            pageSize={ALBUM_PAGE}
            rowHeight={232}
            minColumnWidth={168}
            handle={grid}
            render={(a) => <AlbumCard album={a} />}
          />
        )}
        {scrubbable && total !== null && total > 30 && (
          <nav class="scrubber" aria-label="Jump to letter">
            {LETTERS.map((l) => (
              <button key={l} type="button" class={letter === l ? 'active' : ''} onClick={() => { setLetter(l); void jump(l); }}>{l}</button>
            ))}
          </nav>
        )}
      </div>
    </div>
  );
}

export function AlbumArt({ id, size, alt }: { id: number | null; size: 'thumb' | 'large'; alt: string }) {
  const [failed, setFailed] = useState(false);
  if (id === null || failed) return <div class="art placeholder" aria-label={alt}>♪</div>;
  return <img class="art" src={authUrl(`/api/art/album/${id}?size=${size}`)} alt={alt} loading="lazy" decoding="async" onError={() => setFailed(true)} />;
}

function AlbumCard({ album }: { album: Album | undefined }) {
  if (!album) return <div class="album-card loading" aria-busy="true"><div class="art placeholder" /></div>;
  return (
    <a class="album-card" href={href('album', album.id)} data-album-id={album.id} title={`${album.title} — ${album.artist}`}>
      <AlbumArt id={album.artId === null ? null : album.id} size="thumb" alt="" />
      <span class="album-title">{album.title}</span>
      <span class="album-artist muted">{album.artist}{album.year ? ` · ${album.year}` : ''}</span>
    </a>
  );
}

function NameList({ kind, version }: { kind: 'artists' | 'albumartists' | 'genres'; version: number }) {
  const [total, setTotal] = useState<number | null>(null);
  const path = `/api/library/${kind}`;
  const key = `${path}|${version}`;
  const load = useMemo(() => async (offset: number, limit: number) => {
    const page = await api.get<Paged<NamedCount>>(`${path}${path.includes('?') ? '&' : '?'}offset=${offset}&limit=${limit}`);
    setTotal(page.total);
    return page.items;
  }, [key]);
  useEffect(() => {
    setTotal(null);
    void attempt(async () => { await load(0, 1); });
  }, [key]);
  const param = kind === 'genres' ? 'genre' : 'artist';
  if (total === null) return null;
  return (
    <VirtualGrid<NamedCount>
      label={kind}
      total={total}
      load={load}
      queryKey={key}
      rowHeight={44}
      minColumnWidth={100000}
      render={(n) => n ? (
        <a class="name-row" href={`#/library/albums?${param}=${encodeURIComponent(n.name)}`}>
          <span>{n.name || '(none)'}</span><span class="muted">{count(n.albums, 'album')} · {count(n.tracks, 'track')}</span>
        </a>
      ) : <div class="name-row loading" />}
    />
  );
}

function Folders({ uri }: { uri: string }) {
  const [listing, setListing] = useState<FolderListing | null>(null);
  useEffect(() => {
    setListing(null);
    void attempt(async () => setListing(await api.get<FolderListing>(`/api/library/folders${qs({ uri })}`)));
  }, [uri]);
  const crumbs = uri ? uri.split('/') : [];
  return (
    <div class="folders scroll">
      <nav class="crumbs" aria-label="Folder">
        <a href="#/library/folders">Folders</a>
        {crumbs.map((c, i) => (
          <span key={i}> / <a href={`#/library/folders?uri=${encodeURIComponent(crumbs.slice(0, i + 1).join('/'))}`}>{c}</a></span>
        ))}
      </nav>
      {listing && (
        <ul class="plain">
          {listing.folders.map((f) => (
            <li key={f.uri}><a class="name-row" href={`#/library/folders?uri=${encodeURIComponent(f.uri)}`}>▸ {f.name}</a></li>
          ))}
          {listing.tracks.map((t) => <TrackRow key={t.id} track={t} />)}
        </ul>
      )}
    </div>
  );
}

export function TrackRow({ track }: { track: Track }) {
  return (
    <li class="track-row" data-track-id={track.id}>
      <button type="button" class="icon" title="Play" aria-label={`Play ${track.title ?? track.uri}`} onClick={() => void enqueue({ trackIds: [track.id] }, 'play')}>▶</button>
      <span class="t-title">{track.title ?? track.uri.split('/').pop()}<span class="muted"> {track.artist}</span></span>
      <span class="badge fmt">{formatBadge(track)}</span>
      <span class="muted t-time">{clock((track.duration ?? 0) * 1000)}</span>
      <button type="button" class="icon" title="Add to queue" aria-label="Add to queue" onClick={() => void enqueue({ trackIds: [track.id] }, 'add')}>＋</button>
    </li>
  );
}

function SearchResults({ q, version }: { q: string; version: number }) {
  const [total, setTotal] = useState<number | null>(null);
  const key = `${q}|${version}`;
  const load = useMemo(() => async (offset: number, limit: number) => {
    const tracks = await api.get<Paged<Track>>(`/api/library/search${qs({ q, offset, limit })}`);
    setTotal(tracks.total);
    return tracks.items;
  }, [key]);
  useEffect(() => {
    setTotal(null);
    void attempt(async () => { await load(0, 60); });
  }, [key]);
  return (
    <div class="search-results view-fill" data-testid="search-results">
      {total === 0 && <p class="muted">Nothing matches “{q}”.</p>}
      {total !== null && total > 0 && (
        <VirtualGrid<Track>
          label="Tracks found"
          total={total}
          load={load}
          queryKey={key}
          rowHeight={44}
          minColumnWidth={100000}
          render={(t) => t ? <ul class="plain"><TrackRow track={t} /></ul> : <div class="track-row loading" />}
        />
      )}
    </div>
  );
}

