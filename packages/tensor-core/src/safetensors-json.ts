// A strict JSON parser for untrusted safetensors headers: rejects duplicate keys, bounds nesting, builds no prototypes.

/** A parsed JSON value; objects are Maps so that keys such as `__proto__` stay plain data. */
export type JsonValue = null | boolean | number | string | JsonValue[] | JsonObject;

/** A parsed JSON object, keys in file order. */
export type JsonObject = Map<string, JsonValue>;

/** Malformed JSON, with the character offset where parsing stopped. */
export class JsonSyntaxError extends Error {
  /** Offset, in UTF-16 code units of the text, where the problem was found. */
  readonly position: number;
  constructor(message: string, position: number) {
    super(`${message} at character ${position}`);
    this.position = position;
    this.name = 'JsonSyntaxError';
  }
}

const NUMBER = /-?(?:0|[1-9][0-9]*)(?:\.[0-9]+)?(?:[eE][+-]?[0-9]+)?/y;
const PLAIN = /[^"\\\u0000-\u001f]*/y;
const HEX4 = /^[0-9a-fA-F]{4}$/;
const ESCAPES: Record<string, string> = { '"': '"', '\\': '\\', '/': '/', b: '\b', f: '\f', n: '\n', r: '\r', t: '\t' };

/**
 * Parses `text` as one RFC 8259 JSON value surrounded by optional whitespace.
 * Unlike `JSON.parse`, a repeated key in an object is an error (the safetensors reference rejects
 * ambiguous headers), and nesting deeper than `maxDepth` is an error instead of a stack overflow.
 *
 * @throws JsonSyntaxError on any malformed input
 */
export function parseStrictJson(text: string, maxDepth = 64): JsonValue {
  const parser = new Parser(text, maxDepth);
  parser.skipWhitespace();
  const value = parser.value(0);
  parser.skipWhitespace();
  if (parser.pos !== text.length) parser.fail('unexpected text after the JSON value');
  return value;
}

class Parser {
  pos = 0;
  constructor(
    private readonly text: string,
    private readonly maxDepth: number,
  ) {}

  fail(message: string, at = this.pos): never {
    throw new JsonSyntaxError(message, at);
  }

  skipWhitespace(): void {
    const t = this.text;
    let p = this.pos;
    while (p < t.length) {
      const c = t.charCodeAt(p);
      if (c !== 0x20 && c !== 0x0a && c !== 0x0d && c !== 0x09) break;
      p++;
    }
    this.pos = p;
  }

  value(depth: number): JsonValue {
    if (this.pos >= this.text.length) this.fail('unexpected end of JSON');
    const c = this.text[this.pos];
    if (c === '{') return this.object(depth + 1);
    if (c === '[') return this.array(depth + 1);
    if (c === '"') return this.string();
    if (c === 't') return this.literal('true', true);
    if (c === 'f') return this.literal('false', false);
    if (c === 'n') return this.literal('null', null);
    return this.number();
  }

  private literal<T>(word: string, value: T): T {
    if (!this.text.startsWith(word, this.pos)) this.fail('invalid literal');
    this.pos += word.length;
    return value;
  }

  private number(): number {
    NUMBER.lastIndex = this.pos;
    const m = NUMBER.exec(this.text);
    if (m === null) this.fail(`unexpected character ${JSON.stringify(this.text[this.pos])}`);
    this.pos += m[0].length;
    return Number(m[0]);
  }

  private string(): string {
    const t = this.text;
    // Fast path: a run of plain characters up to the closing quote needs no copying beyond one slice.
    PLAIN.lastIndex = this.pos + 1;
    PLAIN.test(t);
    let p = PLAIN.lastIndex;
    if (t.charCodeAt(p) === 0x22) {
      const plain = t.slice(this.pos + 1, p);
      this.pos = p + 1;
      return plain;
    }
    let start = this.pos + 1;
    let out = '';
    for (;;) {
      if (p >= t.length) this.fail('unterminated string', this.pos);
      const c = t.charCodeAt(p);
      if (c === 0x22) {
        out += t.slice(start, p);
        this.pos = p + 1;
        return out;
      }
      if (c === 0x5c) {
        out += t.slice(start, p);
        const e = t[p + 1];
        if (e === 'u') {
          const hex = t.slice(p + 2, p + 6);
          if (!HEX4.test(hex)) this.fail('invalid \\u escape', p);
          out += String.fromCharCode(parseInt(hex, 16));
          p += 6;
        } else {
          const decoded = e === undefined ? undefined : ESCAPES[e];
          if (decoded === undefined) this.fail('invalid escape', p);
          out += decoded;
          p += 2;
        }
        start = p;
        continue;
      }
      if (c < 0x20) this.fail('control character in string', p);
      p++;
    }
  }

  private array(depth: number): JsonValue[] {
    if (depth > this.maxDepth) this.fail(`nesting deeper than ${this.maxDepth}`);
    this.pos++;
    const out: JsonValue[] = [];
    this.skipWhitespace();
    if (this.text[this.pos] === ']') {
      this.pos++;
      return out;
    }
    for (;;) {
      this.skipWhitespace();
      out.push(this.value(depth));
      this.skipWhitespace();
      const c = this.text[this.pos++];
      if (c === ']') return out;
      if (c !== ',') this.fail("expected ',' or ']'", this.pos - 1);
    }
  }

  private object(depth: number): JsonObject {
    if (depth > this.maxDepth) this.fail(`nesting deeper than ${this.maxDepth}`);
    this.pos++;
    const out: JsonObject = new Map();
    this.skipWhitespace();
    if (this.text[this.pos] === '}') {
      this.pos++;
      return out;
    }
    for (;;) {
      this.skipWhitespace();
      if (this.text[this.pos] !== '"') this.fail('expected a string key');
      const keyAt = this.pos;
      const key = this.string();
      if (out.has(key)) this.fail(`duplicate key ${JSON.stringify(key)}`, keyAt);
      this.skipWhitespace();
      if (this.text[this.pos] !== ':') this.fail("expected ':'");
      this.pos++;
      this.skipWhitespace();
      out.set(key, this.value(depth));
      this.skipWhitespace();
      const c = this.text[this.pos++];
      if (c === '}') return out;
      if (c !== ',') this.fail("expected ',' or '}'", this.pos - 1);
    }
  }
}
