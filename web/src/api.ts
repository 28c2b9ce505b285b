// The server's JSON API and its event socket. Every call answers the parsed body or throws an
// ApiError with the server's stable code; the token (needed off loopback) comes from the page's
// `?token=` once and is kept in localStorage.

import type { CoreEvent } from './wire.ts';

const TOKEN_KEY = 'auris.token';

function readToken(): string {
  const fromUrl = new URLSearchParams(location.search).get('token');
  if (fromUrl) {
    localStorage.setItem(TOKEN_KEY, fromUrl);
    return fromUrl;
  }
  return localStorage.getItem(TOKEN_KEY) ?? '';
}

const token = readToken();

/** A failed call: the server's error code ('E_NETWORK' when it could not be reached), words and details. */
export class ApiError extends Error {
  constructor(readonly code: string, message: string, readonly status: number, readonly details: Record<string, unknown> = {}) {
    super(message);
  }
}

async function request<T>(method: string, path: string, body?: unknown): Promise<T> {
  const headers: Record<string, string> = {};
  if (token) headers.authorization = `Bearer ${token}`;
  if (body !== undefined) headers['content-type'] = 'application/json';
  let res: Response;
  try {
    res = await fetch(path, { method, headers, body: body === undefined ? undefined : JSON.stringify(body) });
  } catch (e) {
    throw new ApiError('E_NETWORK', `Auris is not reachable (${(e as Error).message})`, 0);
  }
  const text = await res.text();
  let data: unknown = null;
  if (text) {
    try {
      data = JSON.parse(text);
    } catch {
      data = text;
    }
  }
  if (!res.ok) {
    const err = (data as { error?: { code?: string; message?: string; details?: Record<string, unknown> } } | null)?.error;
    throw new ApiError(err?.code ?? `HTTP_${res.status}`, err?.message ?? `${method} ${path}: HTTP ${res.status}`, res.status, err?.details ?? {});
  }
  return data as T;
}

export const api = {
  get: <T>(path: string) => request<T>('GET', path),
  post: <T = unknown>(path: string, body: unknown = {}) => request<T>('POST', path, body),
  put: <T = unknown>(path: string, body: unknown) => request<T>('PUT', path, body),
  patch: <T = unknown>(path: string, body: unknown) => request<T>('PATCH', path, body),
  del: <T = unknown>(path: string, body?: unknown) => request<T>('DELETE', path, body),
};

/** A URL that carries the token for things the browser fetches itself (img src, downloads). */
export function authUrl(path: string): string {
  if (!token) return path;
  return `${path}${path.includes('?') ? '&' : '?'}token=${encodeURIComponent(token)}`;
}

/** Query string from the defined values. */
export function qs(params: Record<string, string | number | boolean | null | undefined>): string {
  const p = new URLSearchParams();
  for (const [k, v] of Object.entries(params)) if (v !== undefined && v !== null && v !== '') p.set(k, String(v));
  const s = p.toString();
  return s ? `?${s}` : '';
}

export type EventsStatus = 'connecting' | 'open' | 'closed';

/**
 * Listens to /api/events: each message is one CoreEvent. Reconnects with a growing delay (up to
 * 5 s) and calls `onStatus('open')` on each (re)connection, when the caller re-reads its state.
 */
export function connectEvents(onEvent: (e: CoreEvent) => void, onStatus: (s: EventsStatus) => void): () => void {
  let ws: WebSocket | null = null;
  let delay = 250;
  let stopped = false;
  let timer: ReturnType<typeof setTimeout> | undefined;
  const open = () => {
    onStatus('connecting');
    const url = new URL(authUrl('/api/events'), location.href);
    url.protocol = url.protocol === 'https:' ? 'wss:' : 'ws:';
    ws = new WebSocket(url);
    ws.onopen = () => {
      delay = 250;
      onStatus('open');
    };
    ws.onmessage = (m) => {
      try {
        onEvent(JSON.parse(String(m.data)) as CoreEvent);
      } catch {
        // A message that is not JSON is not ours; ignore it.
      }
    };
    ws.onclose = () => {
      onStatus('closed');
      if (stopped) return;
      timer = setTimeout(open, delay);
      delay = Math.min(5000, delay * 2);
    };
  };
  open();
  return () => {
    stopped = true;
    clearTimeout(timer);
    ws?.close();
  };
}
