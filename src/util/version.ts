// The version Auris reports, read once from package.json.
import { readFileSync } from 'node:fs';

function readVersion(): string {
  for (const rel of ['../../package.json', '../../../package.json']) {
    try {
      const pkg = JSON.parse(readFileSync(new URL(rel, import.meta.url), 'utf8')) as { name?: string; version?: string };
      if (pkg.name === 'auris' && pkg.version) return pkg.version;
    } catch {
      // try the next candidate (src/ and dist/ sit at different depths)
    }
  }
  return '0.0.0';
}

export const AURIS_VERSION = readVersion();
