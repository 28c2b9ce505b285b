// Stored playlists: load into the queue, export as M3U8, import an M3U8 file, delete.

import { useEffect, useRef, useState } from 'preact/hooks';
import { api, authUrl } from '../api.ts';
import { attempt, notify, useStore, libraryVersion } from '../store.ts';
import type { PlaylistSummary } from '../wire.ts';

export function PlaylistsView() {
  const version = useStore(libraryVersion);
  const [lists, setLists] = useState<PlaylistSummary[] | null>(null);
  const file = useRef<HTMLInputElement>(null);
  const load = () => attempt(async () => {
    const r = await api.get<PlaylistSummary[] | { items: PlaylistSummary[] }>('/api/playlists');
    setLists(Array.isArray(r) ? r : r.items);
  });
  useEffect(() => void load(), [version]);
  const path = (name: string) => `/api/playlists/${encodeURIComponent(name)}`;
  return (
    <div class="playlists scroll" data-testid="playlists">
      <div class="row list-head">
        <h1>Playlists</h1>
        <span class="spacer" />
        <button type="button" onClick={() => file.current?.click()}>Import M3U8…</button>
        <input ref={file} type="file" accept=".m3u,.m3u8,audio/x-mpegurl" hidden onChange={(e) => {
          const f = (e.currentTarget as HTMLInputElement).files?.[0];
          if (f) void f.text().then((text) => attempt(async () => {
            const name = f.name.replace(/\.m3u8?$/i, '');
            const r = await api.post<{ missing?: number }>('/api/playlists/import', { name, text });
            notify(r?.missing ? 'warning' : 'info', `Imported “${name}”${r?.missing ? `; ${r.missing} entries are not in the library` : ''}.`);
            await load();
          }));
          (e.currentTarget as HTMLInputElement).value = '';
        }} />
      </div>
      {lists?.length === 0 && <p class="muted">No playlists yet. Save the queue as one, or import an M3U8 file.</p>}
      <ul class="plain">
        {lists?.map((p) => (
          <li key={p.name} class="row playlist">
            <span style={{ flex: 1 }}><strong>{p.name}</strong> <span class="muted">{p.length} tracks</span></span>
            <button type="button" onClick={() => void attempt(() => api.post(`${path(p.name)}/load`, { replace: true, play: true }))}>Play</button>
            <button type="button" onClick={() => void attempt(() => api.post(`${path(p.name)}/load`, {}))}>Add to queue</button>
            <a class="button" href={authUrl(`${path(p.name)}/m3u8`)} download={`${p.name}.m3u8`}>Export M3U8</a>
            <button type="button" onClick={() => { if (confirm(`Delete playlist “${p.name}”?`)) void attempt(async () => { await api.del(path(p.name)); await load(); }); }}>Delete</button>
          </li>
        ))}
      </ul>
    </div>
  );
}
