// safetensors: round trips, bytes as Python writes them, every dtype codec, and fuzzing of malformed files.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  CheckpointCorruptError,
  decodeSafetensors,
  encodeSafetensors,
  Generator,
  randint,
  randn,
  readSafetensorsHeader,
  tensor,
  type Tensor,
} from '../src/index.js';
import { decodeElements, encodeElements, halfToFloatBits, SAFETENSORS_DTYPES, type SafetensorsDType } from '../src/safetensors-dtype.js';
import { parseStrictJson } from '../src/safetensors-json.js';

const code = (c: string) => expect.objectContaining({ code: c });

/** A file from header text and data bytes; `declared` overrides the header length field. */
function buildFile(headerText: string, data: ArrayLike<number>, declared?: bigint): Uint8Array {
  const header = new TextEncoder().encode(headerText);
  const out = new Uint8Array(8 + header.length + data.length);
  const n = declared ?? BigInt(header.length);
  for (let i = 0; i < 8; i++) out[i] = Number((n >> BigInt(8 * i)) & 0xffn);
  out.set(header, 8);
  out.set(Array.from(data), 8 + header.length);
  return out;
}

function headerText(bytes: Uint8Array): string {
  const n = Number(new DataView(bytes.buffer, bytes.byteOffset).getBigUint64(0, true));
  return new TextDecoder().decode(bytes.subarray(8, 8 + n));
}

function sample(): Record<string, Tensor> {
  const g = new Generator(3);
  return {
    'encoder.weight': randn([3, 4], { generator: g }),
    'encoder.bias': randn([4], { generator: g, dtype: 'float64' }),
    tokens: randint(-1000, 1000, [2, 5], { generator: g }),
    mask: tensor([[true, false, true]]),
    step: tensor(7, undefined, 'int32'),
    temperature: tensor(0.5),
    empty: tensor([], [0, 3]),
    'empty.bool': tensor([], [2, 0], 'bool'),
  };
}

function expectSameTensors(actual: Record<string, Tensor>, expected: Record<string, Tensor>): void {
  expect(Object.keys(actual).sort()).toEqual(Object.keys(expected).sort());
  for (const [name, t] of Object.entries(expected)) {
    expect({ name, dtype: actual[name].dtype, shape: [...actual[name].shape] }).toEqual({ name, dtype: t.dtype, shape: [...t.shape] });
    expect(Array.from(actual[name].dataSync())).toEqual(Array.from(t.dataSync()));
  }
}

