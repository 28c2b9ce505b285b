// The decoder plugin interface. Every decoder (FLAC, WAV, AIFF, DSF, DSDIFF, MP3, ...) implements
// it, lives in src/decoders/plugins/<name>/, and is listed once in src/decoders/registry.ts.

import type { AudioBlock } from '../audio/block.ts';
import type { AudioFormat } from '../audio/format.ts';
import type { BasicTags } from '../protocol/tags.ts';
import type { ByteSource } from '../util/byte-source.ts';

/** What a decoder knows about the stream when it opens. */
export interface StreamInfo {
  /** Codec name for people: "FLAC", "PCM", "IEEE float", "DSD", "MP3", "ALAC"... */
  readonly codec: string;
  /** Container name: "FLAC", "WAV", "RF64", "AIFF", "AIFC", "DSF", "DSDIFF", "MP3", "Ogg", "MP4"... */
  readonly container: string;
  readonly lossless: boolean;
  /** Total frames when known (FLAC STREAMINFO, WAV data size); null when not. */
  readonly totalFrames: number | null;
  /** Average bitrate of the file in bits per second, when known. */
  readonly bitrate: number | null;
  /** The file's own MD5 of its decoded samples, as lowercase hex (FLAC STREAMINFO), or null. */
  readonly md5: string | null;
}

/**
 * One place where a file's audio is damaged, and what the decoder did there. The rule, the same
 * in every command: what can be decoded is decoded, and each damage is reported here. A FLAC frame
 * that fails its CRC, or whose header is lost between two good frames, is replaced by silence of
 * its length (as libFLAC and `flac -d -F` do); a lost Ogg page or MPEG frame is dropped, as
 * libvorbis, libopus and libmpg123 drop it; a truncated file ends at its last whole frame.
 */
export interface Damage {
  /** E_CORRUPT: data that failed a checksum or could not be decoded. E_TRUNCATED: the file ends early. */
  readonly code: 'E_CORRUPT' | 'E_TRUNCATED';
  /** What and where in words, naming the frame or page and its byte offset. */
  readonly message: string;
  /** Byte offset in the file where the damage starts, when known. */
  readonly offset: number | null;
  /** Frames (samples per channel) of audio affected: replaced by silence, dropped or missing; null when unknown. */
  readonly frames: number | null;
}

/** What a decoder found out about integrity so far; final after the last read. */
export interface IntegrityReport {
  /**
   * `match`/`mismatch`: the file's MD5 was compared with the decoded samples of a full, unseeked
   * decode. `absent`: the file stores none. `unchecked`: not compared (seeked, or not at the end).
   */
  readonly md5: 'match' | 'mismatch' | 'absent' | 'unchecked';
  /** Frames or packets whose checksum failed (FLAC CRC-8/CRC-16). */
  readonly crcErrors: number;
  /**
   * Everything noticed, in words: oddities that lose no audio (sizes that disagree, a streaming
   * writer's placeholder size, leading garbage) and the message of each entry of `damage`.
   */
  readonly warnings: readonly string[];
  /** The places where audio was lost or replaced (see Damage), in the order met; at most 100. */
  readonly damage: readonly Damage[];
}

/**
 * An open decoder. One caller at a time; every method may be awaited in sequence only.
 * Errors are AurisErrors: E_CORRUPT, E_TRUNCATED, E_UNSUPPORTED_FEATURE, E_IO, E_MD5_MISMATCH.
 */
export interface Decoder {
  /** Format of the first block. A block whose `format` differs marks a mid-stream format change. */
  readonly format: AudioFormat;
  readonly info: StreamInfo;
  /**
   * The track's tags when the decoder read them from its own container while opening (FLAC's
   * VORBIS_COMMENT); absent when it does not, and music-metadata (tags.ts) is the way to them.
   */
  readonly tags?: BasicTags;
  /**
   * Next block of at most `maxFrames` frames (at least one), or null at the end of the stream.
   * The block's arrays belong to the caller. In strict mode (the default), a failed MD5 at the
   * end throws E_MD5_MISMATCH after the last block was returned; a bad CRC throws E_CORRUPT.
   *
   * `reuse` (optional) hands back a block this decoder returned earlier and the caller is done
   * with: the decoder may write the new block into its sample array instead of allocating one (the
   * old block's contents are then overwritten, and the new block may be a view of that array).
   * Decoders are free to ignore it; callers that keep blocks simply never pass one.
   */
  read(maxFrames: number, reuse?: AudioBlock): Promise<AudioBlock | null>;
  /**
   * Moves so the next read starts exactly at frame `frame` (clamped to the stream end) and returns
   * the frame reached. After a seek the MD5 can no longer be checked for this pass.
   */
  seek(frame: number): Promise<number>;
  integrity(): IntegrityReport;
  /** Releases the decoder; the ByteSource it was opened on is closed by whoever opened it. */
  close(): Promise<void>;
}

export interface DecoderOptions {
  /**
   * `strict` (default): CRC and MD5 failures throw. `lenient`: they are counted in integrity()
   * and decoding goes on, which a player wants (skip a bad frame, keep playing).
   */
  readonly integrity?: 'strict' | 'lenient';
  /**
   * `false` skips the stream's own MD5 of the decoded audio (integrity().md5 stays `unchecked`),
   * for callers that only measure the audio (analysis). Frame CRCs are still checked. Default true.
   */
  readonly verifyMd5?: boolean;
  /** Path of the file, when the source is a file: external-tool decoders need it. */
  readonly path?: string;
}

/** A decoder plugin: recognises its files and opens decoders on them. */
export interface DecoderPlugin {
  readonly name: string;
  /** Lowercase file extensions without the dot. */
  readonly extensions: readonly string[];
  /** True when the first bytes of a file (up to 64 KiB) look like this plugin's format. */
  probe(head: Uint8Array): boolean;
  open(source: ByteSource, options: DecoderOptions): Promise<Decoder>;
}
