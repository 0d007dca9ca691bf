// The allocator: size classes, reuse of freed blocks, growth, and its counters.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { classBytes, Heap, sizeClass } from '../src/heap.js';

describe('size classes', () => {
  it('cover every request with at most 25% slack above 64 bytes, 16-byte multiples, in increasing order', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 2 ** 31 }), (bytes) => {
        const cls = sizeClass(bytes);
        const size = classBytes(cls);
        expect(size).toBeGreaterThanOrEqual(bytes);
        expect(size % 16).toBe(0);
        if (bytes > 64) expect(size).toBeLessThanOrEqual(bytes * 1.25 + 16);
        if (cls > 0) expect(classBytes(cls - 1)).toBeLessThan(bytes);
      }),
    );
  });
});

describe('Heap', () => {
  const memory = () => new WebAssembly.Memory({ initial: 1, maximum: 1024, shared: true });

  it('reuses a freed block of the same class and hands out aligned, disjoint blocks', () => {
    const heap = new Heap(memory(), 100);
    const a = heap.alloc(1000);
    const b = heap.alloc(1000);
    expect(a % 64).toBe(0);
    expect(b).toBeGreaterThanOrEqual(a + 1000);
    heap.free(a);
    expect(heap.stats().freeBlocks).toBe(1);
    expect(heap.alloc(900)).toBe(a);
    expect(heap.stats()).toMatchObject({ liveBlocks: 2, freeBlocks: 0 });
  });

  it('reuses a slightly larger free block before taking new memory, but not a much larger one', () => {
    const heap = new Heap(memory(), 0);
    const big = heap.alloc(1200);
    heap.alloc(16);
    heap.free(big);
    expect(heap.alloc(1000)).toBe(big);
    heap.free(big);
    expect(heap.alloc(500)).not.toBe(big);
  });

  it('returns the topmost block to the bump pointer, where any size can reuse it', () => {
    const heap = new Heap(memory(), 0);
    const a = heap.alloc(64);
    const b = heap.alloc(4096);
    heap.free(b);
    expect(heap.stats().freeBlocks).toBe(0);
    expect(heap.alloc(100)).toBe(b);
    expect(a).toBe(0);
  });

  it('grows memory when the bump pointer passes its end and renews the views', () => {
    const heap = new Heap(memory(), 0);
    const before = heap.f32;
    const big = heap.alloc(3 * 65536);
    expect(heap.stats().grows).toBeGreaterThan(0);
    expect(heap.stats().memoryBytes).toBeGreaterThanOrEqual(big + 3 * 65536);
    expect(heap.f32).not.toBe(before);
    heap.f32[(big >>> 2) + 3 * 16384 - 1] = 7;
    expect(heap.f32[(big >>> 2) + 3 * 16384 - 1]).toBe(7);
  });

  it('throws MEMORY_BUDGET_EXCEEDED past the maximum and rejects unknown frees', () => {
    const heap = new Heap(new WebAssembly.Memory({ initial: 1, maximum: 2 }), 0);
    expect(() => heap.alloc(4 * 65536)).toThrow(expect.objectContaining({ code: 'MEMORY_BUDGET_EXCEEDED' }));
    expect(() => heap.free(12345)).toThrow(expect.objectContaining({ code: 'INVALID_ARGUMENT' }));
  });

  it('reset releases every block at once, keeping memory, so the same allocations land where they did before', () => {
    const heap = new Heap(memory(), 100);
    const first = [heap.alloc(1000), heap.alloc(3 * 65536), heap.alloc(16)];
    heap.free(first[0]);
    const size = heap.stats().memoryBytes;
    heap.reset();
    expect(heap.stats()).toMatchObject({ liveBlocks: 0, liveBytes: 0, freeBlocks: 0, freeBytes: 0, memoryBytes: size });
    expect([heap.alloc(1000), heap.alloc(3 * 65536), heap.alloc(16)]).toEqual(first);
    expect(heap.stats().memoryBytes).toBe(size);
  });
});
