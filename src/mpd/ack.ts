// MPD's error answers: `ACK [code@listIndex] {command} message`. The codes are MPD's
// (src/protocol/Ack.hxx in MPD 0.23); a command fails by throwing an MpdError, or an AurisError
// that `toMpdError` maps onto the nearest MPD code.

import { isAurisError, type ErrorCode } from '../util/errors.ts';

export const ACK = {
  NOT_LIST: 1,
  ARG: 2,
  PASSWORD: 3,
  PERMISSION: 4,
  UNKNOWN: 5,
  NO_EXIST: 50,
  PLAYLIST_MAX: 51,
  SYSTEM: 52,
  PLAYLIST_LOAD: 53,
  UPDATE_ALREADY: 54,
  PLAYER_SYNC: 55,
  EXIST: 56,
} as const;
export type AckCode = (typeof ACK)[keyof typeof ACK];

/** A command's failure as MPD reports it. */
export class MpdError extends Error {
  readonly ack: AckCode;
  constructor(ack: AckCode, message: string) {
    super(message);
    this.name = 'MpdError';
    this.ack = ack;
  }
}

/** The ACK line (with its newline). `command` is '' before the command name is known, as in MPD. */
export function ackLine(ack: AckCode, listIndex: number, command: string, message: string): string {
  // A message must stay on one line whatever the error text holds.
  return `ACK [${ack}@${listIndex}] {${command}} ${message.replace(/[\r\n]+/g, ' ')}\n`;
}

const ACK_OF_CODE: Partial<Record<ErrorCode, AckCode>> = {
  E_INVALID_ARGUMENT: ACK.ARG,
  E_NOT_FOUND: ACK.NO_EXIST,
  E_STATE: ACK.PLAYER_SYNC,
  E_IO: ACK.SYSTEM,
  E_PERMISSION: ACK.SYSTEM,
  E_NOT_A_FILE: ACK.NO_EXIST,
  E_DEVICE_BUSY: ACK.SYSTEM,
  E_DEVICE_LOST: ACK.SYSTEM,
  E_DEVICE: ACK.SYSTEM,
  E_FORMAT_REFUSED: ACK.SYSTEM,
  E_UNSUPPORTED_FORMAT: ACK.SYSTEM,
  E_UNSUPPORTED_FEATURE: ACK.SYSTEM,
  E_CORRUPT: ACK.SYSTEM,
  E_TRUNCATED: ACK.SYSTEM,
  E_TOOL_MISSING: ACK.SYSTEM,
  E_TOOL_FAILED: ACK.SYSTEM,
};

/** Any thrown value as an MpdError: AurisErrors by code (E_NOT_FOUND -> 50...), anything else UNKNOWN. */
export function toMpdError(e: unknown): MpdError {
  if (e instanceof MpdError) return e;
  if (isAurisError(e)) return new MpdError(ACK_OF_CODE[e.code] ?? ACK.UNKNOWN, e.message);
  return new MpdError(ACK.UNKNOWN, e instanceof Error ? e.message : String(e));
}
