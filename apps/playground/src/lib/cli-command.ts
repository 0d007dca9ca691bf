// "Copy as CLI command": the `seqlab train` command line that reproduces a playground run's losses step for step.
import type { TrainConfig } from './train-config.js';

/** The shipped corpus the playground's character model trains on, named as the CLI's `--data` takes it. */
export const CHAR_LM_DATA = 'tinyshakespeare';

/** Options of {@link cliTrainCommand}. */
export interface CliCommandOptions {
  /** Steps to train (`--steps`). */
  readonly steps: number;
  /** Print JSON lines, one per step, whose `loss` fields are the playground's losses (`--json`). Default true. */
  readonly json?: boolean;
  /** Run folder (`--out`); the CLI's default folder when absent. */
  readonly out?: string;
}

/** Quotes a shell word when it needs it (POSIX single quotes). */
function shellWord(word: string): string {
  return /^[A-Za-z0-9_./:=@%+-]+$/.test(word) ? word : `'${word.replaceAll("'", `'\\''`)}'`;
}

/**
 * The `seqlab train` arguments that reproduce `config`'s run: the same model, sizes, optimizer, clipping, seed,
 * data and backend, so the CLI draws the same weights and batches (both use `startLanguageModelTraining` and
 * `languageModelTrainStep` of `@seqlab/recurrent`) and prints the same losses. Sampling settings do not change the
 * losses and are left out. Throws for a task the CLI does not train.
 *
 * @example
 * ```ts
 * cliTrainArgs(defaultTrainConfig('lstm'), { steps: 50 }); // ["train", "--model", "lstm", ...]
 * ```
 */
export function cliTrainArgs(config: TrainConfig, options: CliCommandOptions): string[] {
  if (config.task !== 'charlm') throw new Error(`cliTrainArgs: the CLI trains character language models only; received task '${config.task}'`);
  if (!Number.isInteger(options.steps) || options.steps < 1)
    throw new Error(`cliTrainArgs: option 'steps' must be a positive integer; received ${options.steps}`);
  const args = [
    'train',
    '--model',
    config.model,
    '--data',
    CHAR_LM_DATA,
    '--steps',
    String(options.steps),
    '--batch',
    String(config.batch),
    '--seq',
    String(config.seq),
    '--hidden',
    String(config.hidden),
    '--layers',
    String(config.layers),
  ];
  if (config.model === 'transformer') args.push('--heads', String(config.heads));
  args.push('--lr', String(config.lr), '--weight-decay', String(config.weightDecay), '--clip', String(config.clip), '--seed', String(config.seed));
  args.push('--backend', config.backend);
  if (options.out !== undefined) args.push('--out', options.out);
  if (options.json ?? true) args.push('--json');
  return args;
}

/**
 * {@link cliTrainArgs} as one shell command line, starting with `seqlab` (or `pnpm seqlab` inside the repository).
 *
 * @example
 * ```ts
 * cliTrainCommand(defaultTrainConfig('gru'), { steps: 100 }); // "seqlab train --model gru --data tinyshakespeare --steps 100 ..."
 * ```
 */
export function cliTrainCommand(config: TrainConfig, options: CliCommandOptions & { program?: string }): string {
  return [options.program ?? 'seqlab', ...cliTrainArgs(config, options).map(shellWord)].join(' ');
}
