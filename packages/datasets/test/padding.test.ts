// padSequences: widths, lengths, masks, custom padding and errors.
import { padSequences } from '@seqlab/datasets';
import { describe, expect, it } from 'vitest';
import { expectSeqlabError } from './helpers.js';

describe('padSequences', () => {
  it('pads on the right to the longest sequence with lengths and a float32 mask', () => {
    const { tokens, lengths, mask } = padSequences([[5, 6, 7], new Int32Array([8]), []]);
    expect(tokens.dtype).toBe('int32');
    expect(lengths.dtype).toBe('int32');
    expect(mask.dtype).toBe('float32');
    expect(tokens.toArray()).toEqual([
      [5, 6, 7],
      [8, 0, 0],
      [0, 0, 0],
    ]);
    expect(lengths.toArray()).toEqual([3, 1, 0]);
    expect(mask.toArray()).toEqual([
      [1, 1, 1],
      [1, 0, 0],
      [0, 0, 0],
    ]);
  });

  it('honours padValue and a fixed length', () => {
    const { tokens, mask } = padSequences([[1], [2, 3]], { padValue: -1, length: 4 });
    expect(tokens.toArray()).toEqual([
      [1, -1, -1, -1],
      [2, 3, -1, -1],
    ]);
    expect(mask.shape).toEqual([2, 4]);
  });

  it('bad input is a typed error naming the sequence', () => {
    expectSeqlabError(() => padSequences([]), 'INVALID_ARGUMENT', /non-empty array/);
    expectSeqlabError(() => padSequences([[1, 2, 3]], { length: 2 }), 'INVALID_ARGUMENT', /'length' is 2 but sequences\[0\] has 3 tokens/);
    expectSeqlabError(() => padSequences([[1], [0.5]]), 'INVALID_ARGUMENT', /sequences\[1\]/);
    expectSeqlabError(() => padSequences([[1]], { padValue: 0.5 }), 'INVALID_ARGUMENT', /'padValue'/);
  });
});
