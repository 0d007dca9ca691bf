// `seqlab train`: train a character language model with live progress, periodic validation and resumable checkpoints.
import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { restoreCheckpoint } from '@seqlab/autograd';
import type { Command } from 'commander';
import { activateBackend, BACKEND_CHOICES, type BackendChoice } from '../backend-choice.js';
import { CHECKPOINT_FILE, checkpointPathIn, readRun, saveRun } from '../checkpoint/run-checkpoint.js';
import { DEFAULT_DATA, loadDataSource } from '../data/corpus-source.js';
import { defaultRunFolder, openRunFolder, type OpenRunFolder } from '../run-folder.js';
import { choiceOption, integerOption, realOption } from '../options.js';
import { formatCount, formatDuration, formatLoss, formatRate } from '../report/format.js';
import { freshRun, type PreparedRun } from '../training/fresh-run.js';
import { InterruptFlag } from '../training/interrupt.js';
import { ProgressDisplay } from '../training/progress-display.js';
import { RunProgress } from '../training/run-progress.js';
import type { TrainBudget, TrainSettings } from '../training/train-settings.js';
import { budgetFraction, DIVERGENCE_LIMITS, lossLimit, train } from '../training/trainer.js';
import { asUserInput, DivergedError, InterruptedError, UsageError } from '../usage-error.js';
import { printJson, type CommandIO } from './command-io.js';
import {
  buildLanguageModel,
  DEFAULT_LANGUAGE_MODEL_LAYERS,
  DEFAULT_LANGUAGE_MODEL_LR,
  LANGUAGE_MODEL_KINDS,
  LANGUAGE_MODEL_LABELS,
  languageModelOptimizer,
  type LanguageModelKind,
  languageModelSpecOf,
} from '@seqlab/recurrent';

interface TrainOptions {
  model?: LanguageModelKind;
  data: string;
  steps?: number;
  time?: number;
  batch: number;
  seq: number;
  hidden: number;
  layers?: number;
  heads: number;
  lr?: number;
  weightDecay: number;
  clip: number;
  seed: number;
  backend: BackendChoice;
  out?: string;
  resume?: string;
  evalEvery: number;
  evalTokens: number;
  checkpointEvery: number;
  debugNanAtStep?: number;
  json?: boolean;
}

/** Options that define a run; a resumed run takes them from its checkpoint instead. */
const RUN_DEFINING = ['model', 'data', 'batch', 'seq', 'hidden', 'layers', 'heads', 'lr', 'weightDecay', 'clip', 'seed'] as const;

const DEFAULT_STEPS = 1000;

function budgetOf(opts: TrainOptions): TrainBudget | undefined {
  if (opts.steps !== undefined && opts.time !== undefined) throw new UsageError('give --steps or --time, not both');
  if (opts.steps !== undefined) return { kind: 'steps', steps: opts.steps };
  if (opts.time !== undefined) return { kind: 'time', seconds: opts.time };
  return undefined;
}

/** The run folder and the option that named it, after the checks that need no file. */
interface RunTarget {
  readonly dir: string;
  readonly option: '--out' | '--resume';
}

