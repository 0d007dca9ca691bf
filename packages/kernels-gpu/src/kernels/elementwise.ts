// Elementwise kernels: unary ops, gelu, clamp, broadcasting binary ops, comparisons, logic, where; int32/bool on the host.
import {
  cpuBackend,
  shapesEqual,
  sizeOf,
  type BinaryOpName,
  type CompareOpName,
  type Kernels,
  type Shape,
  type TensorInfo,
  type UnaryOpName,
} from '@seqlab/tensor-core';
import { broadcastIndexExpr, coordsSource, needsCoords, shapeKey } from '../index-math.js';
import { kernelInput, runProgram } from '../program.js';
import { GpuFloat, readFloat, releaseFloat } from '../storage.js';
import { log1pSource, logSource, nanPassSource, normalCdfSource, powSource, roundSource, sigmoidSource, sinCosSource, tanhSource } from './math.js';

/** Statements computing `y` from `x` for each unary op (float32; `y` is declared `let y = 0.0;` before them). */
const UNARY: Record<UnaryOpName, string> = {
  neg: 'y = -x;',
  abs: 'y = Math.abs(x);',
  exp: `y = Math.exp(x); ${nanPassSource('x', 'y')}`,
  log: logSource('x', 'y'),
  log1p: log1pSource('x', 'y'),
  sqrt: `y = Math.sqrt(x); ${nanPassSource('x', 'y')}`,
  rsqrt: `y = 1.0 / Math.sqrt(x); ${nanPassSource('x', 'y')}`,
  tanh: `${tanhSource('x', 'y')} ${nanPassSource('x', 'y')}`,
  sigmoid: `${sigmoidSource('x', 'y')} ${nanPassSource('x', 'y')}`,
  // NaN > 0 is false: NaN → 0, as on cpu.
  relu: 'if (x > 0.0) { y = x; }',
  // sin(±0) is ±0.
  sin: `${sinCosSource('x', 'y', false)} if (x == 0.0) { y = x; } ${nanPassSource('x', 'y')}`,
  cos: `${sinCosSource('x', 'y', true)} ${nanPassSource('x', 'y')}`,
  square: 'y = x * x;',
  reciprocal: 'y = 1.0 / x;',
  // Keeps ±0 and NaN, as on cpu.
  sign: 'y = x; if (x > 0.0) { y = 1.0; } if (x < 0.0) { y = -1.0; }',
  floor: `y = Math.floor(x); ${nanPassSource('x', 'y')}`,
  ceil: `y = Math.ceil(x); ${nanPassSource('x', 'y')}`,
  round: roundSource('x', 'y'),
};

/** Statements computing `z` from `v0` and `v1` for each binary op. */
const BINARY: Record<BinaryOpName, string> = {
  add: 'z = v0 + v1;',
  sub: 'z = v0 - v1;',
  mul: 'z = v0 * v1;',
  div: 'z = v0 / v1;',
  pow: powSource('v0', 'v1', 'z'),
  // NaN on either side propagates, as on cpu: v0 wins when it is NaN or larger.
  maximum: 'z = v1; if (v0 > v1 || v0 != v0) { z = v0; }',
  minimum: 'z = v1; if (v0 < v1 || v0 != v0) { z = v0; }',
};

/** Conditions for each comparison (1 when true). */
const COMPARE: Record<CompareOpName, string> = {
  equal: 'v0 == v1',
  notEqual: 'v0 != v1',
  less: 'v0 < v1',
  lessEqual: 'v0 <= v1',
  greater: 'v0 > v1',
  greaterEqual: 'v0 >= v1',
};

// √(2/π), the tanh form's scale.
const SQRT_2_OVER_PI = 0.7978845608028654;

/** Internal: a same-shape elementwise program of one input, `body` computing `y` from `x`. */
function mapFloat(op: string, key: string, body: string, x: TensorInfo, extra: readonly number[] = [], params = ''): GpuFloat {
  return runProgram(
    op,
    key,
    () => ({ source: `function (a${params}) { const x = a[this.thread.x]; let y = 0.0; ${body} return y; }`, dynamicOutput: true }),
    x.size,
    [x.handle as GpuFloat, ...extra],
  );
}

/** Internal: `x` as a TensorInfo whose handle is a host typed array (float32 data read back), for a cpu kernel. */
export function onHost(op: string, x: TensorInfo): TensorInfo {
  return x.dtype === 'float32' ? { ...x, handle: readFloat(op, x.handle as GpuFloat) } : x;
}

/** Internal: the cpu kernel `name`, which every complete backend table has. */
export function cpuKernel<K extends keyof Kernels>(name: K): Kernels[K] {
  return cpuBackend.kernels[name] as Kernels[K];
}

/**
 * Internal: the value of a single-element input that has not reached the device (a number operand tensor-core made
 * a scalar of, or a host int32/bool scalar) and is finite, passed as a uniform instead of uploaded; else undefined.
 */
