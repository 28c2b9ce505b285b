// One codec's audio out of an Ogg file, as a StreamingCodec for wasm-stream.ts. The pages are
// parsed and checked here (pages.ts); the codec library (codecs.ts) only gets whole packets of its
// own logical stream, after its headers were validated. Gapless trimming follows RFC 7845 section
// 4 (Opus) and the Vorbis I spec section A.2, both the same rule: drop the codec's pre-skip at the
// start, and at the end-of-stream page keep only as many samples as its granule position says.

import { AurisError } from '../../../util/errors.ts';
import type { PlanarAudio, StreamingCodec } from '../../wasm-stream.ts';
import { OggPageReader, PacketAssembler, firstPacket, isDamage, type OggPage } from './pages.ts';

type CodecError = PlanarAudio['errors'][number];

/** A codec library instance for one logical stream, opened on its validated header packets. */
export interface PacketDecoder {
  /** Samples to drop at the start of the stream (Opus pre-skip); 0 for Vorbis. */
  readonly preSkip: number;
  /** Decodes audio packets in order. A packet it cannot decode is an entry in `errors`, not a throw. */
  decode(packets: Uint8Array[]): PlanarAudio;
  free(): void;
}

/** A codec carried in Ogg: how to recognise its stream and open a decoder on its headers. */
export interface OggCodec {
  readonly name: string;
  /** Header packets before the first audio packet (Vorbis 3, Opus 2). */
  readonly headerPackets: number;
  /** True when `first` (the first packet of a logical stream) starts a stream of this codec. */
  matches(first: Uint8Array): boolean;
  /** Validates the header packets and opens a decoder; E_CORRUPT or E_UNSUPPORTED_FEATURE when they are unusable. */
  open(headers: Uint8Array[], where: string): Promise<PacketDecoder>;
}

/** The one logical stream being decoded, from its beginning-of-stream page. */
interface LogicalStream {
  readonly serial: number;
  readonly assembler: PacketAssembler;
  readonly headers: Uint8Array[];
  decoder: PacketDecoder | null;
  /** Samples the codec produced so far, pre-skip included (the granule position's count). */
  decoded: number;
  /** Pre-skip samples still to drop. */
  skip: number;
  /**
   * Granule position of the stream's first sample: 0, or more for a stream that starts late (a
   * recording of a live stream); null until the first page that ends a packet is decoded.
   */
  origin: number | null;
  ended: boolean;
}

/**
 * The audio of the first logical stream of `codec` in an Ogg file, and of each stream of that
 * codec chained after it (a new beginning-of-stream page after an end-of-stream page). Other
 * logical streams multiplexed beside it (video, metadata, a second audio track) are ignored.
 */
export class OggCodecStream implements StreamingCodec {
  private readonly reader = new OggPageReader();
  private stream: LogicalStream | null = null;
  private firstOrigin: number | null = null;
  /**
   * Damage inside the audio (a bad page, a lost packet) waiting for the next page with a granule
   * position, which says how many frames it cost; reported then (or at the end, count unknown).
   */
  private unresolved: CodecError[] = [];

  constructor(private readonly codec: OggCodec, private readonly name: string) {}

  async decode(bytes: Uint8Array): Promise<PlanarAudio[]> {
    const out: PlanarAudio[] = [];
    const errors: CodecError[] = [];
    for (const item of this.reader.push(bytes)) {
      if (!isDamage(item)) await this.page(item, out, errors);
      else if (item.kind === 'corrupt' && this.stream?.origin != null && !this.stream.ended) this.unresolved.push({ message: item.message, code: 'E_CORRUPT', offset: item.offset });
      else errors.push({ message: item.message, code: item.kind === 'truncated' ? 'E_TRUNCATED' : 'E_CORRUPT', offset: item.offset });
    }
    return withErrors(out, errors);
  }

  async flush(): Promise<PlanarAudio[]> {
    const errors: CodecError[] = this.unresolved.splice(0);
    for (const d of this.reader.end()) errors.push({ message: d.message, code: d.kind === 'truncated' ? 'E_TRUNCATED' : 'E_CORRUPT', offset: d.offset });
    const s = this.stream;
    if (s && !s.ended && !errors.some((e) => e.code === 'E_TRUNCATED')) {
      errors.push({ message: `the ${this.codec.name} stream ends without its end-of-stream page (truncated)`, code: 'E_TRUNCATED' });
    }
    return withErrors([], errors);
  }

  /** The first stream's origin on the granule scale (0, or more when it starts late), once decoded up to a granule. */
  startOffset(): number | null {
    return this.firstOrigin;
  }

