// Entry: theme, the live connection to the server, the app, and the service worker that makes it
// installable (it caches the shell only; every /api answer comes from the server).

import { render } from 'preact';
import { App } from './app.tsx';
import { startSync } from './store.ts';
import { initTheme } from './theme.ts';
import './styles.css';

initTheme();
startSync();
render(<App />, document.getElementById('app')!);

if ('serviceWorker' in navigator && location.protocol !== 'file:') {
  addEventListener('load', () => void navigator.serviceWorker.register('./sw.js').catch(() => undefined));
}
