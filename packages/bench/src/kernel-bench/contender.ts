// What the kernel benchmark needs from a library and backend: its matmul, and builders of its training steps.
import type { LstmShape, TransformerShape } from './training-shapes.js';

/** A library's tensors as the matmul cases see them: opaque values created, multiplied and freed. */
export interface MatmulOps {
  /** A float32 tensor of `values` with `shape` on this contender's backend. */
  tensor(values: Float32Array, shape: number[]): unknown;
  /** `a·b` with the transpose flags; the product is synchronously computed. */
  matmul(a: unknown, b: unknown, transA: boolean, transB: boolean): unknown;
  /** Frees a tensor. */
  dispose(t: unknown): void;
}

/** One ready-to-time training step. */
export interface TrainingStep {
  /** Runs forward, loss, backward and the optimizer step, and reads the loss back. */
  run(): unknown;
  /** Frees the model, optimizer state and inputs. */
  dispose(): void;
  /** How this step differs from the plain case (a substituted kernel), else null. */
  readonly note: string | null;
}

/** A library on one backend and thread count. */
export interface Contender {
  /** `seqlab` or `tfjs`. */
  readonly library: string;
  /** The backend name. */
  readonly backend: string;
  /** Threads it runs on. */
  readonly threads: number;
  /** Column heading. */
  readonly label: string;
  /** Selects this contender's settings (thread count, active TF.js backend); runs untimed before every call. */
  before(): void | Promise<void>;
  /** Its matmul, or null when it is not part of the matmul comparison. */
  readonly matmul: MatmulOps | null;
  /** Builds an LSTM language-model training step, or null when it does not run training steps. */
  readonly lstmStep: ((shape: LstmShape, seed: number) => TrainingStep) | null;
  /** Builds a Transformer-block training step, or null when it does not run training steps. */
  readonly transformerStep: ((shape: TransformerShape, seed: number) => TrainingStep) | null;
}
