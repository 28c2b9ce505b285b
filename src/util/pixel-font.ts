// A 3x5 pixel font for labels in generated images (spectrogram axes): digits, '-', '.', ':' and
// the letters of the units used (k, H, z, d, B, s). Drawn at an integer scale into an RGB raster.

/** Each glyph: 5 rows of 3 bits, the high bit the left column. */
const GLYPHS: Record<string, readonly number[]> = {
  '0': [7, 5, 5, 5, 7], '1': [2, 6, 2, 2, 7], '2': [7, 1, 7, 4, 7], '3': [7, 1, 3, 1, 7], '4': [5, 5, 7, 1, 1],
  '5': [7, 4, 7, 1, 7], '6': [7, 4, 7, 5, 7], '7': [7, 1, 1, 2, 2], '8': [7, 5, 7, 5, 7], '9': [7, 5, 7, 1, 7],
  '-': [0, 0, 7, 0, 0], '.': [0, 0, 0, 0, 2], ':': [0, 2, 0, 2, 0], ' ': [0, 0, 0, 0, 0],
  'k': [4, 5, 6, 5, 5], 'H': [5, 5, 7, 5, 5], 'z': [0, 7, 1, 2, 7], 'd': [1, 1, 7, 5, 7], 'B': [6, 5, 6, 5, 6], 's': [0, 3, 6, 1, 6],
};

export const GLYPH_WIDTH = 3;
export const GLYPH_HEIGHT = 5;

/** Width in pixels of `text` at `scale` (one blank column between characters). */
export function textWidth(text: string, scale: number): number {
  return text.length === 0 ? 0 : (text.length * (GLYPH_WIDTH + 1) - 1) * scale;
}

/** A raster to draw into: `rgb` holds width·height·3 bytes, rows top to bottom. */
export interface Raster {
  readonly width: number;
  readonly height: number;
  readonly rgb: Uint8Array;
}

/** Draws `text` with its top-left corner at (x, y); pixels outside the raster are skipped. Unknown characters draw as blanks. */
export function drawText(r: Raster, x: number, y: number, text: string, colour: readonly [number, number, number], scale: number): void {
  for (let i = 0; i < text.length; i++) {
    const glyph = GLYPHS[text[i]!] ?? GLYPHS[' ']!;
    const gx = x + i * (GLYPH_WIDTH + 1) * scale;
    for (let row = 0; row < GLYPH_HEIGHT; row++) {
      for (let col = 0; col < GLYPH_WIDTH; col++) {
        if (!((glyph[row]! >> (GLYPH_WIDTH - 1 - col)) & 1)) continue;
        for (let dy = 0; dy < scale; dy++) {
          for (let dx = 0; dx < scale; dx++) {
            const px = gx + col * scale + dx;
            const py = y + row * scale + dy;
            if (px >= 0 && py >= 0 && px < r.width && py < r.height) r.rgb.set(colour, (py * r.width + px) * 3);
          }
        }
      }
    }
  }
}
