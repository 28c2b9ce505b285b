// Starting the core: the one entry point the front ends use to get an AurisCore.

import path from 'node:path';
import type { SettingsPatch } from '../protocol/settings.ts';
import { aurisFolders } from '../util/platform-paths.ts';
import { Core } from './core.ts';
import { JobService } from './jobs.ts';
import type { EngineMode } from './engine-link.ts';
import type { Random } from './queue.ts';
import { defaultSettingsFile, SettingsStore, SETTINGS_FILE_NAME } from './settings-store.ts';

export interface StartOptions {
  /** Folder for this instance's settings (and, with the library, its database); default: the platform's folders. */
  readonly dataDir?: string;
  /** Settings file; default `<dataDir>/settings.json`, else the platform's config folder. */
  readonly settingsFile?: string;
  /** Settings for this run only (command-line flags), over the saved ones; not saved. */
  readonly settings?: SettingsPatch;
  /** `worker` (default): the engine on its own thread; `in-process`: on this one (tests, one-shot tools). */
  readonly engine?: EngineMode;
  readonly random?: Random;
  /** Open the music library (its database in the data folder). Off for one-shot tools such as `auris play`. */
  readonly library?: boolean;
}

/** A long-lived core's job workers stop after this long without work (an idle isolate holds ~10-30 MB). */
export const JOB_WORKER_IDLE_MS = 30_000;

export async function startCore(options: StartOptions = {}): Promise<Core> {
  const file = options.settingsFile ?? (options.dataDir ? path.join(options.dataDir, SETTINGS_FILE_NAME) : defaultSettingsFile());
  const store = SettingsStore.open(file);
  // One job service for the core and its library (the core tells it when the engine plays).
  const jobs = new JobService({ idleStopMs: JOB_WORKER_IDLE_MS });
  // The library's modules (SQLite among them) load only when it is opened: `auris play` spares their memory.
  const library = options.library ? new (await import('./library.ts')).LibraryService({ dataDir: options.dataDir ?? aurisFolders().data, jobs }) : null;
  return new Core({ store, overrides: options.settings, engine: options.engine, random: options.random, library, jobs });
}

export type { Core } from './core.ts';
export type * from './api.ts';
