// `seqlab eval`: a checkpoint's validation loss in nats and bits per character.
import type { Command } from 'commander';
import { activateBackend, BACKEND_CHOICES, type BackendChoice } from '../backend-choice.js';
import { loadModel } from '../checkpoint/load-model.js';
import { DEFAULT_DATA, loadDataSource } from '../data/corpus-source.js';
import { choiceOption, integerOption } from '../options.js';
import { formatCount, formatLoss } from '../report/format.js';
import { validationLoss } from '../training/validation.js';
import { asUserInput } from '../usage-error.js';
import { printJson, type CommandIO } from './command-io.js';

interface EvalOptions {
  checkpoint: string;
  data?: string;
  batch: number;
  seq?: number;
  maxTokens?: number;
  backend: BackendChoice;
  json?: boolean;
}

async function runEval(opts: EvalOptions, io: CommandIO): Promise<void> {
  await activateBackend(opts.backend);
  const { model, tokenizer, saved } = await loadModel(opts.checkpoint, (line) => io.stderr.write(`${line}\n`));
  const data = opts.data ?? saved.settings?.data ?? DEFAULT_DATA;
  const corpus = await loadDataSource(data, { tokenizer, what: `--data '${data}' does not fit the checkpoint's vocabulary` });
  const ids = corpus.validation;
  const contextLength = 'contextLength' in model.config && typeof model.config.contextLength === 'number' ? model.config.contextLength : undefined;
  const seqLen = opts.seq ?? saved.settings?.seqLen ?? contextLength ?? 64;
  const loss = await asUserInput('eval', () => validationLoss(model, ids, { seqLen, batchSize: opts.batch, maxTokens: opts.maxTokens }));
  if (opts.json) {
    printJson(io, { checkpoint: opts.checkpoint, data, split: 'validation', seqLen, tokens: loss.tokens, nats: loss.nats, bitsPerChar: loss.bitsPerChar });
    return;
  }
  const { bold } = io.out;
  io.stdout.write(
    `validation loss ${bold(formatLoss(loss.nats))} nats, ${bold(formatLoss(loss.bitsPerChar))} bits per character ` +
      `(${formatCount(loss.tokens)} characters of ${data}, windows of ${seqLen})\n`,
  );
}

/** Registers `eval` on `program`. */
export function registerEval(program: Command, io: CommandIO): void {
  program
    .command('eval')
    .description("a checkpoint's validation loss in nats and bits per character")
    .requiredOption('--checkpoint <file>', 'a checkpoint written by seqlab train or seqlab demo')
    .option('--data <name|path>', 'corpus whose last 10% is evaluated (default: the one the checkpoint was trained on)')
    .option('--batch <b>', 'windows per forward pass', integerOption('--batch', { min: 1 }), 32)
    .option('--seq <t>', 'characters per window (default: the training window)', integerOption('--seq', { min: 1 }))
    .option('--max-tokens <n>', 'evaluate only about the first n characters', integerOption('--max-tokens', { min: 1 }))
    .option('--backend <name>', `compute backend: ${BACKEND_CHOICES.join(', ')}`, choiceOption('--backend', BACKEND_CHOICES), 'auto')
    .option('--json', 'print one JSON object')
    .addHelpText(
      'after',
      `
The loss is the mean cross-entropy of each next character over consecutive windows of the
validation split, each read from a fresh state; bits per character = nats / ln 2.

Examples:
  $ seqlab eval --checkpoint runs/lstm/checkpoint.safetensors
  $ seqlab eval --checkpoint runs/lstm/checkpoint.safetensors --data ./other.txt --json`,
    )
    .action(async (opts: EvalOptions) => runEval(opts, io));
}
