// View-model of the gradient-flow view: small RNN/LSTM/GRU/Transformer models on a copy task, their measured
// ‖∂L/∂h_k‖ (recurrent, @seqlab/recurrent's gradientFlow) or ‖∂L/∂x_k‖ (Transformer, @seqlab/attention's
// positionGradientFlow), a spectral radius set on W_hh, and training steps between measurements.
import { Adam, crossEntropy, Embedding, Linear, Module, noGrad } from '@seqlab/autograd';
import { positionGradientFlow, sinusoidalPositionalEncoding, TransformerEncoder, TransformerEncoderLayer } from '@seqlab/attention';
import { CopyTask } from '@seqlab/datasets';
import { createRecurrentLayer, gradientFlow, type AnyRecurrentLayer } from '@seqlab/recurrent';
import { add, Generator, InvalidArgumentError, narrow, reshape, tensor, type Tensor } from '@seqlab/tensor-core';
import { scaleToSpectralRadius, spectralRadius } from './spectral-radius.js';

/** The models the view compares. */
export const FLOW_MODELS = ['rnn', 'lstm', 'gru', 'transformer'] as const;

/** One of {@link FLOW_MODELS}. */
export type FlowModelKind = (typeof FLOW_MODELS)[number];

/** Settings of one gradient-flow experiment (model, task, seed). */
export interface FlowConfig {
  /** The model. */
  kind: FlowModelKind;
  /** Seed of the weights, the task's batches and the probe batch. */
  seed: number;
  /** Hidden size (dModel of the Transformer). */
  hiddenSize: number;
  /** T of the copy task: blanks between the data and the delimiter. */
  delay: number;
  /** Data symbols to remember. */
  copyLength: number;
  /** Size of the data alphabet. */
  numDataSymbols: number;
  /** Sequences per training batch (the probe batch has the same size). */
  batchSize: number;
  /** Adam's learning rate. */
  learningRate: number;
  /** Spectral radius W_hh is rescaled to (each gate's block for LSTM and GRU); null keeps the initialisation. Ignored by the Transformer. */
  spectralRadius: number | null;
}

/** The defaults: a 32-unit model on a copy task of 3 symbols from 4 over a delay of 20 (26 steps). */
export const DEFAULT_FLOW_CONFIG: Omit<FlowConfig, 'kind'> = {
  seed: 0,
  hiddenSize: 32,
  delay: 20,
  copyLength: 3,
  numDataSymbols: 4,
  batchSize: 16,
  learningRate: 0.01,
  spectralRadius: 1,
};

/** One measurement: the norm at every position, at a training step. */
export interface FlowSnapshot {
  /** Model measured. */
  kind: FlowModelKind;
  /** Training steps taken before the measurement. */
  step: number;
  /** ‖∂L/∂h_k‖ (recurrent) or ‖∂L/∂x_k‖ (Transformer) for k = 0…T−1, L the cross-entropy at the last step. */
  norms: number[];
  /** L on the probe batch. */
  probeLoss: number;
  /** Mean training loss of the steps since the previous snapshot (null at step 0). */
  trainLoss: number | null;
  /** The measured spectral radius of W_hh (largest over gate blocks), null for the Transformer. */
  radius: number | null;
}

function checkConfig(config: FlowConfig): FlowConfig {
  const fn = 'FlowExperiment';
  if (!FLOW_MODELS.includes(config.kind))
    throw new InvalidArgumentError(`${fn}: option 'kind' must be one of ${FLOW_MODELS.join(', ')}; received ${String(config.kind)}`);
  if (config.spectralRadius !== null && !(config.spectralRadius > 0 && Number.isFinite(config.spectralRadius))) {
    throw new InvalidArgumentError(`${fn}: option 'spectralRadius' must be a positive number or null; received ${String(config.spectralRadius)}`);
  }
  if (!(config.learningRate > 0)) throw new InvalidArgumentError(`${fn}: option 'learningRate' must be positive; received ${config.learningRate}`);
  return config;
}

/** Embedding, a recurrent layer or a causal Transformer encoder, and a linear read-out. */
class FlowModel extends Module {
  readonly embedding: Embedding;
  readonly recurrent: AnyRecurrentLayer | null;
  readonly encoder: TransformerEncoder | null;
  readonly head: Linear;
  private readonly positions: Tensor | null;

  constructor(config: FlowConfig, vocab: number, length: number, generator: Generator) {
    super();
    const H = config.hiddenSize;
    this.embedding = new Embedding(vocab, H, { generator });
    if (config.kind === 'transformer') {
      const layer = new TransformerEncoderLayer(H, 2, { dimFeedforward: 2 * H, dropout: 0, batchFirst: true, normFirst: true, generator });
      this.encoder = new TransformerEncoder(layer, 2);
      this.recurrent = null;
      this.positions = sinusoidalPositionalEncoding(length, H);
    } else {
      this.recurrent = createRecurrentLayer(config.kind, H, H, { batchFirst: true, generator });
      this.encoder = null;
      this.positions = null;
    }
    this.head = new Linear(H, vocab, { generator });
  }

