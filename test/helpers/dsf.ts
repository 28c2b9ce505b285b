// Writes small DSF files by hand (dsp.md 6.2), since no DSD encoder exists on the machine: header,
// fmt and data chunks, 4096-byte block interleave, LSB-first bits, last blocks zero-padded.

const BLOCK = 4096;

/** Bit-reversed value of every byte (MSB-first <-> LSB-first). */
export const BIT_REVERSE = Uint8Array.from({ length: 256 }, (_, b) => {
  let r = 0;
  for (let i = 0; i < 8; i++) r |= ((b >> i) & 1) << (7 - i);
  return r;
});

/**
 * A DSF file holding `dsd` (MSB-first, byte-interleaved like a DsdBlock) for `channels` channels at
 * `rate`, stored with bits-per-sample 1 (LSB-first) as most DSF files are.
 */
export function makeDsf(dsd: Uint8Array, channels: number, rate = 2822400): Uint8Array {
  const perChannel = dsd.length / channels;
  const blocks = Math.ceil(perChannel / BLOCK);
  const dataBytes = blocks * BLOCK * channels;
  const total = 92 + dataBytes;
  const file = new Uint8Array(total);
  const v = new DataView(file.buffer);
  const ascii = (o: number, s: string): void => { for (let i = 0; i < 4; i++) file[o + i] = s.charCodeAt(i); };
  ascii(0, 'DSD ');
  v.setBigUint64(4, 28n, true);
  v.setBigUint64(12, BigInt(total), true);
  v.setBigUint64(20, 0n, true);
  ascii(28, 'fmt ');
  v.setBigUint64(32, 52n, true);
  v.setUint32(40, 1, true);
  v.setUint32(44, 0, true);
  v.setUint32(48, channels === 1 ? 1 : channels === 2 ? 2 : channels, true);
  v.setUint32(52, channels, true);
  v.setUint32(56, rate, true);
  v.setUint32(60, 1, true);
  v.setBigUint64(64, BigInt(perChannel * 8), true);
  v.setUint32(72, BLOCK, true);
  v.setUint32(76, 0, true);
  ascii(80, 'data');
  v.setBigUint64(84, BigInt(12 + dataBytes), true);
  for (let i = 0; i < perChannel; i++) {
    const blk = Math.floor(i / BLOCK);
    for (let c = 0; c < channels; c++) {
      file[92 + (blk * channels + c) * BLOCK + (i % BLOCK)] = BIT_REVERSE[dsd[i * channels + c]!]!;
    }
  }
  return file;
}
