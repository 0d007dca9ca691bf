// Source snippets for index math baked per shape: output coordinates from the flat thread index, broadcast input indices.
import { shapesEqual, sizeOf, stridesOf, type Shape } from '@seqlab/tensor-core';

/**
 * Statements declaring `i`, the flat output index of the thread as a float, and `c0 … c{rank-1}`, its row-major
 * coordinates in `outShape` (only when some input needs them: pass `needed` false to declare `i` alone). Each
 * quotient is a floored float division corrected by its remainder, exact for every index below 2^24 (the backend's
 * cap) even where GL's division is off by an ulp.
 *
 * @example
 * ```ts
 * coordsSource([2, 3]); // declares i, c0 (the row) and c1 (the column) of the thread's output element
 * ```
 */
export function coordsSource(outShape: Shape, needed = true): string {
  const lines = ['const i = this.thread.x * 1.0;'];
  if (!needed || outShape.length === 0) return lines.join(' ');
  lines.push('let r = i;');
  for (let d = outShape.length - 1; d > 0; d--) {
    // The float quotient may be one off (GL division is not correctly rounded); the remainder puts it right.
    const n = `${outShape[d]}.0`;
    lines.push(
      `let q${d} = Math.floor(r / ${n}); let c${d} = r - q${d} * ${n}; ` +
        `if (c${d} < 0.0) { q${d} = q${d} - 1.0; c${d} = c${d} + ${n}; } if (c${d} >= ${n}) { q${d} = q${d} + 1.0; c${d} = c${d} - ${n}; } r = q${d};`,
    );
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
