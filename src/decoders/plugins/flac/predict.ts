// Prediction restore (RFC 9639 sections 9.2.5 and 9.2.6): x[i] = residual[i] + prediction, in
// place over an array that holds the warm-up samples followed by the residuals.
//
// Three arithmetic paths, chosen per subframe:
// - int32 (Math.imul, wrapping adds) when the whole LPC sum provably fits 32 bits:
//   bits + precision + floor(log2(order)) <= 32, the bound libFLAC uses for its 32-bit path;
// - double when it does not: every product is below 2^47 (33-bit sample, 15-bit coefficient) and
//   32 of them below 2^52, so the sum is exact in a double (2^53);
// - "wide" for 33-bit side channels of 32-bit audio, whose samples do not fit an Int32Array.

/** Fixed predictor of order 0..4 over Int32 samples (sums fit doubles; stores wrap like int32). */
export function restoreFixed(x: Int32Array, n: number, order: number): void {
  switch (order) {
    case 0:
      return;
    case 1:
      for (let i = 1, a = x[0]!; i < n; i++) { a = x[i] = x[i]! + a; }
      return;
    case 2:
      for (let i = 2; i < n; i++) x[i] = x[i]! + 2 * x[i - 1]! - x[i - 2]!;
      return;
    case 3:
      for (let i = 3; i < n; i++) x[i] = x[i]! + 3 * (x[i - 1]! - x[i - 2]!) + x[i - 3]!;
      return;
    default:
      for (let i = 4; i < n; i++) x[i] = x[i]! + 4 * (x[i - 1]! + x[i - 3]!) - 6 * x[i - 2]! - x[i - 4]!;
  }
}

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

/** True when an LPC sum of `order` products of `bits`-bit samples and `precision`-bit coefficients fits int32. */
export function lpcFitsInt32(bits: number, precision: number, order: number): boolean {
  return bits + precision + (31 - Math.clz32(order)) <= 32;
}

