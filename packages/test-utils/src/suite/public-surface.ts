// Property test over tensor-core's public surface: every op and Tensor method, fed invalid (and valid) arguments,
// returns well-formed tensors or throws a SeqlabError with a code, never a TypeError, a RangeError or garbage.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import * as tc from '@seqlab/tensor-core';
import { DTYPES, Generator, SeqlabError, Tensor, type DType } from '@seqlab/tensor-core';
import { ALL_DTYPES, storedDTypes, stores } from './backend-dtypes.js';

type Call = (...args: never[]) => unknown;

/** One public entry point: how to call it and an arbitrary of argument lists. */
interface Entry {
  call: Call;
  args: fc.Arbitrary<unknown[]>;
}

/**
 * Exports that are not ops taking user arguments, each with the reason it is not fuzzed here. Anything else the
 * package exports must have an entry in the table, so a new op cannot skip this test.
 */
export const NOT_FUZZED: Readonly<Record<string, string>> = {
  DTYPES: 'constant',
  MAX_TENSOR_ELEMENTS: 'constant',
  ERF_FITS: 'constant',
  MAX_SAFETENSORS_HEADER_BYTES: 'constant',
  SAFETENSORS_DTYPES: 'constant',
  cpuBackend: 'backend object (its kernels trust validated arguments)',
  bytesPerElement: 'pure helper over a DType (typed)',
  dtypeOfArray: 'predicate: any value gives a dtype or undefined',
  isDType: 'predicate',
  isFloatDType: 'predicate',
  truncToInt32: 'number → number, total',
  formatShape: 'message helper',
  shapesEqual: 'pure helper on shapes',
  sizeOf: 'pure helper on shapes',
  stridesOf: 'pure helper on shapes',
  forEachRow: 'kernel helper (trusts validated shapes)',
  broadcastStrides: 'kernel helper (trusts validated shapes)',
  coalesceReduction: 'kernel helper (trusts validated shapes)',
  registerBackend: 'changes global state; validated by its own tests',
  setBackend: 'changes global state; validated by its own tests',
  getBackend: 'registry lookup; validated by its own tests',
  listBackends: 'no arguments',
  memory: 'registry lookup; validated by its own tests',
  resetPeakMemory: 'registry lookup; validated by its own tests',
  setGradRecorder: 'autograd hook',
  collectCreated: 'takes a function; validated by collect-created.test.ts',
  nodeBuiltin: 'runtime helper',
  requireNodeBuiltin: 'runtime helper',
  defaultGenerator: 'no arguments',
  readSafetensorsHeader: 'byte decoding, fuzzed by safetensors.test.ts',
  encodeSafetensors: 'byte encoding, fuzzed by safetensors.test.ts',
  decodeSafetensors: 'byte decoding, fuzzed by safetensors.test.ts',
  readSafetensorsHeaderLength: 'byte decoding, fuzzed by autograd checkpoint-hostile.test.ts',
  readSafetensorsHeaderFrom: 'byte decoding, fuzzed by autograd checkpoint-hostile.test.ts',
  readSafetensorsTensor: 'byte decoding, fuzzed by autograd checkpoint-hostile.test.ts',
  decodeSafetensorsFrom: 'byte decoding, fuzzed by autograd checkpoint-hostile.test.ts',
  bytesSource: 'wraps bytes for the readers above',
  fusedKernel: 'backend lookup; validated by fused-kernels.test.ts',
  setFusedEnabled: 'changes global state; validated by its own tests',
  isFusedEnabled: 'no arguments',
  batchFirstSequences: 'wraps a kernel table at load time; validated by the fused recurrent suite',
  sharedState: 'load-time state of package copies; validated by shared-state.test.ts',
  loadedCopies: 'registry lookup; validated by shared-state.test.ts',
  describeValue: 'message helper, total over every value',
  checkBoolean: 'the validators themselves; validated by validate.test.ts',
  checkIntegerAtLeast: 'the validators themselves; validated by validate.test.ts',
  checkNonNegativeInt: 'the validators themselves; validated by validate.test.ts',
  checkPositiveInt: 'the validators themselves; validated by validate.test.ts',
  SeqlabError: 'error class',
  ShapeMismatchError: 'error class',
  DTypeMismatchError: 'error class',
  BackendMismatchError: 'error class',
  InvalidArgumentError: 'error class',
  KernelNotFoundError: 'error class',
  CheckpointCorruptError: 'error class',
  DisposedError: 'error class',
  MemoryBudgetError: 'error class',
  UnsupportedRuntimeError: 'error class',
  IncompatibleCopyError: 'error class',
  Tensor: 'class; its methods are fuzzed as Tensor.*',
};

