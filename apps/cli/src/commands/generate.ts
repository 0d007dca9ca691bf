// `seqlab generate`: sample text from a checkpoint, printing each character as soon as it is drawn.
import type { Command } from 'commander';
import { activateBackend, BACKEND_CHOICES, type BackendChoice } from '../backend-choice.js';
import { loadModel } from '../checkpoint/load-model.js';
import { choiceOption, integerOption, realOption } from '../options.js';
import { asUserInput, UsageError } from '../usage-error.js';
import { printJson, type CommandIO } from './command-io.js';
import { languageModelSpecOf } from '@seqlab/recurrent';

interface GenerateOptions {
  checkpoint: string;
  prompt?: string;
  length: number;
  temperature: number;
  topK: number;
  topP: number;
  seed: number;
  backend: BackendChoice;
  json?: boolean;
}

async function runGenerate(opts: GenerateOptions, io: CommandIO): Promise<void> {
  await activateBackend(opts.backend);
  const { model, tokenizer } = await loadModel(opts.checkpoint, (line) => io.stderr.write(`${line}\n`));
  // A newline starts a fresh speech in most texts; fall back to the first character of the vocabulary.
  const prompt = opts.prompt ?? (tokenizer.idOf('\n') !== undefined ? '\n' : tokenizer.characters[0]);
  if (prompt.length === 0) throw new UsageError('--prompt must not be empty: the model needs at least one character to start from');
  const promptIds = await asUserInput('--prompt', () => {
    for (const ch of prompt) {
      if (tokenizer.idOf(ch) === undefined)
        throw new UsageError(`--prompt contains ${JSON.stringify(ch)}, which is not in the model's vocabulary of ${tokenizer.vocabSize} characters`);
    }
    return tokenizer.encode(prompt);
  });
  if (!opts.json) io.stdout.write(prompt);
  const sampled = await asUserInput('generate', async () => {
    const tokens: number[] = [];
    for await (const id of model.stream(promptIds, { length: opts.length, temperature: opts.temperature, topK: opts.topK, topP: opts.topP, seed: opts.seed })) {
      tokens.push(id);
      if (!opts.json) io.stdout.write(tokenizer.decode([id]));
    }
    return tokens;
  });
  if (opts.json) printJson(io, { prompt, text: tokenizer.decode(sampled), length: sampled.length, model: languageModelSpecOf(model), seed: opts.seed });
  else io.stdout.write('\n');
}

/** Registers `generate` on `program`. */
export function registerGenerate(program: Command, io: CommandIO): void {
  program
    .command('generate')
    .description('sample text from a trained checkpoint, streaming characters as they are drawn')
    .requiredOption('--checkpoint <file>', 'a checkpoint written by seqlab train or seqlab demo')
    .option('--prompt <text>', 'text to continue (default: a newline)')
    .option('--length <n>', 'characters to sample', integerOption('--length', { min: 1, max: 1_000_000 }), 500)
    .option('--temperature <t>', 'softmax temperature: lower is more conservative', realOption('--temperature', { min: 0, minExclusive: true }), 0.8)
    .option('--top-k <k>', 'sample only from the k most likely characters (0: all)', integerOption('--top-k', { min: 0 }), 0)
    .option(
      '--top-p <p>',
      'sample from the smallest set of characters whose probability reaches p',
      realOption('--top-p', { min: 0, minExclusive: true, max: 1 }),
      1,
    )
    .option('--seed <n>', 'seed of the sampler: the same seed gives the same text', integerOption('--seed', { min: 0 }), 0)
    .option('--backend <name>', `compute backend: ${BACKEND_CHOICES.join(', ')}`, choiceOption('--backend', BACKEND_CHOICES), 'auto')
    .option('--json', 'print one JSON object with the prompt and the sampled text')
    .addHelpText(
      'after',
      `
Examples:
  $ seqlab generate --checkpoint runs/lstm/checkpoint.safetensors --prompt "ROMEO:" --length 300
  $ seqlab generate --checkpoint runs/tf/checkpoint.safetensors --temperature 0.6 --top-k 10 --seed 7
  $ seqlab generate --checkpoint runs/lstm/checkpoint.safetensors --top-p 0.9 --json`,
    )
    .action(async (opts: GenerateOptions) => runGenerate(opts, io));
}
