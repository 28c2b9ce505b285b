// Build of the web app: Preact through Vite's own JSX transform (no plugin), output in web/dist,
// which the server serves. Each text file also gets .br and .gz siblings, which the server sends
// to browsers that accept them (@fastify/static preCompressed), so nothing compresses per request.
// The dev server forwards /api (HTTP and the events WebSocket) to a running `auris serve`
// (AURIS_URL, default http://127.0.0.1:7700).
import { readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { brotliCompressSync, constants, gzipSync } from 'node:zlib';
import { defineConfig, type Plugin } from 'vite';

const target = process.env.AURIS_URL ?? 'http://127.0.0.1:7700';
const COMPRESSIBLE = /\.(js|css|html|svg|webmanifest|json)$/;

/** Writes name.br and name.gz next to every compressible file of the build. */
function precompress(): Plugin {
  let outDir = '';
  return {
    name: 'auris-precompress',
    apply: 'build',
    configResolved(config) {
      outDir = path.resolve(config.root, config.build.outDir);
    },
    closeBundle() {
      const walk = (dir: string): void => {
        for (const name of readdirSync(dir)) {
          const file = path.join(dir, name);
          if (statSync(file).isDirectory()) walk(file);
          else if (COMPRESSIBLE.test(name)) {
            const bytes = readFileSync(file);
            writeFileSync(`${file}.gz`, gzipSync(bytes, { level: 9 }));
            writeFileSync(`${file}.br`, brotliCompressSync(bytes, { params: { [constants.BROTLI_PARAM_QUALITY]: 11 } }));
          }
        }
      };
      walk(outDir);
    },
  };
}

export default defineConfig({
  root: import.meta.dirname,
  base: './',
  oxc: { jsx: { runtime: 'automatic', importSource: 'preact' } },
  plugins: [precompress()],
  build: {
    outDir: 'dist',
    emptyOutDir: true,
    target: 'es2022',
    // One small bundle: the whole app is a few tens of kB, so splitting would only add round trips.
    modulePreload: false,
  },
  server: {
    proxy: { '/api': { target, ws: true, changeOrigin: false } },
  },
});
