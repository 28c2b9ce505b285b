// Small deterministic test signals: the same seed gives the same samples on every machine, so a
// failing test can be reproduced from its seed alone.

/** A 32-bit PRNG (mulberry32): returns a function giving uniform uint32 values. */
export function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return (t ^ (t >>> 14)) >>> 0;
  };
}

/** Uniform numbers in [0, 1) from a seed (the same sequence as prng, scaled). */
export function uniform(seed: number): () => number {
  const next = prng(seed);
  return () => next() / 4294967296;
}

/** Uniform integers in [0, n) from a PRNG. */
export function randomInt(next: () => number, n: number): number {
  return Math.floor((next() / 2 ** 32) * n);
}

/**
 * Full-scale white noise of `bits`-bit signed integers (right-justified, -2^(bits-1)..2^(bits-1)-1),
 * interleaved, `frames * channels` samples. Every bit of every sample varies, so a dropped or
 * shifted bit shows.
 */
export function noise(frames: number, channels: number, bits: number, seed = 1): Int32Array {
  const next = prng(seed);
  const out = new Int32Array(frames * channels);
  const shift = 32 - bits;
  for (let i = 0; i < out.length; i++) out[i] = (next() | 0) >> shift;
  return out;
}

/**
 * A sine of `freq` Hz at `amplitude` of full scale (0..1), `bits`-bit signed integers, interleaved;
 * channel c is shifted by c * 90 degrees so channels differ.
 */
export function sine(frames: number, channels: number, bits: number, opts: { rate?: number; freq?: number; amplitude?: number } = {}): Int32Array {
  const rate = opts.rate ?? 44100;
  const freq = opts.freq ?? 997;
  const peak = (opts.amplitude ?? 0.5) * (2 ** (bits - 1) - 1);
  const out = new Int32Array(frames * channels);
  for (let f = 0; f < frames; f++) {
    for (let c = 0; c < channels; c++) out[f * channels + c] = Math.round(peak * Math.sin((2 * Math.PI * freq * f) / rate + (c * Math.PI) / 2));
  }
  return out;
}

/**
 * Float noise in [-amplitude, amplitude), interleaved. With `float32` every value is exactly
 * representable as an IEEE single, so it survives a 32-bit float file unchanged.
 */
export function floatNoise(frames: number, channels: number, opts: { seed?: number; amplitude?: number; float32?: boolean } = {}): Float64Array {
  const next = prng(opts.seed ?? 1);
  const amplitude = opts.amplitude ?? 0.9;
  const out = new Float64Array(frames * channels);
  for (let i = 0; i < out.length; i++) {
    // 53 random bits for float64, so every mantissa bit varies.
    const x = ((next() >>> 5) * 67108864 + (next() >>> 6)) / 9007199254740992;
    const v = (2 * x - 1) * amplitude;
    out[i] = opts.float32 ? Math.fround(v) : v;
  }
  return out;
}

/** Random DSD bytes (MSB-first), byte-interleaved, `frames * channels` bytes. */
export function dsdNoise(frames: number, channels: number, seed = 1): Uint8Array {
  const next = prng(seed);
  const out = new Uint8Array(frames * channels);
  for (let i = 0; i < out.length; i++) out[i] = next() & 0xff;
  return out;
}

/**
 * Second-order sigma-delta modulator (noise transfer (1 - z^-1)^2) at `dsdRate`: sines of `hz` with
 * the given amplitudes (1 = full modulation) per channel, packed MSB-first, byte-interleaved.
 */
export function sigmaDelta(dsdRate: number, seconds: number, hz: number, amplitudes: number[]): Uint8Array {
  const ch = amplitudes.length;
  const bytesPerChannel = Math.floor((dsdRate * seconds) / 8);
  const out = new Uint8Array(bytesPerChannel * ch);
  for (let c = 0; c < ch; c++) {
    let e1 = 0;
    let e2 = 0;
    const w = (2 * Math.PI * hz) / dsdRate;
    for (let b = 0; b < bytesPerChannel; b++) {
      let byte = 0;
      for (let k = 0; k < 8; k++) {
        const x = amplitudes[c]! * Math.sin(w * (b * 8 + k));
        const u = x + 2 * e1 - e2;
        const y = u >= 0 ? 1 : -1;
        e2 = e1;
        e1 = u - y;
        byte = (byte << 1) | (y > 0 ? 1 : 0);
      }
      out[b * ch + c] = byte;
    }
  }
  return out;
}