describe('safetensors round trip', () => {
  it('round-trips every dtype, scalars, empty tensors and metadata', () => {
    const tensors = sample();
    const metadata = { format: 'pt', config: JSON.stringify({ hiddenSize: 32 }), 'naïve ✓': 'välue\n"quoted"', __proto__x: '' };
    const bytes = encodeSafetensors(tensors, metadata);
    const decoded = decodeSafetensors(bytes, { backend: 'cpu' });
    expectSameTensors(decoded.tensors, tensors);
    expect(decoded.metadata).toEqual(metadata);
    expect(decoded.tensors.step.toArray()).toBe(7);
    expect(decodeSafetensors(encodeSafetensors({})).tensors).toEqual({});
  });

  it('writes sorted keys, a space-padded 8-aligned header, aligned data and no metadata unless given', () => {
    const tensors = { b: tensor([1, 2], [2], 'float64'), '10': tensor([true]), a: tensor([3], [1], 'int32'), '2': tensor([4]) };
    const bytes = encodeSafetensors(tensors);
    const text = headerText(bytes);
    expect(text.length % 8).toBe(0);
    expect(text.trimEnd()).toBe(
      '{"10":{"dtype":"BOOL","shape":[1],"data_offsets":[24,25]},"2":{"dtype":"F32","shape":[1],"data_offsets":[16,20]},' +
        '"a":{"dtype":"I32","shape":[1],"data_offsets":[20,24]},"b":{"dtype":"F64","shape":[2],"data_offsets":[0,16]}}',
    );
    expect(text.slice(text.trimEnd().length)).toMatch(/^ *$/);
    const header = readSafetensorsHeader(bytes);
    expect(header.headerSize).toBe(text.length);
    expect(header.metadata).toEqual({});
    for (const e of header.entries) expect(e.dataOffsets[0] % SAFETENSORS_DTYPES[e.dtype].bytes).toBe(0);
    expect(headerText(encodeSafetensors({}, {}))).toMatch(/^\{"__metadata__":\{\}\} *$/);
  });

  it('keeps names that look like integers or prototypes as plain data', () => {
    const tensors = Object.fromEntries([
      ['__proto__', tensor([1])],
      ['constructor', tensor([2])],
      ['0', tensor([3])],
    ]);
    const decoded = decodeSafetensors(encodeSafetensors(tensors, Object.fromEntries([['__proto__', 'x']])));
    expect(Object.keys(decoded.tensors).sort()).toEqual(['0', '__proto__', 'constructor']);
    expect(decoded.tensors['__proto__'].toArray()).toEqual([1]);
    expect(Object.getPrototypeOf(decoded.metadata)).toBe(Object.prototype);
    expect(Object.getOwnPropertyDescriptor(decoded.metadata, '__proto__')?.value).toBe('x');
  });

  it('property: random tensors round-trip exactly', () => {
    const dtypes = ['float32', 'float64', 'int32', 'bool'] as const;
    fc.assert(
      fc.property(
        fc.dictionary(
          fc.string({ minLength: 1, maxLength: 8 }).filter((s) => s !== '__metadata__'),
          fc.record({ dtype: fc.constantFrom(...dtypes), shape: fc.array(fc.integer({ min: 0, max: 4 }), { maxLength: 3 }), seed: fc.integer() }),
          { maxKeys: 5 },
        ),
        fc.dictionary(fc.string(), fc.string(), { maxKeys: 3 }),
        (specs, metadata) => {
          const tensors: Record<string, Tensor> = {};
          for (const [name, { dtype, shape, seed }] of Object.entries(specs)) {
            const g = new Generator(seed);
            if (dtype === 'bool') tensors[name] = tensor(randint(0, 2, shape, { generator: g }).dataSync(), shape, 'bool');
            else if (dtype === 'int32') tensors[name] = randint(-(2 ** 31), 2 ** 31, shape, { generator: g });
            else tensors[name] = randn(shape, { generator: g, dtype });
          }
          const decoded = decodeSafetensors(encodeSafetensors(tensors, metadata));
          expectSameTensors(decoded.tensors, tensors);
          expect(decoded.metadata).toEqual(metadata);
        },
      ),
      { numRuns: 300 },
    );
  });

  it('rejects bad arguments to encode with typed errors', () => {
    expect(() => encodeSafetensors({ '': tensor([1]) })).toThrow(code('INVALID_ARGUMENT'));
    expect(() => encodeSafetensors({ __metadata__: tensor([1]) })).toThrow(/'__metadata__'/);
    expect(() => encodeSafetensors({ a: [1, 2] as never })).toThrow(/entry 'a' must be a Tensor/);
    expect(() => encodeSafetensors({ a: tensor([1]) }, { n: 3 as never })).toThrow(/value of 'n' must be a string; received 3/);
    expect(() => encodeSafetensors(tensor([1]) as never)).toThrow(code('INVALID_ARGUMENT'));
    expect(() => decodeSafetensors([1, 2, 3] as never)).toThrow(code('INVALID_ARGUMENT'));
    expect(() => decodeSafetensors(encodeSafetensors({}), { backend: 'nowhere' })).toThrow(code('INVALID_ARGUMENT'));
  });
});

