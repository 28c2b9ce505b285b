// Packing a decoded block into the container an output negotiated (the engine's last step before
// write). Lossless only: integer samples are left-justified (24-bit in S32_LE = sample << 8).

import type { AudioBlock } from '../audio/block.ts';
import { packFloat, packInt, type Container } from '../audio/pack.ts';
import { AurisError } from '../util/errors.ts';

/** The bytes of `block` in `container`; E_FORMAT_REFUSED when that would lose or invent bits. */
export function packBlock(block: AudioBlock, container: Container): Uint8Array {
  switch (block.kind) {
    case 'int':
      return packInt(block.samples, block.format.validBits, container);
    case 'float':
      if ((container === 'FLOAT_LE' && block.format.sample === 'f32') || container === 'FLOAT64_LE') return packFloat(block.samples, container);
      throw new AurisError('E_FORMAT_REFUSED', `${block.format.sample} samples do not fit ${container} without rounding`);
    case 'dsd':
      throw new AurisError('E_FORMAT_REFUSED', 'DSD output is not supported yet; convert to PCM');
  }
}
