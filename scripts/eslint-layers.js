// ESLint rule `auris/layers`: each layer imports only from layers below it (architecture page).
// A relative import is resolved to its folder under src/ and the two layers are compared.
import path from 'node:path';

const root = path.resolve(import.meta.dirname, '..');

/**
 * Layer of each top-level folder under src/ (L0 lowest). Within L0, src/protocol sits on src/audio
 * (its schemas describe audio formats), so it ranks 0.5; src/util may be imported from anywhere.
 * Within L4, src/cli starts the other front ends (`auris serve` runs the server and the MPD
 * frontend), so it ranks 4.5: it may import src/server and src/mpd, never the reverse.
 */
export const LAYER_OF = {
  audio: 0, util: 0, protocol: 0.5,
  decoders: 1, dsp: 1, outputs: 1, analysis: 1, 'signal-path': 1,
  engine: 2, library: 2,
  core: 3,
  server: 4, mpd: 4, cli: 4.5,
};

/**
 * The front ends reach Auris only through the core: each may import src/core, src/protocol,
 * src/util and its own folder (src/cli also starts the server and the MPD frontend). The `debug`
 * harnesses (src/cli/commands/debug*.ts) stream raw PCM through one plugin by hand, so they may
 * import the plugin layers directly.
 */
export const FRONT_END_MAY_IMPORT = {
  cli: ['core', 'protocol', 'util', 'server', 'mpd'],
  server: ['core', 'protocol', 'util'],
  mpd: ['core', 'protocol', 'util'],
};

/** Whether `file` (relative to the repository, `/`-separated) is a debug harness. */
function isDebugHarness(rel) {
  return rel.length === 4 && rel[0] === 'src' && rel[1] === 'cli' && rel[2] === 'commands' && /^debug[\w-]*\.ts$/.test(rel[3]);
}

/** Where a file lives: `{ kind: 'src', folder, debug }`, `{ kind: 'native' }`, `{ kind: 'web' }` or null. */
function placeOf(file) {
  const rel = path.relative(root, file).split(path.sep);
  if (rel[0] === 'src' && rel.length > 2) return { kind: 'src', folder: rel[1], debug: isDebugHarness(rel) };
  if (rel[0] === 'native') return { kind: 'native' };
  if (rel[0] === 'web') return { kind: 'web' };
  return null;
}

/** The problem with an import from `from` to `to` (places as placeOf gives them), or null. */
export function check(from, to) {
  if (!from) return null; // tests, benches and scripts may import anything
  if (to?.kind === 'native' && !(from.kind === 'src' && from.folder === 'outputs') && from.kind !== 'native') {
    return 'only src/outputs imports native/ (native/index.ts is the addon\'s only door)';
  }
  if (from.kind === 'web') {
    return to && !(to.kind === 'src' && to.folder === 'protocol') && to.kind !== 'web' ? 'web/ imports only src/protocol' : null;
  }
  if (from.kind !== 'src' || to?.kind !== 'src') return null;
  const a = LAYER_OF[from.folder];
  const b = LAYER_OF[to.folder];
  if (a === undefined) return `src/${from.folder} has no layer: add it to LAYER_OF in scripts/eslint-layers.js`;
  if (b === undefined) return `src/${to.folder} has no layer: add it to LAYER_OF in scripts/eslint-layers.js`;
  if (from.folder === to.folder || to.folder === 'util') return null; // src/util is the base every layer may use
  if (b >= a) return `src/${from.folder} (L${a}) may not import src/${to.folder} (L${b}): imports go to lower layers only`;
  const allowed = FRONT_END_MAY_IMPORT[from.folder];
  if (allowed && !from.debug && !allowed.includes(to.folder)) {
    return `src/${from.folder} is a front end: it imports only ${allowed.map((f) => `src/${f}`).join(', ')} (reach src/${to.folder} through src/core)`;
  }
  return null;
}

const rule = {
  meta: { type: 'problem', schema: [], docs: { description: 'enforce the layer table of the architecture page' } },
  create(context) {
    const file = context.filename;
    const from = placeOf(file);
    const visit = (node) => {
      const spec = node.source?.value;
      if (typeof spec !== 'string' || !spec.startsWith('.')) return;
      const to = placeOf(path.resolve(path.dirname(file), spec));
      const problem = check(from, to);
      if (problem) context.report({ node, message: problem });
    };
    return { ImportDeclaration: visit, ExportNamedDeclaration: visit, ExportAllDeclaration: visit, ImportExpression: visit };
  },
};

export { placeOf };
export default { rules: { layers: rule } };