/** Exports that are another op under a second name: their errors name the op they alias. */
const ALIASES: Readonly<Record<string, string>> = { broadcastTo: 'expand', cat: 'concat' };

/** Throws (with the call described) unless `out` is well-formed: tensors with sane shapes, sizes and data. */
function checkWellFormed(where: string, out: unknown): void {
  if (out instanceof Tensor) {
    const fail = (what: string): never => {
      throw new Error(`${where} returned a malformed tensor: ${what}`);
    };
    if (!Array.isArray(out.shape)) fail(`shape ${String(out.shape)} is not an array`);
    let size = 1;
    for (const d of out.shape) {
      if (!Number.isInteger(d) || d < 0) fail(`shape [${out.shape.join(', ')}] has an entry that is not a non-negative integer`);
      size *= d;
    }
    if (out.size !== size) fail(`size ${out.size} is not the product ${size} of shape [${out.shape.join(', ')}]`);
    if (!DTYPES.includes(out.dtype)) fail(`dtype ${String(out.dtype)}`);
    if (out.isDisposed) return;
    const data = out.dataSync();
    if (data.length !== size) fail(`data has ${data.length} elements for shape [${out.shape.join(', ')}]`);
    if (out.dtype === 'bool' && data.some((v) => v !== 0 && v !== 1)) fail('bool data holds values other than 0 and 1');
    return;
  }
  if (Array.isArray(out)) for (const [i, o] of out.entries()) checkWellFormed(`${where}[${i}]`, o);
}

function show(value: unknown): string {
  if (value instanceof Tensor) return `Tensor(${value.dtype} [${value.shape.join(', ')}]${value.isDisposed ? ', disposed' : ''} on ${value.backendName})`;
  if (Array.isArray(value)) return `[${value.map(show).join(', ')}]`;
  if (typeof value === 'symbol' || typeof value === 'bigint' || typeof value === 'function') return String(value);
  if (ArrayBuffer.isView(value)) return `${value.constructor.name}(${(value as { length?: number }).length ?? value.byteLength})`;
  try {
    return JSON.stringify(value) ?? String(value);
  } catch {
    return Object.prototype.toString.call(value);
  }
}

/**
 * Calls `entry` with `args`: a result must be well-formed, an error a SeqlabError with a code whose message starts by
 * naming the function (`name: ...`). Returns the error code or the result's shapes and dtypes, for comparisons.
 */
export function outcome(name: string, call: Call, args: readonly unknown[]): string {
  let out: unknown;
  const where = `${name}(${args.map(show).join(', ')})`;
  try {
    out = call(...(args as never[]));
  } catch (e) {
    if (!(e instanceof SeqlabError) || typeof e.code !== 'string' || (e.code as string) === '') {
      throw new Error(`${where} threw ${(e as Error)?.constructor?.name ?? typeof e} instead of a SeqlabError: ${(e as Error)?.message ?? String(e)}`);
    }
    const fn = ALIASES[name] ?? name.replace(/^Tensor\./, '');
    if (!e.message.startsWith(`${fn}: `)) throw new Error(`${where} threw ${e.code} without naming ${fn} first: ${e.message}`);
    return e.code;
  }
  checkWellFormed(where, out);
  return JSON.stringify(out instanceof Tensor || Array.isArray(out) ? summary(out) : typeof out);
}

function summary(out: unknown): unknown {
  if (out instanceof Tensor) return [out.dtype, out.shape];
  if (Array.isArray(out)) return out.map(summary);
  return typeof out;
}

