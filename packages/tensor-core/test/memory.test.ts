import { describe, expect, it } from 'vitest';
import { add, memory, tensor } from '../src/index.js';

async function collect(): Promise<void> {
  for (let i = 0; i < 3; i++) {
    (globalThis as { gc?: () => void }).gc?.();
    await new Promise((r) => setTimeout(r, 0));
  }
}

describe('live-storage counter', () => {
  it('is exposed to tests that force collection', () => {
    expect(typeof (globalThis as { gc?: unknown }).gc).toBe('function');
  });

  it('counts dispose at once and collected tensors after a GC', async () => {
    const before = memory('cpu').storages;
    const t = tensor([1, 2, 3]);
    expect(memory('cpu').storages).toBe(before + 1);
    expect(memory('cpu').bytes).toBeGreaterThanOrEqual(12);
    t.dispose();
    expect(memory('cpu').storages).toBe(before);
    await collect();
    const base = memory('cpu').storages;
    let x = tensor([1, 2, 3]);
    for (let i = 0; i < 2000; i++) x = add(x, 1);
    expect(x.toArray()).toEqual([2001, 2002, 2003]);
    await collect();
    // Only x (and at most a few not-yet-finalised scalars) may remain.
    expect(memory('cpu').storages - base).toBeLessThan(50);
  });
});
