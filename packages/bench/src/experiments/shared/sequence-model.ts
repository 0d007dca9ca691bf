// The four model families the experiments compare (RNN, LSTM, GRU, Transformer encoder), each assembled from the
// library's own layers (@seqlab/recurrent's RNN/LSTM/GRU, @seqlab/attention's pre-norm TransformerEncoderLayer and
// SinusoidalPositionalEncoding) behind one interface: inputs (token ids or feature vectors) → per-step outputs.
import { SinusoidalPositionalEncoding, TransformerEncoderLayer } from '@seqlab/attention';
import { Embedding, Linear, Module } from '@seqlab/autograd';
import { GRU, LSTM, RNN } from '@seqlab/recurrent';
import { Generator, InvalidArgumentError, tensor, type Tensor } from '@seqlab/tensor-core';

/** The model families. */
export type ModelKind = 'RNN' | 'LSTM' | 'GRU' | 'Transformer';

/**
 * Every model family, in the order tables list them.
 *
 * @example
 * ```ts
 * console.assert(MODEL_KINDS.join() === 'RNN,LSTM,GRU,Transformer');
 * const models = MODEL_KINDS.map((kind) => new SequenceModel({ kind, vocabSize: 5, hiddenSize: 8, heads: 2, outputSize: 5, seed: 0 }));
 * console.assert(models.every((m) => (m.recurrent === null) === (m.config.kind === 'Transformer')));
 * ```
 */
export const MODEL_KINDS: readonly ModelKind[] = ['RNN', 'LSTM', 'GRU', 'Transformer'];

/** Sizes and inputs of a {@link SequenceModel}. */
export interface SequenceModelOptions {
  /** Model family. */
  kind: ModelKind;
  /** Token inputs: vocabulary size (an embedding layer), or `null` with `inputFeatures` for real-valued inputs. */
  vocabSize: number | null;
  /** Features per step for real-valued inputs (a linear input layer); ignored with a vocabulary. */
  inputFeatures?: number;
  /** Embedding (input layer) width. Default `hiddenSize`. */
  embeddingSize?: number;
  /** Hidden width: the recurrent state size, or the Transformer's model width. */
  hiddenSize: number;
  /** Outputs per step (classes, or 1 for regression). */
  outputSize: number;
  /** Stacked layers. Default 1. */
  numLayers?: number;
  /** Transformer heads. Default 4. */
  heads?: number;
  /** Transformer feed-forward width. Default 4·hiddenSize. */
  ffnWidth?: number;
  /** Transformer: mask future positions (a causal language model). Default false. */
  causal?: boolean;
  /** Longest sequence, for the Transformer's positional table. Default 1024. */
  maxLength?: number;
  /** Vanilla RNN only: rescale the orthogonal-initialised W_hh to this spectral radius; default PyTorch's uniform init. */
  spectralRadius?: number;
  /** LSTM only: set the forget-gate biases so that b_ih + b_hh = this value in every unit (Jozefowicz et al. 2015 use 1); default PyTorch's uniform init. */
  forgetBias?: number;
  /** Seed of the initial weights. */
  seed: number;
}

/** Result of {@link SequenceModel.run}. */
export interface SequenceModelOutput {
  /** Per-step outputs `[batch, length, outputSize]`. */
  readonly output: Tensor;
  /** The Transformer's per-layer self-attention weights `[batch, heads, length, length]` when asked for. */
  readonly attention: Tensor[];
  /** The recurrent top-layer hidden states `[batch, length, hiddenSize]` (the encoder output for a Transformer). */
  readonly hidden: Tensor;
}

/**
 * Input layer → encoder (a library recurrent layer, or a stack of the library's pre-norm `TransformerEncoderLayer`s
 * (GELU, no dropout) after its `SinusoidalPositionalEncoding`) → linear head, batch first. The same class serves the speed, memory, copy, adding, gradient and language-model experiments.
 *
 * @example
 * ```ts
 * const model = new SequenceModel({ kind: 'LSTM', vocabSize: 10, hiddenSize: 8, outputSize: 10, seed: 0 });
 * const ids = tensor(Int32Array.from([1, 2, 3, 4, 5, 6]), [2, 3], { dtype: 'int32' }); // [batch 2, length 3]
 * const logits = model.forward(ids);
 * console.assert(logits.shape.join() === '2,3,10');
 * const transformer = new SequenceModel({ kind: 'Transformer', vocabSize: 10, hiddenSize: 8, heads: 2, outputSize: 10, causal: true, seed: 0 });
 * const { attention } = transformer.run(ids, { needWeights: true });
 * console.assert(attention.length === 1 && attention[0].shape.join() === '2,2,3,3'); // [batch, heads, length, length]
 * ```
 */