function targetOf(opts: TrainOptions, command: Command): RunTarget {
  if (opts.resume !== undefined) {
    const given = (name: keyof TrainOptions): boolean => command.getOptionValueSource(name) === 'cli';
    const redefined = RUN_DEFINING.filter(given);
    if (redefined.length > 0) {
      const flags = redefined.map((n) => `--${n.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`)}`);
      throw new UsageError(`--resume continues a run with the settings in its checkpoint; drop ${flags.join(', ')}`);
    }
    if (opts.out !== undefined && resolve(opts.out) !== resolve(opts.resume)) {
      throw new UsageError('--resume writes to the run folder it continues; drop --out');
    }
    const dir = resolve(opts.resume);
    if (!existsSync(checkpointPathIn(dir))) {
      throw new UsageError(`--resume '${opts.resume}': no ${checkpointPathIn(dir)} (give the folder a run wrote with --out)`);
    }
    return { dir, option: '--resume' };
  }
  if (opts.model === undefined) throw new UsageError(`--model is required (one of ${LANGUAGE_MODEL_KINDS.join(', ')}), unless you --resume a run`);
  if (opts.model === 'transformer' && opts.hidden % opts.heads !== 0) {
    throw new UsageError(`--hidden ${opts.hidden} must be divisible by --heads ${opts.heads}: each head gets hidden/heads features`);
  }
  budgetOf(opts);
  return { dir: resolve(opts.out ?? defaultRunFolder(opts.model)), option: '--out' };
}

async function newRun(kind: LanguageModelKind, dir: string, opts: TrainOptions): Promise<PreparedRun> {
  if (existsSync(checkpointPathIn(dir))) {
    throw new UsageError(`--out '${dir}' already holds a run; continue it with --resume '${dir}' or choose another --out`);
  }
  const settings: TrainSettings = {
    data: opts.data,
    batchSize: opts.batch,
    seqLen: opts.seq,
    lr: opts.lr ?? DEFAULT_LANGUAGE_MODEL_LR[kind],
    weightDecay: opts.weightDecay,
    clipNorm: opts.clip,
    seed: opts.seed,
    budget: budgetOf(opts) ?? { kind: 'steps', steps: DEFAULT_STEPS },
    evalEvery: opts.evalEvery,
    evalTokens: opts.evalTokens,
    checkpointEvery: opts.checkpointEvery,
  };
  const corpus = await loadDataSource(opts.data);
  const run = await asUserInput(`model ${kind}`, () =>
    freshRun(kind, { hiddenSize: opts.hidden, numLayers: opts.layers ?? DEFAULT_LANGUAGE_MODEL_LAYERS[kind], numHeads: opts.heads }, corpus, settings),
  );
  if (run.trainIds.length <= settings.seqLen + 1)
    throw new UsageError(`--seq ${settings.seqLen} is not shorter than the training text (${run.trainIds.length} characters)`);
  return run;
}

async function resumedRun(dirOption: string, dir: string, opts: TrainOptions, command: Command, io: CommandIO): Promise<PreparedRun> {
  const given = (name: keyof TrainOptions): boolean => command.getOptionValueSource(name) === 'cli';
  const path = checkpointPathIn(dir);
  const saved = await readRun(path, (line) => io.stderr.write(`${line}\n`));
  if (saved.settings === null || saved.progress === null) throw new UsageError(`--resume '${dirOption}': the checkpoint holds no training state to continue`);
  // Validation and checkpoint cadence may change on resume (they never change the losses); unset, they stay the run's.
  const settings: TrainSettings = {
    ...saved.settings,
    budget: budgetOf(opts) ?? saved.settings.budget,
    evalEvery: given('evalEvery') ? opts.evalEvery : saved.settings.evalEvery,
    evalTokens: given('evalTokens') ? opts.evalTokens : saved.settings.evalTokens,
    checkpointEvery: given('checkpointEvery') ? opts.checkpointEvery : saved.settings.checkpointEvery,
  };
  const corpus = await loadDataSource(settings.data, {
    tokenizer: saved.tokenizer,
    what: `--resume '${dirOption}': the data '${settings.data}' no longer matches the checkpoint's vocabulary`,
  });
  const model = await asUserInput(`checkpoint '${path}'`, () => buildLanguageModel(saved.spec));
  const optimizer = languageModelOptimizer(model, settings);
  await asUserInput(`checkpoint '${path}'`, () => restoreCheckpoint(saved.checkpoint, { model, optimizer }));
  const progress = RunProgress.fromJSON(saved.progress);
  return { model, optimizer, tokenizer: saved.tokenizer, settings, progress, trainIds: corpus.train, validationIds: corpus.validation };
}

async function runTrain(opts: TrainOptions, command: Command, io: CommandIO): Promise<void> {
  const target = targetOf(opts, command);
  const backend = await activateBackend(opts.backend);
  // The folder is checked and locked before any work, so a file in the way or a second trainer stops us at once.
  const folder = await openRunFolder(target.option, target.dir, [CHECKPOINT_FILE]);
  try {
    const run =
      opts.resume !== undefined
        ? await resumedRun(opts.resume, folder.dir, opts, command, io)
        : await newRun(opts.model as LanguageModelKind, folder.dir, opts);
    await trainIn(folder, run, backend, opts, io);
  } finally {
    folder.close();
  }
}

