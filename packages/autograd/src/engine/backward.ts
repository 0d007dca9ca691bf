// Reverse-mode differentiation: walk the graph behind a tensor in reverse creation order and accumulate gradients.
import { add, formatShape, InvalidArgumentError, onesLike, ShapeMismatchError, shapesEqual, Tensor, zerosLike } from '@seqlab/tensor-core';
import { noGrad } from './grad-mode.js';
import { nodeOf, type GradNode } from './grad-node.js';
import { OwnedGradients } from './owned-gradients.js';

/** Options of {@link backward}. */
export interface BackwardOptions {
  /** Keep the graph's saved tensors so that `backward()` can run through it again. Default false. */
  retainGraph?: boolean;
}

/** Every node that `root` depends on, in reverse topological order (largest output id first). */
function collectNodes(root: GradNode): GradNode[] {
  const seen = new Set<GradNode>([root]);
  const stack = [root];
  while (stack.length > 0) {
    const node = stack.pop() as GradNode;
    node.checkAlive();
    for (const input of node.inputs) {
      const child = nodeOf(input);
      if (child !== null && !seen.has(child)) {
        seen.add(child);
        stack.push(child);
      }
    }
  }
  // Every op's outputs are created after its inputs, so decreasing id is a reverse topological order.
  return [...seen].sort((a, b) => b.order - a.order);
}

function accumulateLeaf(leaf: Tensor, grad: Tensor): void {
  leaf.grad = leaf.grad === null ? grad : add(leaf.grad, grad);
}

function checkSeed(root: Tensor, seed: Tensor | undefined | null): Tensor {
  if (seed === undefined || seed === null) {
    if (root.size !== 1) {
      throw new InvalidArgumentError(
        `backward: a gradient can be created implicitly only for a one-element output; received shape ${formatShape(root.shape)}. ` +
          `Pass 'seedGrad', the gradient of the loss with respect to this tensor`,
      );
    }
    return onesLike(root);
  }
  if (!(seed instanceof Tensor)) {
    throw new InvalidArgumentError(`backward: argument 'seedGrad' must be a Tensor; received ${typeof seed}`);
  }
  if (!shapesEqual(seed.shape, root.shape) || seed.dtype !== root.dtype) {
    throw new ShapeMismatchError(
      `backward: argument 'seedGrad' must be a ${root.dtype} tensor of shape ${formatShape(root.shape)} like the output; received a ${seed.dtype} tensor of shape ${formatShape(seed.shape)}`,
    );
  }
  return seed;
}

/**
 * Computes the gradient of `root` with respect to every leaf tensor that requires gradients and adds it to
 * that leaf's `.grad` (gradients accumulate across calls until zeroed, as in PyTorch). Intermediate gradients
 * and the temporaries of gradient rules are disposed as soon as they are consumed (nothing the caller can reach: a
 * leaf's `.grad`, the seed, and what custom ops without `pureBackward` receive stay valid), and the graph is freed
 * afterwards unless `retainGraph` is set.
 *
 * @param root - the tensor to differentiate, usually a scalar loss
 * @param seedGrad - d(loss)/d(root); defaults to 1 for a one-element root and is required otherwise
 * @example
 * ```ts
 * const w = tensor([1, 2, 3]).requiresGrad_();
 * const loss = sum(mul(w, w));
 * backward(loss);      // or loss.backward()
 * w.grad?.toArray();   // [2, 4, 6]
 * ```
 */
export function backward(root: Tensor, seedGrad?: Tensor | null, options: BackwardOptions = {}): void {
  if (!(root instanceof Tensor)) {
    throw new InvalidArgumentError(`backward: argument 'root' must be a Tensor; received ${typeof root}`);
  }
  if (!root.requiresGrad) {
    throw new InvalidArgumentError(
      `backward: the tensor (shape ${formatShape(root.shape)}) does not require gradients and has no graph; ` +
        `call requiresGrad_() on the leaves before computing it, outside noGrad()`,
    );
  }
  const seed = checkSeed(root, seedGrad);
  noGrad(() => {
    const rootNode = nodeOf(root);
    if (rootNode === null) {
      accumulateLeaf(root, seed);
      return;
    }
    const order = collectNodes(rootNode);
    const pending = new Map<Tensor, Tensor>([[root, seed]]);
    // Intermediate gradients and rule temporaries are disposed once consumed (owned-gradients.ts).
    const owned = new OwnedGradients();
    try {
      for (const node of order) {
        let any = false;
        const outputGrads = node.outputs.map((o) => {
          const g = pending.get(o);
          if (g === undefined) return node.materializeGrads ? zerosLike(o) : null;
          pending.delete(o);
          owned.unhold(g);
          any = true;
          return g;
        });
        if (!any) continue;
        const inputs = node.inputs;
        const needsGrad = inputs.map((t) => t.requiresGrad);
        const backend = node.outputs[0].backend;
        const inputGrads = node.pureBackward
          ? owned.run(
              backend,
              () => node.apply(outputGrads, needsGrad),
              (grads) => grads,
            )
          : node.apply(
              outputGrads.map((g) => (g === null ? null : owned.handOver(g))),
              needsGrad,
            );
        const consumed: (Tensor | null | undefined)[] = [...outputGrads, ...inputGrads];
        for (let i = 0; i < inputs.length; i++) {
          const g = inputGrads[i];
          if (!needsGrad[i] || g === null || g === undefined) continue;
          const x = inputs[i];
          if (!shapesEqual(g.shape, x.shape) || g.dtype !== x.dtype) {
            throw new ShapeMismatchError(
              `backward: the rule of '${node.name}' returned a ${g.dtype} gradient of shape ${formatShape(g.shape)} for input ${i}, ` +
                `which is a ${x.dtype} tensor of shape ${formatShape(x.shape)}`,
            );
          }
          if (nodeOf(x) === null) {
            accumulateLeaf(x, x.grad === null ? owned.handOver(g) : g);
            continue;
          }
          const previous = pending.get(x);
          const sum =
            previous === undefined
              ? g
              : owned.run(
                  backend,
                  () => add(previous, g),
                  (t) => [t],
                );
          if (previous !== undefined) {
            owned.unhold(previous);
            consumed.push(previous);
          }
          pending.set(x, sum);
          owned.hold(sum);
        }
        owned.release(consumed);
      }
    } finally {
      owned.releaseAll();
    }
    if (!options.retainGraph) for (const node of order) node.free();
  });
}
