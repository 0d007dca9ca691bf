// Writing one copy-task example (Arjovsky, Shah & Bengio 2016) into row-major input and target buffers.
import type { Generator } from '@seqlab/tensor-core';

/** Id of the blank symbol in every copy task. */
export const COPY_BLANK = 0;

/**
 * Writes row `row` of a copy-task batch whose rows are `width` long: `copyLength` data symbols drawn uniformly
 * from `1..numDataSymbols`, `delay − 1` blanks, the delimiter `numDataSymbols + 1`, then blanks; the target is
 * blank up to position `delay + copyLength − 1` and repeats the data symbols right after. Positions past
 * `delay + 2·copyLength` (variable delays) stay blank in both. The buffers must be zero (blank) on entry.
 */
export function writeCopyExample(
  inputs: Int32Array,
  targets: Int32Array,
  row: number,
  width: number,
  delay: number,
  copyLength: number,
  numDataSymbols: number,
  generator: Generator,
): void {
  const base = row * width;
  const echo = base + delay + copyLength;
  for (let i = 0; i < copyLength; i++) {
    const symbol = generator.int(1, numDataSymbols);
    inputs[base + i] = symbol;
    targets[echo + i] = symbol;
  }
  inputs[base + copyLength + delay - 1] = numDataSymbols + 1;
}