export class SequenceModel extends Module {
  /** Token embedding (token inputs), else null. */
  readonly embedding: Embedding | null;
  /** Linear input layer (real-valued inputs), else null. */
  readonly input_proj: Linear | null;
  /** Transformer only: projection from the embedding width to the model width when they differ. */
  readonly width_proj: Linear | null;
  /** The recurrent layer (batch first), or null for a Transformer. */
  readonly recurrent: RNN | LSTM | GRU | null;
  /** The Transformer encoder layers (empty for recurrent models). */
  readonly layers: TransformerEncoderLayer[];
  /** Per-step output layer. */
  readonly head: Linear;
  /** The options the model was built with. */
  readonly config: Readonly<SequenceModelOptions>;
  /** Transformer only: the sinusoidal positions added to the inputs. */
  readonly positions: SinusoidalPositionalEncoding | null;

  constructor(options: SequenceModelOptions) {
    super();
    this.config = { ...options };
    const generator = new Generator(options.seed);
    const hidden = options.hiddenSize;
    const embed = options.embeddingSize ?? hidden;
    if (options.vocabSize !== null) {
      this.embedding = new Embedding(options.vocabSize, embed, { generator });
      this.input_proj = null;
    } else {
      const features = options.inputFeatures;
      if (features === undefined || !Number.isInteger(features) || features <= 0) {
        throw new InvalidArgumentError(
          `SequenceModel: option 'inputFeatures' must be a positive integer when 'vocabSize' is null; received ${String(features)}`,
        );
      }
      this.embedding = null;
      this.input_proj = new Linear(features, embed, { generator });
    }
    const layers = options.numLayers ?? 1;
    if (options.kind === 'Transformer') {
      this.recurrent = null;
      this.width_proj = embed === hidden ? null : new Linear(embed, hidden, { generator });
      this.layers = [];
      const layerOptions = {
        dimFeedforward: options.ffnWidth ?? 4 * hidden,
        dropout: 0,
        activation: 'gelu',
        batchFirst: true,
        normFirst: true,
        generator,
      } as const;
      for (let l = 0; l < layers; l++) this.layers.push(new TransformerEncoderLayer(hidden, options.heads ?? 4, layerOptions));
      this.positions = new SinusoidalPositionalEncoding(hidden, { maxLen: options.maxLength ?? 1024, batchFirst: true });
    } else {
      this.width_proj = null;
      this.layers = [];
      this.positions = null;
      const common = { numLayers: layers, batchFirst: true, generator };
      this.recurrent =
        options.kind === 'RNN' ? new RNN(embed, hidden, common) : options.kind === 'LSTM' ? new LSTM(embed, hidden, common) : new GRU(embed, hidden, common);
      if (options.kind === 'RNN' && options.spectralRadius !== undefined) this.setSpectralRadius(options.spectralRadius, generator);
      if (options.kind === 'LSTM' && options.forgetBias !== undefined) this.setForgetBias(options.forgetBias);
    }
    this.head = new Linear(hidden, options.outputSize, { generator });
  }

  /** Orthogonal W_hh (every eigenvalue on the unit circle) times ρ, so the spectral radius is exactly ρ. */
  private setSpectralRadius(radius: number, generator: Generator): void {
    if (!(radius > 0) || !Number.isFinite(radius)) {
      throw new InvalidArgumentError(`SequenceModel: option 'spectralRadius' must be a positive number; received ${String(radius)}`);
    }
    const recurrent = this.recurrent as RNN;
    for (let l = 0; l < recurrent.numLayers; l++) {
      const w = recurrent.cellParameters(l).weightHh;
      w.assign(orthogonalScaled(w.shape[0], radius, generator));
    }
  }

