// Streaming UTF-8 validation and decoding that reports the byte offset of the first ill-formed sequence.
import { InvalidArgumentError } from '@seqlab/tensor-core';

/**
 * Bytes that are not well-formed UTF-8; `byteOffset` is where the first ill-formed sequence starts.
 *
 * @example
 * ```ts
 * try {
 *   decodeUtf8(new Uint8Array([0x68, 0xc3, 0x28]), 'upload'); // 0xC3 starts a character that 0x28 does not continue
 * } catch (e) {
 *   console.assert(e instanceof Utf8Error && e.code === 'INVALID_ARGUMENT' && e.byteOffset === 1);
 * }
 * ```
 */
export class Utf8Error extends InvalidArgumentError {
  /** Offset, from the start of the input, of the first byte of the first ill-formed sequence. */
  readonly byteOffset: number;
  constructor(message: string, byteOffset: number) {
    super(message);
    this.byteOffset = byteOffset;
  }
}

const hex = (b: number): string => `0x${b.toString(16).toUpperCase().padStart(2, '0')}`;

/**
 * Checks UTF-8 chunk by chunk (sequences may straddle chunks) against the well-formed byte sequences of the
 * Unicode Standard (table 3-7): no overlong forms, no surrogates, nothing above U+10FFFF.
 *
 * @example
 * ```ts
 * const v = new Utf8Validator('upload.txt');
 * v.push(new Uint8Array([0x68, 0xc3]));
 * v.push(new Uint8Array([0xa9]));   // "hé" split across chunks is fine
 * v.end();
 * ```
 */
export class Utf8Validator {
  private readonly fn: string;
  private readonly source: string;
  private offset = 0;
  /** Continuation bytes still expected by the current sequence. */
  private pending = 0;
  /** Bounds of the next continuation byte; the first one is narrowed for E0, ED, F0 and F4. */
  private lower = 0x80;
  private upper = 0xbf;
  private sequenceStart = 0;
  private leadByte = 0;

  /**
   * @param source - names the input in error messages (a file path, "input")
   * @param fn - the public function on whose behalf the check runs, for error messages
   */
  constructor(source = 'input', fn = 'Utf8Validator') {
    this.source = source;
    this.fn = fn;
  }

  /** Bytes validated so far. */
  get bytesSeen(): number {
    return this.offset;
  }

  /** Validates the next chunk; throws {@link Utf8Error} at the first ill-formed sequence. */
  push(chunk: Uint8Array): void {
    const base = this.offset;
    let pending = this.pending;
    for (let i = 0; i < chunk.length; i++) {
      const b = chunk[i];
      if (pending === 0) {
        if (b < 0x80) continue;
        this.sequenceStart = base + i;
        this.leadByte = b;
        this.lower = 0x80;
        this.upper = 0xbf;
        if (b >= 0xc2 && b <= 0xdf) pending = 1;
        else if (b >= 0xe0 && b <= 0xef) {
          pending = 2;
          if (b === 0xe0)
            this.lower = 0xa0; // overlong below U+0800
          else if (b === 0xed) this.upper = 0x9f; // surrogates U+D800..U+DFFF
        } else if (b >= 0xf0 && b <= 0xf4) {
          pending = 3;
          if (b === 0xf0)
            this.lower = 0x90; // overlong below U+10000
          else if (b === 0xf4) this.upper = 0x8f; // above U+10FFFF
        } else {
          this.offset = base + i;
          throw new Utf8Error(`${this.fn}: ${this.source} is not valid UTF-8: byte ${hex(b)} at byte offset ${base + i} cannot start a character`, base + i);
        }
      } else {
        if (b < this.lower || b > this.upper) {
          this.offset = base + i;
          throw new Utf8Error(
            `${this.fn}: ${this.source} is not valid UTF-8: the sequence starting with ${hex(this.leadByte)} at byte offset ${this.sequenceStart} ` +
              `expects a continuation byte in ${hex(this.lower)}..${hex(this.upper)} at byte offset ${base + i}; received ${hex(b)}`,
            this.sequenceStart,
          );
        }
        this.lower = 0x80;
        this.upper = 0xbf;
        pending--;
      }
    }
    this.pending = pending;
    this.offset = base + chunk.length;
  }

  /** Declares the end of input; throws {@link Utf8Error} when the last sequence is cut off. */
  end(): void {
    if (this.pending > 0) {
      throw new Utf8Error(
        `${this.fn}: ${this.source} is not valid UTF-8: the sequence starting with ${hex(this.leadByte)} at byte offset ${this.sequenceStart} ` +
          `is cut off by the end of input (${this.offset} bytes)`,
        this.sequenceStart,
      );
    }
  }
}

/**
 * Decodes UTF-8 bytes to a string, throwing {@link Utf8Error} with the byte offset of the first ill-formed
 * sequence. A leading byte-order mark is dropped.
 *
 * @param bytes - the encoded text
 * @param source - names the input in error messages
 * @example
 * ```ts
 * decodeUtf8(new Uint8Array([0x68, 0x69])); // "hi"
 * try {
 *   decodeUtf8(new Uint8Array([0x68, 0xff]));
 * } catch (error) {
 *   if (error instanceof Utf8Error) console.log(error.byteOffset); // 1
 * }
 * ```
 */
export function decodeUtf8(bytes: Uint8Array, source = 'input'): string {
  if (!(bytes instanceof Uint8Array)) {
    throw new InvalidArgumentError(`decodeUtf8: argument 'bytes' must be a Uint8Array; received ${typeof bytes}`);
  }
  const validator = new Utf8Validator(source, 'decodeUtf8');
  validator.push(bytes);
  validator.end();
  return new TextDecoder('utf-8').decode(bytes);
}
