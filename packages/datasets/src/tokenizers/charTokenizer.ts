// Character-level tokenizer: a vocabulary of code points in stable (code point) order, with a policy for unknown characters.
import { InvalidArgumentError } from '@seqlab/tensor-core';
import { checkOptions, describeValue } from '../validate.js';
import { readTokenIds, type TokenIds } from './tokenIds.js';

/**
 * What {@link CharTokenizer.encode} does with a character outside the vocabulary: `'error'` throws (the
 * default, so that a validation set cannot silently lose text), `'skip'` drops it, `'replace'` encodes the
 * replacement character, which is then part of the vocabulary.
 */
export type UnknownCharPolicy = 'error' | 'skip' | 'replace';

/** Options of {@link CharTokenizer}. */
export interface CharTokenizerOptions {
  /** Policy for characters outside the vocabulary. Default `'error'`. */
  unknown?: UnknownCharPolicy;
  /** The character unknown ones become under `'replace'`. Default U+FFFD REPLACEMENT CHARACTER. */
  replacement?: string;
}

/** The JSON form of a {@link CharTokenizer}, stored in checkpoints. */
export interface CharTokenizerJSON {
  /** Tells the tokenizer kinds apart in {@link tokenizerFromJSON}. */
  readonly type: 'char';
  /** Format version. */
  readonly version: 1;
  /** Characters in id order. */
  readonly characters: readonly string[];
  /** Policy for characters outside the vocabulary. */
  readonly unknown: UnknownCharPolicy;
  /** Present under the `'replace'` policy. */
  readonly replacement?: string;
}

const POLICIES: readonly UnknownCharPolicy[] = ['error', 'skip', 'replace'];

function isSingleCodePoint(s: unknown): s is string {
  if (typeof s !== 'string' || s.length === 0 || s.length > 2) return false;
  const cp = s.codePointAt(0)!;
  return String.fromCodePoint(cp) === s && !(cp >= 0xd800 && cp <= 0xdfff);
}

const LITTLE_ENDIAN = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1;
// ignoreBOM keeps a leading U+FEFF, which is an ordinary vocabulary character here.
const UTF16_DECODER = new TextDecoder('utf-16le', { ignoreBOM: true });

/** A string from UTF-16 code units: one native decode (about 10× faster than fromCharCode over chunks). */
function utf16ToString(units: Uint16Array): string {
  if (LITTLE_ENDIAN) return UTF16_DECODER.decode(units);
  const parts: string[] = [];
  for (let i = 0; i < units.length; i += 4096) parts.push(String.fromCharCode.apply(null, units.subarray(i, i + 4096) as unknown as number[]));
  return parts.join('');
}

function codePointLabel(cp: number): string {
  return `U+${cp.toString(16).toUpperCase().padStart(4, '0')}`;
}

/**
 * Maps each character (Unicode code point) to an id. Built from a corpus, the vocabulary is the set of its
 * characters sorted by code point, as `sorted(set(text))` in char-rnn and nanoGPT, so the ids do not depend on
 * where characters first appear.
 *
 * @example
 * ```ts
 * const tok = CharTokenizer.fromText('hello world');
 * tok.vocabSize;                    // 8: ' ', 'd', 'e', 'h', 'l', 'o', 'r', 'w'
 * tok.decode(tok.encode('hello'));  // 'hello'
 * const copy = CharTokenizer.fromJSON(JSON.parse(JSON.stringify(tok)));
 * ```
 */
export class CharTokenizer {
  /** Characters in id order. */
  readonly characters: readonly string[];
  /** Policy for characters outside the vocabulary. */
  readonly unknown: UnknownCharPolicy;
  /** Id of the replacement character under `'replace'`, else -1. */
  readonly replacementId: number;
  /** Ids of code points below `bmpIds.length`; -1 where absent. */
  private readonly bmpIds: Int32Array;
  private readonly astralIds: Map<number, number>;
  /** UTF-16 code units of each id's character (one or two), for decoding without string concatenation. */
  private readonly units: Uint16Array;
  private readonly unitCounts: Uint8Array;

