// The attention memory budget: a module-level cap on the bytes of one score tensor, checked before allocating.
import { bytesPerElement, InvalidArgumentError, MemoryBudgetError, type DType } from '@seqlab/tensor-core';
import { attentionState } from './shared.js';

// 2 GiB: above this a single Float32Array of scores is near V8's typed-array limit anyway.
const DEFAULT_BUDGET = 2 ** 31;
// One budget for every loaded copy of attention, read from a local variable.
let budget = DEFAULT_BUDGET;
const shareBudget = attentionState.link('memoryBudget', DEFAULT_BUDGET, (bytes) => {
  budget = bytes;
});

/**
 * Sets the largest attention score tensor (`B·H·L·S` elements, in bytes) that an attention call may allocate;
 * a call that would need more throws tensor-core's `MemoryBudgetError` (code `MEMORY_BUDGET_EXCEEDED`) before
 * allocating anything. `Infinity` removes the cap; `undefined` restores the default of 2 GiB. Returns the previous budget.
 *
 * @example
 * ```ts
 * setAttentionMemoryBudget(64 * 2 ** 20); // 64 MiB of scores per call at most
 * ```
 */
export function setAttentionMemoryBudget(bytes: number | undefined): number {
  const next = bytes ?? DEFAULT_BUDGET;
  if (typeof next !== 'number' || !(next > 0)) {
    throw new InvalidArgumentError(`setAttentionMemoryBudget: argument 'bytes' must be a positive number (or Infinity); received ${String(bytes)}`);
  }
  const previous = budget;
  shareBudget(next);
  return previous;
}

/**
 * The current attention memory budget in bytes (see {@link setAttentionMemoryBudget}).
 *
 * @example
 * ```ts
 * const previous = setAttentionMemoryBudget(2 ** 20);
 * console.assert(getAttentionMemoryBudget() === 2 ** 20);
 * setAttentionMemoryBudget(previous); // back to what it was (2 GiB by default)
 * ```
 */
export function getAttentionMemoryBudget(): number {
  return budget;
}

/** Throws MEMORY_BUDGET_EXCEEDED when `B·H·L·S` scores of `dtype` exceed the budget; the message names every size. */
export function checkAttentionMemory(op: string, batch: number, heads: number, queryLength: number, keyLength: number, dtype: DType): void {
  const elements = batch * heads * queryLength * keyLength;
  const bytes = elements * bytesPerElement(dtype);
  if (bytes > budget) {
    throw new MemoryBudgetError(
      `${op}: the attention scores need B=${batch} × H=${heads} × L=${queryLength} × S=${keyLength} = ${elements} ${dtype} values ` +
        `(${bytes} bytes), over the attention memory budget of ${budget} bytes; use shorter sequences or smaller batches, ` +
        `or raise it with setAttentionMemoryBudget(bytes)`,
    );
  }
}