  free(): void {
    this.stream?.decoder?.free();
    this.stream = null;
  }

  /**
   * After damage, the first page with a granule position says how many frames were lost: its
   * granule's count minus the frames decoded up to its end. The loss is reported with the damage
   * (or, with no damage seen, as frames missing before this page), and the count moves past it so
   * that the end trimming of the last page stays exact. The lost frames are dropped, as libvorbis
   * and libopus players drop them.
   */
  private settleLoss(s: LogicalStream, page: OggPage, decodedNow: number, errors: CodecError[]): void {
    if (page.granule < 0n || s.origin === null) return;
    const lost = Number(page.granule) - s.origin - (s.decoded + decodedNow);
    // On the last page a granule below the count is end trimming, not loss.
    if (lost <= 0) {
      if (!page.eos) errors.push(...this.unresolved.splice(0).map((e) => ({ ...e, frames: 0 })));
      return;
    }
    s.decoded += lost;
    const [first, ...rest] = this.unresolved.splice(0);
    if (first) errors.push({ ...first, frames: lost }, ...rest.map((e) => ({ ...e, frames: 0 })));
    else errors.push({ message: `the page at byte ${page.offset} comes after frames the stream does not hold`, code: 'E_CORRUPT', offset: page.offset, frames: lost });
  }

  private async page(page: OggPage, out: PlanarAudio[], errors: CodecError[]): Promise<void> {
    if (page.bos) {
      const first = firstPacket(page.bytes);
      if (first && this.codec.matches(first) && (this.stream === null || this.stream.ended)) {
        this.stream?.decoder?.free();
        this.stream = { serial: page.serial, assembler: new PacketAssembler(), headers: [], decoder: null, decoded: 0, skip: 0, origin: null, ended: false };
      }
    }
    const s = this.stream;
    if (!s || s.ended || page.serial !== s.serial) return;
    const { packets, lost } = s.assembler.add(page);
    // A gap in the page numbers right after a bad page is that page, already reported.
    if (lost && this.unresolved.length === 0) (s.origin === null ? errors : this.unresolved).push({ message: lost, code: 'E_CORRUPT', offset: page.offset });
    const audio: Uint8Array[] = [];
    for (const p of packets) {
      if (s.decoder) audio.push(p);
      else {
        s.headers.push(p);
        if (s.headers.length === this.codec.headerPackets) {
          s.decoder = await this.codec.open(s.headers, `${this.name}: the ${this.codec.name} stream ${s.serial}`);
          s.skip = s.decoder.preSkip;
        }
      }
    }
    if (page.eos) s.ended = true;
    if (audio.length === 0 || !s.decoder) return;
    const d = s.decoder.decode(audio);
    errors.push(...d.errors);
    let keep = d.samplesDecoded;
    if (page.granule >= 0n && s.origin === null) {
      // The first granule places the stream: one above the samples decoded so far means it starts
      // late (RFC 7845 4.5, Vorbis I A.2). A last page alone says only where the stream ends.
      s.origin = page.eos ? 0 : Math.max(0, Number(page.granule) - (s.decoded + d.samplesDecoded));
      this.firstOrigin ??= s.origin;
    }
    this.settleLoss(s, page, d.samplesDecoded, errors);
    // Only the last page may end inside its last packet (end trimming).
    if (page.eos && page.granule >= 0n) keep = Math.max(0, Math.min(keep, Number(page.granule) - (s.origin ?? 0) - s.decoded));
    s.decoded += d.samplesDecoded;
    const from = Math.min(s.skip, keep);
    s.skip -= from;
    if (keep - from <= 0) return;
    out.push({
      channelData: d.channelData.map((plane) => plane.subarray(from, keep)),
      samplesDecoded: keep - from,
      sampleRate: d.sampleRate,
      errors: [],
    });
  }
}

/** `chunks` with `errors` attached to the first (or to an empty chunk when there is no audio). */
function withErrors(chunks: PlanarAudio[], errors: CodecError[]): PlanarAudio[] {
  if (errors.length === 0) return chunks;
  if (chunks.length === 0) return [{ channelData: [], samplesDecoded: 0, sampleRate: 0, errors }];
  const [first, ...rest] = chunks;
  return [{ ...first!, errors: [...errors, ...first!.errors] }, ...rest];
}

/** E_CORRUPT for an unusable header, naming where it is. */
export function badHeader(where: string, what: string): AurisError {
  return new AurisError('E_CORRUPT', `${where}: ${what}`);
}