  private constructor(fn: string, characters: readonly string[], options: CharTokenizerOptions | undefined) {
    const opts = checkOptions(fn, options);
    const unknown = opts.unknown ?? 'error';
    if (!POLICIES.includes(unknown)) {
      throw new InvalidArgumentError(`${fn}: argument 'unknown' must be one of 'error', 'skip', 'replace'; received ${describeValue(unknown)}`);
    }
    if (!Array.isArray(characters)) {
      throw new InvalidArgumentError(`${fn}: argument 'characters' must be an array of single characters; received ${describeValue(characters)}`);
    }
    let maxBmp = -1;
    const astralIds = new Map<number, number>();
    const seen = new Set<string>();
    characters.forEach((ch, i) => {
      if (!isSingleCodePoint(ch)) {
        throw new InvalidArgumentError(`${fn}: argument 'characters' must hold single characters; received ${describeValue(ch)} at index ${i}`);
      }
      if (seen.has(ch)) throw new InvalidArgumentError(`${fn}: argument 'characters' holds ${describeValue(ch)} twice (index ${i}); characters must be unique`);
      seen.add(ch);
      const cp = ch.codePointAt(0)!;
      if (cp > 0xffff) astralIds.set(cp, i);
      else if (cp > maxBmp) maxBmp = cp;
    });
    if (characters.length === 0) throw new InvalidArgumentError(`${fn}: the vocabulary is empty; expected at least one character`);
    const bmpIds = new Int32Array(maxBmp + 1).fill(-1);
    const units = new Uint16Array(characters.length * 2);
    const unitCounts = new Uint8Array(characters.length);
    characters.forEach((ch, i) => {
      const cp = ch.codePointAt(0)!;
      if (cp <= 0xffff) bmpIds[cp] = i;
      units[2 * i] = ch.charCodeAt(0);
      if (ch.length === 2) units[2 * i + 1] = ch.charCodeAt(1);
      unitCounts[i] = ch.length;
    });
    let replacementId = -1;
    if (unknown === 'replace') {
      const replacement = opts.replacement ?? '\uFFFD';
      if (!isSingleCodePoint(replacement)) {
        throw new InvalidArgumentError(`${fn}: argument 'replacement' must be a single character; received ${describeValue(replacement)}`);
      }
      replacementId = characters.indexOf(replacement);
      if (replacementId < 0) {
        throw new InvalidArgumentError(`${fn}: the replacement character ${codePointLabel(replacement.codePointAt(0)!)} must be in the vocabulary`);
      }
    }
    this.characters = Object.freeze([...characters]);
    this.unknown = unknown;
    this.replacementId = replacementId;
    this.bmpIds = bmpIds;
    this.astralIds = astralIds;
    this.units = units;
    this.unitCounts = unitCounts;
  }

