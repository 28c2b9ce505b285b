#!/usr/bin/env node
// The `auris` command. Runs the compiled CLI (dist/src/, built by `npm install` through `prepare`);
// in a checkout without dist/, or whose TypeScript sources changed after the last build, it runs
// the sources through tsx, so an edit never runs stale code.
import { existsSync, readdirSync, statSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const compiled = new URL('../dist/src/cli/main.js', import.meta.url);
const sources = fileURLToPath(new URL('../src/', import.meta.url));

/** True when some .ts file under src/ is newer than the compiled entry point. */
function sourcesChangedSince(ms) {
  if (!existsSync(sources)) return false; // an installed package ships dist/ only
  return readdirSync(sources, { recursive: true }).some((f) => String(f).endsWith('.ts') && statSync(sources + String(f)).mtimeMs > ms);
}

if (existsSync(compiled) && !sourcesChangedSince(statSync(compiled).mtimeMs)) {
  const { main } = await import(compiled.href);
  await main(process.argv);
} else {
  const { register } = await import('tsx/esm/api');
  register();
  const { main } = await import(new URL('../src/cli/main.ts', import.meta.url).href);
  await main(process.argv);
}
