// A tag-reading worker thread of the scanner (tag-pool.ts). It receives batches of paths and
// answers each batch with the facts of every file, or the file's error, in order. An embedded
// cover is sent once per worker and scan (by its SHA-1); later tracks with the same picture carry
// only the hash, so an album's 20 copies of one 1 MB cover cross the thread boundary once.

import { createHash } from 'node:crypto';
import { parentPort } from 'node:worker_threads';
import { readFlacFacts, readTrackFacts, type TrackFacts } from '../decoders/track-facts.ts';
import { asAurisError } from '../util/errors.ts';
import { walkFilesSync } from '../util/walk.ts';
import { listedToWire, toWire, type CoverRef, type TagRequest, type TagResult, type WireListed, type WireResult } from './tag-pool.ts';

const sentCovers = new Set<string>();

/** A file's outcome from its facts: the cover goes by hash once its bytes were sent. */
function success(facts: TrackFacts): TagResult {
  let cover: CoverRef | null = null;
  if (facts.cover) {
    const hash = createHash('sha1').update(facts.cover.bytes).digest('hex');
    cover = sentCovers.has(hash) ? { hash, mime: facts.cover.mime, bytes: null } : { hash, mime: facts.cover.mime, bytes: facts.cover.bytes };
    sentCovers.add(hash);
  }
  return { ok: true, facts, cover }; // the facts' own cover stays here: toWire leaves it out
}

function failure(e: unknown): TagResult {
  const err = asAurisError(e, 'E_CORRUPT');
  return { ok: false, code: err.code, message: err.message };
}

/**
 * A FLAC file's outcome read synchronously (readFlacFacts), or null for every other file and for
 * a FLAC file with an ID3v2 tag first: those take readOne's promise. Saves a promise per file.
 */
function readFlacNow(file: string): TagResult | null {
  if (!/\.fla(c)?$/i.test(file)) return null;
  try {
    const facts = readFlacFacts(file, { cover: true });
    return facts ? success(facts) : null;
  } catch (e) {
    return failure(e);
  }
}

async function readOne(file: string): Promise<TagResult> {
  try {
    return success(await readTrackFacts(file, { cover: true }));
  } catch (e) {
    return failure(e);
  }
}

/** The scanner's folder listing (walkFilesSync), in its wire form. */
function list(folder: string, extensions: readonly string[]): WireListed[] {
  const out: WireListed[] = [];
  for (const item of walkFilesSync([folder], { extensions: new Set(extensions) })) out.push(listedToWire(item));
  return out;
}

parentPort!.on('message', (m: TagRequest) => {
  if (m.type === 'reset') {
    sentCovers.clear();
    return;
  }
  if (m.type === 'list') {
    parentPort!.postMessage({ id: m.id, results: list(m.path, m.extensions) });
    return;
  }
  void (async () => {
    const results: WireResult[] = [];
    for (const p of m.paths) results.push(toWire(readFlacNow(p) ?? await readOne(p)));
    parentPort!.postMessage({ id: m.id, results });
  })();
});