  /**
   * The vocabulary of a corpus: its distinct characters in code point order (plus the replacement character
   * under the `'replace'` policy). An empty corpus is an error.
   */
  static fromText(text: string, options?: CharTokenizerOptions): CharTokenizer {
    if (typeof text !== 'string') throw new InvalidArgumentError(`CharTokenizer.fromText: argument 'text' must be a string; received ${describeValue(text)}`);
    if (text.length === 0) throw new InvalidArgumentError(`CharTokenizer.fromText: argument 'text' is an empty corpus; expected at least one character`);
    const opts = checkOptions('CharTokenizer.fromText', options);
    // Marking code units in a bitmap is much faster than a Set of strings on megabyte corpora.
    const present = new Uint8Array(0x10000);
    const astral = new Set<number>();
    for (let i = 0; i < text.length; i++) {
      const c = text.charCodeAt(i);
      if (c >= 0xd800 && c <= 0xdbff && i + 1 < text.length) {
        const d = text.charCodeAt(i + 1);
        if (d >= 0xdc00 && d <= 0xdfff) {
          astral.add(((c - 0xd800) << 10) + (d - 0xdc00) + 0x10000);
          i++;
          continue;
        }
      }
      if (c >= 0xd800 && c <= 0xdfff) {
        throw new InvalidArgumentError(
          `CharTokenizer.fromText: argument 'text' holds a lone surrogate ${codePointLabel(c)} at index ${i}; expected well-formed Unicode`,
        );
      }
      present[c] = 1;
    }
    if (opts.unknown === 'replace') {
      const r = opts.replacement ?? '\uFFFD';
      if (isSingleCodePoint(r)) {
        const cp = r.codePointAt(0)!;
        if (cp > 0xffff) astral.add(cp);
        else present[cp] = 1;
      }
    }
    const characters: string[] = [];
    for (let c = 0; c < 0x10000; c++) if (present[c]) characters.push(String.fromCharCode(c));
    for (const cp of [...astral].sort((a, b) => a - b)) characters.push(String.fromCodePoint(cp));
    return new CharTokenizer('CharTokenizer.fromText', characters, opts);
  }

  /** A tokenizer over exactly these characters, in this id order. */
  static fromCharacters(characters: readonly string[], options?: CharTokenizerOptions): CharTokenizer {
    return new CharTokenizer('CharTokenizer.fromCharacters', characters, options);
  }

  /** Restores a tokenizer from {@link toJSON}'s output, validating it. */
  static fromJSON(json: CharTokenizerJSON): CharTokenizer {
    if (typeof json !== 'object' || json === null || json.type !== 'char' || json.version !== 1) {
      throw new InvalidArgumentError(
        `CharTokenizer.fromJSON: argument 'json' must be a { type: 'char', version: 1 } vocabulary; received ${describeValue(json)}`,
      );
    }
    return new CharTokenizer('CharTokenizer.fromJSON', json.characters, { unknown: json.unknown, replacement: json.replacement });
  }

  /** Number of ids. */
  get vocabSize(): number {
    return this.characters.length;
  }

  /** The id of one character, or undefined when it is not in the vocabulary. */
  idOf(character: string): number | undefined {
    if (typeof character !== 'string' || character.length === 0) return undefined;
    const cp = character.codePointAt(0)!;
    if (String.fromCodePoint(cp) !== character) return undefined;
    const id = cp > 0xffff ? this.astralIds.get(cp) : cp < this.bmpIds.length ? this.bmpIds[cp] : -1;
    return id === undefined || id < 0 ? undefined : id;
  }

  /** Ids of every character of `text`; unknown characters follow the tokenizer's {@link UnknownCharPolicy}. */
  encode(text: string): Int32Array {
    if (typeof text !== 'string') throw new InvalidArgumentError(`CharTokenizer.encode: argument 'text' must be a string; received ${describeValue(text)}`);
    const out = new Int32Array(text.length);
    const n = this.encodeRange('CharTokenizer.encode', text, out, 0);
    return n === out.length ? out : out.slice(0, n);
  }