  /** LSTM: forget-gate slice (PyTorch gate order i, f, g, o) of b_ih set to `value` and of b_hh to 0, in every layer. */
  private setForgetBias(value: number): void {
    if (!Number.isFinite(value)) throw new InvalidArgumentError(`SequenceModel: option 'forgetBias' must be a finite number; received ${String(value)}`);
    const recurrent = this.recurrent as LSTM;
    const h = this.config.hiddenSize;
    for (let l = 0; l < recurrent.numLayers; l++) {
      const { biasIh, biasHh } = recurrent.cellParameters(l);
      if (biasIh === null || biasHh === null) continue;
      for (const [bias, fill] of [
        [biasIh, value],
        [biasHh, 0],
      ] as const) {
        const values = Float32Array.from(bias.dataSync());
        values.fill(fill, h, 2 * h);
        bias.assign(tensor(values, [4 * h]));
      }
    }
  }

  /** Maps the raw inputs (int32 ids `[batch, length]` or floats `[batch, length, features]`) to encoder inputs. */
  embed(inputs: Tensor): Tensor {
    return this.embedding !== null ? this.embedding.forward(inputs) : (this.input_proj as Linear).forward(inputs);
  }

  /** Runs the encoder and head on embedded inputs `[batch, length, embeddingSize]`. */
  runEmbedded(x: Tensor, options: { needWeights?: boolean } = {}): SequenceModelOutput {
    if (this.recurrent !== null) {
      const { output } = this.recurrent.forward(x);
      return { output: this.head.forward(output), attention: [], hidden: output };
    }
    let h = (this.positions as SinusoidalPositionalEncoding).forward(this.width_proj === null ? x : this.width_proj.forward(x));
    const isCausal = this.config.causal ?? false;
    const attention: Tensor[] = [];
    for (const layer of this.layers) {
      // The layer's own attention module on its own pre-norm input gives exactly the weights the layer uses.
      if (options.needWeights) {
        const q = layer.norm1.forward(h);
        const { weights } = layer.self_attn.forward(q, q, q, { isCausal, needWeights: true, averageAttnWeights: false });
        if (weights) attention.push(weights);
      }
      h = layer.forward(h, { isCausal });
    }
    return { output: this.head.forward(h), attention, hidden: h };
  }

  /** Runs the whole model. */
  forward(inputs: Tensor): Tensor {
    return this.runEmbedded(this.embed(inputs)).output;
  }

  /** Runs the whole model, returning hidden states and (for a Transformer, when asked) attention weights. */
  run(inputs: Tensor, options: { needWeights?: boolean } = {}): SequenceModelOutput {
    return this.runEmbedded(this.embed(inputs), options);
  }
}

/**
 * A random orthogonal `n × n` matrix (QR of a Gaussian matrix, Gram–Schmidt in float64) scaled by `scale`.
 *
 * @example
 * ```ts
 * const w = orthogonalScaled(4, 0.9, new Generator(0));
 * const v = w.dataSync();
 * console.assert(w.shape.join() === '4,4' && Math.abs(Math.hypot(v[0], v[4], v[8], v[12]) - 0.9) < 1e-5); // every column has norm 0.9
 * ```
 */
export function orthogonalScaled(n: number, scale: number, generator: Generator): Tensor {
  const q = new Float64Array(n * n);
  for (let i = 0; i < q.length; i++) q[i] = generator.normal();
  // Modified Gram–Schmidt over columns; a Gaussian matrix is full rank with probability one.
  for (let j = 0; j < n; j++) {
    for (let k = 0; k < j; k++) {
      let dot = 0;
      for (let i = 0; i < n; i++) dot += q[i * n + j] * q[i * n + k];
      for (let i = 0; i < n; i++) q[i * n + j] -= dot * q[i * n + k];
    }
    let norm = 0;
    for (let i = 0; i < n; i++) norm += q[i * n + j] * q[i * n + j];
    norm = Math.sqrt(norm);
    for (let i = 0; i < n; i++) q[i * n + j] /= norm;
  }
  const out = new Float32Array(n * n);
  for (let i = 0; i < out.length; i++) out[i] = q[i] * scale;
  return tensor(out, [n, n]);
}
