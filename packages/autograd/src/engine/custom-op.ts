// User-defined differentiable ops with a hand-written backward, like torch.autograd.Function: the hook for fused fast paths.
import { collectCreated, formatShape, InvalidArgumentError, isFloatDType, Tensor } from '@seqlab/tensor-core';
import { isGradEnabled, noGrad } from './grad-mode.js';
import { GradNode } from './grad-node.js';

/** What a custom op's backward knows besides the output gradients. */
export interface CustomOpContext {
  /** The op's inputs, as passed to it. */
  readonly inputs: readonly Tensor[];
  /** The op's outputs, as returned from `forward`. */
  readonly outputs: readonly Tensor[];
  /** `needsInputGrad[i]` is false when input `i` does not require gradients; return null for it to save work. */
  readonly needsInputGrad: readonly boolean[];
}

/** What a custom op's `forward` returns. */
export interface CustomOpForwardResult<O extends Tensor | readonly Tensor[], S> {
  /** The op's result: one tensor, or an array of tensors for ops with several outputs. */
  readonly outputs: O;
  /** Anything backward needs (intermediate tensors, shapes, flags); handed back to `backward` unchanged. */
  readonly saved?: S;
}

/** Definition of a custom op; see {@link customOp}. */
export interface CustomOpDefinition<O extends Tensor | readonly Tensor[], S> {
  /** Op name, used in error messages. */
  readonly name: string;
  /** Names of the op's tensor inputs, in order; calls with another count are rejected. */
  readonly inputs: readonly string[];
  /** Computes the outputs from the inputs. Runs with recording off: whatever it computes leaves no graph. */
  forward(inputs: readonly Tensor[]): CustomOpForwardResult<O, S>;
  /**
   * Given one gradient per output (zeros for outputs nothing used), returns one gradient per input, shaped like
   * that input, or null where there is none. Runs with recording off.
   */
  backward(outputGrads: readonly Tensor[], saved: S, ctx: CustomOpContext): readonly (Tensor | null)[];
  /**
   * Declares that `backward` keeps no reference to the gradients it receives or to the tensors it makes, beyond
   * returning its input gradients (no logging or caching of them), and that `forward` keeps the tensors it makes only
   * in its outputs and `saved`: backward() may then dispose the gradients and temporaries as soon as it has consumed
   * them (on the wasm backend keeping them in wasm memory, where the next kernels read them without a copy), and the
   * tensors `forward` made besides its outputs once a backward() without `retainGraph` has gone through the op (so
   * their memory is reused at once). Default false: the op receives copies it may keep. Library fused ops (attention,
   * LayerNorm, LSTM/GRU) declare it.
   */
  readonly pureBackward?: boolean;
}

/**
 * Defines a differentiable op from a forward computation and its hand-written backward, with the semantics of
 * `torch.autograd.Function`: `forward` runs without recording (so a fused kernel or a long chain of ops leaves no
 * graph behind), and `backward` receives the gradients of the outputs plus whatever `forward` chose to save.
 * Layers use it for fused fast paths (an LSTM step, attention); `gradcheck` verifies a definition.
 *
 * The returned function takes the inputs as arguments. When gradients are being recorded and an input requires
 * them, each output gets a shared graph node, so `backward` runs once with the gradients of all outputs.
 *
 * @example
 * ```ts
 * // y = x·sigmoid(x) (SiLU) with its derivative written out.
 * const silu = customOp({
 *   name: 'silu',
 *   inputs: ['x'],
 *   forward: ([x]) => {
 *     const s = sigmoid(x);
 *     return { outputs: mul(x, s), saved: s };
 *   },
 *   backward: ([g], s, { inputs: [x] }) => [mul(g, mul(s, add(1, mul(x, sub(1, s)))))],
 * });
 * const y = silu(x);
 * ```
 */
export function customOp<O extends Tensor | readonly Tensor[], S = undefined>(definition: CustomOpDefinition<O, S>): (...inputs: Tensor[]) => O {
  const { name, inputs: inputNames } = definition;
  if (typeof name !== 'string' || name === '') {
    throw new InvalidArgumentError(`customOp: argument 'name' must be a non-empty string; received ${typeof name}`);
  }
  if (!Array.isArray(inputNames)) {
    throw new InvalidArgumentError(`customOp(${name}): argument 'inputs' must be an array of input names`);
  }
  if (typeof definition.forward !== 'function' || typeof definition.backward !== 'function') {
    throw new InvalidArgumentError(`customOp(${name}): 'forward' and 'backward' must be functions`);
  }
  return (...inputs: Tensor[]): O => {
    if (inputs.length !== inputNames.length) {
      throw new InvalidArgumentError(`${name}: expected ${inputNames.length} inputs (${inputNames.join(', ')}); received ${inputs.length}`);
    }
    inputs.forEach((t, i) => {
      if (!(t instanceof Tensor)) {
        throw new InvalidArgumentError(`${name}: argument '${inputNames[i]}' must be a Tensor; received ${typeof t}`);
      }
    });
    const pure = definition.pureBackward === true;
    const { result, created } = pure
      ? collectCreated(() => noGrad(() => definition.forward(inputs)))
      : { result: noGrad(() => definition.forward(inputs)), created: [] };
    const single = result.outputs instanceof Tensor;
    const outputs: Tensor[] = single ? [result.outputs as Tensor] : [...(result.outputs as readonly Tensor[])];
    if (!isGradEnabled() || !inputs.some((t) => t.requiresGrad)) return result.outputs;
    // An output that is an input (or already on a graph) is replaced by a fresh view so the node can own it.
    const owned = outputs.map((o) => (inputs.includes(o) || o.gradNode !== null || o.requiresGrad ? o.alias() : o));
    const saved = result.saved as S;
    const node = new GradNode(
      name,
      inputs,
      owned,
      (outputGrads, ins, outs, needsGrad) => {
        const grads = definition.backward(outputGrads as Tensor[], saved, { inputs: ins, outputs: outs, needsInputGrad: needsGrad });
        if (!Array.isArray(grads) || grads.length !== ins.length) {
          throw new InvalidArgumentError(
            `${name}: backward must return one gradient (or null) per input (${ins.length}); received ${Array.isArray(grads) ? grads.length : typeof grads}`,
          );
        }
        grads.forEach((g, i) => {
          if (g !== null && g !== undefined && !(g instanceof Tensor)) {
            throw new InvalidArgumentError(`${name}: backward returned ${typeof g} for input '${inputNames[i]}'; expected a Tensor or null`);
          }
          if (g instanceof Tensor && needsGrad[i] && g.shape.length !== ins[i].shape.length) {
            throw new InvalidArgumentError(
              `${name}: backward returned a gradient of shape ${formatShape(g.shape)} for input '${inputNames[i]}' of shape ${formatShape(ins[i].shape)}`,
            );
          }
        });
        return grads;
      },
      true,
      pure,
    );
    // What forward made besides its outputs (saved tensors, temporaries) is read by nothing once the graph is freed.
    const made = created.filter((t) => !outputs.includes(t));
    if (made.length > 0) node.onFree = () => made.forEach((t) => t.dispose());
    for (const o of owned) {
      if (!isFloatDType(o.dtype)) continue;
      o.gradNode = node;
      o.requiresGrad = true;
    }
    return (single ? owned[0] : owned) as unknown as O;
  };
}
