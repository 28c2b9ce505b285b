// Stored playlists: play or queue one, export it as M3U8, import an M3U8 file, delete.
//
// M3U8 goes through the server's library code: the export link downloads GET /api/playlists/:name/m3u8
// (paths relative to the music folder), and an imported file's text is stored by POST
// /api/playlists/import, which refuses a playlist naming files outside the music folders.

import { useEffect, useRef, useState } from 'preact/hooks';
import { enqueue } from '../actions.ts';
import { api, authUrl } from '../api.ts';
import { count } from '../format.ts';
import { attempt, libraryVersion, notify, useStore } from '../store.ts';
import type { PlaylistImportResult, PlaylistSummary, StoredPlaylist } from '../wire.ts';

const playlistPath = (name: string) => `/api/playlists/${encodeURIComponent(name)}`;

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
    if (ids.length < list.length) notify('warning', `${count(list.length - ids.length, 'entry', 'entries')} of “${name}” ${list.length - ids.length === 1 ? 'is' : 'are'} not in the library.`);
    if (ids.length) await enqueue({ trackIds: ids }, mode);
  });
  const importFile = (f: File) => attempt(async () => {
    const name = f.name.replace(/\.m3u8?$/i, '');
    const r = await api.post<PlaylistImportResult>('/api/playlists/import', { name, text: await f.text() });
    notify(r.skipped ? 'warning' : 'info', `Imported “${r.name}”: ${count(r.entries, 'track')}${r.skipped ? `; ${count(r.skipped, 'line')} left out (web addresses)` : ''}.`);
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
            <a class="button" href={authUrl(`${playlistPath(p.name)}/m3u8`)} download={`${p.name}.m3u8`} data-testid="m3u-export">Export M3U8</a>
            <button type="button" onClick={() => { if (confirm(`Delete playlist “${p.name}”?`)) void attempt(async () => { await api.del(playlistPath(p.name)); await load(); }); }}>Delete</button>
          </li>
        ))}
      </ul>
    </div>
  );
}
