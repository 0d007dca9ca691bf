// A node of the autograd graph: the record of one op that turns its outputs' gradients into its inputs' gradients.
import { InvalidArgumentError, type Tensor } from '@seqlab/tensor-core';
import { autogradState } from './shared.js';

/**
 * Computes input gradients from output gradients. `outputGrads[i]` is null when nothing downstream
 * used output `i` (nodes created with `materializeGrads` receive zeros instead).
 */
export type NodeBackward = (
  outputGrads: readonly (Tensor | null)[],
  inputs: readonly Tensor[],
  outputs: readonly Tensor[],
  needsGrad: readonly boolean[],
) => readonly (Tensor | null)[];

/** One recorded op (or custom op) on the tape; stored on each of its outputs' `gradNode`. */
export class GradNode {
  /** Op name, for error messages. */
  readonly name: string;
  /** Position in reverse topological order: the largest output id (outputs are created after their inputs). */
  readonly order: number;
  /** Whether null output gradients are replaced by zeros before {@link apply} runs. */
  readonly materializeGrads: boolean;
  /**
   * Whether the rule is library code that keeps no reference to the gradients it receives or to the tensors it makes
   * beyond returning them (every rule of the op table; custom ops that declare `pureBackward`), so that backward may
   * dispose them as soon as it has consumed them. Gradients handed to any other rule may be kept by user code.
   */
  readonly pureBackward: boolean;
  private inputsHeld: readonly Tensor[];
  private readonly outputsHeld: readonly Tensor[];
  private readonly inputVersions: readonly number[];
  private readonly outputVersions: readonly number[];
  private readonly rule: NodeBackward;
  private freed = false;
  /** Run once when the graph is freed: disposes what only this node's rule would have read (a custom op's saved tensors). */
  onFree: (() => void) | undefined = undefined;

  constructor(name: string, inputs: readonly Tensor[], outputs: readonly Tensor[], rule: NodeBackward, materializeGrads = false, pureBackward = false) {
    this.name = name;
    this.inputsHeld = inputs;
    this.outputsHeld = outputs;
    this.inputVersions = inputs.map((t) => t.version);
    this.outputVersions = outputs.map((t) => t.version);
    this.rule = rule;
    this.materializeGrads = materializeGrads;
    this.pureBackward = pureBackward;
    let order = -1;
    for (const o of outputs) order = Math.max(order, o.id);
    this.order = order;
  }

  /** The op's inputs (empty once the graph is freed). */
  get inputs(): readonly Tensor[] {
    return this.inputsHeld;
  }

  /** The op's outputs. */
  get outputs(): readonly Tensor[] {
    return this.outputsHeld;
  }

  /** True after a `backward()` without `retainGraph` went through this node. */
  get isFreed(): boolean {
    return this.freed;
  }

  /** Input gradients for `outputGrads`, after checking that nothing the rule reads was modified in place. */
  apply(outputGrads: readonly (Tensor | null)[], needsGrad: readonly boolean[]): readonly (Tensor | null)[] {
    this.checkAlive();
    this.checkVersions(this.inputsHeld, this.inputVersions, 'input');
    this.checkVersions(this.outputsHeld, this.outputVersions, 'output');
    return this.rule(outputGrads, this.inputsHeld, this.outputsHeld, needsGrad);
  }

  /** Throws when the graph behind this node was already freed by a previous `backward()`. */
  checkAlive(): void {
    if (this.freed) {
      throw new InvalidArgumentError(
        `backward: trying to go through the graph of '${this.name}' a second time; its saved tensors were freed by the first backward(). ` +
          `Pass { retainGraph: true } to the first backward() to keep them, or detach() tensors carried over from an earlier step`,
      );
    }
  }

  /** Drops the saved tensors so that the graph's memory can be collected. */
  free(): void {
    this.freed = true;
    this.inputsHeld = [];
    const onFree = this.onFree;
    this.onFree = undefined;
    onFree?.();
  }

  private checkVersions(tensors: readonly Tensor[], versions: readonly number[], what: string): void {
    for (let i = 0; i < tensors.length; i++) {
      if (tensors[i].version !== versions[i]) {
        throw new InvalidArgumentError(
          `backward: ${what} ${i} of '${this.name}' (tensor #${tensors[i].id} of shape [${tensors[i].shape.join(', ')}]) was modified by assign() ` +
            `after the op used it (version ${versions[i]}, now ${tensors[i].version}); its gradient would be wrong. ` +
            `Update parameters only after backward(), or compute from a copy`,
        );
      }
    }
  }
}

// Every loaded copy of autograd makes nodes of the first copy's class, so each copy's backward() walks the others' graphs.
// @ts-expect-error -- rebinding the class to the first loaded copy's (a class binding is mutable in JavaScript)
GradNode = autogradState.claim('GradNode', GradNode);

/** The node that produced `t`, or null for leaves and tensors outside any graph. */
export function nodeOf(t: Tensor): GradNode | null {
  return t.gradNode instanceof GradNode ? t.gradNode : null;
}
