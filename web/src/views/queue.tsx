// Queue: drag an entry by its handle to reorder (pointer events, so mouse and touch alike), remove,
// clear, the play modes, and save as a playlist. Rows have a fixed height and only those in view
// (plus a margin) are in the DOM, so a queue of a whole 100,000-track library scrolls as one of ten.

import { useLayoutEffect, useRef, useState } from 'preact/hooks';
import { player } from '../actions.ts';
import { api } from '../api.ts';
import { itemTitle } from '../components/player-bits.tsx';
import { clock, count } from '../format.ts';
import { attempt, notify, playerState, queue, useStore } from '../store.ts';
import type { PlaybackModes, QueueItem } from '../wire.ts';

const ROW = 52;

export function QueueView() {
  const q = useStore(queue);
  const st = useStore(playerState);
  const [drag, setDrag] = useState<{ id: number; from: number; to: number; startY: number } | null>(null);
  const list = useRef<HTMLOListElement>(null);
  const [view, setView] = useState({ top: 0, height: 800 });
  useLayoutEffect(() => {
    const el = list.current;
    if (!el) return;
    const ro = new ResizeObserver(() => setView({ top: el.scrollTop, height: el.clientHeight }));
    ro.observe(el);
    return () => ro.disconnect();
  }, [q !== null]);
  if (!q) return <div class="muted pad">Loading…</div>;
  const items = q.items;

  const onDown = (e: PointerEvent, item: QueueItem, index: number) => {
    e.preventDefault();
    (e.currentTarget as HTMLElement).setPointerCapture(e.pointerId);
    setDrag({ id: item.id, from: index, to: index, startY: e.clientY });
  };
  const onMove = (e: PointerEvent) => {
    if (!drag) return;
    const to = Math.max(0, Math.min(items.length - 1, drag.from + Math.round((e.clientY - drag.startY) / ROW)));
    if (to !== drag.to) setDrag({ ...drag, to });
  };
  const onUp = () => {
    if (!drag) return;
    const { id, from, to } = drag;
    setDrag(null);
    if (to !== from) void attempt(() => api.post('/api/queue/move', { id, to }));
  };
  const moveBy = (item: QueueItem, index: number, delta: number) => {
    const to = index + delta;
    if (to >= 0 && to < items.length) void attempt(() => api.post('/api/queue/move', { id: item.id, to }));
  };

  // While dragging, the entry is drawn at its target slot and the others make room.
  const order = items.map((_, i) => i);
  if (drag) {
    order.splice(drag.from, 1);
    order.splice(drag.to, 0, drag.from);
  }

  const first = Math.max(0, Math.floor(view.top / ROW) - 5);
  const last = Math.min(items.length, Math.ceil((view.top + view.height) / ROW) + 5);

  return (
    <div class="queue view-fill pad" data-testid="queue">
      <div class="row list-head">
        <h1>Queue</h1>
        <span class="muted">{count(items.length, 'track')} · {clock(items.reduce((s, i) => s + (i.durationMs ?? 0), 0))}</span>
        <span class="spacer" />
        <Modes modes={q.modes} />
        <button type="button" onClick={() => void saveQueue(items)} disabled={items.length === 0}>Save as playlist</button>
        <button type="button" onClick={() => void attempt(() => api.post('/api/queue/clear'))} disabled={items.length === 0}>Clear</button>
      </div>
      {items.length === 0 && <p class="muted">The queue is empty. Add albums or tracks from the Library.</p>}
      <ol class="queue-list" ref={list} onPointerMove={onMove} onPointerUp={onUp} onPointerCancel={() => setDrag(null)}
        onScroll={(e) => setView({ top: (e.currentTarget as HTMLElement).scrollTop, height: (e.currentTarget as HTMLElement).clientHeight })}>
        <li class="queue-space" style={{ height: `${items.length * ROW}px` }} aria-hidden="true" />
        {order.slice(first, last).map((i, k) => {
          const item = items[i]!;
          const slot = first + k;
          const current = item.id === st?.currentId;
          return (
            <li key={item.id} class={`queue-item${current ? ' current' : ''}${drag?.id === item.id ? ' dragging' : ''}`} data-queue-id={item.id} style={{ height: `${ROW}px`, top: `${slot * ROW}px` }}>
              <span class="handle" title="Drag to reorder" aria-label="Drag to reorder" onPointerDown={(e) => onDown(e, item, i)}>⠿</span>
              <button type="button" class="q-title link" onClick={() => void player.play(item.id)} title="Play this">
                {current && <span aria-label="now playing">▶ </span>}
                {itemTitle(item)}
                <span class="muted"> {item.tags.artist}{item.tags.album ? ` · ${item.tags.album}` : ''}</span>
              </button>
              <span class="muted t-time">{clock(item.durationMs)}</span>
              <span class="q-move">
                <button type="button" class="icon" aria-label="Move up" onClick={() => moveBy(item, i, -1)} disabled={i === 0}>↑</button>
                <button type="button" class="icon" aria-label="Move down" onClick={() => moveBy(item, i, 1)} disabled={i === items.length - 1}>↓</button>
              </span>
              <button type="button" class="icon" aria-label="Remove" title="Remove" onClick={() => void attempt(() => api.post('/api/queue/remove', { ids: [item.id] }))}>✕</button>
            </li>
          );
        })}
      </ol>
    </div>
  );
}

function Modes({ modes }: { modes: PlaybackModes }) {
  const set = (patch: Partial<PlaybackModes>) => attempt(() => api.patch('/api/queue/modes', patch));
  return (
    <span class="modes">
      <button type="button" class={modes.repeat ? 'on' : ''} aria-pressed={modes.repeat} onClick={() => void set({ repeat: !modes.repeat })}>Repeat</button>
      <button type="button" class={modes.random ? 'on' : ''} aria-pressed={modes.random} onClick={() => void set({ random: !modes.random })}>Random</button>
      <button type="button" class={modes.single !== 'off' ? 'on' : ''} aria-pressed={modes.single !== 'off'} onClick={() => void set({ single: modes.single === 'off' ? 'on' : 'off' })}>Single</button>
      <button type="button" class={modes.consume ? 'on' : ''} aria-pressed={modes.consume} onClick={() => void set({ consume: !modes.consume })}>Consume</button>
    </span>
  );
}

/** Saves the queue as a stored playlist: library entries by track id, others by library uri. */
async function saveQueue(items: readonly QueueItem[]): Promise<void> {
  const name = prompt('Save the queue as playlist:', `Queue ${new Date().toISOString().slice(0, 10)}`);
  if (!name) return;
  const entries = items.flatMap((i): (number | string)[] => (i.trackId !== null ? [i.trackId] : i.uri ? [i.uri] : []));
  const ok = await attempt(() => api.put(`/api/playlists/${encodeURIComponent(name)}`, { entries }));
  if (ok === undefined) return;
  const left = items.length - entries.length;
  notify(left ? 'warning' : 'info', `Saved as “${name}”${left ? `; ${count(left, 'file')} outside the library ${left === 1 ? 'was' : 'were'} left out` : ''}.`);
}
