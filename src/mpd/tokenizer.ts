// Splitting a request line into the command name and its arguments exactly as MPD 0.23 does
// (src/util/Tokenizer.cxx): the name is a letter then letters, digits or '_'; an argument is either
// unquoted (bytes above 0x20 except both quote characters) or double-quoted, where a backslash
// takes the next character literally and the closing quote must be followed by whitespace.
// Whitespace is any byte up to 0x20.

import { ACK, MpdError } from './ack.ts';

/** The most arguments MPD accepts on one line: 2 + 2 x its 31 tag types (AllCommands.cxx). */
export const MAX_ARGS = 64;

export interface Request {
  readonly name: string;
  readonly args: string[];
}

const isSpace = (c: number): boolean => c <= 0x20;
const isAlpha = (c: number): boolean => (c >= 0x41 && c <= 0x5a) || (c >= 0x61 && c <= 0x7a);
const isDigit = (c: number): boolean => c >= 0x30 && c <= 0x39;

/** Errors in the name (`Invalid word character`) are UNKNOWN and end the connection in MPD; in an argument, `argError` is true. */
export class TokenizeError extends MpdError {
  readonly inName: boolean;
  constructor(message: string, inName: boolean) {
    super(ACK.UNKNOWN, message);
    this.inName = inName;
  }
}

/** Tokenizes one line (without its newline and trailing whitespace); throws TokenizeError. */
export function tokenize(line: string): Request {
  let i = 0;
  const n = line.length;
  const skipSpace = (): void => {
    while (i < n && isSpace(line.charCodeAt(i))) i++;
  };

  if (n === 0) throw new TokenizeError('No command given', true);
  if (!isAlpha(line.charCodeAt(0))) throw new TokenizeError('Letter expected', true);
  const nameStart = i;
  i++;
  while (i < n && !isSpace(line.charCodeAt(i))) {
    const c = line.charCodeAt(i);
    if (!(isAlpha(c) || isDigit(c) || c === 0x5f)) throw new TokenizeError('Invalid word character', true);
    i++;
  }
  const name = line.slice(nameStart, i);
  skipSpace();

  const args: string[] = [];
  for (;;) {
    // MPD checks the count before looking for another argument: 64 arguments are already too many.
    if (args.length === MAX_ARGS) throw new MpdError(ACK.ARG, 'Too many arguments');
    if (i >= n) break;
    if (line.charCodeAt(i) === 0x22) {
      i++;
      let value = '';
      let chunkStart = i;
      for (;;) {
        if (i >= n) throw new TokenizeError('Missing closing \'"\'', false);
        const c = line.charCodeAt(i);
        if (c === 0x22) break;
        if (c === 0x5c) {
          value += line.slice(chunkStart, i);
          i++;
          if (i >= n) throw new TokenizeError('Missing closing \'"\'', false);
          chunkStart = i;
        }
        i++;
      }
      value += line.slice(chunkStart, i);
      i++;
      if (i < n && !isSpace(line.charCodeAt(i))) throw new TokenizeError('Space expected after closing \'"\'', false);
      args.push(value);
    } else {
      const start = i;
      while (i < n && !isSpace(line.charCodeAt(i))) {
        const c = line.charCodeAt(i);
        if (c === 0x22 || c === 0x27) throw new TokenizeError('Invalid unquoted character', false);
        i++;
      }
      args.push(line.slice(start, i));
    }
    skipSpace();
  }
  return { name, args };
}

/** Quotes an argument the way libmpdclient does: in double quotes, with '"' and '\' escaped. */
export function quoteArg(value: string): string {
  return `"${value.replace(/[\\"]/g, (c) => `\\${c}`)}"`;
}
