// Commands the views share: play, queue, seek, volume. Each one is a call to the server; the new
// state comes back through the event socket, so nothing here edits the stores by hand.

import { api } from './api.ts';
import { attempt, playerState } from './store.ts';
import type { SettingsPatch } from './wire.ts';

export type AddMode = 'play' | 'next' | 'add';

/** What to put in the queue: library tracks or a whole album. */
export type AddWhat = { trackIds: number[] } | { albumId: number };

/**
 * `play` replaces the queue and starts it; `next` inserts after the current entry ("play after the
 * current track"); `add` appends.
 */
export function enqueue(what: AddWhat, mode: AddMode): Promise<void> {
  return attempt(async () => {
    if (mode === 'play') await api.post('/api/queue/clear');
    const pos = playerState.get()?.currentPos ?? -1;
    const body = mode === 'next' && pos >= 0 ? { ...what, at: pos + 1 } : what;
    const { ids } = await api.post<{ ids: number[] }>('/api/queue/add', body);
    if (mode === 'play' && ids.length > 0) await api.post('/api/player/play', { id: ids[0] });
  }).then(() => undefined);
}

export const player = {
  play: (id?: number) => attempt(() => api.post('/api/player/play', id === undefined ? {} : { id })),
  toggle: () => attempt(() => api.post('/api/player/toggle')),
  stop: () => attempt(() => api.post('/api/player/stop')),
  next: () => attempt(() => api.post('/api/player/next')),
  previous: () => attempt(() => api.post('/api/player/previous')),
  seekMs: (ms: number) => attempt(() => api.post('/api/player/seek', { ms: Math.max(0, Math.round(ms)) })),
  seekBy: (relativeMs: number) => attempt(() => api.post('/api/player/seek', { relativeMs })),
};

export function setVolume(db: number): Promise<unknown> {
  return attempt(() => api.put('/api/volume', { db: Math.max(-120, Math.min(0, Math.round(db * 2) / 2)) }));
}

export function patchSettings(patch: SettingsPatch): Promise<unknown> {
  return attempt(() => api.patch('/api/settings', patch));
}
