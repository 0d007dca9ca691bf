// Contract of the fused LSTM/GRU sequence kernels a backend may offer in `Backend.fused` (types only).
import type { DataHandle, TensorInfo } from './backend.js';

/**
 * Inputs of one recurrent layer direction run over a whole sequence, shared by {@link LstmSequenceKernel}
 * and {@link GruSequenceKernel}.
 *
 * Every tensor is float32 or float64 (all the same dtype), row-major and contiguous, on the backend that
 * owns the kernel. `T` is the sequence length, `B` the batch, `I` the input size, `H` the hidden size and
 * `G` the number of gates (4 for the LSTM, 3 for the GRU). The caller has validated every shape.
 */
export interface RecurrentSequenceArgs {
  /** `[T, B, I]`, time-major; `[B, T, I]` with {@link RecurrentSequenceArgs.batchFirst}. */
  readonly x: TensorInfo;
  /** Initial hidden state `[B, H]`. */
  readonly h0: TensorInfo;
  /** `[G·H, I]`, gate blocks stacked in PyTorch order (LSTM i, f, g, o; GRU r, z, n). */
  readonly weightIh: TensorInfo;
  /** `[G·H, H]`, same gate order. */
  readonly weightHh: TensorInfo;
  /** `[G·H]`, or null for a layer without bias. `biasIh` and `biasHh` are both given or both null. */
  readonly biasIh: TensorInfo | null;
  /** `[G·H]`, or null for a layer without bias. */
  readonly biasHh: TensorInfo | null;
  /**
   * Valid length of each sequence (`B` integers in `1..T`), or null when every sequence has length `T`.
   * Time step `t` of sequence `b` is valid when `t < lengths[b]`. At an invalid step the state passes through
   * unchanged and the output is 0, which is what PyTorch's packed sequences give in both directions.
   */
  readonly lengths: Int32Array | null;
  /** Process time steps from `T−1` down to 0 (the backward direction of a bidirectional layer). */
  readonly reverse: boolean;
  /**
   * False when no backward pass will read this call's workspace (inference: gradients off or no input requires
   * them): the kernel may then skip writing it and return null for every workspace field. Absent means true.
   */
  readonly saveWorkspace?: boolean;
  /**
   * True when `x` is `[B, T, I]`, as a batch-first layer holds it: the output (and the backward's `dOutput` and `dx`)
   * are then `[B, T, ·]` too, with no transposes around the call. The workspace fields stay time-major. Absent means
   * false.
   */
  readonly batchFirst?: boolean;
}

/** Inputs of {@link LstmSequenceKernel}: the shared arguments plus the initial cell state. */
export interface LstmSequenceArgs extends RecurrentSequenceArgs {
  /** Initial cell state `[B, H]`. */
  readonly c0: TensorInfo;
}

/**
 * Result of {@link LstmSequenceKernel}: handles of new storages of the inputs' dtype. The workspace fields
 * (`gates`, `cPrev`, `cellTanh`, `hPrev`) are only read back by {@link LstmSequenceBackwardKernel}; callers
 * wrap them as tensors of the documented shapes so that the ordinary storage management frees them. They may be
 * null when the call passed `saveWorkspace: false`.
 */
export interface LstmSequenceResult<H = DataHandle> {
  /** `[T, B, H]` (`[B, T, H]` batch-first): h_t at valid steps, 0 at invalid ones; indexed by time (not by processing order). */
  readonly output: H;
  /** `[B, H]`: the hidden state after the last valid step of each sequence. */
  readonly hN: H;
  /** `[B, H]`: the cell state after the last valid step of each sequence. */
  readonly cN: H;
  /** `[T, B, 4H]`: activated gates i, f, g, o at time t (unspecified at invalid steps). */
  readonly gates: H | null;
  /** `[T, B, H]`: the cell state that time step t started from. */
  readonly cPrev: H | null;
  /** `[T, B, H]`: tanh(c_t) (unspecified at invalid steps). */
  readonly cellTanh: H | null;
  /** `[T, B, H]`: the hidden state that time step t started from. */
  readonly hPrev: H | null;
}

/**
 * Runs an LSTM layer direction over a sequence, as `torch.nn.LSTM`:
 * `gates = x_t·W_ihᵀ + b_ih + h·W_hhᵀ + b_hh` split into i, f, g, o; `c' = σ(f)·c + σ(i)·tanh(g)`,
 * `h' = σ(o)·tanh(c')`. A fast implementation projects all inputs with one matrix product, then per step does
 * one `[B, H]×[H, 4H]` product and the gate math in one pass, writing into preallocated sequence buffers.
 * Pure: the inputs are not modified.
 */
export type LstmSequenceKernel = (args: LstmSequenceArgs) => LstmSequenceResult;

/** Inputs of {@link LstmSequenceBackwardKernel}. */
export interface LstmSequenceBackwardArgs extends LstmSequenceArgs {
  /** The forward result the gradients refer to, as tensors of the shapes documented in {@link LstmSequenceResult}. */
  readonly saved: {
    /** {@link LstmSequenceResult.gates}, `[T, B, 4H]`. */
    readonly gates: TensorInfo;
    /** {@link LstmSequenceResult.cPrev}, `[T, B, H]`. */
    readonly cPrev: TensorInfo;
    /** {@link LstmSequenceResult.cellTanh}, `[T, B, H]`. */
    readonly cellTanh: TensorInfo;
    /** {@link LstmSequenceResult.hPrev}, `[T, B, H]`. */
    readonly hPrev: TensorInfo;
  };
  /** Gradient of the loss with respect to `output`, `[T, B, H]` (`[B, T, H]` batch-first; values at invalid steps are ignored). */
  readonly dOutput: TensorInfo;
  /** Gradient with respect to `hN`, `[B, H]`. */
  readonly dhN: TensorInfo;
  /** Gradient with respect to `cN`, `[B, H]`. */
  readonly dcN: TensorInfo;
}