/** As many of `values` as `shape` holds, repeated as needed. */
function cycle(values: readonly number[], shape: readonly number[]): number[] {
  return Array.from({ length: shape.reduce((x, y) => x * y, 1) }, (_, i) => values[i % values.length]);
}

/** Arbitraries for `backend`: valid-looking values mixed with the invalid ones users pass by mistake. */
function arbitraries(backend: string) {
  const dtypes = storedDTypes(backend);
  const disposed = tc.zeros([2], { backend });
  disposed.dispose();
  const elsewhere = backend === 'cpu' ? [] : [tc.zeros([2], { backend: 'cpu' })];
  /** Values no argument should ever accept blindly. */
  const garbage: fc.Arbitrary<unknown> = fc.oneof(
    fc.constantFrom<unknown>(
      undefined,
      null,
      NaN,
      Infinity,
      -Infinity,
      -1,
      0.5,
      -0,
      2 ** 31,
      2 ** 40,
      -(2 ** 31) - 1,
      1e300,
      '1',
      'float32',
      '',
      true,
      false,
      {},
      [],
      [NaN],
      [-2],
      [1.5],
      [2 ** 32],
      [65536, 65536],
      [[1, 2], [3]],
      [2n],
      Symbol('s'),
      10n,
      () => 1,
      new Float32Array(2),
      new DataView(new ArrayBuffer(4)),
      new BigInt64Array(1),
      new Int16Array([1, -1]),
      disposed,
      ...elsewhere,
    ),
    fc.anything({ maxDepth: 1, maxKeys: 2, withBigInt: true, withNullPrototype: true }),
  );
  const mix = <T>(good: fc.Arbitrary<T>, weight = 3): fc.Arbitrary<unknown> => fc.oneof({ weight, arbitrary: good }, { weight: 1, arbitrary: garbage });

  const shapePool: number[][] = [[], [0], [1], [3], [2, 3], [3, 1], [1, 3], [2, 0], [2, 3, 1], [1, 2, 3], [3, 3]];
  const shapeOf = fc.oneof(fc.constantFrom(...shapePool), fc.array(fc.integer({ min: 0, max: 3 }), { maxLength: 4 }));
  const value = (dtype: DType): fc.Arbitrary<number> =>
    dtype === 'bool'
      ? fc.constantFrom(0, 1)
      : dtype === 'int32'
        ? fc.oneof(fc.integer({ min: -3, max: 5 }), fc.constantFrom(2147483647, -2147483648))
        : fc.oneof(fc.double({ min: -10, max: 10, noNaN: true }), fc.constantFrom(NaN, Infinity, -Infinity, -0, 1e38, 0.5));
  const tensorOf = (dts: readonly DType[]): fc.Arbitrary<Tensor> =>
    fc.tuple(shapeOf, fc.constantFrom(...dts)).chain(([shape, dtype]) =>
      fc.array(value(dtype), { minLength: 81, maxLength: 81 }).map((vals) => {
        const size = shape.reduce((a, b) => a * b, 1);
        return tc.tensor(vals.slice(0, size), shape, { dtype, backend });
      }),
    );
  const anyTensor = tensorOf(dtypes);
  const indexTensor = fc.tuple(shapeOf, fc.array(fc.integer({ min: -1, max: 4 }), { minLength: 81, maxLength: 81 })).map(([shape, vals]) =>
    tc.tensor(
      vals.slice(
        0,
        shape.reduce((a, b) => a * b, 1),
      ),
      shape,
      { dtype: 'int32', backend },
    ),
  );
  const small = fc.oneof(fc.integer({ min: -4, max: 5 }), fc.constantFrom(0.5, -1.5, 2.5));
  const num = mix(fc.oneof(small, fc.double({ min: -10, max: 10 }), fc.constantFrom(NaN, Infinity, -Infinity, 2 ** 31 - 1, -(2 ** 31))));
  const int = mix(fc.integer({ min: -4, max: 5 }));
  const count = mix(fc.integer({ min: 0, max: 6 }));
  const T = mix(anyTensor);
  const I = fc.oneof({ weight: 3, arbitrary: indexTensor }, { weight: 1, arbitrary: anyTensor }, { weight: 1, arbitrary: garbage });
  const TL = fc.oneof({ weight: 3, arbitrary: anyTensor }, { weight: 2, arbitrary: small }, { weight: 1, arbitrary: garbage });
  const axis = mix(fc.integer({ min: -4, max: 4 }));
  const axes = mix(fc.oneof(fc.constant(undefined), fc.integer({ min: -4, max: 4 }), fc.array(fc.integer({ min: -4, max: 4 }), { maxLength: 4 })));
  const shape = mix(fc.oneof(fc.array(fc.integer({ min: -1, max: 4 }), { maxLength: 4 }), fc.constantFrom(...shapePool)));
  const ints = mix(fc.array(fc.integer({ min: -4, max: 4 }), { maxLength: 4 }));
  const dtype = mix(fc.constantFrom<unknown>(...DTYPES));
  const flag = mix(fc.boolean());
  const backendName = fc.constantFrom<unknown>(backend, 'cpu', 'nope', undefined);
  const options = mix(fc.oneof(fc.constant(undefined), fc.constantFrom<unknown>(...DTYPES), fc.record({ dtype, backend: backendName }, { requiredKeys: [] })));
  const generator = mix(fc.integer({ min: 0, max: 100 }).map((s) => new Generator(s)));
  const randomOptions = mix(fc.oneof(fc.constant(undefined), fc.record({ generator, dtype, backend: backendName }, { requiredKeys: [] })));
  const list = mix(fc.oneof(fc.array(anyTensor, { maxLength: 3 }), fc.array(mix(anyTensor), { maxLength: 3 })));
  const pads = mix(fc.array(mix(fc.tuple(fc.integer({ min: -1, max: 3 }), fc.integer({ min: -1, max: 3 }))), { maxLength: 4 }));
  const data = mix(
    fc.oneof(
      fc.array(fc.oneof(small, fc.constantFrom(NaN, Infinity, 2 ** 40, true)), { maxLength: 6 }),
      fc.array(fc.array(small, { minLength: 2, maxLength: 2 }), { maxLength: 3 }),
      small.map((v) => new Float32Array([v, v / 2])),
      fc.constantFrom<unknown>(new Int32Array([1, 2]), new Uint8Array([0, 1, 2]), new Float64Array([2 ** 40]), 3, true),
    ),
  );
  const object = <T>(fields: Record<string, fc.Arbitrary<T>>): fc.Arbitrary<unknown> =>
    mix(fc.oneof(fc.constant(undefined), fc.record(fields, { requiredKeys: [] })));
  const notNearInt32 = garbage.filter((v) => typeof v !== 'number' || !(Math.abs(v) >= 1e6 && Math.abs(v) < 2 ** 40));
  const rangeNum = fc.oneof({ weight: 3, arbitrary: small }, { weight: 1, arbitrary: notNearInt32 });
  const floats = dtypes.filter((d) => d === 'float32' || d === 'float64');
  const tensorShaped = (shape: readonly number[], dts: readonly DType[] = dtypes): fc.Arbitrary<Tensor> =>
    fc.tuple(fc.constantFrom(...dts), fc.array(fc.integer({ min: -3, max: 3 }), { minLength: 81, maxLength: 81 })).map(([dt, vals]) =>
      tc.tensor(
        cycle(vals, shape).map((v) => (dt === 'bool' ? v & 1 : v)),
        [...shape],
        { dtype: dt, backend },
      ),
    );
  const withAxes = anyTensor.filter((t) => t.rank > 0);
  const indicesFor = (shape: readonly number[], bound: number): fc.Arbitrary<Tensor> =>
    fc
      .array(fc.integer({ min: -1, max: bound }), { minLength: 81, maxLength: 81 })
      .map((vals) => tc.tensor(cycle(vals, shape), [...shape], { dtype: 'int32', backend }));
  const dim = fc.integer({ min: 0, max: 3 });
  const consistent = {
    matmul: fc
      .tuple(fc.array(fc.integer({ min: 1, max: 2 }), { maxLength: 2 }), dim, dim, dim, fc.boolean(), fc.boolean())
      .chain(([batch, m, k, n, transA, transB]) =>
        fc.tuple(
          tensorShaped([...batch, ...(transA ? [k, m] : [m, k])], floats),
          tensorShaped(transB ? [n, k] : [k, n], floats),
          fc.constant({ transA, transB }),
        ),
      ),
    permute: anyTensor.chain((t) => fc.tuple(fc.constant(t), fc.shuffledSubarray([...t.shape.keys()], { minLength: t.rank, maxLength: t.rank }))),
    slice: anyTensor.chain((t) =>
      fc.tuple(
        fc.constant(t),
        fc.tuple(...t.shape.map((d) => fc.integer({ min: -d - 1, max: d }))),
        fc.tuple(...t.shape.map((d) => fc.integer({ min: -1, max: d + 1 }))),
      ),
    ),
    scatterAdd: withAxes.chain((t) =>
      fc
        .tuple(fc.integer({ min: 0, max: t.rank - 1 }), fc.array(dim, { maxLength: 2 }))
        .chain(([ax, idxShape]) =>
          fc.tuple(
            fc.constant(t),
            indicesFor(idxShape, t.shape[ax]),
            tensorShaped([...t.shape.slice(0, ax), ...idxShape, ...t.shape.slice(ax + 1)], [t.dtype]),
            fc.constant(ax),
          ),
        ),
    ),
    takeAlongAxis: withAxes.chain((t) =>
      fc
        .integer({ min: 0, max: t.rank - 1 })
        .chain((ax) =>
          fc
            .tuple(...t.shape.map((d, i) => (i === ax ? dim : fc.integer({ min: 0, max: d }))))
            .chain((idxShape) => fc.tuple(fc.constant(t), indicesFor(idxShape, t.shape[ax]), fc.constant(ax))),
        ),
    ),
    assign: anyTensor.chain((t) => fc.tuple(fc.constant(t), tensorShaped(t.shape, [t.dtype]))),
  };
  const boolTensor = tensorOf(dtypes.filter((d) => d === 'bool'));
  return {
    consistent,
    boolTensor,
    rangeNum,
    T,
    I,
    TL,
    num,
    int,
    count,
    axis,
    axes,
    shape,
    ints,
    dtype,
    flag,
    options,
    randomOptions,
    list,
    pads,
    data,
    object,
    anyTensor,
    backendName,
    garbage,
  };
}

