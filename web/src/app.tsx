// The app shell: navigation (a side bar on wide screens, a tab bar on phones), the view of the
// current route, the player bar with the verdict badge, notices, and the keyboard shortcuts.

import { Fragment } from 'preact';
import { useEffect, useState } from 'preact/hooks';
import { player, setVolume } from './actions.ts';
import { FormatChips, ItemArt, itemTitle, Progress, Transport, useCurrentItem, Volume } from './components/player-bits.tsx';
import { VerdictBadge } from './components/signal-path.tsx';
import { go, useRoute, type Route } from './router.ts';
import { dismiss, eventsStatus, notices, playerState, useStore } from './store.ts';
import { AlbumView } from './views/album.tsx';
import { AnalysisView } from './views/analysis.tsx';
import { DoctorView } from './views/doctor.tsx';
import { EqView } from './views/eq.tsx';
import { LibraryView } from './views/library.tsx';
import { NowPlayingView } from './views/now-playing.tsx';
import { PlaylistsView } from './views/playlists.tsx';
import { QueueView } from './views/queue.tsx';
import { SettingsView } from './views/settings.tsx';

/** The views in digit order: key 1 is the library, 2 now playing, ... */
const VIEWS = [
  { id: 'library', label: 'Library', icon: '▦' },
  { id: 'now', label: 'Now playing', icon: '♫' },
  { id: 'queue', label: 'Queue', icon: '☰' },
  { id: 'playlists', label: 'Playlists', icon: '≡' },
  { id: 'eq', label: 'EQ', icon: '∿' },
  { id: 'analysis', label: 'Analysis', icon: '▤' },
  { id: 'settings', label: 'Settings', icon: '⚙' },
  { id: 'doctor', label: 'Doctor', icon: '✚' },
] as const;

function View({ route }: { route: Route }) {
  const [head, a, b] = route.parts;
  switch (head) {
    case 'album': return <AlbumView id={Number(a)} />;
    case 'now': return <NowPlayingView />;
    case 'queue': return <QueueView />;
    case 'playlists': return <PlaylistsView />;
    case 'eq': return <EqView />;
    case 'analysis': return <AnalysisView albumId={a === 'album' && b ? Number(b) : null} />;
    case 'settings': return <SettingsView />;
    case 'doctor': return <DoctorView />;
    default: return <LibraryView route={route} />;
  }
}

export function App() {
  const route = useRoute();
  const [help, setHelp] = useState(false);
  useShortcuts(setHelp);
  const active = route.parts[0] === 'album' ? 'library' : route.parts[0];
  return (
    <div class="shell">
      <nav class="nav" aria-label="Views">
        <a class="brand" href="#/library">Auris</a>
        {VIEWS.map((v, i) => (
          <a key={v.id} href={`#/${v.id}`} class={active === v.id ? 'active' : ''} title={`${v.label} (${i + 1})`} data-view={v.id}>
            <span class="nav-icon" aria-hidden="true">{v.icon}</span><span class="nav-label">{v.label}</span>
          </a>
        ))}
        <button type="button" class="nav-help" onClick={() => setHelp(true)} title="Keyboard shortcuts (?)" aria-label="Keyboard shortcuts">?</button>
      </nav>
      <main class="main"><Connection /><View route={route} /></main>
      <PlayerBar />
      <Notices />
      {help && <Help onClose={() => setHelp(false)} />}
    </div>
  );
}

function Connection() {
  const s = useStore(eventsStatus);
  if (s === 'open') return null;
  return <div class="connection" role="status">{s === 'connecting' ? 'Connecting to Auris…' : 'Lost the connection to Auris; reconnecting…'}</div>;
}

function PlayerBar() {
  const st = useStore(playerState);
  const item = useCurrentItem();
  return (
    <footer class="player-bar" aria-label="Player">
      <a class="pb-item" href="#/now" title="Now playing">
        <ItemArt item={item} />
        <span class="pb-text">
          <span class="pb-title">{item ? itemTitle(item) : 'Nothing playing'}</span>
          <span class="pb-artist muted">{item?.tags.artist ?? ''}</span>
        </span>
      </a>
      <div class="pb-center"><Transport /><Progress /></div>
      <div class="pb-right">
        <a href="#/now" class="pb-verdict" title="Signal path" data-testid="bar-verdict"><VerdictBadge verdict={st?.signalPath?.verdict ?? null} small /></a>
        <FormatChips />
        <Volume />
      </div>
    </footer>
  );
}

function Notices() {
  const list = useStore(notices);
  return (
    <div class="notices" aria-live="polite">
      {list.map((n) => (
        <div key={n.id} class={`notice ${n.kind}`} role={n.kind === 'error' ? 'alert' : 'status'}>
          <span>{n.text}</span>
          <button type="button" class="icon" aria-label="Dismiss" onClick={() => dismiss(n.id)}>✕</button>
        </div>
      ))}
    </div>
  );
}

const SHORTCUTS: [string, string][] = [
  ['Space', 'Play / pause'],
  ['← / →', 'Seek 10 s back / forward'],
  ['Shift + ← / →', 'Previous / next track'],
  ['+ / −', 'Volume up / down 1 dB'],
  ['1 … 8', VIEWS.map((v, i) => `${i + 1} ${v.label}`).join(', ')],
  ['/', 'Search the library'],
  ['?', 'This help'],
  ['Esc', 'Close'],
];

function Help({ onClose }: { onClose: () => void }) {
  return (
    <div class="overlay" role="dialog" aria-modal="true" aria-label="Keyboard shortcuts" onClick={onClose}>
      <div class="card help" onClick={(e) => e.stopPropagation()}>
        <h2>Keyboard shortcuts</h2>
        <dl>{SHORTCUTS.map(([k, v]) => <Fragment key={k}><dt><kbd>{k}</kbd></dt><dd>{v}</dd></Fragment>)}</dl>
        <button type="button" onClick={onClose}>Close</button>
      </div>
    </div>
  );
}

function typing(target: EventTarget | null): boolean {
  const el = target as HTMLElement | null;
  return !!el && (el.tagName === 'INPUT' || el.tagName === 'TEXTAREA' || el.tagName === 'SELECT' || el.isContentEditable);
}

function useShortcuts(setHelp: (v: boolean) => void): void {
  useEffect(() => {
    const onKey = (e: KeyboardEvent) => {
      if (e.key === 'Escape') {
        setHelp(false);
        if (typing(e.target)) (e.target as HTMLElement).blur();
        return;
      }
      if (typing(e.target) || e.ctrlKey || e.metaKey || e.altKey) return;
      const vol = playerState.get()?.volumeDb ?? 0;
      let handled = true;
      if (e.key === ' ') void player.toggle();
      else if (e.key === 'ArrowLeft') void (e.shiftKey ? player.previous() : player.seekBy(-10_000));
      else if (e.key === 'ArrowRight') void (e.shiftKey ? player.next() : player.seekBy(10_000));
      else if (e.key === '+' || e.key === '=') void setVolume(vol + 1);
      else if (e.key === '-') void setVolume(vol - 1);
      else if (e.key === '?') setHelp(true);
      else if (e.key === '/') {
        if (!location.hash.startsWith('#/library')) go('#/library');
        setTimeout(() => document.getElementById('search')?.focus(), 0);
      } else if (/^[1-9]$/.test(e.key) && VIEWS[Number(e.key) - 1]) go(`#/${VIEWS[Number(e.key) - 1]!.id}`);
      else handled = false;
      if (handled) e.preventDefault();
    };
    addEventListener('keydown', onKey);
    return () => removeEventListener('keydown', onKey);
  }, []);
}
