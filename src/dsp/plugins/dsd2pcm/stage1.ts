// DSD -> PCM stage 1 (dsp.md 6.5): a 96-tap symmetric FIR low-pass at the DSD rate decimating by
// 8, one PCM sample per DSD byte. Since DSD samples are +-1, each byte's contribution through 8
// taps is a table lookup: 6 tables of 256 entries cover the first half of the filter, and the
// symmetric second half reuses them on bit-reversed bytes. Tables are float64.

/** Second half of the 96-tap symmetric FIR, index 0 = centre (dsp.md Appendix A). */
export const DSD2PCM_HALF_TAPS: readonly number[] = [
  0.09950731974056658, 0.09562845727714668, 0.08819647126516944, 0.07782552527068175, 0.06534876523171299,
  0.05172629311427257, 0.0379429484910187, 0.02490921351762261, 0.0133774746265897, 0.003883043418804416,
  -0.003284703416210726, -0.008080250212687497, -0.01067241812471033, -0.01139427235000863, -0.0106813877974587,
  -0.009007905078766049, -0.006828859761015335, -0.004535184322001496, -0.002425035959059578, -0.0006922187080790708,
  0.0005700762133516592, 0.001353838005269448, 0.001713709169690937, 0.001742046839472948, 0.001545601648013235,
  0.001226696225277855, 0.0008704322683580222, 0.0005381636200535649, 0.000266446345425276, 7.002968738383528e-05,
  -5.279407053811266e-05, -0.0001140625650874684, -0.0001304796361231895, -0.0001189970287491285, -9.396247155265073e-05,
  -6.577634378272832e-05, -4.07492895872535e-05, -2.17407957554587e-05, -9.163058931391722e-06, -2.017460145032201e-06,
  1.249721855219005e-06, 2.166655190537392e-06, 1.930520892991082e-06, 1.319400334374195e-06, 7.410039764949091e-07,
  3.423230509967409e-07, 1.244182214744588e-07, 3.130441005359396e-08,
];

/** The full 96-tap impulse response: reverse(half) ++ half. */
export function dsd2pcmTaps(): Float64Array {
  const h = DSD2PCM_HALF_TAPS;
  const full = new Float64Array(96);
  for (let j = 0; j < 48; j++) {
    full[j] = h[47 - j]!;
    full[48 + j] = h[j]!;
  }
  return full;
}

/** Bit-reversed value of every byte. */
export const BYTE_BIT_REVERSE: Uint8Array = Uint8Array.from({ length: 256 }, (_, b) => {
  let r = 0;
  for (let i = 0; i < 8; i++) r |= ((b >> i) & 1) << (7 - i);
  return r;
});

const TABLES = 6;
const FIFO = 16; // power of two >= 12 bytes of history

/** T_t[e] = sum_m (bit m of e, MSB first, as +-1) * half[(5-t)*8 + m], t = 0..5, at [t*256 + e]. */
const LOOKUP: Float64Array = (() => {
  const t = new Float64Array(TABLES * 256);
  for (let k = 0; k < TABLES; k++) {
    for (let e = 0; e < 256; e++) {
      let acc = 0;
      for (let m = 0; m < 8; m++) acc += (((e >> (7 - m)) & 1) ? 1 : -1) * DSD2PCM_HALF_TAPS[(5 - k) * 8 + m]!;
      t[k * 256 + e] = acc;
    }
  }
  return t;
})();

/** DSD silence byte the history starts from (dsd2pcm's pattern). */
const SILENCE = 0x69;

/**
 * Stage-1 decimator for `channels` byte-interleaved DSD channels (MSB-first). `process` writes one
 * float64 sample per input byte, interleaved, so the output rate is the DSD rate / 8. Output n is
 * the FIR over the 12 most recent bytes (delay 47.5 DSD samples).
 */
export class Dsd2PcmStage1 {
  readonly channels: number;
  private readonly fifo: Uint8Array;
  private head = 0;

  constructor(channels: number) {
    this.channels = channels;
    this.fifo = new Uint8Array(FIFO * channels);
    this.reset();
  }

  /** History back to DSD silence (seek, new stream). */
  reset(): void {
    this.fifo.fill(SILENCE);
    this.head = 0;
  }

  /** Decimates `bytes` (a multiple of channels) into `out` (at least bytes.length samples). */
  process(bytes: Uint8Array, out: Float64Array): void {
    const ch = this.channels;
    const fifo = this.fifo;
    const rev = BYTE_BIT_REVERSE;
    const frames = bytes.length / ch;
    let head = this.head;
    for (let f = 0; f < frames; f++) {
      head = (head + 1) & (FIFO - 1);
      for (let c = 0; c < ch; c++) {
        const base = c * FIFO;
        fifo[base + head] = bytes[f * ch + c]!;
        let acc = 0;
        for (let i = 0; i < TABLES; i++) {
          acc += LOOKUP[i * 256 + fifo[base + ((head - i) & (FIFO - 1))]!]!;
          acc += LOOKUP[i * 256 + rev[fifo[base + ((head - 11 + i) & (FIFO - 1))]!]!]!;
        }
        out[f * ch + c] = acc;
      }
    }
    this.head = head;
  }
}
