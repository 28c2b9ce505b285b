// A track's life in the engine after it is opened: what is decoded and delivered of it, its proof
// (the MD5 of what the device got against the file's own or the decoded samples' MD5, and why it
// does not verify when it does not), and the announcement of its end once the listener has heard it.

import type { Hash } from 'node:crypto';
import type { AudioBlock } from '../audio/block.ts';
import { damageFound } from '../decoders/damage.ts';
import type { OpenedFile } from '../decoders/registry.ts';
import type { FilterChain } from '../dsp/chain.ts';
import type { StageReport } from '../protocol/signal-path.ts';
import { sampleChangesReason } from '../signal-path/evaluate.ts';
import type { DsdPlan } from './plan.ts';
import type { EngineEvent, EngineTrack, ProofOutcome, TrackInfo, TrackProof } from './protocol.ts';
import type { OutputSession } from './session.ts';

/** One track being decoded. */
export interface ActiveTrack {
  readonly entry: EngineTrack;
  readonly info: TrackInfo;
  readonly file: OpenedFile;
  chain: FilterChain;
  /** How a DSD source reaches the device (null for PCM). */
  dsd: DsdPlan | null;
  /** Device channels per source channel (2: mono to both channels of a stereo device). */
  upmix: number;
  /** MD5 over the decoded samples (reference for formats without a stored MD5). */
  readonly decodedHash: Hash | null;
  /** MD5 over the samples handed to the output, container padding removed. */
  readonly deliveredHash: Hash;
  /** Why this track's proof cannot be complete (seeked, format changed), or ''. */
  proofSpoiled: string;
  /** Source frame of the next block (absolute in the file; a range starts at entry.startFrame). */
  sourceFrame: number;
  /** Source frame where the block being delivered started. */
  blockStart: number;
  /** The last block read, delivered and done with: handed back to the decoder to read the next one into. */
  spare: AudioBlock | undefined;
  ended: boolean;
}

/**
 * The proof of a track that has ended (digests its hashes: call once). `outputBitPerfect`: the
 * output it played on reaches the DAC unchanged; `decoderMd5`: the decoder's own MD5 verdict;
 * `stages`: the track's signal path, which says whether a change to the samples was chosen or forced.
 */
export function proofFor(t: ActiveTrack, completed: boolean, decoderMd5: string, outputBitPerfect: boolean, stages: readonly StageReport[]): TrackProof {
  const md5 = t.deliveredHash.digest('hex');
  const streaminfo = t.decodedHash ? null : t.file.decoder.info.md5;
  const expected = streaminfo ?? t.decodedHash?.digest('hex') ?? null;
  const reference = streaminfo ? 'streaminfo' : expected ? 'decoded' : 'none';
  const changed = sampleChangesReason(stages);
  const damage = damageOf(t);
  let reason = '';
  let outcome: ProofOutcome = 'not-compared';
  if (!completed) reason = 'the track did not play to its end';
  else if (damage) [reason, outcome] = [`the file is damaged: ${damage}`, 'damaged'];
  else if (t.proofSpoiled) reason = t.proofSpoiled;
  else if (changed) reason = changed;
  else if (!outputBitPerfect) reason = 'the output is not bit-perfect';
  else if (expected === null) reason = 'no reference hash';
  else if (md5 !== expected) [reason, outcome] = [`delivered MD5 ${md5} differs from the ${reference === 'streaminfo' ? 'STREAMINFO' : 'decoded'} MD5 ${expected}`, 'mismatch'];
  else if (decoderMd5 === 'mismatch') [reason, outcome] = ['the decoder found the file damaged (its MD5 does not match its samples)', 'damaged'];
  else outcome = 'verified';
  return { verified: outcome === 'verified', md5, expectedMd5: expected, reference, reason, outcome };
}

/**
 * What the decoder found wrong with the file while it played, in words ('' when nothing): its
 * damage entries (src/decoders/damage.ts), the same for every decoder; once the track was decoded
 * to its end, fewer frames than its range states with no entry to explain them is a truncation.
 */
export function damageOf(t: ActiveTrack): string {
  const stated = t.entry.endFrame ?? t.file.decoder.info.totalFrames;
  // Before the end, a shortfall is not known yet: only the decoder's own entries count.
  const reached = t.ended ? t.sourceFrame : stated ?? t.sourceFrame;
  return damageFound(t.file.decoder.integrity(), reached, stated).map((d) => d.message).join('; ');
}

/** Samples the chain's processing clipped so far, all channels. */
export function clipped(chain: FilterChain): number {
  return chain.bitPerfect ? 0 : chain.clipStats().clipped.reduce((a, b) => a + b, 0);
}

type TrackEnd = Extract<EngineEvent, { type: 'track-end' }>;

/**
 * Ends of tracks whose samples all went to the output, announced when the listener hears them
 * (the device has played past their last frame), oldest first.
 */
export class TrackEnds {
  private pending: { session: OutputSession; streamEnd: number; event: TrackEnd }[] = [];

  constructor(private readonly emit: (event: TrackEnd) => void) {}

  /** The track's last sample is at `streamEnd` (exclusive) of `session`'s stream. */
  add(session: OutputSession, streamEnd: number, event: TrackEnd): void {
    this.pending.push({ session, streamEnd, event });
  }

  /**
   * Announces the ends the listener has now heard on `current` (all of them when the output was
   * `drained`); with `cutOff`, those not heard are announced as not completed (playback stopped
   * or jumped before their end). Returns how many ends it announced.
   */
  settle(current: OutputSession | null, cutOff = false, drained = false): number {
    let announced = 0;
    while (this.pending.length > 0) {
      const p = this.pending[0]!;
      const heard = drained || (p.session === current && p.session.out.playedFrames() >= p.streamEnd);
      if (!heard && !cutOff) break;
      this.pending.shift();
      announced++;
      if (heard) this.emit(p.event);
      else {
        const reason = 'the track was cut off before its end was heard';
        this.emit({ ...p.event, completed: false, proof: { ...p.event.proof, verified: false, reason: p.event.proof.reason || reason, outcome: p.event.proof.outcome === 'verified' ? 'not-compared' : p.event.proof.outcome } });
      }
    }
    return announced;
  }
}