describe('safetensors bytes written by Python', () => {
  // What `safetensors.torch.save_file({"a": torch.tensor([[1., -2.5], [3.25, 0.]]),
  // "b": torch.tensor([7, -1, 2**31 - 1])}, path, metadata={"format": "pt"})` writes, built from the format spec:
  // the Rust writer puts wider dtypes first (I64 before F32) and lists header keys in data order.
  const header =
    '{"__metadata__":{"format":"pt"},"b":{"dtype":"I64","shape":[3],"data_offsets":[0,24]},"a":{"dtype":"F32","shape":[2,2],"data_offsets":[24,40]}}';
  const padded = header + ' '.repeat((8 - (header.length % 8)) % 8);
  const i64 = [
    [0x07, 0, 0, 0, 0, 0, 0, 0],
    [0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff],
    [0xff, 0xff, 0xff, 0x7f, 0, 0, 0, 0],
  ].flat();
  const f32 = [
    [0x00, 0x00, 0x80, 0x3f], // 1.0
    [0x00, 0x00, 0x20, 0xc0], // -2.5
    [0x00, 0x00, 0x50, 0x40], // 3.25
    [0x00, 0x00, 0x00, 0x00], // 0.0
  ].flat();
  const lengthField = [padded.length, 0, 0, 0, 0, 0, 0, 0];
  const bytes = Uint8Array.from([...lengthField, ...Array.from(padded, (c) => c.charCodeAt(0)), ...i64, ...f32]);

  it('reads the header as written', () => {
    expect(padded.length).toBe(144);
    const h = readSafetensorsHeader(bytes);
    expect(h.headerSize).toBe(144);
    expect(h.metadata).toEqual({ format: 'pt' });
    expect(h.entries).toEqual([
      { name: 'b', dtype: 'I64', shape: [3], dataOffsets: [0, 24] },
      { name: 'a', dtype: 'F32', shape: [2, 2], dataOffsets: [24, 40] },
    ]);
  });

  it('decodes F32 to float32 and I64 to int32', () => {
    const { tensors, metadata } = decodeSafetensors(bytes);
    expect(metadata).toEqual({ format: 'pt' });
    expect(tensors.a.dtype).toBe('float32');
    expect(tensors.a.toArray()).toEqual([
      [1, -2.5],
      [3.25, 0],
    ]);
    expect(tensors.b.dtype).toBe('int32');
    expect(tensors.b.toArray()).toEqual([7, -1, 2147483647]);
  });

  it('decodes from a Uint8Array that is a view at an odd offset of a larger buffer', () => {
    const big = new Uint8Array(bytes.length + 3);
    big.set(bytes, 1);
    expect(decodeSafetensors(big.subarray(1, 1 + bytes.length)).tensors.a.toArray()).toEqual([
      [1, -2.5],
      [3.25, 0],
    ]);
  });
});

