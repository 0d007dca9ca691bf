// Shared body of the edge-case tests: every elementwise op of the gpu backend on NaN, ±Infinity, ±0 and extreme values
// against the cpu backend, in any gpu.js mode (Node's webasm, Chromium's WebGL2).
import { expect, it } from 'vitest';
import * as tc from '@seqlab/tensor-core';
import type { Tensor } from '@seqlab/tensor-core';

/**
 * Special float32 values. Denormals are left out: GL flushes them to 0 (inputs and results), so on WebGL2
 * reciprocal(−3e38) is −0 where cpu gives −3.3e-39; research/gpujs.md §3 ("tests must not expect denormals").
 */
export const SPECIAL = [NaN, Infinity, -Infinity, 0, -0, 1e-30, -1e-30, 1e30, -1e30, 88, 89, 100, -100, 0.5, -0.5, 1, -1, 2, -2, 3.5, -3.5, 3e38, -3e38];

// Every unary op: the cpu kernels of one argument but logicalNot (bool only).
const UNARY = Object.entries(tc.cpuBackend.kernels)
  .filter(([name, kernel]) => typeof kernel === 'function' && kernel.length === 1 && name !== 'logicalNot')
  .map(([name]) => name);
const BINARY = ['add', 'sub', 'mul', 'div', 'pow', 'maximum', 'minimum'] as const;
const COMPARE = ['equal', 'notEqual', 'less', 'lessEqual', 'greater', 'greaterEqual'] as const;

type Op = (...args: Tensor[]) => Tensor;
const op = (name: string): Op => (tc as unknown as Record<string, Op>)[name];

/** Same value, NaN matching NaN, infinities exact, zeros by sign when asked, finite values within float32 tolerance. */
function agree(a: number, b: number, signedZero: boolean): boolean {
  if (Number.isNaN(b)) return Number.isNaN(a);
  if (b === 0) return signedZero ? Object.is(a, b) : a === 0;
  if (!Number.isFinite(b)) return a === b;
  return Math.abs(a - b) <= 1e-6 + 1e-5 * Math.abs(b);
}

function mismatches(name: string, inputs: readonly Float32Array[], run: (backend: string) => ArrayLike<number>, signedZero = true): string[] {
  const gpu = run('gpu');
  const cpu = run('cpu');
  const out: string[] = [];
  for (let i = 0; i < cpu.length; i++) {
    if (!agree(gpu[i], cpu[i], signedZero))
      out.push(`${name}(${inputs.map((x) => (Object.is(x[i], -0) ? '-0' : x[i])).join(', ')}): gpu ${gpu[i]}, cpu ${cpu[i]}`);
  }
  return out;
}

/** Declares the edge-case tests (call inside a describe, after the gpu backend is started). */
export function edgeCaseTests(): void {
  const xs = Float32Array.from(SPECIAL);
  const n = xs.length;
  const a = new Float32Array(n * n);
  const b = new Float32Array(n * n);
  for (let i = 0; i < n; i++) for (let j = 0; j < n; j++) [a[i * n + j], b[i * n + j]] = [xs[i], xs[j]];
  const on = (values: Float32Array, backend: string): Tensor => tc.tensor(values, undefined, { backend });

  it('unary ops and gelu give the cpu backend’s NaN, ±Infinity and signed zeros', () => {
    expect(UNARY).toHaveLength(18);
    const bad: string[] = [];
    for (const name of UNARY) {
      // sin and cos are accurate for |x| ≤ 8192; beyond, GL's built-in answers (finite, not accurate).
      const values = name === 'sin' || name === 'cos' ? xs.filter((v) => !(Math.abs(v) > 8192 && Number.isFinite(v))) : xs;
      bad.push(...mismatches(name, [values], (backend) => op(name)(on(values, backend)).dataSync()));
    }
    for (const approximate of ['none', 'tanh'] as const) {
      bad.push(...mismatches(`gelu ${approximate}`, [xs], (backend) => tc.gelu(on(xs, backend), { approximate }).dataSync()));
    }
    expect(bad).toEqual([]);
  });

  // Zeros are compared without their sign: SwiftShader's division gives +0 for 0 / −1 (cpu: −0).
  it('binary ops (pow’s special cases included) and comparisons agree with cpu on every pair of special values', () => {
    const bad: string[] = [];
    for (const name of [...BINARY, ...COMPARE]) bad.push(...mismatches(name, [a, b], (backend) => op(name)(on(a, backend), on(b, backend)).dataSync(), false));
    expect(bad).toEqual([]);
  });

  it('tanh and sigmoid stay finite and saturate at ±89 and ±100, and tanh is accurate near 0', () => {
    const x = Float32Array.from([100, -100, 89, -89, 1e-6, -1e-4, 20, -20]);
    expect(Array.from(tc.tanh(on(x, 'gpu')).dataSync())).toEqual(Array.from(tc.tanh(on(x, 'cpu')).dataSync()));
    // sigmoid(−89) and sigmoid(−100) are denormals: 0 on GL, so compared with an absolute tolerance.
    const s = tc.sigmoid(on(x, 'gpu')).dataSync();
    const expected = Array.from(x, (v) => 1 / (1 + Math.exp(-v)));
    s.forEach((v, i) => expect(Math.abs(v - expected[i]), `sigmoid(${x[i]}) = ${v}`).toBeLessThanOrEqual(1e-7 * Math.abs(expected[i]) + 1e-30));
  });
}
