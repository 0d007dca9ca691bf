// Named configurations of the character language-model experiment, including nanoGPT's small CPU configuration.

/** A character-level language-model training configuration. */
export interface CharLMPreset {
  /** Preset name. */
  readonly name: string;
  /** Where the configuration comes from. */
  readonly source: string;
  /** Transformer layers. */
  readonly layers: number;
  /** Attention heads. */
  readonly heads: number;
  /** Model width. */
  readonly width: number;
  /** Context length (characters per training window). */
  readonly context: number;
  /** Windows per batch. */
  readonly batch: number;
  /** Optimizer steps. */
  readonly steps: number;
  /** AdamW peak learning rate. */
  readonly lr: number;
  /** Learning rate at the end of the cosine decay. */
  readonly minLr: number;
  /** Linear warm-up steps. */
  readonly warmupSteps: number;
  /** AdamW weight decay. */
  readonly weightDecay: number;
  /** Validation loss PyTorch reaches with this configuration, in nats per character, when published. */
  readonly referenceValidationLoss: number | null;
}

/**
 * nanoGPT's shakespeare_char configuration as its README suggests for a CPU (`--device=cpu --compile=False
 * --eval_iters=20 --log_interval=1 --block_size=64 --batch_size=12 --n_layer=4 --n_head=4 --n_embd=128
 * --max_iters=2000 --lr_decay_iters=2000 --dropout=0.0`): about 1.88 nats validation loss in PyTorch.
 *
 * @example
 * ```ts
 * const p = NANOGPT_CPU_PRESET;
 * console.assert(p.layers === 4 && p.heads === 4 && p.width === 128 && p.batch === 12);
 * console.assert(p.referenceValidationLoss === 1.88); // nats per character, PyTorch
 * ```
 */
export const NANOGPT_CPU_PRESET: CharLMPreset = {
  name: 'nanogpt-shakespeare-char-cpu',
  source: "karpathy/nanoGPT README, 'I only have a macbook' configuration",
  layers: 4,
  heads: 4,
  width: 128,
  context: 64,
  batch: 12,
  steps: 2000,
  lr: 1e-3,
  minLr: 1e-4,
  warmupSteps: 100,
  weightDecay: 0.1,
  referenceValidationLoss: 1.88,
};

/**
 * Every named preset by name.
 *
 * @example
 * ```ts
 * const preset = CHARLM_PRESETS['nanogpt-shakespeare-char-cpu'];
 * console.assert(preset === NANOGPT_CPU_PRESET && preset.context === 64 && preset.steps === 2000);
 * console.assert(Object.keys(CHARLM_PRESETS).includes(NANOGPT_CPU_PRESET.name));
 * ```
 */
export const CHARLM_PRESETS: Readonly<Record<string, CharLMPreset>> = { [NANOGPT_CPU_PRESET.name]: NANOGPT_CPU_PRESET };
