// The app's shared state: what the server last said about the player, the queue, the settings and
// the outputs, kept fresh by the event socket. Views read it with useStore and re-render on change.

import { useEffect, useState } from 'preact/hooks';
import { ApiError, api, connectEvents, type EventsStatus } from './api.ts';
import type { CoreEvent, LibraryRoot, OutputListingWire, PlayerStateWire, QueueSnapshot, Settings, SignalPathWire, TrackProofWire } from './wire.ts';

/** A value with subscribers. */
export interface Store<T> {
  get(): T;
  set(value: T): void;
  subscribe(fn: (value: T) => void): () => void;
}

export function store<T>(initial: T): Store<T> {
  let value = initial;
  const subs = new Set<(v: T) => void>();
  return {
    get: () => value,
    set(v) {
      if (Object.is(v, value)) return;
      value = v;
      for (const fn of subs) fn(v);
    },
    subscribe(fn) {
      subs.add(fn);
      return () => subs.delete(fn);
    },
  };
}

/** The store's value; the component re-renders when it changes. */
export function useStore<T>(s: Store<T>): T {
  const value = s.get();
  const [, setTick] = useState(0);
  useEffect(() => {
    const off = s.subscribe(() => setTick((n) => n + 1));
    // A change between this render and the subscription (the socket opening meanwhile) would be lost.
    if (!Object.is(s.get(), value)) setTick((n) => n + 1);
    return off;
  }, [s]);
  return value;
}

export const playerState = store<PlayerStateWire | null>(null);
export const queue = store<QueueSnapshot | null>(null);
export const settings = store<Settings | null>(null);
export const outputs = store<OutputListingWire[] | null>(null);
export const eventsStatus = store<EventsStatus>('connecting');
/** The last finished track's proof, with its signal path. */
export const lastTrackEnd = store<{ id: number; path: string; proof: TrackProofWire; signalPath: SignalPathWire; completed: boolean } | null>(null);
export const scan = store<{ phase: string; done: number; total: number | null; message: string } | null>(null);
/** Bumped when the library changed (a scan finished, a root was added), so lists re-query. */
export const libraryVersion = store(0);
export const notices = store<{ id: number; kind: 'error' | 'warning' | 'info'; text: string }[]>([]);

/** The library's music folders, re-read whenever the library changes. */
export function useRoots(): LibraryRoot[] {
  const version = useStore(libraryVersion);
  const [roots, setRoots] = useState<LibraryRoot[]>([]);
  useEffect(() => {
    api.get<LibraryRoot[]>('/api/library/roots').then(setRoots, () => setRoots([]));
  }, [version]);
  return roots;
}

let noticeId = 0;
/** Shows a message for a few seconds (errors stay until dismissed). */
export function notify(kind: 'error' | 'warning' | 'info', text: string): void {
  const id = ++noticeId;
  notices.set([...notices.get().slice(-3), { id, kind, text }]);
  if (kind !== 'error') setTimeout(() => dismiss(id), 5000);
}

export function dismiss(id: number): void {
  notices.set(notices.get().filter((n) => n.id !== id));
}

/** Runs an action and shows its failure, in the server's words, instead of throwing. */
export async function attempt<T>(action: () => Promise<T>): Promise<T | undefined> {
  try {
    return await action();
  } catch (e) {
    notify('error', e instanceof ApiError ? e.message : String(e));
    return undefined;
  }
}

export const refresh = {
  state: () => attempt(async () => playerState.set(await api.get<PlayerStateWire>('/api/state'))),
  queue: () => attempt(async () => queue.set(await api.get<QueueSnapshot>('/api/queue'))),
  settings: () => attempt(async () => settings.set(await api.get<Settings>('/api/settings'))),
  outputs: () => attempt(async () => outputs.set(await api.get<OutputListingWire[]>('/api/outputs'))),
};

function onEvent(e: CoreEvent): void {
  switch (e.type) {
    case 'state':
      playerState.set(e.state);
      break;
    case 'changed':
      if (e.flags.includes('queue') || e.flags.includes('options')) void refresh.queue();
      if (e.flags.includes('settings') || e.flags.includes('mixer')) void refresh.settings();
      if (e.flags.includes('output') && outputs.get() !== null) void refresh.outputs();
      // The player state carries the volume and the output too.
      if (e.flags.some((f) => f === 'player' || f === 'mixer' || f === 'output' || f === 'signal_path' || f === 'proof')) void refresh.state();
      if (e.flags.includes('database')) libraryVersion.set(libraryVersion.get() + 1);
      break;
    case 'track-end':
      lastTrackEnd.set({ id: e.id, path: e.path, proof: e.proof, signalPath: e.signalPath, completed: e.completed });
      break;
    case 'track-error':
      notify('error', `${e.path}: ${e.error.message}`);
      break;
    case 'device-lost':
      notify('error', `The output device was lost: ${e.error.message}`);
      break;
    case 'device-back':
      notify('info', 'The output device is back.');
      break;
    case 'warning':
      notify('warning', e.message);
      break;
    case 'error':
      notify('error', e.error.message);
      break;
    case 'scan':
      scan.set(e.phase === 'done' || e.phase === 'failed' ? null : { phase: e.phase, done: e.done, total: e.total, message: e.message });
      if (e.phase === 'done' || e.phase === 'progress') libraryVersion.set(libraryVersion.get() + 1);
      if (e.phase === 'failed') notify('error', `Scan failed: ${e.message}`);
      break;
    default:
      break;
  }
}

/** What every view needs. The outputs are read by the Settings view only: listing them probes each device. */
function readAll(): void {
  void refresh.state();
  void refresh.queue();
  void refresh.settings();
  if (outputs.get() !== null) void refresh.outputs();
}

/**
 * Reads everything at once (in parallel with the socket's handshake), connects the socket, and
 * reads everything again after a reconnection (events were missed while it was down).
 */
export function startSync(): () => void {
  readAll();
  let wasClosed = false;
  return connectEvents(onEvent, (s) => {
    eventsStatus.set(s);
    if (s === 'closed') wasClosed = true;
    if (s === 'open' && wasClosed) readAll();
  });
}