function hostScalar(x: TensorInfo): number | undefined {
  if (x.size !== 1) return undefined;
  const values = x.handle instanceof GpuFloat ? x.handle.host : (x.handle as ArrayLike<number>);
  const v = values?.[0];
  return v !== undefined && Number.isFinite(v) ? v : undefined;
}

/** Internal: an n-ary broadcasting program: `body` reads `v0 … v{n-1}` and assigns `z`. */
function broadcastFloat(op: string, key: string, body: string, inputs: readonly TensorInfo[], outShape: Shape): GpuFloat {
  const shapes = inputs.map((t) => t.shape);
  const scalars = inputs.map(hostScalar);
  // Inputs that are the output's shape or a single element need no coordinates: one program serves every size, and
  // the key says which input is which (`=` same shape, `1` one element, `n` a uniform). Otherwise the index math is
  // baked per shape.
  const dynamic = !needsCoords(shapes, outShape);
  const kinds = inputs.map((t, k) => (scalars[k] !== undefined ? 'n' : sizeOf(t.shape) <= 1 && !shapesEqual(t.shape, outShape) ? '1' : '='));
  const fullKey = dynamic ? `${key}|${kinds.join('')}` : `${key}|${kinds.join('')}|${shapes.map(shapeKey).join('|')}|${shapeKey(outShape)}`;
  return runProgram(
    op,
    fullKey,
    () => {
      const params = inputs.map((_, k) => `a${k}`).join(', ');
      const reads = inputs
        .map((t, k) => (scalars[k] !== undefined ? `const v${k} = a${k};` : `const v${k} = a${k}[${broadcastIndexExpr(t.shape, outShape)}];`))
        .join(' ');
      return { source: `function (${params}) { ${coordsSource(outShape, !dynamic)} ${reads} let z = 0.0; ${body} return z; }`, dynamicOutput: dynamic };
    },
    sizeOf(outShape),
    inputs.map((t, k) => scalars[k] ?? kernelInput(t)),
  );
}

function unaryKernel(name: UnaryOpName): (x: TensorInfo) => unknown {
  return (x) => (x.dtype === 'float32' ? mapFloat(name, `unary|${name}`, UNARY[name], x) : cpuKernel(name)(x));
}

const unaryKernels = Object.fromEntries((Object.keys(UNARY) as UnaryOpName[]).map((name) => [name, unaryKernel(name)])) as Pick<Kernels, UnaryOpName>;

/** The gpu backend's elementwise kernels. */
export const elementwiseKernels = {
  ...unaryKernels,
  gelu(x, approximate) {
    if (approximate === 'none') return mapFloat('gelu', 'gelu|none', `let p = 0.0; ${normalCdfSource('x', 'p')} y = x * p;`, x);
    // ½(1 + tanh(u)) = 1/(1 + e^(−2u)), without the cancellation of the textbook form for x ≪ 0 (as on cpu).
    return mapFloat(
      'gelu',
      'gelu|tanh',
      `const u = ${SQRT_2_OVER_PI} * (x + 0.044715 * x * x * x); y = x / (1.0 + Math.exp(-2.0 * u)); if (x == 0.0) { y = x; }`,
      x,
    );
  },
  clamp(x, min, max) {
    if (x.dtype !== 'float32') return cpuKernel('clamp')(x, min, max);
    // Infinite bounds pass as the largest finite floats: a uniform of ±Infinity is not portable GLSL.
    const lo = Math.max(min, -3.4028234663852886e38);
    const hi = Math.min(max, 3.4028234663852886e38);
    return mapFloat('clamp', 'clamp', 'y = x; if (x < lo) { y = lo; } if (x > hi) { y = hi; }', x, [lo, hi], ', lo, hi');
  },
  binary(op, a, b, outShape) {
    if (a.dtype !== 'float32') return cpuKernel('binary')(op, onHost(op, a), onHost(op, b), outShape);
    return broadcastFloat(op, `binary|${op}`, BINARY[op], [a, b], outShape);
  },
  compare(op, a, b, outShape) {
    if (a.dtype !== 'float32') return cpuKernel('compare')(op, onHost(op, a), onHost(op, b), outShape);
    // Computed on the GPU as 0/1, brought to the host as the bool result (bool tensors live on the host).
    const mask = broadcastFloat(op, `compare|${op}`, `if (${COMPARE[op]}) { z = 1.0; }`, [a, b], outShape);
    try {
      return Uint8Array.from(readFloat(op, mask));
    } finally {
      releaseFloat(mask);
    }
  },
  logical: (op, a, b, outShape) => cpuKernel('logical')(op, a, b, outShape),
  logicalNot: (x) => cpuKernel('logicalNot')(x),
  where(cond, a, b, outShape) {
    if (a.dtype !== 'float32') return cpuKernel('where')(cond, onHost('where', a), onHost('where', b), outShape);
    return broadcastFloat('where', 'where', 'z = v2; if (v0 != 0.0) { z = v1; }', [cond, a, b], outShape);
  },
} satisfies Pick<Kernels, UnaryOpName | 'gelu' | 'clamp' | 'binary' | 'compare' | 'logical' | 'logicalNot' | 'where'>;