  /** The sequence the probe differentiates against: embeddings (plus positions for the Transformer), `[B, T, H]`. */
  inputs(ids: Tensor): Tensor {
    const x = this.embedding.forward(ids);
    return this.positions === null ? x : add(x, this.positions);
  }

  /** Hidden states at every step (`[B, T, H]`) for token ids `[B, T]`. */
  forward(ids: Tensor): Tensor {
    return this.hidden(this.inputs(ids));
  }

  /** Hidden states at every step, `[B, T, H]`, for the input sequence `x`. */
  hidden(x: Tensor): Tensor {
    return this.encoder !== null ? this.encoder.forward(x, { isCausal: true }) : (this.recurrent as AnyRecurrentLayer).forward(x).output;
  }
}

/**
 * One model on the copy task: measure its gradient flow, train it a few steps, measure again. Everything is seeded,
 * so the same config gives the same numbers.
 *
 * @example
 * ```ts
 * const experiment = new FlowExperiment({ ...DEFAULT_FLOW_CONFIG, kind: 'rnn', spectralRadius: 0.8 });
 * const atInit = experiment.measure();   // norms[k] shrinks as k moves away from the last step
 * experiment.train(20);
 * const later = experiment.measure();
 * ```
 */
export class FlowExperiment {
  /** The settings. */
  readonly config: FlowConfig;
  /** The task the model trains on. */
  readonly task: CopyTask;
  private readonly model: FlowModel;
  private readonly optimizer: Adam;
  private readonly probe: { inputs: Tensor; lastTarget: Tensor };
  private steps = 0;
  private lossesSinceSnapshot: number[] = [];

  constructor(config: FlowConfig) {
    this.config = checkConfig({ ...config });
    const generator = new Generator(config.seed);
    this.task = new CopyTask({ delay: config.delay, copyLength: config.copyLength, numDataSymbols: config.numDataSymbols, generator: generator.split() });
    this.model = new FlowModel(config, this.task.vocabSize, this.task.sequenceLength, generator);
    if (config.spectralRadius !== null && this.model.recurrent !== null) this.setRadius(config.spectralRadius);
    this.optimizer = new Adam(this.model.parameters(), { lr: config.learningRate });
    const { inputs, targets } = this.task.sample(config.batchSize);
    const T = this.task.sequenceLength;
    this.probe = { inputs, lastTarget: reshape(narrow(targets, 1, T - 1, 1), [config.batchSize]) };
  }

  /** Training steps taken. */
  get step(): number {
    return this.steps;
  }

  /** The W_hh gate blocks (`[H, H]` each, row-major) of a recurrent model. */
  private recurrentBlocks(): { weight: Tensor; blocks: Float64Array[] } | null {
    if (this.model.recurrent === null) return null;
    const weight = this.model.recurrent.cellParameters(0).weightHh;
    const H = this.config.hiddenSize;
    const data = Float64Array.from(weight.dataSync());
    return { weight, blocks: Array.from({ length: weight.shape[0] / H }, (_, g) => data.slice(g * H * H, (g + 1) * H * H)) };
  }

  private setRadius(radius: number): void {
    const found = this.recurrentBlocks();
    if (found === null) return;
    const scaled = found.blocks.map((b) => scaleToSpectralRadius(b, this.config.hiddenSize, radius).scaled);
    const joined = new Float64Array(scaled.reduce((n, b) => n + b.length, 0));
    scaled.forEach((b, g) => joined.set(b, g * b.length));
    found.weight.assign(tensor(joined, [...found.weight.shape], { dtype: found.weight.dtype, backend: found.weight.backendName }));
  }

  /** The spectral radius of W_hh now (the largest over gate blocks), or null for the Transformer. */
  radius(): number | null {
    const found = this.recurrentBlocks();
    return found === null ? null : Math.max(...found.blocks.map((b) => spectralRadius(b, this.config.hiddenSize)));
  }

  /** The loss on the last step of the probe batch, given the hidden state there (`[B, H]`). */
  private lastStepLoss(last: Tensor): Tensor {
    return crossEntropy(this.model.head.forward(last), this.probe.lastTarget);
  }

  /**
   * ‖∂L/∂h_k‖ (recurrent models) or ‖∂L/∂x_k‖ (Transformer) at every position of the probe batch, for L the
   * cross-entropy of the prediction at the last step (the last symbol to copy, seen `delay + copyLength` steps
   * earlier). Parameters' gradients are left alone.
   */
  measure(): FlowSnapshot {
    const x = noGrad(() => this.model.inputs(this.probe.inputs));
    const loss = (last: Tensor): Tensor => this.lastStepLoss(last);
    const norms =
      this.model.encoder !== null
        ? positionGradientFlow(this.model.encoder, x, { isCausal: true, loss })
        : gradientFlow(this.model.recurrent as AnyRecurrentLayer, x, { loss });
    const probeLoss = noGrad(() => {
      const h = this.model.hidden(x);
      return this.lastStepLoss(reshape(narrow(h, 1, h.shape[1] - 1, 1), [h.shape[0], h.shape[2]])).item();
    });
    const trainLoss = this.lossesSinceSnapshot.length === 0 ? null : this.lossesSinceSnapshot.reduce((a, b) => a + b, 0) / this.lossesSinceSnapshot.length;
    this.lossesSinceSnapshot = [];
    return { kind: this.config.kind, step: this.steps, norms: Array.from(norms), probeLoss, trainLoss, radius: this.radius() };
  }

