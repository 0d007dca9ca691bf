// Test helpers for the gpu backend: forcing a garbage collection so FinalizationRegistry callbacks run.

/** Runs a full collection (Node with --expose-gc, Chromium with --js-flags=--expose-gc) and lets finalizers run. */
export async function collectGarbage(): Promise<void> {
  const gc = (globalThis as { gc?: () => void }).gc;
  if (gc === undefined) throw new Error('collectGarbage: gc() is not exposed (run with --expose-gc)');
  for (let round = 0; round < 4; round++) {
    gc();
    await new Promise((resolve) => setTimeout(resolve, 0));
  }
}
