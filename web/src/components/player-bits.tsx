// Pieces of the player shown in the footer bar and the now-playing view: the current entry, the
// seekable progress (interpolated between the server's state events), transport and volume.

import { useEffect, useRef, useState } from 'preact/hooks';
import { player, setVolume } from '../actions.ts';
import { api, authUrl } from '../api.ts';
import { clock, describeFormat, wireFormatBadge } from '../format.ts';
import { playerState, queue, useStore } from '../store.ts';
import { Icon } from './icons.tsx';
import type { PlayerStateWire, QueueItem, WireAudioFormat } from '../wire.ts';

export function useCurrentItem(): QueueItem | null {
  const st = useStore(playerState);
  const q = useStore(queue);
  if (!st || st.currentId === null || !q) return null;
  return q.items.find((i) => i.id === st.currentId) ?? null;
}

export function itemTitle(item: QueueItem): string {
  return item.tags.title ?? item.path.split(/[\\/]/).pop() ?? item.path;
}

/** The audible position now: the last reported one, advanced by the time since while playing. */
function useLivePosition(st: PlayerStateWire | null): number {
  const at = useRef({ pos: 0, time: 0 });
  const [, tick] = useState(0);
  useEffect(() => {
    at.current = { pos: st?.positionMs ?? 0, time: performance.now() };
  }, [st]);
  useEffect(() => {
    if (st?.status !== 'playing') return;
    const t = setInterval(() => tick((n) => n + 1), 250);
    return () => clearInterval(t);
  }, [st?.status]);
  if (!st) return 0;
  const live = st.status === 'playing' ? at.current.pos + (performance.now() - at.current.time) : st.positionMs;
  return st.durationMs ? Math.min(live, st.durationMs) : live;
}

export function Progress() {
  const st = useStore(playerState);
  const pos = useLivePosition(st);
  const [drag, setDrag] = useState<number | null>(null);
  const dur = st?.durationMs ?? 0;
  const shown = drag ?? pos;
  return (
    <div class="progress">
      <span class="time">{clock(shown)}</span>
      <input
        type="range"
        min={0}
        max={Math.max(1, dur)}
        step={100}
        value={shown}
        disabled={!dur}
        aria-label="Seek"
        data-testid="seek"
        onInput={(e) => setDrag(Number((e.currentTarget as HTMLInputElement).value))}
        onChange={(e) => {
          void player.seekMs(Number((e.currentTarget as HTMLInputElement).value));
          setDrag(null);
        }}
      />
      <span class="time">{clock(dur || null)}</span>
    </div>
  );
}

export function Transport() {
  const st = useStore(playerState);
  const playing = st?.status === 'playing';
  return (
    <div class="transport">
      <button type="button" class="icon" onClick={() => void player.previous()} aria-label="Previous" title="Previous (Shift+←)"><Icon name="prev" /></button>
      <button type="button" class="icon big" onClick={() => void (st?.status === 'stopped' ? player.play() : player.toggle())} aria-label={playing ? 'Pause' : 'Play'} title="Play/pause (space)" data-testid="play-pause">
        <Icon name={playing ? 'pause' : 'play'} size={28} />
      </button>
      <button type="button" class="icon" onClick={() => void player.next()} aria-label="Next" title="Next (Shift+→)"><Icon name="next" /></button>
    </div>
  );
}

export function Volume() {
  const st = useStore(playerState);
  const v = st?.volumeDb ?? 0;
  const hw = st?.output?.hardwareVolume;
  return (
    <label class="volume" title={`${v === 0 ? 'Volume 0 dB: no volume stage (bit-perfect)' : `${v.toFixed(1)} dB`}${hw ? ', hardware volume' : ''} (+/-)`}>
      <Icon name="volume" size={18} />
      <input type="range" min={-60} max={0} step={0.5} value={Math.max(-60, v)} aria-label="Volume (dB)" onChange={(e) => void setVolume(Number((e.currentTarget as HTMLInputElement).value))} />
      <span class="vol-db">{v === 0 ? '0 dB' : `${v.toFixed(1)}`}</span>
    </label>
  );
}

/** Source format → device format, as short badges ("24/96 → 24/96 S32_LE"). */
export function FormatChips() {
  const st = useStore(playerState);
  if (!st?.source) return null;
  const src = st.source.format as WireAudioFormat | undefined;
  return (
    <span class="format-chips" title={`source: ${st.source.codec}, ${describeFormat(src)}${st.output ? `; device: ${describeFormat(st.output.format)} as ${st.output.container}` : ''}`}>
      <span class="badge fmt">{st.source.codec.toUpperCase()} {src && typeof src.rate === 'number' ? wireFormatBadge(src) : ''}</span>
      {st.output && <span class="badge fmt out">→ {wireFormatBadge(st.output.format)} {st.output.container}</span>}
    </span>
  );
}

/** Whether each library track has art (asked once per track: an image request for a track without any would 404). */
const trackHasArt = new Map<number, Promise<boolean>>();

function hasArt(trackId: number): Promise<boolean> {
  let known = trackHasArt.get(trackId);
  if (!known) {
    known = api.get<{ artId: number | null }>(`/api/library/tracks/${trackId}`).then((t) => t.artId !== null, () => false);
    trackHasArt.set(trackId, known);
  }
  return known;
}

export function ItemArt({ item, large }: { item: QueueItem | null; large?: boolean }) {
  const id = item?.trackId ?? null;
  const [shown, setShown] = useState<number | null>(null);
  useEffect(() => {
    setShown(null);
    if (id === null) return;
    let live = true;
    void hasArt(id).then((yes) => { if (live && yes) setShown(id); });
    return () => { live = false; };
  }, [id]);
  if (shown === null || shown !== id) return <div class={`art placeholder${large ? ' large' : ''}`}>♪</div>;
  return <img class={`art${large ? ' large' : ''}`} src={authUrl(`/api/art/track/${id}${large ? '?size=large' : '?size=thumb'}`)} alt="" />;
}
