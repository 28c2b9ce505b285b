#!/usr/bin/env node
// The `auris` command. Runs the compiled CLI (dist/src/, built by `npm install` through `prepare`);
// in a checkout without dist/, or whose TypeScript sources changed after the last build, it runs
// the sources through tsx, so an edit never runs stale code.
import { existsSync, readdirSync, statSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const compiled = new URL('../dist/src/cli/main.js', import.meta.url);
const sources = fileURLToPath(new URL('../src/', import.meta.url));

/**
 * True when some .ts file under `dir` is newer than the compiled entry point. Walks folder by folder
 * with file types: a third of the time of readdirSync's `recursive` option (~2 ms instead of ~6 ms
 * of every run).
 */
function sourcesChangedSince(ms, dir = sources) {
  for (const e of readdirSync(dir, { withFileTypes: true })) {
    const full = dir + e.name;
    if (e.isDirectory() ? sourcesChangedSince(ms, full + '/') : e.name.endsWith('.ts') && statSync(full).mtimeMs > ms) return true;
  }
  return false;
}

// An installed package ships dist/ only.
if (existsSync(compiled) && !(existsSync(sources) && sourcesChangedSince(statSync(compiled).mtimeMs))) {
  const { main } = await import(compiled.href);
  await main(process.argv);
} else {
  const { register } = await import('tsx/esm/api');
  register();
  const { main } = await import(new URL('../src/cli/main.ts', import.meta.url).href);
  await main(process.argv);
}
