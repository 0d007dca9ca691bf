// Sinusoidal positional encodings (Vaswani et al. 2017) as a constant tensor.
import { tensor, type Tensor } from '@seqlab/tensor-core';

/**
 * The `[length, width]` table PE[t, 2i] = sin(t / 10000^(2i/width)), PE[t, 2i+1] = cos(…).
 *
 * @example
 * ```ts
 * const pe = sinusoidalEncoding(10, 4);
 * console.assert(pe.shape.join() === '10,4');
 * console.assert(Array.from(pe.dataSync().slice(0, 4)).join() === '0,1,0,1'); // t = 0: sin 0, cos 0
 * ```
 */
export function sinusoidalEncoding(length: number, width: number, backend?: string): Tensor {
  const values = new Float32Array(length * width);
  for (let t = 0; t < length; t++) {
    for (let i = 0; i < width; i += 2) {
      const angle = t / Math.pow(10000, i / width);
      values[t * width + i] = Math.sin(angle);
      if (i + 1 < width) values[t * width + i + 1] = Math.cos(angle);
    }
  }
  return tensor(values, [length, width], { backend });
}
