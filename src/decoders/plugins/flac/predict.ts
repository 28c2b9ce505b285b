// Prediction restore (RFC 9639 sections 9.2.5 and 9.2.6) for 33-bit side channels of 32-bit
// audio, whose samples do not fit an Int32Array: x[i] = residual[i] + prediction in doubles (every
// sum is below 2^53, so exact). Every other subframe is restored by the kernel (kernel.ts).

/** Fixed predictor over 33-bit samples in doubles: `out` gets warm-up from `out` and residuals from `res`. */
export function restoreFixedWide(res: Int32Array, out: Float64Array, n: number, order: number): void {
  for (let i = order; i < n; i++) {
    let p = 0;
    switch (order) {
      case 1: p = out[i - 1]!; break;
      case 2: p = 2 * out[i - 1]! - out[i - 2]!; break;
      case 3: p = 3 * (out[i - 1]! - out[i - 2]!) + out[i - 3]!; break;
      case 4: p = 4 * (out[i - 1]! + out[i - 3]!) - 6 * out[i - 2]! - out[i - 4]!; break;
    }
    out[i] = res[i]! + p;
  }
}

/** LPC restore over 33-bit samples: warm-up in `out`, residuals in `res`. */
export function restoreLpcWide(res: Int32Array, out: Float64Array, n: number, c: Int32Array, order: number, shift: number): void {
  const scale = 2 ** -shift;
  for (let i = order; i < n; i++) {
    let s = 0;
    for (let j = 0, k = i - 1; j < order; j++, k--) s += c[j]! * out[k]!;
    out[i] = res[i]! + Math.floor(s * scale);
  }
}