/** LPC restore with int32 arithmetic; caller checked lpcFitsInt32. c[j] multiplies x[i-1-j]. */
export function restoreLpcInt(x: Int32Array, n: number, c: Int32Array, order: number, shift: number): void {
  // One unrolled loop per common order (flac -8 uses up to 12): V8 keeps coefficients in registers.
  switch (order) {
    case 1: {
      const c0 = c[0]!;
      for (let i = 1; i < n; i++) {
        const s = (Math.imul(c0, x[i - 1]!)) | 0;
        x[i] = x[i]! + (s >> shift);
      }
      return;
    }
    case 2: {
      const c0 = c[0]!, c1 = c[1]!;
      for (let i = 2; i < n; i++) {
        const s = (Math.imul(c0, x[i - 1]!) + Math.imul(c1, x[i - 2]!)) | 0;
        x[i] = x[i]! + (s >> shift);
      }
      return;
    }
    case 3: {
      const c0 = c[0]!, c1 = c[1]!, c2 = c[2]!;
      for (let i = 3; i < n; i++) {
        const s = (Math.imul(c0, x[i - 1]!) + Math.imul(c1, x[i - 2]!) + Math.imul(c2, x[i - 3]!)) | 0;
        x[i] = x[i]! + (s >> shift);
      }
      return;
    }
    case 4: {
      const c0 = c[0]!, c1 = c[1]!, c2 = c[2]!, c3 = c[3]!;
      for (let i = 4; i < n; i++) {
        const s = (Math.imul(c0, x[i - 1]!) + Math.imul(c1, x[i - 2]!) + Math.imul(c2, x[i - 3]!) + Math.imul(c3, x[i - 4]!)) | 0;
        x[i] = x[i]! + (s >> shift);
      }
      return;
    }
    case 5: {
      const c0 = c[0]!, c1 = c[1]!, c2 = c[2]!, c3 = c[3]!, c4 = c[4]!;
      for (let i = 5; i < n; i++) {
        let s = (Math.imul(c0, x[i - 1]!) + Math.imul(c1, x[i - 2]!) + Math.imul(c2, x[i - 3]!) + Math.imul(c3, x[i - 4]!)) | 0;
        s = (s + Math.imul(c4, x[i - 5]!)) | 0;
        x[i] = x[i]! + (s >> shift);
      }
      return;
    }
    case 6: {
      const c0 = c[0]!, c1 = c[1]!, c2 = c[2]!, c3 = c[3]!, c4 = c[4]!, c5 = c[5]!;
      for (let i = 6; i < n; i++) {
        let s = (Math.imul(c0, x[i - 1]!) + Math.imul(c1, x[i - 2]!) + Math.imul(c2, x[i - 3]!) + Math.imul(c3, x[i - 4]!)) | 0;
        s = (s + Math.imul(c4, x[i - 5]!) + Math.imul(c5, x[i - 6]!)) | 0;
        x[i] = x[i]! + (s >> shift);
      }
      return;
    }
    case 7: {
      const c0 = c[0]!, c1 = c[1]!, c2 = c[2]!, c3 = c[3]!, c4 = c[4]!, c5 = c[5]!, c6 = c[6]!;
      for (let i = 7; i < n; i++) {
        let s = (Math.imul(c0, x[i - 1]!) + Math.imul(c1, x[i - 2]!) + Math.imul(c2, x[i - 3]!) + Math.imul(c3, x[i - 4]!)) | 0;
        s = (s + Math.imul(c4, x[i - 5]!) + Math.imul(c5, x[i - 6]!) + Math.imul(c6, x[i - 7]!)) | 0;
        x[i] = x[i]! + (s >> shift);
      }
      return;
    }
    case 8: {
      const c0 = c[0]!, c1 = c[1]!, c2 = c[2]!, c3 = c[3]!, c4 = c[4]!, c5 = c[5]!, c6 = c[6]!, c7 = c[7]!;
      for (let i = 8; i < n; i++) {
        let s = (Math.imul(c0, x[i - 1]!) + Math.imul(c1, x[i - 2]!) + Math.imul(c2, x[i - 3]!) + Math.imul(c3, x[i - 4]!)) | 0;
        s = (s + Math.imul(c4, x[i - 5]!) + Math.imul(c5, x[i - 6]!) + Math.imul(c6, x[i - 7]!) + Math.imul(c7, x[i - 8]!)) | 0;
        x[i] = x[i]! + (s >> shift);
      }
      return;
    }
    case 9: {
      const c0 = c[0]!, c1 = c[1]!, c2 = c[2]!, c3 = c[3]!, c4 = c[4]!, c5 = c[5]!, c6 = c[6]!, c7 = c[7]!, c8 = c[8]!;
      for (let i = 9; i < n; i++) {
        let s = (Math.imul(c0, x[i - 1]!) + Math.imul(c1, x[i - 2]!) + Math.imul(c2, x[i - 3]!) + Math.imul(c3, x[i - 4]!)) | 0;
        s = (s + Math.imul(c4, x[i - 5]!) + Math.imul(c5, x[i - 6]!) + Math.imul(c6, x[i - 7]!) + Math.imul(c7, x[i - 8]!)) | 0;
        s = (s + Math.imul(c8, x[i - 9]!)) | 0;
        x[i] = x[i]! + (s >> shift);
      }
      return;
    }
    case 10: {
      const c0 = c[0]!, c1 = c[1]!, c2 = c[2]!, c3 = c[3]!, c4 = c[4]!, c5 = c[5]!, c6 = c[6]!, c7 = c[7]!, c8 = c[8]!, c9 = c[9]!;
      for (let i = 10; i < n; i++) {
        let s = (Math.imul(c0, x[i - 1]!) + Math.imul(c1, x[i - 2]!) + Math.imul(c2, x[i - 3]!) + Math.imul(c3, x[i - 4]!)) | 0;
        s = (s + Math.imul(c4, x[i - 5]!) + Math.imul(c5, x[i - 6]!) + Math.imul(c6, x[i - 7]!) + Math.imul(c7, x[i - 8]!)) | 0;
        s = (s + Math.imul(c8, x[i - 9]!) + Math.imul(c9, x[i - 10]!)) | 0;
        x[i] = x[i]! + (s >> shift);
      }
      return;
    }
    case 11: {
      const c0 = c[0]!, c1 = c[1]!, c2 = c[2]!, c3 = c[3]!, c4 = c[4]!, c5 = c[5]!, c6 = c[6]!, c7 = c[7]!, c8 = c[8]!, c9 = c[9]!, c10 = c[10]!;
      for (let i = 11; i < n; i++) {
        let s = (Math.imul(c0, x[i - 1]!) + Math.imul(c1, x[i - 2]!) + Math.imul(c2, x[i - 3]!) + Math.imul(c3, x[i - 4]!)) | 0;
        s = (s + Math.imul(c4, x[i - 5]!) + Math.imul(c5, x[i - 6]!) + Math.imul(c6, x[i - 7]!) + Math.imul(c7, x[i - 8]!)) | 0;
        s = (s + Math.imul(c8, x[i - 9]!) + Math.imul(c9, x[i - 10]!) + Math.imul(c10, x[i - 11]!)) | 0;
        x[i] = x[i]! + (s >> shift);
      }
      return;
    }
    case 12: {
      const c0 = c[0]!, c1 = c[1]!, c2 = c[2]!, c3 = c[3]!, c4 = c[4]!, c5 = c[5]!, c6 = c[6]!, c7 = c[7]!, c8 = c[8]!, c9 = c[9]!, c10 = c[10]!, c11 = c[11]!;
      for (let i = 12; i < n; i++) {
        let s = (Math.imul(c0, x[i - 1]!) + Math.imul(c1, x[i - 2]!) + Math.imul(c2, x[i - 3]!) + Math.imul(c3, x[i - 4]!)) | 0;
        s = (s + Math.imul(c4, x[i - 5]!) + Math.imul(c5, x[i - 6]!) + Math.imul(c6, x[i - 7]!) + Math.imul(c7, x[i - 8]!)) | 0;
        s = (s + Math.imul(c8, x[i - 9]!) + Math.imul(c9, x[i - 10]!) + Math.imul(c10, x[i - 11]!) + Math.imul(c11, x[i - 12]!)) | 0;
        x[i] = x[i]! + (s >> shift);
      }
      return;
    }
    default:
      for (let i = order; i < n; i++) {
        let s = 0;
        for (let j = 0, k = i - 1; j < order; j++, k--) s = (s + Math.imul(c[j]!, x[k]!)) | 0;
        x[i] = x[i]! + (s >> shift);
      }
  }
}