/** The fuzz table: every public op and Tensor method with an arbitrary per argument. */
export function publicSurface(backend: string): Record<string, Entry> {
  const a = arbitraries(backend);
  const { T, I, TL, num, int, count, axis, axes, shape, ints, dtype, flag, options, randomOptions, list, pads, data, object, anyTensor } = a;
  const e = (call: Call, ...args: fc.Arbitrary<unknown>[]): Entry => ({ call, args: fc.tuple(...args) });
  // Arguments that fit together, so that the kernels run too (and meet the edge values) rather than only the checks.
  const fitting = (entry: Entry, fits: fc.Arbitrary<unknown[]>): Entry => ({ call: entry.call, args: fc.oneof(entry.args, fits) });
  const { consistent } = a;
  const table: Record<string, Entry> = {
    tensor: e(tc.tensor, data, shape, options),
    full: e(tc.full, shape, fc.oneof(num, fc.boolean()), options),
    zeros: e(tc.zeros, shape, options),
    ones: e(tc.ones, shape, options),
    scalar: e(tc.scalar, fc.oneof(num, fc.boolean()), options),
    zerosLike: e(tc.zerosLike, T, options),
    onesLike: e(tc.onesLike, T, options),
    fullLike: e(tc.fullLike, T, num, options),
    // Small bounds and steps (and no bad value near 2^31): arange(5, 2 ** 31) is a valid request for 8 GiB.
    arange: e(tc.arange, a.rangeNum, a.rangeNum, a.rangeNum, options),
    linspace: e(tc.linspace, num, num, count, options),
    eye: e(tc.eye, count, count, options),
    gelu: e(tc.gelu, T, a.object({ approximate: fc.constantFrom<unknown>('none', 'tanh', 'exact', undefined) })),
    clamp: e(tc.clamp, T, num, num),
    logicalNot: e(tc.logicalNot, T),
    where: e(tc.where, T, TL, TL),
    mean: e(tc.mean, T, axes, flag),
    variance: e(tc.variance, T, axes, object({ keepDims: flag, correction: num })),
    logSumExp: e(tc.logSumExp, T, axes, flag),
    argmax: e(tc.argmax, T, axis, flag),
    argmin: e(tc.argmin, T, axis, flag),
    softmax: e(tc.softmax, T, axis),
    logSoftmax: e(tc.logSoftmax, T, axis),
    matmul: fitting(e(tc.matmul, T, T, object({ transA: flag, transB: flag })), consistent.matmul),
    cast: e(tc.cast, T, dtype),
    reshape: e(tc.reshape, T, shape),
    permute: fitting(e(tc.permute, T, ints), consistent.permute),
    transpose: e(tc.transpose, T, axis, axis),
    expand: e(tc.expand, T, shape),
    broadcastTo: e(tc.broadcastTo, T, shape),
    squeeze: e(tc.squeeze, T, axes),
    unsqueeze: e(tc.unsqueeze, T, axis),
    flatten: e(tc.flatten, T, axis, axis),
    slice: fitting(e(tc.slice, T, ints, shape), consistent.slice),
    narrow: e(tc.narrow, T, axis, int, count),
    concat: e(tc.concat, list, axis),
    cat: e(tc.cat, list, axis),
    stack: e(tc.stack, list, axis),
    split: e(tc.split, T, fc.oneof(count, ints), axis),
    chunk: e(tc.chunk, T, count, axis),
    pad: e(tc.pad, T, pads, num),
    flip: e(tc.flip, T, axes),
    tril: e(tc.tril, T, int),
    triu: e(tc.triu, T, int),
    gather: e(tc.gather, T, I, axis),
    indexSelect: e(tc.indexSelect, T, axis, I),
    take: e(tc.take, T, I),
    takeAlongAxis: fitting(e(tc.takeAlongAxis, T, I, axis), consistent.takeAlongAxis),
    scatterAdd: fitting(e(tc.scatterAdd, T, I, T, axis), consistent.scatterAdd),
    oneHot: e(tc.oneHot, I, count),
    embedding: e(tc.embedding, T, I),
    rand: e(tc.rand, shape, randomOptions),
    uniform: e(tc.uniform, shape, num, num, randomOptions),
    normal: e(tc.normal, shape, num, num, randomOptions),
    randn: e(tc.randn, shape, randomOptions),
    randint: fitting(
      e(tc.randint, num, num, shape, randomOptions),
      fc.tuple(fc.integer({ min: -5, max: 0 }), fc.integer({ min: 1, max: 5 }), shape, randomOptions),
    ),
    bernoulli: e(tc.bernoulli, TL, fc.oneof(fc.constant(undefined), shape), randomOptions),
    permutation: e(tc.permutation, count, randomOptions),
    allocArray: e(tc.allocArray, dtype, count),
    broadcastShapes: e((x: unknown, y: unknown) => tc.broadcastShapes('broadcastShapes', x as number[], y as number[]), shape, shape),
    normalizeAxis: e((x: unknown, rank: number) => tc.normalizeAxis('normalizeAxis', 'axis', x, rank), axis, fc.integer({ min: 0, max: 4 })),
    normalizeAxes: e((x: unknown, rank: number) => tc.normalizeAxes('normalizeAxes', 'axes', x, rank), axes, fc.integer({ min: 0, max: 4 })),
    Generator: e((seed: unknown) => new Generator(seed as number), num),
    // Reseeds the process-wide generator, so the state is put back for the tests that follow.
    manualSeed: e((seed: unknown) => {
      const saved = tc.defaultGenerator().getState();
      try {
        return tc.manualSeed(seed as number);
      } finally {
        tc.defaultGenerator().setState(saved);
      }
    }, num),
    'Tensor.view': e((t: Tensor, s: unknown) => t.view(s as number[]), anyTensor, shape),
    'Tensor.item': e((t: Tensor) => t.item(), anyTensor),
    'Tensor.toArray': e((t: Tensor) => t.toArray(), anyTensor),
    'Tensor.dataSync': e((t: Tensor) => t.dataSync(), anyTensor),
    'Tensor.toString': e((t: Tensor) => t.toString(), anyTensor),
    'Tensor.to': e((t: Tensor, name: unknown) => t.to(name as string), anyTensor, fc.oneof(a.backendName, a.garbage)),
    'Tensor.assign': fitting(
      e((t: Tensor, v: unknown) => t.assign(v as Tensor), anyTensor, T),
      consistent.assign,
    ),
  };
  const unary = ['neg', 'abs', 'exp', 'log', 'log1p', 'sqrt', 'rsqrt', 'tanh', 'sigmoid', 'relu', 'sin', 'cos', 'square', 'reciprocal'] as const;
  for (const op of [...unary, 'sign', 'floor', 'ceil', 'round'] as const) {
    table[op] = e(tc[op], T);
  }
  for (const op of ['add', 'sub', 'mul', 'div', 'pow', 'maximum', 'minimum', 'equal', 'notEqual', 'less', 'lessEqual', 'greater', 'greaterEqual'] as const) {
    table[op] = e(tc[op], TL, TL);
  }
  for (const op of ['logicalAnd', 'logicalOr', 'logicalXor'] as const) table[op] = fitting(e(tc[op], T, T), fc.tuple(a.boolTensor, a.boolTensor));
  for (const op of ['sum', 'prod', 'max', 'min'] as const) table[op] = e(tc[op], T, axes, flag);
  return table;
}