/**
 * Gradients of the loss with respect to every input of a recurrent sequence kernel: handles of new storages
 * of the inputs' dtype, shaped like the corresponding input. `H` is what each result is: a storage handle as a
 * kernel returns it, a `Tensor` as {@link fusedKernel} returns it, or a shape.
 */
export interface RecurrentSequenceGrads<H = DataHandle> {
  /** Shaped like `x`: `[T, B, I]`, or `[B, T, I]` batch-first. */
  readonly dx: H;
  /** `[B, H]`. */
  readonly dh0: H;
  /** `[G·H, I]`. */
  readonly dWeightIh: H;
  /** `[G·H, H]`. */
  readonly dWeightHh: H;
  /** `[G·H]`, or null when the layer has no bias. */
  readonly dBiasIh: H | null;
  /** `[G·H]`, or null when the layer has no bias. */
  readonly dBiasHh: H | null;
}

/** Gradients of {@link LstmSequenceBackwardKernel}: the shared ones plus the initial cell state's. */
export interface LstmSequenceGrads<H = DataHandle> extends RecurrentSequenceGrads<H> {
  /** `[B, H]`. */
  readonly dc0: H;
}

/**
 * Backpropagation through time for {@link LstmSequenceKernel}: walks the steps in reverse processing order
 * (each step one `[B, 4H]×[4H, H]` product for the recurrent gradient), collecting the pre-activation gate
 * gradients of every step, then forms the weight gradients with one product each over all steps:
 * `dW_ih = dGatesᵀ·X`, `dW_hh = dGatesᵀ·H_prev`, `dx = dGates·W_ih`, `db_ih = db_hh = Σ dGates`.
 * Invalid steps contribute nothing and pass the state gradients through.
 */
export type LstmSequenceBackwardKernel = (args: LstmSequenceBackwardArgs) => LstmSequenceGrads;

/**
 * Result of {@link GruSequenceKernel}; as for {@link LstmSequenceResult}, the workspace fields (`gates`,
 * `hPrev`) are read back only by the backward kernel, and may be null when the call passed `saveWorkspace: false`.
 */
export interface GruSequenceResult<H = DataHandle> {
  /** `[T, B, H]` (`[B, T, H]` batch-first): h_t at valid steps, 0 at invalid ones. */
  readonly output: H;
  /** `[B, H]`: the hidden state after the last valid step of each sequence. */
  readonly hN: H;
  /** `[T, B, 4H]`: r, z, n and `W_hn·h + b_hn` (the reset gate's operand) at time t (unspecified at invalid steps). */
  readonly gates: H | null;
  /** `[T, B, H]`: the hidden state that time step t started from. */
  readonly hPrev: H | null;
}

/**
 * Runs a GRU layer direction over a sequence, as `torch.nn.GRU`: `r = σ(W_ir x + b_ir + W_hr h + b_hr)`,
 * `z = σ(W_iz x + b_iz + W_hz h + b_hz)`, `n = tanh(W_in x + b_in + r·(W_hn h + b_hn))`, `h' = (1−z)·n + z·h`
 * (PyTorch's convention: `b_hn` inside the reset product). Same structure and purity as {@link LstmSequenceKernel}.
 */
export type GruSequenceKernel = (args: RecurrentSequenceArgs) => GruSequenceResult;

/** Inputs of {@link GruSequenceBackwardKernel}. */
export interface GruSequenceBackwardArgs extends RecurrentSequenceArgs {
  /** The forward workspace, as tensors of the shapes documented in {@link GruSequenceResult}. */
  readonly saved: {
    /** {@link GruSequenceResult.gates}, `[T, B, 4H]`. */
    readonly gates: TensorInfo;
    /** {@link GruSequenceResult.hPrev}, `[T, B, H]`. */
    readonly hPrev: TensorInfo;
  };
  /** Gradient with respect to `output`, `[T, B, H]` (values at invalid steps are ignored). */
  readonly dOutput: TensorInfo;
  /** Gradient with respect to `hN`, `[B, H]`. */
  readonly dhN: TensorInfo;
}

/**
 * Backpropagation through time for {@link GruSequenceKernel}. With `dGi` the gradients of the input-side
 * pre-activations and `dGh` those of the hidden-side ones (they differ in the n block by the factor r):
 * `dW_ih = dGiᵀ·X`, `dW_hh = dGhᵀ·H_prev`, `dx = dGi·W_ih`, `db_ih = Σ dGi`, `db_hh = Σ dGh`.
 */
export type GruSequenceBackwardKernel = (args: GruSequenceBackwardArgs) => RecurrentSequenceGrads;

/**
 * The fused recurrent kernels, under these names in `Backend.fused`. A backend offers all four or none;
 * `@seqlab/recurrent` uses them when present and falls back to composed ops otherwise (the two agree within
 * float rounding, which its tests check).
 */
export interface FusedRecurrentKernels {
  /** Forward pass of a one-direction LSTM layer over a whole sequence. */
  lstmSequence: LstmSequenceKernel;
  /** Backpropagation through time for {@link FusedRecurrentKernels.lstmSequence}. */
  lstmSequenceBackward: LstmSequenceBackwardKernel;
  /** Forward pass of a one-direction GRU layer over a whole sequence. */
  gruSequence: GruSequenceKernel;
  /** Backpropagation through time for {@link FusedRecurrentKernels.gruSequence}. */
  gruSequenceBackward: GruSequenceBackwardKernel;
}
