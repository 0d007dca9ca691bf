// A check of where() that needs a second registered backend (the elementwise suite runs in test-utils' backend suites).
import { describe, expect, it } from 'vitest';
import { cpuBackend, getBackend, registerBackend, tensor, where } from '../src/index.js';

describe('where with two number branches', () => {
  it('creates them on cond’s backend, not the active one', () => {
    // A renamed copy of the CPU backend stands in for a second device.
    registerBackend({ ...cpuBackend, name: 'cpu-where-test' });
    expect(getBackend().name).toBe('cpu');
    const cond = tensor([true, false], undefined, { backend: 'cpu-where-test' });
    const out = where(cond, 1, 0);
    expect(out.backendName).toBe('cpu-where-test');
    expect(out.toArray()).toEqual([1, 0]);
  });
});
