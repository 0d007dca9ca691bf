// The tensors one backward() makes and no one else can reach (intermediate gradients, temporaries of gradient rules),
// disposed as soon as they are consumed, so that a backend may keep them where its kernels read them without a copy.
import { collectCreated, Tensor, type Backend } from '@seqlab/tensor-core';

/**
 * Ownership of the tensors made during one `backward()`. A tensor is owned when the engine or a pure rule (see
 * `GradNode.pureBackward`) made it during this backward and it was never handed to anyone else: not set as a leaf's
 * `.grad`, not given to a rule that may keep it, not the seed. An owned tensor is disposed once no pending gradient
 * holds it. Tensors made before the backward (saved activations, parameters, the seed) are never owned.
 */
export class OwnedGradients {
  private readonly owned = new Set<Tensor>();
  // How many pending gradients (of not yet processed tensors) hold each tensor: one can be the gradient of several.
  private readonly held = new Map<Tensor, number>();

  /**
   * Runs `fn`, whose results and temporaries nobody else can reach, with the backend's scratch results on (where it has
   * them); disposes every tensor it made except `keep(result)`, which become owned. On a backend whose storage is not
   * garbage-collected (gpu) it just runs `fn`: nothing is owned or disposed early there.
   */
  run<T>(backend: Backend, fn: () => T, keep: (result: T) => readonly (Tensor | null)[]): T {
    // Only where storage is garbage-collected (cpu, wasm): on the gpu backend's WebGL2 textures, disposing these early
    // changed the gradients of the LSTM, GRU and LayerNorm contract suites (a texture-reuse hazard not yet found), so
    // that backend keeps the old behaviour, nothing owned, and its textures go by dispose() or the finalizer net.
    if (backend.garbageCollected !== true) return fn();
    const created: Tensor[] = [];
    let result: T;
    try {
      result = collectCreated(() => (backend.scratchResults === undefined ? fn() : backend.scratchResults(fn)), created).result;
    } catch (error) {
      // A rule that threw leaves only garbage behind: free it now rather than when it is collected.
      for (const t of created) t.dispose();
      throw error;
    }
    const kept = new Set(keep(result));
    for (const t of created) {
      if (kept.has(t)) this.owned.add(t);
      else t.dispose();
    }
    return result;
  }

  /** A pending gradient starts holding `g`. */
  hold(g: Tensor): void {
    this.held.set(g, (this.held.get(g) ?? 0) + 1);
  }

  /** A pending gradient stops holding `g`. */
  unhold(g: Tensor): void {
    const n = (this.held.get(g) ?? 0) - 1;
    if (n > 0) this.held.set(g, n);
    else this.held.delete(g);
  }

  /**
   * `g`, or what to give in its place to code that may keep it (a leaf's `.grad`, a rule that is not pure): an owned
   * tensor whose storage the backend keeps resident is given as a plain copy (it stays owned and is disposed with the
   * rest); any other owned tensor is given as it is and stops being owned.
   */
  handOver(g: Tensor): Tensor {
    if (!this.owned.has(g)) return g;
    const backend = g.backend;
    if (backend.isResident?.(g.handle) === true) {
      const copy = backend.readSync(g.handle, g.dtype, g.size);
      return Tensor.fromHandle(backend, backend.adopt(copy, g.dtype), g.shape, g.dtype);
    }
    this.owned.delete(g);
    return g;
  }

  /** Disposes each of `tensors` that is owned and held by no pending gradient. */
  release(tensors: Iterable<Tensor | null | undefined>): void {
    for (const t of tensors) {
      if (t === null || t === undefined || !this.owned.has(t) || this.held.has(t)) continue;
      this.owned.delete(t);
      t.dispose();
    }
  }

  /** Disposes every owned tensor (after the backward, or when a rule threw). */
  releaseAll(): void {
    for (const t of this.owned) t.dispose();
    this.owned.clear();
    this.held.clear();
  }
}