/**
 * LPC restore with exact double sums, for depths and precisions whose sums exceed int32. The last
 * `order` samples stay in locals (no store-to-load round trip), and the newest one's product is
 * added last, and the coefficients carry the 2^-shift scale, so the loop-carried chain is one
 * multiply-add and the floor. Every product and partial sum is an integer below 2^53 times that
 * power of two, so it is exact in any summation order and the floor sees the exact quotient.
 */
export function restoreLpcDouble(x: Int32Array, n: number, c: Int32Array, order: number, shift: number): void {
  const scale = 2 ** -shift;
  switch (order) {
    case 1: {
      const c0 = c[0]! * scale;
      let x1 = x[0]!;
      for (let i = 1; i < n; i++) {
        const v = (x[i]! + Math.floor(c0 * x1)) | 0;
        x[i] = v;
        x1 = v;
      }
      return;
    }
    case 2: {
      const c0 = c[0]! * scale, c1 = c[1]! * scale;
      let x1 = x[1]!, x2 = x[0]!;
      for (let i = 2; i < n; i++) {
        const v = (x[i]! + Math.floor(c1 * x2 + c0 * x1)) | 0;
        x[i] = v;
        x2 = x1; x1 = v;
      }
      return;
    }
    case 3: {
      const c0 = c[0]! * scale, c1 = c[1]! * scale, c2 = c[2]! * scale;
      let x1 = x[2]!, x2 = x[1]!, x3 = x[0]!;
      for (let i = 3; i < n; i++) {
        const v = (x[i]! + Math.floor(c2 * x3 + c1 * x2 + c0 * x1)) | 0;
        x[i] = v;
        x3 = x2; x2 = x1; x1 = v;
      }
      return;
    }
    case 4: {
      const c0 = c[0]! * scale, c1 = c[1]! * scale, c2 = c[2]! * scale, c3 = c[3]! * scale;
      let x1 = x[3]!, x2 = x[2]!, x3 = x[1]!, x4 = x[0]!;
      for (let i = 4; i < n; i++) {
        const v = (x[i]! + Math.floor(c3 * x4 + c2 * x3 + c1 * x2 + c0 * x1)) | 0;
        x[i] = v;
        x4 = x3; x3 = x2; x2 = x1; x1 = v;
      }
      return;
    }
    case 5: {
      const c0 = c[0]! * scale, c1 = c[1]! * scale, c2 = c[2]! * scale, c3 = c[3]! * scale, c4 = c[4]! * scale;
      let x1 = x[4]!, x2 = x[3]!, x3 = x[2]!, x4 = x[1]!, x5 = x[0]!;
      for (let i = 5; i < n; i++) {
        const v = (x[i]! + Math.floor(c4 * x5 + c3 * x4 + c2 * x3 + c1 * x2 + c0 * x1)) | 0;
        x[i] = v;
        x5 = x4; x4 = x3; x3 = x2; x2 = x1; x1 = v;
      }
      return;
    }
    case 6: {
      const c0 = c[0]! * scale, c1 = c[1]! * scale, c2 = c[2]! * scale, c3 = c[3]! * scale, c4 = c[4]! * scale, c5 = c[5]! * scale;
      let x1 = x[5]!, x2 = x[4]!, x3 = x[3]!, x4 = x[2]!, x5 = x[1]!, x6 = x[0]!;
      for (let i = 6; i < n; i++) {
        const v = (x[i]! + Math.floor(c5 * x6 + c4 * x5 + c3 * x4 + c2 * x3 + c1 * x2 + c0 * x1)) | 0;
        x[i] = v;
        x6 = x5; x5 = x4; x4 = x3; x3 = x2; x2 = x1; x1 = v;
      }
      return;
    }
    case 7: {
      const c0 = c[0]! * scale, c1 = c[1]! * scale, c2 = c[2]! * scale, c3 = c[3]! * scale, c4 = c[4]! * scale, c5 = c[5]! * scale, c6 = c[6]! * scale;
      let x1 = x[6]!, x2 = x[5]!, x3 = x[4]!, x4 = x[3]!, x5 = x[2]!, x6 = x[1]!, x7 = x[0]!;
      for (let i = 7; i < n; i++) {
        const v = (x[i]! + Math.floor(c6 * x7 + c5 * x6 + c4 * x5 + c3 * x4 + c2 * x3 + c1 * x2 + c0 * x1)) | 0;
        x[i] = v;
        x7 = x6; x6 = x5; x5 = x4; x4 = x3; x3 = x2; x2 = x1; x1 = v;
      }
      return;
    }
    case 8: {
      const c0 = c[0]! * scale, c1 = c[1]! * scale, c2 = c[2]! * scale, c3 = c[3]! * scale, c4 = c[4]! * scale, c5 = c[5]! * scale, c6 = c[6]! * scale, c7 = c[7]! * scale;
      let x1 = x[7]!, x2 = x[6]!, x3 = x[5]!, x4 = x[4]!, x5 = x[3]!, x6 = x[2]!, x7 = x[1]!, x8 = x[0]!;
      for (let i = 8; i < n; i++) {
        const v = (x[i]! + Math.floor(c7 * x8 + c6 * x7 + c5 * x6 + c4 * x5 + c3 * x4 + c2 * x3 + c1 * x2 + c0 * x1)) | 0;
        x[i] = v;
        x8 = x7; x7 = x6; x6 = x5; x5 = x4; x4 = x3; x3 = x2; x2 = x1; x1 = v;
      }
      return;
    }
    case 9: {
      const c0 = c[0]! * scale, c1 = c[1]! * scale, c2 = c[2]! * scale, c3 = c[3]! * scale, c4 = c[4]! * scale, c5 = c[5]! * scale, c6 = c[6]! * scale, c7 = c[7]! * scale, c8 = c[8]! * scale;
      let x1 = x[8]!, x2 = x[7]!, x3 = x[6]!, x4 = x[5]!, x5 = x[4]!, x6 = x[3]!, x7 = x[2]!, x8 = x[1]!, x9 = x[0]!;
      for (let i = 9; i < n; i++) {
        const v = (x[i]! + Math.floor(c8 * x9 + c7 * x8 + c6 * x7 + c5 * x6 + c4 * x5 + c3 * x4 + c2 * x3 + c1 * x2 + c0 * x1)) | 0;
        x[i] = v;
        x9 = x8; x8 = x7; x7 = x6; x6 = x5; x5 = x4; x4 = x3; x3 = x2; x2 = x1; x1 = v;
      }
      return;
    }
    case 10: {
      const c0 = c[0]! * scale, c1 = c[1]! * scale, c2 = c[2]! * scale, c3 = c[3]! * scale, c4 = c[4]! * scale, c5 = c[5]! * scale, c6 = c[6]! * scale, c7 = c[7]! * scale, c8 = c[8]! * scale, c9 = c[9]! * scale;
      let x1 = x[9]!, x2 = x[8]!, x3 = x[7]!, x4 = x[6]!, x5 = x[5]!, x6 = x[4]!, x7 = x[3]!, x8 = x[2]!, x9 = x[1]!, x10 = x[0]!;
      for (let i = 10; i < n; i++) {
        const v = (x[i]! + Math.floor(c9 * x10 + c8 * x9 + c7 * x8 + c6 * x7 + c5 * x6 + c4 * x5 + c3 * x4 + c2 * x3 + c1 * x2 + c0 * x1)) | 0;
        x[i] = v;
        x10 = x9; x9 = x8; x8 = x7; x7 = x6; x6 = x5; x5 = x4; x4 = x3; x3 = x2; x2 = x1; x1 = v;
      }
      return;
    }
    case 11: {
      const c0 = c[0]! * scale, c1 = c[1]! * scale, c2 = c[2]! * scale, c3 = c[3]! * scale, c4 = c[4]! * scale, c5 = c[5]! * scale, c6 = c[6]! * scale, c7 = c[7]! * scale, c8 = c[8]! * scale, c9 = c[9]! * scale, c10 = c[10]! * scale;
      let x1 = x[10]!, x2 = x[9]!, x3 = x[8]!, x4 = x[7]!, x5 = x[6]!, x6 = x[5]!, x7 = x[4]!, x8 = x[3]!, x9 = x[2]!, x10 = x[1]!, x11 = x[0]!;
      for (let i = 11; i < n; i++) {
        const v = (x[i]! + Math.floor(c10 * x11 + c9 * x10 + c8 * x9 + c7 * x8 + c6 * x7 + c5 * x6 + c4 * x5 + c3 * x4 + c2 * x3 + c1 * x2 + c0 * x1)) | 0;
        x[i] = v;
        x11 = x10; x10 = x9; x9 = x8; x8 = x7; x7 = x6; x6 = x5; x5 = x4; x4 = x3; x3 = x2; x2 = x1; x1 = v;
      }
      return;
    }
    case 12: {
      const c0 = c[0]! * scale, c1 = c[1]! * scale, c2 = c[2]! * scale, c3 = c[3]! * scale, c4 = c[4]! * scale, c5 = c[5]! * scale, c6 = c[6]! * scale, c7 = c[7]! * scale, c8 = c[8]! * scale, c9 = c[9]! * scale, c10 = c[10]! * scale, c11 = c[11]! * scale;
      let x1 = x[11]!, x2 = x[10]!, x3 = x[9]!, x4 = x[8]!, x5 = x[7]!, x6 = x[6]!, x7 = x[5]!, x8 = x[4]!, x9 = x[3]!, x10 = x[2]!, x11 = x[1]!, x12 = x[0]!;
      for (let i = 12; i < n; i++) {
        const v = (x[i]! + Math.floor(c11 * x12 + c10 * x11 + c9 * x10 + c8 * x9 + c7 * x8 + c6 * x7 + c5 * x6 + c4 * x5 + c3 * x4 + c2 * x3 + c1 * x2 + c0 * x1)) | 0;
        x[i] = v;
        x12 = x11; x11 = x10; x10 = x9; x9 = x8; x8 = x7; x7 = x6; x6 = x5; x5 = x4; x4 = x3; x3 = x2; x2 = x1; x1 = v;
      }
      return;
    }
    default:
      for (let i = order; i < n; i++) {
        let s = 0;
        for (let j = 0, k = i - 1; j < order; j++, k--) s += c[j]! * x[k]!;
        x[i] = x[i]! + Math.floor(s * scale);
      }
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