async function trainIn(folder: OpenRunFolder, run: PreparedRun, backend: string, opts: TrainOptions, io: CommandIO): Promise<void> {
  const { dir } = folder;
  const { model, settings, progress } = run;
  const json = opts.json === true;
  const spec = languageModelSpecOf(model);
  const label = LANGUAGE_MODEL_LABELS[spec.kind];
  const checkpointPath = checkpointPathIn(dir);
  const parameters = model.numParameters();
  const resumedFrom = progress.step;

  const display = new ProgressDisplay(label, !json);
  const interrupt = new InterruptFlag(() => display.log('stopping: writing a checkpoint (Ctrl-C again to quit without one)')).install();
  const removedTempFiles = folder.removedTemps;
  if (json) printJson(io, { event: 'start', model: spec, parameters, backend, out: dir, step: progress.step, settings, removedTempFiles });
  else {
    if (removedTempFiles.length > 0) {
      display.log(`removed ${removedTempFiles.length} temporary file(s) of a write that was killed: ${removedTempFiles.join(', ')}`);
    }
    display.log(
      `${resumedFrom > 0 ? `resuming ${label} at step ${resumedFrom}` : `training ${label}`}: ${formatCount(parameters)} parameters, ` +
        `${settings.data}, batch ${settings.batchSize} x ${settings.seqLen}, lr ${settings.lr}, backend ${backend} -> ${dir}`,
    );
  }
  let lastCheckpointStep = resumedFrom;
  display.start(budgetFraction(settings, progress));
  let outcome;
  try {
    outcome = await train(
      { ...run, debugNanAtStep: opts.debugNanAtStep },
      {
        onStep: (r) => {
          if (json)
            printJson(io, { event: 'step', step: r.step, loss: r.loss, gradNorm: r.gradNorm, tokensPerSecond: r.tokensPerSecond, seconds: r.elapsedSeconds });
          display.update({ fraction: r.fraction, step: r.step, loss: r.smoothedLoss, tokensPerSecond: r.tokensPerSecond, elapsedSeconds: r.elapsedSeconds });
        },
        onValidation: (step, loss) => {
          if (json) printJson(io, { event: 'validation', step, nats: loss.nats, bitsPerChar: loss.bitsPerChar, tokens: loss.tokens });
          else display.log(`step ${step}: validation loss ${formatLoss(loss.nats)} nats, ${formatLoss(loss.bitsPerChar)} bits per character`);
        },
        onCheckpoint: async () => {
          folder.lock.assertHeld();
          await saveRun(checkpointPath, run);
          lastCheckpointStep = progress.step;
          if (json) printJson(io, { event: 'checkpoint', step: progress.step, path: checkpointPath });
        },
        stopRequested: () => interrupt.stopRequested,
      },
    );
  } catch (err) {
    if (err instanceof DivergedError) {
      const checks =
        `checked: a finite loss and gradient norm at every step; before every checkpoint, a loss of at most ${lossLimit(model).toFixed(1)} nats ` +
        `(${DIVERGENCE_LIMITS.lossOverUniform} × ln vocabulary) and every parameter finite with |w| ≤ ${DIVERGENCE_LIMITS.maxAbsWeight.toExponential()}`;
      const kept = existsSync(checkpointPath)
        ? `the last checkpoint (step ${lastCheckpointStep}) in ${dir} is intact: it passed the guard (${checks})`
        : `no checkpoint was written yet (${checks})`;
      const advice =
        opts.debugNanAtStep !== undefined && opts.debugNanAtStep <= progress.step + 1
          ? `(a NaN weight was injected by --debug-nan-at-step ${opts.debugNanAtStep})`
          : `Lower --lr (it is ${settings.lr}) and train again.`;
      throw new DivergedError(`${err.message}; ${kept}. ${advice}`);
    }
    throw err;
  } finally {
    display.stop();
    interrupt.uninstall();
  }
  const last = progress.validation.at(-1);
  if (json) {
    printJson(io, {
      event: 'end',
      outcome,
      step: progress.step,
      seconds: progress.elapsedSeconds,
      tokens: progress.tokensSeen,
      validation: last ?? null,
      checkpoint: checkpointPath,
    });
  } else {
    const { bold, green } = io.out;
    io.stdout.write(
      `${green(outcome === 'finished' ? 'done' : 'stopped')}: ${label} trained ${formatCount(progress.step)} steps in ${formatDuration(progress.elapsedSeconds)}` +
        `${progress.elapsedSeconds > 0 ? ` (${formatRate(progress.tokensSeen / progress.elapsedSeconds)} tokens/s)` : ''}\n` +
        (last ? `validation loss ${bold(formatLoss(last.nats))} nats, ${bold(formatLoss(last.bitsPerChar))} bits per character\n` : '') +
        `checkpoint: ${checkpointPath}\n`,
    );
  }
  if (outcome === 'interrupted') {
    throw new InterruptedError(`interrupted at step ${progress.step}; checkpoint written. Continue with: seqlab train --resume ${dir}`);
  }
}

