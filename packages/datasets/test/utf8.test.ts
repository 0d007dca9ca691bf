// Streaming UTF-8 validation: the offset of the first ill-formed sequence, chunk-boundary independence, decodeUtf8.
import { decodeUtf8, Utf8Error, Utf8Validator } from '@seqlab/datasets';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';

function firstError(bytes: Uint8Array, cuts: number[] = []): Utf8Error | undefined {
  const v = new Utf8Validator('input');
  let start = 0;
  try {
    for (const cut of [...cuts, bytes.length]) {
      v.push(bytes.subarray(start, cut));
      start = cut;
    }
    v.end();
  } catch (err) {
    if (err instanceof Utf8Error) return err;
    throw err;
  }
  return undefined;
}

const bytes = (...xs: number[]): Uint8Array => new Uint8Array(xs);

describe('Utf8Validator', () => {
  it('accepts ASCII and every well-formed length', () => {
    expect(firstError(new TextEncoder().encode('a é € 😀 \u{10FFFF} \uFFFF'))).toBeUndefined();
  });

  it.each([
    ['a stray continuation byte', bytes(0x61, 0x62, 0x80), 2],
    ['an overlong two-byte form', bytes(0x61, 0xc0, 0x80), 1],
    ['C1, also overlong', bytes(0xc1, 0xbf), 0],
    ['a lead byte followed by ASCII', bytes(0x68, 0x69, 0xc3, 0x28), 2],
    ['an overlong three-byte form', bytes(0xe0, 0x80, 0x80), 0],
    ['an encoded surrogate', bytes(0x41, 0xed, 0xa0, 0x80), 1],
    ['an overlong four-byte form', bytes(0xf0, 0x80, 0x80, 0x80), 0],
    ['a code point above U+10FFFF', bytes(0x20, 0x20, 0xf4, 0x90, 0x80, 0x80), 2],
    ['F5, never valid', bytes(0x20, 0xf5, 0x80, 0x80, 0x80), 1],
    ['FF, never valid', bytes(0x20, 0x20, 0x20, 0xff), 3],
    ['a sequence cut off by the end', bytes(0x61, 0xe2, 0x82), 1],
    ['a bad third byte', bytes(0xe2, 0x82, 0x41), 0],
  ])('reports %s at the offset of the sequence start', (_name, input, offset) => {
    const err = firstError(input);
    expect(err).toBeInstanceOf(Utf8Error);
    expect(err!.code).toBe('INVALID_ARGUMENT');
    expect(err!.byteOffset).toBe(offset);
    expect(err!.message).toContain(`byte offset ${offset}`);
  });

  it('gives the same verdict and offset however the input is cut into chunks', () => {
    const anyBytes = fc.uint8Array({ maxLength: 40 });
    const mostlyValid = fc.tuple(fc.string({ unit: 'grapheme', maxLength: 20 }), fc.uint8Array({ maxLength: 2 }), fc.nat()).map(([s, junk, at]) => {
      const enc = new TextEncoder().encode(s);
      const i = enc.length === 0 ? 0 : at % enc.length;
      return new Uint8Array([...enc.subarray(0, i), ...junk, ...enc.subarray(i)]);
    });
    fc.assert(
      fc.property(fc.oneof(anyBytes, mostlyValid), fc.array(fc.nat(), { maxLength: 5 }), (input, rawCuts) => {
        const cuts = [...new Set(rawCuts.map((c) => c % (input.length + 1)))].sort((a, b) => a - b);
        const whole = firstError(input);
        const chunked = firstError(input, cuts);
        expect(chunked?.byteOffset).toBe(whole?.byteOffset);
        // Agrees with the platform's strict decoder on what is valid.
        let platformValid = true;
        try {
          new TextDecoder('utf-8', { fatal: true }).decode(input);
        } catch {
          platformValid = false;
        }
        expect(whole === undefined).toBe(platformValid);
        if (whole) {
          // Everything before the reported offset is a valid prefix.
          expect(firstError(input.subarray(0, whole.byteOffset))).toBeUndefined();
        }
      }),
      { numRuns: 500 },
    );
  });
});

describe('decodeUtf8', () => {
  it('decodes valid bytes and drops a byte-order mark', () => {
    expect(decodeUtf8(new TextEncoder().encode('¿Qué tal? 😀'))).toBe('¿Qué tal? 😀');
    expect(decodeUtf8(bytes(0xef, 0xbb, 0xbf, 0x68, 0x69))).toBe('hi');
  });

  it('names the source and offset of bad bytes', () => {
    expect(() => decodeUtf8(bytes(0x68, 0xff), 'upload.txt')).toThrowError(/upload\.txt is not valid UTF-8: byte 0xFF at byte offset 1/);
  });

  it('rejects non-bytes with a typed error', () => {
    expect(() => decodeUtf8('text' as unknown as Uint8Array)).toThrowError(/'bytes' must be a Uint8Array/);
  });
});
