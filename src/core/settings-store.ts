// Settings on disk: one JSON file in the platform's config folder (src/util/platform-paths.ts),
// validated by the schema in src/protocol/settings.ts, written atomically (temp file, fsync,
// rename), read again at start.
//
// A damaged or invalid file is never used in part and never silently overwritten: Auris starts
// from the defaults and reports the key and line at fault; the file stays as it is until the
// first change is saved, which first moves it aside to `<name>.damaged-<time>` and says so.

import { existsSync, mkdirSync, readFileSync, renameSync } from 'node:fs';
import path from 'node:path';
import type { ZodError } from 'zod';
import { DEFAULT_SETTINGS, SettingsSchema, type Settings } from '../protocol/settings.ts';
import { writeSafely } from '../util/safe-write.ts';
import { AurisError } from '../util/errors.ts';
import { aurisFolders } from '../util/platform-paths.ts';

export const SETTINGS_FILE_NAME = 'settings.json';

export function defaultSettingsFile(): string {
  return path.join(aurisFolders().config, SETTINGS_FILE_NAME);
}

export class SettingsStore {
  /** Why the file on disk could not be used (null when it was fine or absent). */
  readonly problem: AurisError | null;
  private damaged: boolean;

  private constructor(readonly file: string, readonly loaded: Settings, problem: AurisError | null) {
    this.problem = problem;
    this.damaged = problem !== null;
  }

  /** Reads the file; never throws for its content (see `problem`). */
  static open(file: string): SettingsStore {
    if (!existsSync(file)) return new SettingsStore(file, DEFAULT_SETTINGS, null);
    let text: string;
    try {
      text = readFileSync(file, 'utf8');
    } catch (e) {
      return new SettingsStore(file, DEFAULT_SETTINGS, new AurisError('E_IO', `${file}: cannot read the settings (${(e as Error).message}); using the defaults`, { file }));
    }
    try {
      return new SettingsStore(file, parseSettings(text, file), null);
    } catch (e) {
      return new SettingsStore(file, DEFAULT_SETTINGS, e as AurisError);
    }
  }

  /** Writes the settings atomically; a damaged file is first moved aside (returns its new name). */
  async save(settings: Settings): Promise<string | null> {
    let movedTo: string | null = null;
    if (this.damaged && existsSync(this.file)) {
      movedTo = `${this.file}.damaged-${new Date().toISOString().replace(/[:.]/g, '-')}`;
      renameSync(this.file, movedTo);
    }
    this.damaged = false;
    mkdirSync(path.dirname(this.file), { recursive: true });
    await writeSafely(this.file, {}, async (out) => { await out.handle.writeFile(`${JSON.stringify(settings, null, 2)}\n`); });
    return movedTo;
  }
}

/** Parses and validates settings text; E_INVALID_ARGUMENT naming the key and the line. */
export function parseSettings(text: string, file: string): Settings {
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (e) {
    const pos = /position (\d+)/.exec((e as Error).message);
    const line = pos ? lineAt(text, Number(pos[1])) : null;
    throw new AurisError('E_INVALID_ARGUMENT', `${file}${line ? `:${line}` : ''}: the settings are not valid JSON (${(e as Error).message}); using the defaults, the file is kept`, { file, line });
  }
  const parsed = SettingsSchema.safeParse(raw);
  if (parsed.success) return parsed.data;
  const issue = (parsed.error as ZodError).issues[0]!;
  const key = issue.path.join('.') || (issue.code === 'unrecognized_keys' ? (issue as { keys?: string[] }).keys?.join(', ') ?? '' : '');
  const unknownKeys = issue.code === 'unrecognized_keys' ? (issue as { keys?: string[] }).keys ?? [] : [];
  const keyPath = [...issue.path.map(String), ...unknownKeys.slice(0, 1)];
  const line = lineOfKey(text, keyPath);
  const name = issue.code === 'unrecognized_keys' ? [...issue.path.map(String), ...unknownKeys].join('.') : key;
  throw new AurisError('E_INVALID_ARGUMENT', `${file}${line ? `:${line}` : ''}: setting "${name}": ${issue.message}; using the defaults, the file is kept`, { file, line, key: name });
}

function lineAt(text: string, offset: number): number {
  let line = 1;
  for (let i = 0; i < offset && i < text.length; i++) if (text.charCodeAt(i) === 10) line++;
  return line;
}

/** The line where the key path appears (each key searched after the previous one), or null. */
function lineOfKey(text: string, keys: readonly string[]): number | null {
  let at = 0;
  for (const k of keys) {
    const i = text.indexOf(JSON.stringify(k), at);
    if (i < 0) return at > 0 ? lineAt(text, at) : null;
    at = i;
  }
  return keys.length > 0 ? lineAt(text, at) : null;
}
