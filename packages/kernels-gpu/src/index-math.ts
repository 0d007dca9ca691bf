// Source snippets for index math baked per shape: output coordinates from the flat thread index, broadcast input indices.
import { shapesEqual, sizeOf, stridesOf, type Shape } from '@seqlab/tensor-core';

/**
 * Statements declaring `i`, the flat output index of the thread as a float, and `c0 … c{rank-1}`, its row-major
 * coordinates in `outShape` (only when some input needs them: pass `needed` false to declare `i` alone). Divisions
 * are float and floored after adding 0.5, which is exact for indices below 2^23·(smallest dim); the backend caps
 * tensors at 2^24 elements.
 *
 * @example
 * ```ts
 * coordsSource([2, 3]); // 'const i = this.thread.x * 1.0; let r = i; const q1 = Math.floor((r + 0.5) / 3); const c1 = r - q1 * 3; r = q1; const c0 = r;'
 * ```
 */
export function coordsSource(outShape: Shape, needed = true): string {
  const lines = ['const i = this.thread.x * 1.0;'];
  if (!needed || outShape.length === 0) return lines.join(' ');
  lines.push('let r = i;');
  for (let d = outShape.length - 1; d > 0; d--) {
    lines.push(`const q${d} = Math.floor((r + 0.5) / ${outShape[d]}.0); const c${d} = r - q${d} * ${outShape[d]}.0; r = q${d};`);
  }
  lines.push('const c0 = r;');
  return lines.join(' ');
}

/**
 * An expression for the flat index, in an input of `inShape` broadcast (NumPy rules, aligned right) to `outShape`, of
 * the output element whose coordinates {@link coordsSource} declared; `i` itself when the shapes are equal.
 *
 * @example
 * ```ts
 * broadcastIndexExpr([3], [2, 3]); // 'c1 * 1.0'
 * ```
 */
export function broadcastIndexExpr(inShape: Shape, outShape: Shape): string {
  if (shapesEqual(inShape, outShape)) return 'i';
  if (sizeOf(inShape) <= 1) return '0.0';
  const strides = stridesOf(inShape);
  const off = outShape.length - inShape.length;
  const terms: string[] = [];
  for (let d = 0; d < inShape.length; d++) if (inShape[d] !== 1) terms.push(`c${d + off} * ${strides[d]}.0`);
  return terms.join(' + ');
}

/**
 * True when some input of `inShapes` is broadcast to `outShape` (its coordinates are then needed).
 *
 * @example
 * ```ts
 * console.assert(needsCoords([[3], [2, 3]], [2, 3]) && !needsCoords([[2, 3]], [2, 3]));
 * ```
 */
export function needsCoords(inShapes: readonly Shape[], outShape: Shape): boolean {
  return inShapes.some((s) => !shapesEqual(s, outShape) && sizeOf(s) > 1);
}

/**
 * A cache-key fragment for a shape: `2,3`, or `s` for a scalar.
 *
 * @example
 * ```ts
 * console.assert(shapeKey([2, 3]) === '2,3' && shapeKey([]) === 's');
 * ```
 */
export function shapeKey(shape: Shape): string {
  return shape.length === 0 ? 's' : shape.join(',');
}
