// FLAC checksums (RFC 9639 section 9.1.8 and 9.3): CRC-8 of the frame header, polynomial
// x^8 + x^2 + x + 1 (0x07), and CRC-16 of the whole frame, polynomial x^16 + x^15 + x^2 + 1
// (0x8005); both MSB-first with initial value 0 and no final xor.

function makeTable(poly: number, width: 8 | 16): Uint16Array {
  const table = new Uint16Array(256);
  const top = 1 << (width - 1);
  const mask = (1 << width) - 1;
  for (let byte = 0; byte < 256; byte++) {
    let crc = byte << (width - 8);
    for (let bit = 0; bit < 8; bit++) crc = (crc & top ? (crc << 1) ^ poly : crc << 1) & mask;
    table[byte] = crc;
  }
  return table;
}

const CRC8_TABLE = makeTable(0x07, 8);
const CRC16_TABLE = makeTable(0x8005, 16);
/** CRC-16 of a byte followed by one more zero byte than `table`'s. */
const withZeroByte = (table: Uint16Array): Uint16Array => table.map((t) => ((t << 8) & 0xffff) ^ CRC16_TABLE[t >>> 8]!);

/**
 * The CRC-16 tables of a byte followed by 0, 1, ... `slices` - 1 zero bytes, one after the other:
 * the frame decoder's kernel (kernel.ts) takes `slices` bytes per step with them. The register
 * meets only the first two bytes of a step; the CRC is linear, so the contributions (each byte
 * shifted past the bytes after it) are xored.
 */
export function crc16Tables(slices: number): Uint16Array {
  const out = new Uint16Array(slices * 256);
  let table = CRC16_TABLE;
  for (let t = 0; t < slices; t++) {
    out.set(table, t * 256);
    table = withZeroByte(table);
  }
  return out;
}

/** CRC-8 of bytes [start, end) of `bytes`. */
export function crc8(bytes: Uint8Array, start: number, end: number): number {
  let crc = 0;
  for (let i = start; i < end; i++) crc = CRC8_TABLE[crc ^ bytes[i]!]!;
  return crc;
}