  /** `count` Adam steps on fresh copy-task batches (cross-entropy over every step); returns their losses. */
  train(count: number): number[] {
    const losses: number[] = [];
    for (let i = 0; i < count; i++) {
      const { inputs, targets } = this.task.sample(this.config.batchSize);
      const h = this.model.forward(inputs);
      const [B, T, H] = h.shape;
      const loss = crossEntropy(this.model.head.forward(reshape(h, [B * T, H])), reshape(targets, [B * T]));
      this.optimizer.zeroGrad();
      loss.backward();
      this.optimizer.step();
      losses.push(loss.item());
      this.steps++;
    }
    this.lossesSinceSnapshot.push(...losses);
    return losses;
  }
}

/**
 * The chart's points: one per model and position, with the distance from the last step, for a log-scale plot.
 *
 * @example
 * ```ts
 * flowPoints([snapshot]); // [{ kind: 'rnn', k: 0, distance: 25, norm: 1.2e-7, step: 0 }, …]
 * ```
 */
export function flowPoints(snapshots: readonly FlowSnapshot[]): { kind: FlowModelKind; k: number; distance: number; norm: number; step: number }[] {
  return snapshots.flatMap((s) => s.norms.map((norm, k) => ({ kind: s.kind, k, distance: s.norms.length - 1 - k, norm, step: s.step })));
}

/**
 * The ratio ‖∂L/∂h_0‖ / ‖∂L/∂h_{T−1}‖: how much of the gradient at the last step survives to the first (1e-8 means it vanished).
 *
 * @example
 * ```ts
 * survival({ norms: [1e-6, 1e-3, 1] } as FlowSnapshot); // 1e-6
 * ```
 */
export function survival(snapshot: Pick<FlowSnapshot, 'norms'>): number {
  const last = snapshot.norms[snapshot.norms.length - 1];
  return last > 0 ? snapshot.norms[0] / last : 0;
}

/** A message to the gradient-flow worker: build the four models afresh, or train them further. */
export type FlowRequest = { type: 'init'; config: Omit<FlowConfig, 'kind'> } | { type: 'train'; steps: number; every: number };

/** A message from the gradient-flow worker. */
export type FlowReply = { type: 'snapshot'; snapshot: FlowSnapshot } | { type: 'done'; step: number } | { type: 'error'; message: string };

/**
 * The worker's state machine, without the worker: `init` builds one experiment per model and measures each;
 * `train` trains them in turn, `every` steps at a time, measuring after each round. Replies go to `post` as they
 * are made; `yieldToEvents` runs between rounds (the worker passes a zero timeout, so a newer request can land).
 *
 * @example
 * ```ts
 * const lab = new FlowLab((reply) => console.log(reply));
 * await lab.handle({ type: 'init', config: DEFAULT_FLOW_CONFIG }); // four snapshots at step 0, then done
 * await lab.handle({ type: 'train', steps: 20, every: 10 });       // eight more, then done
 * ```
 */
export class FlowLab {
  private experiments: FlowExperiment[] = [];
  private generation = 0;

  constructor(
    private readonly post: (reply: FlowReply) => void,
    private readonly yieldToEvents: () => Promise<void> = () => Promise.resolve(),
  ) {}

  /** Handles one request; a newer `init` abandons a training run still in progress. */
  async handle(request: FlowRequest): Promise<void> {
    const generation = ++this.generation;
    try {
      if (request.type === 'init') {
        this.experiments = [];
        for (const kind of FLOW_MODELS) {
          const experiment = new FlowExperiment({ ...request.config, kind });
          this.experiments.push(experiment);
          this.post({ type: 'snapshot', snapshot: experiment.measure() });
          await this.yieldToEvents();
          if (generation !== this.generation) return;
        }
      } else {
        if (!(Number.isInteger(request.steps) && request.steps > 0 && Number.isInteger(request.every) && request.every > 0)) {
          throw new InvalidArgumentError(`FlowLab: 'steps' and 'every' must be positive integers; received ${request.steps} and ${request.every}`);
        }
        const target = (this.experiments[0]?.step ?? 0) + request.steps;
        while ((this.experiments[0]?.step ?? target) < target) {
          for (const experiment of this.experiments) {
            experiment.train(Math.min(request.every, target - experiment.step));
            this.post({ type: 'snapshot', snapshot: experiment.measure() });
            await this.yieldToEvents();
            if (generation !== this.generation) return;
          }
        }
      }
      this.post({ type: 'done', step: this.experiments[0]?.step ?? 0 });
    } catch (error) {
      this.post({ type: 'error', message: error instanceof Error ? error.message : String(error) });
    }
  }
}