describe('safetensors element codecs', () => {
  const le16 = (vs: number[]) => vs.flatMap((v) => [v & 0xff, v >> 8]);

  it('widens F16 exactly, subnormals, infinities and NaN included', () => {
    const halves = [0x3c00, 0xc000, 0x7bff, 0x0001, 0x03ff, 0x0400, 0x8000, 0x7c00, 0xfc00, 0x3555];
    const file = buildFile(`{"h":{"dtype":"F16","shape":[${halves.length + 1}],"data_offsets":[0,${2 * halves.length + 2}]}}`, le16([...halves, 0x7e00]));
    const v = Array.from(decodeSafetensors(file).tensors.h.dataSync());
    expect(v.slice(0, halves.length)).toEqual([1, -2, 65504, 2 ** -24, 1023 * 2 ** -24, 2 ** -14, -0, Infinity, -Infinity, Math.fround(0.333251953125)]);
    expect(Object.is(v[6], -0)).toBe(true);
    expect(v[halves.length]).toBeNaN();
  });

  it('agrees with the half-precision formula on all 65536 bit patterns', () => {
    const f = new Float32Array(1);
    const bits = new Uint32Array(f.buffer);
    for (let h = 0; h < 0x10000; h++) {
      const s = h & 0x8000 ? -1 : 1,
        e = (h >> 10) & 0x1f,
        m = h & 0x3ff;
      const expected = e === 0 ? s * m * 2 ** -24 : e === 31 ? (m ? NaN : s * Infinity) : s * (1 + m / 1024) * 2 ** (e - 15);
      bits[0] = halfToFloatBits(h);
      if (Number.isNaN(expected)) expect(f[0]).toBeNaN();
      else if (f[0] !== expected || Object.is(f[0], -0) !== Object.is(expected, -0)) expect.fail(`half 0x${h.toString(16)}: ${f[0]} != ${expected}`);
    }
  });

  it('widens BF16 to float32', () => {
    const file = buildFile('{"w":{"dtype":"BF16","shape":[3],"data_offsets":[0,6]}}', le16([0x3f80, 0xc000, 0x4049]));
    expect(Array.from(decodeSafetensors(file).tensors.w.dataSync())).toEqual([1, -2, 3.140625]);
  });

  it('loads the small integer types as int32 and rejects values outside int32', () => {
    const cases: [SafetensorsDType, number[], number[]][] = [
      ['I8', [0xff, 0x7f, 0x80], [-1, 127, -128]],
      ['U8', [0xff, 0x00], [255, 0]],
      ['I16', le16([0xffff, 0x8000]), [-1, -32768]],
      ['U16', le16([0xffff]), [65535]],
      ['U32', [0xff, 0xff, 0xff, 0x7f], [2147483647]],
      ['U64', [0x05, 0, 0, 0, 0, 0, 0, 0], [5]],
      ['I64', [0, 0, 0, 0x80, 0xff, 0xff, 0xff, 0xff], [-2147483648]],
    ];
    for (const [dtype, data, expected] of cases) {
      const file = buildFile(`{"x":{"dtype":"${dtype}","shape":[${expected.length}],"data_offsets":[0,${data.length}]}}`, data);
      const t = decodeSafetensors(file).tensors.x;
      expect({ dtype, values: Array.from(t.dataSync()), type: t.dtype }).toEqual({ dtype, values: expected, type: 'int32' });
    }
    const bad: [SafetensorsDType, number[]][] = [
      ['I64', [0, 0, 0, 0x80, 0, 0, 0, 0]],
      ['I64', [0xff, 0xff, 0xff, 0x7f, 0xff, 0xff, 0xff, 0xff]],
      ['U64', [0, 0, 0, 0, 1, 0, 0, 0]],
      ['U32', [0, 0, 0, 0x80]],
    ];
    for (const [dtype, data] of bad) {
      const file = buildFile(`{"x":{"dtype":"${dtype}","shape":[1],"data_offsets":[0,${data.length}]}}`, data);
      expect(() => decodeSafetensors(file)).toThrow(/tensor 'x' .* does not fit int32/);
    }
    expect(() => decodeSafetensors(buildFile('{"m":{"dtype":"BOOL","shape":[2],"data_offsets":[0,2]}}', [1, 2]))).toThrow(/holds byte 2 at flat index 1/);
  });

  it('the portable DataView path (used on big-endian hosts) matches the native copy', () => {
    const g = new Generator(1);
    const sources: Tensor[] = [
      randn([17], { generator: g }),
      randn([9], { generator: g, dtype: 'float64' }),
      randint(-(2 ** 31), 2 ** 31, [13], { generator: g }),
    ];
    for (const t of sources) {
      const values = t.dataSync();
      const native = new Uint8Array(values.byteLength);
      const portable = new Uint8Array(values.byteLength);
      encodeElements(values, t.dtype, native, true);
      encodeElements(values, t.dtype, portable, false);
      expect(portable).toEqual(native);
      const code = t.dtype === 'float32' ? 'F32' : t.dtype === 'float64' ? 'F64' : 'I32';
      expect(decodeElements('t', code, native, t.size, false)).toEqual(values);
      expect(decodeElements('t', code, native, t.size, true)).toEqual(values);
    }
  });
});