/** Registers `train` on `program`. */
export function registerTrain(program: Command, io: CommandIO): void {
  program
    .command('train')
    .description('train a character language model, with progress, periodic validation and resumable checkpoints')
    .option('--model <kind>', `model family: ${LANGUAGE_MODEL_KINDS.join(', ')}`, choiceOption('--model', LANGUAGE_MODEL_KINDS))
    .option('--data <name|path>', 'a shipped corpus (tinyshakespeare) or a UTF-8 text file; 90% train, 10% validation', DEFAULT_DATA)
    .option('--steps <n>', `train for n optimizer steps (default ${DEFAULT_STEPS})`, integerOption('--steps', { min: 1 }))
    .option('--time <seconds>', 'train for this many seconds instead', realOption('--time', { min: 0, minExclusive: true }))
    .option('--batch <b>', 'windows per batch', integerOption('--batch', { min: 1 }), 32)
    .option('--seq <t>', 'characters per window (the Transformer context)', integerOption('--seq', { min: 1 }), 64)
    .option('--hidden <h>', 'hidden width (recurrent) or model width (Transformer)', integerOption('--hidden', { min: 1 }), 128)
    .option('--layers <l>', 'recurrent layers or Transformer blocks (default 1, Transformer 2)', integerOption('--layers', { min: 1 }))
    .option('--heads <n>', 'attention heads (Transformer)', integerOption('--heads', { min: 1 }), 4)
    .option('--lr <x>', 'AdamW learning rate (default 3e-3, RNN 2e-3, Transformer 1e-3)', realOption('--lr', { min: 0, minExclusive: true }))
    .option('--weight-decay <x>', 'AdamW weight decay', realOption('--weight-decay', { min: 0 }), 0.01)
    .option('--clip <norm>', 'clip the gradient to this total norm', realOption('--clip', { min: 0, minExclusive: true }), 1)
    .option('--seed <n>', 'seed of the weights and the batches', integerOption('--seed', { min: 0 }), 1337)
    .option('--backend <name>', `compute backend: ${BACKEND_CHOICES.join(', ')}`, choiceOption('--backend', BACKEND_CHOICES), 'auto')
    .option('--out <dir>', 'run folder for checkpoints (default seqlab-runs/<model>-<time>)')
    .option('--resume <dir>', 'continue the run in this folder exactly where its checkpoint left it')
    .option('--eval-every <n>', 'validate every n steps', integerOption('--eval-every', { min: 1 }), 100)
    .option('--eval-tokens <n>', 'validation characters per periodic evaluation', integerOption('--eval-tokens', { min: 1 }), 8192)
    .option(
      '--checkpoint-every <n>',
      'write a checkpoint every n steps (0: only at the end and on Ctrl-C)',
      integerOption('--checkpoint-every', { min: 0 }),
      100,
    )
    .option(
      '--debug-nan-at-step <n>',
      'debugging: set one weight to NaN before step n to exercise the divergence guard',
      integerOption('--debug-nan-at-step', { min: 1 }),
    )
    .option('--json', 'print JSON lines (start, step, validation, checkpoint, end) instead of a progress bar')
    .addHelpText(
      'after',
      `
Checkpoints are safetensors files (DIR/checkpoint.safetensors) whose tensors are the state_dict of the
equivalent PyTorch module (see the CLI README). Ctrl-C writes a checkpoint and stops; --resume DIR
continues with the same losses an uninterrupted run would have had. A loss or gradient that stops being
finite stops training (exit status 3) and leaves the last checkpoint as it was.

Examples:
  $ seqlab train --model lstm --steps 2000 --out runs/lstm
  $ seqlab train --model transformer --time 120 --hidden 128 --layers 2 --heads 4
  $ seqlab train --model gru --data ./my-text.txt --seq 128 --batch 16
  $ seqlab train --resume runs/lstm --steps 4000`,
    )
    .action(async (opts: TrainOptions, command: Command) => runTrain(opts, command, io));
}