  /**
   * Encodes `text` into `target` from index `offset` on, as {@link CharTokenizer.encode} would, without allocating:
   * the way to encode a corpus larger than one string chunk by chunk into one array (a `Uint8Array` holds the ids of
   * a vocabulary of up to 256 characters, a `Uint16Array` up to 65,536). Returns the index after the last id
   * written. An id that does not fit the target's type, or a target too short, is an error; error indices count
   * characters of `text`.
   *
   * @param text - the text to encode
   * @param target - where the ids go
   * @param offset - index in `target` of the first id (default 0)
   * @example
   * ```ts
   * const tok = CharTokenizer.fromText('abc');
   * const ids = new Uint8Array(6);
   * const end = tok.encodeInto('cab', ids, tok.encodeInto('abc', ids)); // 6; ids = [0, 1, 2, 2, 0, 1]
   * ```
   */
  encodeInto(text: string, target: Uint8Array | Uint16Array | Int32Array, offset = 0): number {
    const fn = 'CharTokenizer.encodeInto';
    if (typeof text !== 'string') throw new InvalidArgumentError(`${fn}: argument 'text' must be a string; received ${describeValue(text)}`);
    if (!(target instanceof Uint8Array || target instanceof Uint16Array || target instanceof Int32Array)) {
      throw new InvalidArgumentError(`${fn}: argument 'target' must be a Uint8Array, Uint16Array or Int32Array; received ${describeValue(target)}`);
    }
    if (!Number.isSafeInteger(offset) || offset < 0 || offset > target.length) {
      throw new InvalidArgumentError(`${fn}: argument 'offset' must be an integer in [0, ${target.length}]; received ${describeValue(offset)}`);
    }
    const largest = target instanceof Int32Array ? 0x7fff_ffff : target instanceof Uint16Array ? 0xffff : 0xff;
    if (this.vocabSize - 1 > largest) {
      throw new InvalidArgumentError(`${fn}: a ${target.constructor.name} holds ids up to ${largest}; the vocabulary has ${this.vocabSize} ids`);
    }
    return this.encodeRange(fn, text, target, offset);
  }

  private encodeRange(fn: string, text: string, out: Uint8Array | Uint16Array | Int32Array, offset: number): number {
    const bmp = this.bmpIds;
    let n = offset;
    for (let i = 0; i < text.length; i++) {
      let cp = text.charCodeAt(i);
      let id: number;
      const start = i;
      if (cp >= 0xd800 && cp <= 0xdbff && i + 1 < text.length) {
        const d = text.charCodeAt(i + 1);
        if (d >= 0xdc00 && d <= 0xdfff) {
          cp = ((cp - 0xd800) << 10) + (d - 0xdc00) + 0x10000;
          i++;
        }
      }
      if (cp > 0xffff) id = this.astralIds.get(cp) ?? -1;
      else id = cp < bmp.length ? bmp[cp] : -1;
      if (id < 0) {
        if (this.unknown === 'skip') continue;
        if (this.unknown === 'replace') id = this.replacementId;
        else {
          throw new InvalidArgumentError(
            `${fn}: character ${describeValue(String.fromCodePoint(cp))} (${codePointLabel(cp)}) at index ${start} is not in the vocabulary ` +
              `of ${this.vocabSize} characters; build the tokenizer with unknown: 'skip' or 'replace' to accept it`,
          );
        }
      }
      if (n >= out.length) {
        throw new InvalidArgumentError(`${fn}: argument 'target' (length ${out.length}) is too short for the ids of 'text' from offset ${offset}`);
      }
      out[n++] = id;
    }
    return n;
  }

  /** The text of a sequence of ids (an array, typed array or int32 tensor, read in row-major order). */
  decode(ids: TokenIds): string {
    const flat = readTokenIds('CharTokenizer.decode', ids, this.vocabSize);
    const out = new Uint16Array(2 * flat.length);
    let k = 0;
    for (let i = 0; i < flat.length; i++) {
      const id = flat[i];
      out[k++] = this.units[2 * id];
      if (this.unitCounts[id] === 2) out[k++] = this.units[2 * id + 1];
    }
    return utf16ToString(out.subarray(0, k));
  }

  /** The JSON form stored in checkpoints; {@link CharTokenizer.fromJSON} restores it. */
  toJSON(): CharTokenizerJSON {
    return this.unknown === 'replace'
      ? { type: 'char', version: 1, characters: [...this.characters], unknown: this.unknown, replacement: this.characters[this.replacementId] }
      : { type: 'char', version: 1, characters: [...this.characters], unknown: this.unknown };
  }
}