describe('safetensors validation', () => {
  const entry = (dtype: string, shape: string, offsets: string) => `{"dtype":${dtype},"shape":${shape},"data_offsets":${offsets}}`;
  const one = (e: string, data: number[] = [0, 0, 0, 0]) => buildFile(`{"x":${e}}`, data);
  const cases: [string, Uint8Array, RegExp][] = [
    ['too short', new Uint8Array(5), /at least 8/],
    ['header longer than the file', buildFile('{}', [], 9n), /exceeds the 2 bytes/],
    ['header over the 100 MB cap', buildFile('{}', [], 100_000_001n), /exceeds the limit/],
    ['header length above 2^32', buildFile('{}', [], 1n << 40n), /exceeds the limit/],
    ['header length 2^64 - 1', buildFile('{}', [], (1n << 64n) - 1n), /exceeds the limit/],
    ['invalid UTF-8', buildFile('{"a":1}', []).map((b, i) => (i === 10 ? 0xff : b)), /UTF-8/],
    ['not JSON', buildFile('{"a":', []), /not valid JSON/],
    ['empty header', buildFile('', []), /not valid JSON/],
    ['trailing text', buildFile('{} x', []), /after the JSON value/],
    ['an array root', buildFile('[]', []), /must be a JSON object/],
    ['duplicate names', buildFile(`{"x":${entry('"F32"', '[0]', '[0,0]')},"x":${entry('"F32"', '[0]', '[0,0]')}}`, []), /duplicate key "x"/],
    ['empty name', buildFile(`{"":${entry('"F32"', '[0]', '[0,0]')}}`, []), /empty name/],
    ['deep nesting', buildFile(`{"__metadata__":${'['.repeat(100_000)}`, []), /nesting deeper/],
    ['entry not an object', one('[1]'), /must be an object/],
    ['unknown dtype', one(entry('"F8_E4M3"', '[4]', '[0,4]')), /unknown or unsupported dtype "F8_E4M3"/],
    ['dtype not a string', one(entry('4', '[1]', '[0,4]')), /unsupported dtype 4/],
    ['missing shape', one('{"dtype":"F32","data_offsets":[0,4]}'), /'shape'/],
    ['negative dim', one(entry('"F32"', '[-1]', '[0,4]')), /non-negative integers/],
    ['fractional dim', one(entry('"F32"', '[1.5]', '[0,4]')), /non-negative integers/],
    ['huge shape', one(entry('"F32"', '[9007199254740991,9007199254740991,9007199254740991]', '[0,4]')), /needs more than 2\^53 bytes/],
    ['wrong byte length', one(entry('"F32"', '[2]', '[0,4]')), /needs 8 bytes but data_offsets \[0, 4\] span 4/],
    ['negative offset', one(entry('"U8"', '[4]', '[-1,3]')), /'data_offsets'/],
    ['three offsets', one(entry('"F32"', '[1]', '[0,4,4]')), /'data_offsets'/],
    ['reversed offsets', one(entry('"F32"', '[0]', '[4,0]')), /end before they begin/],
    ['offsets past the end', one(entry('"F32"', '[1]', '[4,8]')), /outside the data section/],
    ['offset beyond 2^53', one(entry('"F32"', '[1]', '[0,1e300]')), /'data_offsets'/],
    ['gap before data', buildFile(`{"x":${entry('"F32"', '[1]', '[4,8]')}}`, new Array(8).fill(0)), /gap before tensor 'x'/],
    ['uncovered tail', buildFile(`{"x":${entry('"F32"', '[1]', '[0,4]')}}`, new Array(8).fill(0)), /cover only 4/],
    [
      'overlapping tensors',
      buildFile(`{"x":${entry('"F32"', '[2]', '[0,8]')},"y":${entry('"F32"', '[1]', '[4,8]')}}`, new Array(8).fill(0)),
      /overlaps tensor 'x'/,
    ],
    ['metadata not an object', buildFile('{"__metadata__":"pt"}', []), /'__metadata__' must be an object/],
    ['metadata value not a string', buildFile('{"__metadata__":{"step":3}}', []), /value of "step" must be a string; received 3/],
  ];

  it.each(cases)('%s → CHECKPOINT_CORRUPT', (_, bytes, message) => {
    expect(() => decodeSafetensors(bytes)).toThrow(CheckpointCorruptError);
    expect(() => decodeSafetensors(bytes)).toThrow(message);
    expect(() => readSafetensorsHeader(bytes)).toThrow(code('CHECKPOINT_CORRUPT'));
  });

  it('accepts zero-size tensors anywhere on a boundary, and ignores unknown entry fields', () => {
    const header = `{"z":${entry('"F64"', '[0,5]', '[4,4]')},"x":{"dtype":"F32","shape":[1],"data_offsets":[0,4],"extra":[1,{}]},"y":${entry('"I32"', '[]', '[4,8]')}}`;
    const { tensors } = decodeSafetensors(buildFile(header, [0, 0, 0x80, 0x3f, 5, 0, 0, 0]));
    expect(tensors.x.toArray()).toEqual([1]);
    expect(tensors.y.toArray()).toBe(5);
    expect([...tensors.z.shape]).toEqual([0, 5]);
  });

  it('the strict JSON parser agrees with JSON.parse on valid text', () => {
    fc.assert(
      fc.property(fc.jsonValue({ maxDepth: 5 }), (value) => {
        const text = JSON.stringify(value);
        const toPlain = (v: unknown): unknown =>
          v instanceof Map ? Object.fromEntries([...v].map(([k, x]) => [k, toPlain(x)])) : Array.isArray(v) ? v.map(toPlain) : v;
        expect(toPlain(parseStrictJson(text))).toEqual(JSON.parse(text));
      }),
      { numRuns: 500 },
    );
  });
});

