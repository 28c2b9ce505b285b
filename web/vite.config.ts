// Build of the web app: Preact through Vite's own JSX transform (no plugin), output in web/dist,
// which the server serves. The dev server forwards /api (HTTP and the events WebSocket) to a
// running `auris serve` (AURIS_URL, default http://127.0.0.1:7700).
import { defineConfig } from 'vite';

const target = process.env.AURIS_URL ?? 'http://127.0.0.1:7700';

export default defineConfig({
  root: import.meta.dirname,
  base: './',
  oxc: { jsx: { runtime: 'automatic', importSource: 'preact' } },
  build: {
    outDir: 'dist',
    emptyOutDir: true,
    target: 'es2022',
    // One small bundle: the whole app is a few tens of kB, so splitting would only add round trips.
    modulePreload: false,
    reportCompressedSize: true,
  },
  server: {
    proxy: { '/api': { target, ws: true, changeOrigin: false } },
  },
});
