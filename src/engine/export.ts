// The export stage: the last step before the output. It packs processed blocks into the device's
// container (PCM, DoP or native DSD, mono duplicated to every channel of the device) and feeds the
// track's proof hash with exactly what the device gets, in FLAC's MD5 layout.
//
// Contract:
// - One stage per open output stream (the DSD packer's state runs on across gapless joins).
// - `pack` returns a view of a buffer the stage reuses: it is valid until the next `pack` or
//   `flush`. The caller hands it to the output's write(), which copies what it accepts (see
//   OpenOutput.write), and keeps the rest only until it is written, before packing again.
// - Steady playback allocates no ArrayBuffer: the buffers grow to the largest block and stay.
// - The proof's bytes: a container exactly as wide as the samples (16 in S16_LE, 24 in S24_3LE,
//   32 in S32_LE, float in float) already is FLAC's MD5 layout, so the device bytes are hashed as
//   they are; otherwise they are read back in one pass into a reused MD5-layout buffer (which also
//   checks that the container's padding bits are zero). DSD hashes the DSD bytes read back from the
//   device bytes (src/engine/dsd.ts).

import type { AudioBlock, FloatBlock, IntBlock } from '../audio/block.ts';
import {
  CONTAINERS, blockMd5Bytes, blockMd5Length, containerShape, md5BytesPerSample, md5LayoutFromContainer, packFloat, packInt, type Container,
} from '../audio/pack.ts';
import type { OutputContainer } from '../outputs/interface.ts';
import { AurisError } from '../util/errors.ts';
import { DsdStreamPacker } from './dsd.ts';
import { byteScratch, float64Scratch, int32Scratch } from './scratch.ts';

/** What the proof needs of a hash: bytes fed in order (node:crypto's Hash). */
export interface ProofHash {
  update(data: Uint8Array): unknown;
}

/** How the stream's samples reach the device: PCM as they are, or DSD as DoP words or native DSD words. */
export type ExportTransport = 'pcm' | 'dop' | 'native';

export class ExportStage {
  /** DoP or native DSD packing of this stream, with its state across tracks; null for PCM. */
  readonly dsd: DsdStreamPacker | null;
  /** The PCM container of a PCM or DoP stream (null for native DSD). */
  private readonly pcm: Container | null;
  /** DSD frames held in the packer that the track which ended has already hashed (see claimHeldDsd). */
  private dsdClaimed = 0;
  private readonly device = byteScratch();
  private readonly md5 = byteScratch();
  private readonly upmixedInt = int32Scratch();
  private readonly upmixedFloat = float64Scratch();

  /**
   * `channels`: of the stream's samples; `upmix`: device channels per sample channel (2 when a mono
   * stream goes to both channels of a stereo device; PCM only).
   */
  constructor(readonly container: OutputContainer, channels: number, readonly upmix: number, transport: ExportTransport) {
    const native = transport === 'native';
    if (isPcmContainer(container) === native) {
      throw new AurisError('E_INTERNAL', `the output took ${container}, which cannot carry ${native ? 'native DSD' : 'PCM'}`);
    }
    this.pcm = isPcmContainer(container) ? container : null;
    this.dsd = transport === 'pcm' ? null : new DsdStreamPacker(channels, container, transport);
    if (upmix > 1 && this.dsd) throw new AurisError('E_INTERNAL', 'DSD streams are not upmixed');
  }

  /** The device bytes of `block` (valid until the next pack); `hash` gets the proof's bytes of it. */
  pack(block: AudioBlock, hash: ProofHash): Uint8Array {
    if (this.dsd) {
      if (block.kind !== 'dsd') throw new AurisError('E_INTERNAL', 'a PCM block reached a DSD stream');
      const packed = this.dsd.pack(block.bytes);
      // The first frames read back may be the previous track's, already in its proof.
      const channels = this.dsd.channels;
      const claimed = Math.min(this.dsdClaimed, packed.dsd.length / channels);
      this.dsdClaimed -= claimed;
      hash.update(packed.dsd.subarray(claimed * channels));
      return packed.device;
    }
    if (block.kind === 'dsd') throw new AurisError('E_FORMAT_REFUSED', 'a DSD block reached a PCM stream; convert it to PCM or choose DoP or native DSD');
    return this.packPcm(block, this.pcm!, hash);
  }

  /**
   * A track on this DSD stream ended: the DSD bytes it left in the packer go out verbatim in the
   * next device word, so they are hashed into its proof now (and not again into the next track's).
   */
  claimHeldDsd(hash: ProofHash): void {
    if (!this.dsd) return;
    const held = this.dsd.heldBytes();
    hash.update(held.subarray(this.dsdClaimed * this.dsd.channels));
    this.dsdClaimed = held.length / this.dsd.channels;
  }

  /**
   * End of a DSD stream: the packer's held bytes completed with DSD silence (DoP idle keeps valid
   * markers, so the DAC stays locked to the end); empty for PCM.
   */
  flush(): Uint8Array {
    return this.dsd ? this.dsd.flush().device : new Uint8Array(0);
  }

  private packPcm(block: IntBlock | FloatBlock, c: Container, hash: ProofHash): Uint8Array {
    const samples = this.upmix > 1 ? this.duplicated(block) : block.samples;
    const out = this.device.take(samples.length * containerShape(c).bytes);
    const bits = block.format.validBits;
    let bytes: Uint8Array;
    if (block.kind === 'int') {
      bytes = packInt(samples as Int32Array, bits, c, out);
    } else {
      if (!(c === 'FLOAT64_LE' || (c === 'FLOAT_LE' && block.format.sample === 'f32'))) {
        throw new AurisError('E_FORMAT_REFUSED', `${block.format.sample} samples do not fit ${c} without rounding`);
      }
      bytes = packFloat(samples as Float64Array, c, out);
    }
    if (this.upmix > 1) {
      // Each sample went unchanged to every channel of its group: the proof reads the first one back.
      hash.update(block.kind === 'int'
        ? md5LayoutFromContainer(bytes, bits, c, this.md5.take(block.samples.length * md5BytesPerSample(bits)), this.upmix)
        : blockMd5Bytes(block, this.md5.take(blockMd5Length(block))));
    } else if (containerShape(c).bytes * 8 === bits) {
      hash.update(bytes);
    } else if (block.kind === 'int') {
      hash.update(md5LayoutFromContainer(bytes, bits, c, this.md5.take(block.samples.length * md5BytesPerSample(bits))));
    } else {
      // f32 widened into FLOAT64_LE (exact): the proof hashes the samples in their own f32 layout.
      hash.update(blockMd5Bytes(block, this.md5.take(blockMd5Length(block))));
    }
    return bytes;
  }

  /** The block's samples with each channel repeated `upmix` times (mono [a, b] -> [a, a, b, b]), in a reused buffer. */
  private duplicated(block: IntBlock | FloatBlock): Int32Array | Float64Array {
    const src = block.samples;
    const times = this.upmix;
    const out = block.kind === 'int' ? this.upmixedInt.take(src.length * times) : this.upmixedFloat.take(src.length * times);
    for (let i = 0, o = 0; i < src.length; i++) {
      const v = src[i]!;
      for (let k = 0; k < times; k++) out[o++] = v;
    }
    return out;
  }
}

/** True for the PCM containers (false for ALSA's native DSD ones). */
function isPcmContainer(c: OutputContainer): c is Container {
  return (CONTAINERS as readonly string[]).includes(c);
}