describe('safetensors fuzzing: decode succeeds or throws CheckpointCorruptError, never anything else', () => {
  const valid = [
    encodeSafetensors(sample(), { format: 'pt', note: 'fuzz' }),
    encodeSafetensors({
      w: tensor([
        [1, 2],
        [3, 4],
      ]),
      b: tensor([1, 2], [2], 'int32'),
    }),
    buildFile(
      '{"h":{"dtype":"F16","shape":[2],"data_offsets":[0,4]},"l":{"dtype":"I64","shape":[1],"data_offsets":[4,12]}}',
      [0, 0x3c, 0, 0xc0, 9, 0, 0, 0, 0, 0, 0, 0],
    ),
  ];

  function decodeOrCorrupt(bytes: Uint8Array): void {
    let decoded;
    try {
      decoded = decodeSafetensors(bytes);
    } catch (err) {
      if (!(err instanceof CheckpointCorruptError)) throw err;
      expect(err.code).toBe('CHECKPOINT_CORRUPT');
      return;
    }
    for (const t of Object.values(decoded.tensors)) expect(t.dataSync().length).toBe(t.shape.reduce((a, b) => a * b, 1));
  }

  it('random byte strings', () => {
    fc.assert(fc.property(fc.uint8Array({ maxLength: 300 }), decodeOrCorrupt), { numRuns: 3000 });
  });

  it('random headers behind a plausible length field', () => {
    fc.assert(
      fc.property(
        fc.string({ maxLength: 200 }),
        fc.uint8Array({ maxLength: 64 }),
        fc.option(fc.bigInt({ min: 0n, max: 2n ** 64n - 1n })),
        (text, data, declared) => {
          decodeOrCorrupt(buildFile(text, data, declared ?? undefined));
        },
      ),
      { numRuns: 3000 },
    );
  });

  const evil = fc.oneof(
    fc.constantFrom<unknown>(
      -1,
      0,
      1,
      2 ** 31,
      2 ** 53,
      2 ** 53 + 2,
      1e300,
      -0.5,
      1.5,
      NaN,
      '4',
      null,
      true,
      [],
      {},
      [[1]],
      'F8_E5M2',
      'C64',
      'BOOL',
      'I64',
      'F16',
    ),
    fc.integer({ min: -10, max: 100 }),
    fc.array(fc.integer({ min: -3, max: 2 ** 33 }), { maxLength: 4 }),
  );

  // Weighted towards header edits that keep the JSON valid, so that the field checks and the tiling check are reached.
  const mutation = fc.oneof(
    { weight: 3, arbitrary: fc.record({ kind: fc.constant('flip' as const), at: fc.nat(), bit: fc.integer({ min: 0, max: 7 }) }) },
    { weight: 1, arbitrary: fc.record({ kind: fc.constant('truncate' as const), at: fc.nat() }) },
    {
      weight: 1,
      arbitrary: fc.record({
        kind: fc.constant('length' as const),
        value: fc.oneof(fc.bigInt({ min: 0n, max: 2n ** 64n - 1n }), fc.bigInt({ min: 0n, max: 400n })),
      }),
    },
    {
      weight: 4,
      arbitrary: fc.record({
        kind: fc.constant('field' as const),
        entry: fc.nat(),
        field: fc.constantFrom('dtype', 'shape', 'data_offsets', 'offset0', 'offset1', 'dim'),
        value: evil,
        fixLength: fc.boolean(),
      }),
    },
    {
      weight: 4,
      arbitrary: fc.record({ kind: fc.constant('shift' as const), entry: fc.nat(), which: fc.constantFrom(0, 1, 2), delta: fc.integer({ min: -8, max: 8 }) }),
    },
    { weight: 1, arbitrary: fc.record({ kind: fc.constant('drop' as const), entry: fc.nat(), field: fc.constantFrom('dtype', 'shape', 'data_offsets') }) },
    { weight: 1, arbitrary: fc.record({ kind: fc.constant('duplicate' as const), entry: fc.nat() }) },
    { weight: 1, arbitrary: fc.record({ kind: fc.constant('append' as const), data: fc.uint8Array({ minLength: 1, maxLength: 16 }) }) },
  );

  function mutate(file: Uint8Array, m: typeof mutation extends fc.Arbitrary<infer T> ? T : never): Uint8Array {
    const out = file.slice();
    const n = Number(new DataView(file.buffer, file.byteOffset).getBigUint64(0, true));
    const text = new TextDecoder().decode(file.subarray(8, 8 + n));
    const data = file.subarray(8 + n);
    switch (m.kind) {
      case 'flip':
        out[m.at % out.length] ^= 1 << m.bit;
        return out;
      case 'truncate':
        return out.subarray(0, m.at % out.length);
      case 'length':
        return buildFile(text, data, m.value);
      case 'append': {
        const longer = new Uint8Array(file.length + m.data.length);
        longer.set(file);
        longer.set(m.data, file.length);
        return longer;
      }
      default: {
        let header: Record<string, Record<string, unknown>>;
        try {
          header = JSON.parse(text);
        } catch {
          return out; // an earlier mutation already broke the JSON
        }
        if (typeof header !== 'object' || header === null) return out;
        const names = Object.keys(header).filter((k) => k !== '__metadata__' && typeof header[k] === 'object' && header[k] !== null);
        if (names.length === 0) return out;
        const name = names[m.entry % names.length];
        const e = header[name];
        const offsets = e.data_offsets;
        const numericOffsets = Array.isArray(offsets) && typeof offsets[0] === 'number' && typeof offsets[1] === 'number';
        if ((m.kind === 'shift' || (m.kind === 'field' && (m.field === 'offset0' || m.field === 'offset1'))) && !numericOffsets) return out;
        if (m.kind === 'field' && m.field === 'dim' && !Array.isArray(e.shape)) return out;
        if (m.kind === 'shift') {
          // Moving one or both ends makes gaps, overlaps and length mismatches next to valid neighbours.
          const o = offsets as number[];
          if (m.which !== 1) o[0] += m.delta;
          if (m.which !== 0) o[1] += m.delta;
        } else if (m.kind === 'drop') delete e[m.field];
        else if (m.kind === 'duplicate') {
          const json = JSON.stringify(header);
          return buildFile(`${json.slice(0, -1)},${JSON.stringify(name)}:${JSON.stringify(e)}}`, data);
        } else if (m.field === 'offset0' || m.field === 'offset1') (e.data_offsets as unknown[])[m.field === 'offset0' ? 0 : 1] = m.value;
        else if (m.field === 'dim') (e.shape as unknown[]).push(m.value);
        else e[m.field] = m.value;
        const json = JSON.stringify(header);
        return m.kind === 'field' && !m.fixLength ? buildFile(json, data, BigInt(n)) : buildFile(json, data);
      }
    }
  }

  it('mutations of valid files: bit flips, truncations, length corruptions, JSON edits, duplicates', () => {
    fc.assert(
      fc.property(fc.constantFrom(...valid), fc.array(mutation, { minLength: 1, maxLength: 2 }), (file, mutations) => {
        let bytes = file;
        for (const m of mutations) bytes = bytes.length >= 8 ? mutate(bytes, m) : bytes;
        decodeOrCorrupt(bytes);
      }),
      { numRuns: 5000 },
    );
  });
});
