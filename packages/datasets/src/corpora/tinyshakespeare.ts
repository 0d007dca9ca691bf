// The shipped tiny-shakespeare corpus: decompressed once, on first use, from the embedded gzip data.
import { gunzipSync } from 'fflate';
import { decodeUtf8 } from '../utf8.js';
import { TINY_SHAKESPEARE_GZIP_BASE64_LINES } from './tinyshakespeare.data.js';

/**
 * Where tiny-shakespeare comes from and under which terms; also in the package README.
 *
 * @example
 * ```ts
 * console.assert(loadCorpus('tinyshakespeare').origin === TINY_SHAKESPEARE_ORIGIN);
 * ```
 */
export const TINY_SHAKESPEARE_ORIGIN =
  "A selection of the works of William Shakespeare (public domain), as collected in the char-rnn project's " +
  'data/tinyshakespeare/input.txt (that repository is MIT-licensed). 1,115,394 ASCII characters, 65 distinct.';

let cached: string | undefined;

function base64ToBytes(base64: string): Uint8Array {
  // atob exists in browsers and in Node ≥ 16, so no Buffer is needed.
  const binary = atob(base64);
  const bytes = new Uint8Array(binary.length);
  for (let i = 0; i < binary.length; i++) bytes[i] = binary.charCodeAt(i);
  return bytes;
}

/** The full tiny-shakespeare text (1,115,394 characters), decompressed on the first call and cached. */
export function tinyShakespeareText(): string {
  if (cached === undefined) {
    const gz = base64ToBytes(TINY_SHAKESPEARE_GZIP_BASE64_LINES.join(''));
    cached = decodeUtf8(gunzipSync(gz), 'the embedded tiny-shakespeare corpus');
  }
  return cached;
}
