// The one validation module: the value describer and the shared integer and boolean checks, with their messages.
import { describe, expect, it } from 'vitest';
import { checkBoolean, checkIntegerAtLeast, checkNonNegativeInt, checkPositiveInt, describeValue, zeros } from '@seqlab/tensor-core';

describe('describeValue', () => {
  it.each([
    [undefined, 'undefined'],
    [null, 'null'],
    [2.5, '2.5'],
    [true, 'true'],
    [5n, '5n'],
    ['abc', '"abc"'],
    ['x'.repeat(50), JSON.stringify(`${'x'.repeat(40)}…`)],
    [[1, 'a'], '[1, "a"]'],
    [Array(9).fill(0), 'an array of length 9'],
    [new Float32Array(3), 'a Float32Array of length 3'],
    [() => 1, 'a function'],
    [{ a: 1 }, 'an object'],
    [new Map(), 'a Map'],
  ])('%s → %s', (value, text) => expect(describeValue(value)).toBe(text));

  it('describes a tensor by dtype and shape', () => {
    expect(describeValue(zeros([2, 3]))).toBe('a float32 tensor of shape [2, 3]');
  });
});

describe('shared checks', () => {
  it('checkPositiveInt names the op, the kind of input and the value', () => {
    expect(checkPositiveInt('Op', 'n', 3)).toBe(3);
    expect(() => checkPositiveInt('Op', 'n', 0)).toThrow("Op: argument 'n' must be a positive integer; received 0");
    expect(() => checkPositiveInt('TransformerLM', 'dModel', 2.5, 'config')).toThrow("TransformerLM: config 'dModel' must be a positive integer; received 2.5");
    expect(() => checkPositiveInt('Op', 'n', '4')).toThrow(expect.objectContaining({ code: 'INVALID_ARGUMENT' }));
  });

  it('checkNonNegativeInt accepts 0 and rejects -1', () => {
    expect(checkNonNegativeInt('Op', 'n', 0)).toBe(0);
    expect(() => checkNonNegativeInt('Op', 'n', -1)).toThrow("Op: argument 'n' must be a non-negative integer; received -1");
  });

  it('checkIntegerAtLeast takes any lower bound and says it in the message', () => {
    expect(checkIntegerAtLeast('Op', 'n', 2, 2)).toBe(2);
    expect(checkIntegerAtLeast('Op', 'n', -3, -3)).toBe(-3);
    expect(() => checkIntegerAtLeast('Op', 'n', 1, 2)).toThrow("Op: argument 'n' must be an integer ≥ 2; received 1");
    expect(() => checkIntegerAtLeast('evaluate', 'seqLen', 1.5, 1, 'option')).toThrow("evaluate: option 'seqLen' must be an integer ≥ 1; received 1.5");
    expect(() => checkIntegerAtLeast('Op', 'n', '4', 0)).toThrow(`Op: argument 'n' must be an integer ≥ 0; received "4"`);
    expect(() => checkIntegerAtLeast('Op', 'n', 2 ** 53, 0)).toThrow(expect.objectContaining({ code: 'INVALID_ARGUMENT' }));
  });

  it('checkBoolean takes a fallback for undefined and names options', () => {
    expect(checkBoolean('LSTM', 'bias', undefined, true, 'option')).toBe(true);
    expect(() => checkBoolean('LSTM', 'bias', 'yes', true, 'option')).toThrow(`LSTM: option 'bias' must be a boolean; received "yes"`);
    expect(() => checkBoolean('DataLoader', 'shuffle', undefined)).toThrow("DataLoader: argument 'shuffle' must be a boolean; received undefined");
  });
});
