// sharedState in one process: what copies of a package share, and which versions may share at all.
import { describe, expect, it } from 'vitest';
import { IncompatibleCopyError, InvalidArgumentError, loadedCopies, sharedState, Tensor } from '@seqlab/tensor-core';

let packages = 0;
/** A package name no other test uses, so every test starts with no copy loaded. */
const fresh = (): string => `@seqlab/shared-state-test-${packages++}`;

describe('sharedState', () => {
  it('gives every later copy the value the first copy claimed, and lists the copies in load order', () => {
    const name = fresh();
    expect(loadedCopies(name)).toEqual([]);
    const first = sharedState(name, '1.2.0', 'file:///a/index.js');
    const second = sharedState(name, '1.9.3', '/b/index.cjs');
    const mine = { n: 1 };
    expect(first.claim('counter', mine)).toBe(mine);
    expect(second.claim('counter', { n: 2 })).toBe(mine);
    expect(loadedCopies(name)).toEqual([
      { version: '1.2.0', origin: 'file:///a/index.js' },
      { version: '1.9.3', origin: '/b/index.cjs' },
    ]);
  });

  it('link: each copy sees the current value at once and every later change, whichever copy makes it', () => {
    const name = fresh();
    let a = 0;
    let b = 0;
    const setA = sharedState(name, '0.1.0', 'a').link('x', 5, (v) => (a = v));
    expect(a).toBe(5);
    setA(7);
    const setB = sharedState(name, '0.1.4', 'b').link('x', 99, (v) => (b = v));
    expect([a, b]).toEqual([7, 7]);
    setB(-1);
    expect([a, b]).toEqual([-1, -1]);
  });

  it.each([
    ['0.1.0', '0.2.0'],
    ['0.1.0', '1.0.0'],
    ['1.4.2', '2.0.0'],
    ['source', '0.1.0'],
  ])('a copy of %s beside one of %s throws IncompatibleCopyError naming both versions and files', (loaded, loading) => {
    const name = fresh();
    sharedState(name, loaded, 'file:///top/dist/index.js');
    let caught: unknown;
    try {
      sharedState(name, loading, '/nested/dist/index.cjs');
    } catch (e) {
      caught = e;
    }
    expect(caught).toBeInstanceOf(IncompatibleCopyError);
    const err = caught as IncompatibleCopyError;
    expect(err.code).toBe('INCOMPATIBLE_COPY');
    expect(err.packageName).toBe(name);
    expect([err.loaded, err.loading]).toEqual([
      { version: loaded, origin: 'file:///top/dist/index.js' },
      { version: loading, origin: '/nested/dist/index.cjs' },
    ]);
    for (const part of [name, loaded, loading, 'file:///top/dist/index.js', '/nested/dist/index.cjs']) expect(err.message).toContain(part);
    expect(loadedCopies(name)).toHaveLength(1);
  });

  it('rejects a name outside @seqlab/ with INVALID_ARGUMENT', () => {
    expect(() => sharedState('lodash', '1.0.0', 'x')).toThrow(InvalidArgumentError);
  });

  it("tensor-core's own state: one copy here, and Tensor is the class it claimed", () => {
    expect(loadedCopies('@seqlab/tensor-core')).toHaveLength(1);
    const probe = sharedState('@seqlab/tensor-core', 'source', 'probe');
    expect(probe.claim('Tensor', null)).toBe(Tensor);
  });
});