/** `value` with every tensor moved across: from `a` to `b` and from `b` to `a`, disposed ones staying disposed. */
function mirror(value: unknown, a: string, b: string): unknown {
  if (Array.isArray(value)) return value.map((v) => mirror(v, a, b));
  if (!(value instanceof Tensor) || (value.backendName !== a && value.backendName !== b)) return value;
  const target = value.backendName === a ? b : a;
  if (!value.isDisposed) return value.to(target);
  const gone = tc.zeros(value.shape, { dtype: value.dtype, backend: target });
  gone.dispose();
  return gone;
}

/**
 * The property over `backend`: each entry's calls succeed with well-formed results or throw a coded SeqlabError.
 * With `compareWith`, every call also runs on that backend (tensors copied there) and must end the same way.
 */
export function publicSurfaceSuite(backend: string, { numRuns = 80, compareWith }: { numRuns?: number; compareWith?: string } = {}): void {
  describe('public surface: invalid arguments give typed errors, never garbage', () => {
    const table = publicSurface(backend);
    const unstored = compareWith === undefined ? [] : ALL_DTYPES.filter((d) => !stores(backend, d) || !stores(compareWith, d));

    it('covers every function the package exports (a new op needs an entry here)', () => {
      const uncovered = Object.keys(tc).filter((name) => !(name in table) && !(name in NOT_FUZZED));
      expect(uncovered).toEqual([]);
      const isMethod = (m: string): boolean => m !== 'constructor' && typeof Object.getOwnPropertyDescriptor(Tensor.prototype, m)?.value === 'function';
      const methods = Object.getOwnPropertyNames(Tensor.prototype).filter(isMethod);
      // Internal or argument-free methods, and the ones @seqlab/autograd adds when it is loaded (tested there).
      const internal = ['alias', 'dispose', 'checkAlive', 'data', 'backward', 'requiresGrad_', 'detach'];
      expect(methods.filter((m) => !(`Tensor.${m}` in table) && !internal.includes(m))).toEqual([]);
    });

    for (const [name, { call, args }] of Object.entries(table)) {
      it(name, () => {
        fc.assert(
          fc.property(args, (values) => {
            const here = outcome(name, call, values);
            if (compareWith === undefined) return;
            const there = outcome(
              name,
              call,
              values.map((v) => mirror(v, backend, compareWith)),
            );
            // A dtype one backend cannot store (float64 on wasm), named in the arguments or the result, is the one allowed difference.
            if (here !== there && !unstored.some((d) => `${here}${there}${values.map(show).join()}`.includes(d))) {
              throw new Error(`${name}: ${backend} gives ${here} but ${compareWith} gives ${there} for (${values.map(show).join(', ')})`);
            }
          }),
          { numRuns },
        );
      });
    }
  });
}
