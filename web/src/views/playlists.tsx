// Stored playlists: play or queue one, export it as M3U8, import an M3U8 file, delete.
//
// The server stores playlists as library entries (track ids or uris). Until it has M3U8 routes,
// export writes the entries' uris (paths relative to the music folder, as MPD writes them) and
// import keeps the lines that name library uris; the server reports the entries it cannot match.

import { useEffect, useRef, useState } from 'preact/hooks';
import { enqueue } from '../actions.ts';
import { api } from '../api.ts';
import { count } from '../format.ts';
import { attempt, libraryVersion, notify, useStore } from '../store.ts';
import type { PlaylistSummary, StoredPlaylist } from '../wire.ts';

const playlistPath = (name: string) => `/api/playlists/${encodeURIComponent(name)}`;

/** The uris of an M3U/M3U8 text: every line that is not empty and not a #comment, '\' as '/'. */
export function m3uEntries(text: string): string[] {
  return text.replace(/^\uFEFF/, '').split(/\r?\n/).map((l) => l.trim()).filter((l) => l && !l.startsWith('#')).map((l) => l.replace(/\\/g, '/'));
}

function download(name: string, text: string): void {
  const a = document.createElement('a');
  a.href = URL.createObjectURL(new Blob([text], { type: 'audio/x-mpegurl;charset=utf-8' }));
  a.download = name;
  a.click();
  setTimeout(() => URL.revokeObjectURL(a.href), 1000);
}

export function PlaylistsView() {
  const version = useStore(libraryVersion);
  const [lists, setLists] = useState<PlaylistSummary[] | null>(null);
  const file = useRef<HTMLInputElement>(null);
  const load = () => attempt(async () => setLists(await api.get<PlaylistSummary[]>('/api/playlists')));
  useEffect(() => void load(), [version]);

  const entries = (name: string) => api.get<StoredPlaylist>(playlistPath(name)).then((p) => p.entries);
  const play = (name: string, mode: 'play' | 'add') => attempt(async () => {
    const list = await entries(name);
    const ids = list.flatMap((e) => (e.trackId === null ? [] : [e.trackId]));
    if (ids.length < list.length) notify('warning', `${list.length - ids.length} entries of “${name}” are not in the library.`);
    if (ids.length) await enqueue({ trackIds: ids }, mode);
  });
  const exportList = (name: string) => attempt(async () => {
    const list = await entries(name);
    download(`${name}.m3u8`, `#EXTM3U\n${list.map((e) => e.uri).join('\n')}\n`);
  });
  const importFile = (f: File) => attempt(async () => {
    const name = f.name.replace(/\.m3u8?$/i, '');
    const list = m3uEntries(await f.text());
    await api.put(playlistPath(name), { entries: list });
    const saved = await entries(name);
    const missing = saved.filter((e) => e.trackId === null).length;
    notify(missing ? 'warning' : 'info', `Imported “${name}”: ${saved.length - missing} tracks${missing ? `; ${missing} entries are not in the library` : ''}.`);
    await load();
  });

  return (
    <div class="playlists scroll" data-testid="playlists">
      <div class="row list-head">
        <h1>Playlists</h1>
        <span class="spacer" />
        <button type="button" onClick={() => file.current?.click()}>Import M3U8…</button>
        <input ref={file} type="file" accept=".m3u,.m3u8,audio/x-mpegurl" hidden data-testid="m3u-import" onChange={(e) => {
          const f = (e.currentTarget as HTMLInputElement).files?.[0];
          if (f) void importFile(f);
          (e.currentTarget as HTMLInputElement).value = '';
        }} />
      </div>
      {lists?.length === 0 && <p class="muted">No playlists yet. Save the queue as one, or import an M3U8 file.</p>}
      <ul class="plain">
        {lists?.map((p) => (
          <li key={p.name} class="row playlist" data-playlist={p.name}>
            <span style={{ flex: 1 }}><strong>{p.name}</strong> <span class="muted">{count(p.length, 'track')}</span></span>
            <button type="button" onClick={() => void play(p.name, 'play')}>Play</button>
            <button type="button" onClick={() => void play(p.name, 'add')}>Add to queue</button>
            <button type="button" onClick={() => void exportList(p.name)}>Export M3U8</button>
            <button type="button" onClick={() => { if (confirm(`Delete playlist “${p.name}”?`)) void attempt(async () => { await api.del(playlistPath(p.name)); await load(); }); }}>Delete</button>
          </li>
        ))}
      </ul>
    </div>
  );
}
