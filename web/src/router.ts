// Hash routes (#/library/albums?artist=X): they work from a file server, a PWA window and a
// bookmark alike, and need nothing from the server.

import { useEffect, useState } from 'preact/hooks';

export interface Route {
  /** Path segments: ['album', '12']. */
  readonly parts: readonly string[];
  readonly query: URLSearchParams;
}

export function parseRoute(hash = location.hash): Route {
  const raw = hash.replace(/^#\/?/, '');
  const [path = '', query = ''] = raw.split('?');
  const parts = path.split('/').filter(Boolean).map(decodeURIComponent);
  return { parts: parts.length ? parts : ['library'], query: new URLSearchParams(query) };
}

export function useRoute(): Route {
  const [route, setRoute] = useState(parseRoute);
  useEffect(() => {
    const on = () => setRoute(parseRoute());
    addEventListener('hashchange', on);
    return () => removeEventListener('hashchange', on);
  }, []);
  return route;
}

/** A link target: go('album', 12) → '#/album/12'. */
export function href(...parts: (string | number)[]): string {
  return `#/${parts.map((p) => encodeURIComponent(String(p))).join('/')}`;
}

export function go(target: string): void {
  location.hash = target;
}
