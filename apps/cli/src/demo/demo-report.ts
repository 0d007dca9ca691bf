// What the demo measured: the JSON it writes, the table it prints.
import type { Environment } from '../report/environment.js';
import { formatCount, formatDuration, formatLoss, formatRate } from '../report/format.js';
import { formatTable } from '../report/text-table.js';
import type { ValidationPoint } from '../training/run-progress.js';
import { type LanguageModelSpec } from '@seqlab/recurrent';

/** One model's measurements. */
export interface DemoModelResult {
  /** Display name. */
  readonly name: string;
  /** How to rebuild it. */
  readonly spec: LanguageModelSpec;
  /** Trainable parameters. */
  readonly parameters: number;
  /** AdamW learning rate. */
  readonly lr: number;
  /** Optimizer steps taken. */
  readonly steps: number;
  /** Training characters consumed. */
  readonly tokens: number;
  /** Training seconds (validation excluded). */
  readonly trainSeconds: number;
  /** Training throughput. */
  readonly tokensPerSecond: number;
  /** Final validation loss on the demo's comparison slice. */
  readonly validation: { readonly nats: number; readonly bitsPerChar: number; readonly tokens: number };
  /** Validation loss along training (smaller slice). */
  readonly validationCurve: readonly ValidationPoint[];
  /** Training loss after each step. */
  readonly trainingCurve: readonly { readonly step: number; readonly seconds: number; readonly loss: number }[];
  /** The prompt and what the model wrote after it. */
  readonly sample: { readonly prompt: string; readonly text: string; readonly temperature: number; readonly seed: number };
  /** Its checkpoint file. */
  readonly checkpoint: string;
}

/** The whole of `demo.json`. */
export interface DemoReport {
  /** Machine, software, backend, date. */
  readonly environment: Environment;
  /** The fixed settings of the demo. */
  readonly settings: {
    readonly corpus: string;
    readonly trainCharacters: number;
    readonly validationCharacters: number;
    readonly vocabSize: number;
    readonly secondsPerModel: number;
    readonly batchSize: number;
    readonly seqLen: number;
    readonly seed: number;
    readonly curveTokens: number;
    readonly finalTokens: number;
  };
  /** Per model, in training order. */
  readonly models: readonly DemoModelResult[];
  /** Wall-clock seconds of the whole demo. */
  readonly totalSeconds: number;
  /** True when Ctrl-C cut the demo short. */
  readonly interrupted: boolean;
}

/** The side-by-side comparison table. */
export function demoTable(models: readonly DemoModelResult[]): string {
  return formatTable(
    [
      { heading: 'model' },
      { heading: 'parameters', align: 'right' },
      { heading: 'steps', align: 'right' },
      { heading: 'tokens/s', align: 'right' },
      { heading: 'val loss (nats)', align: 'right' },
      { heading: 'bits/char', align: 'right' },
      { heading: 'train time', align: 'right' },
    ],
    models.map((m) => [
      m.name,
      formatCount(m.parameters),
      formatCount(m.steps),
      formatRate(m.tokensPerSecond),
      formatLoss(m.validation.nats),
      formatLoss(m.validation.bitsPerChar),
      formatDuration(m.trainSeconds),
    ]),
  );
}
