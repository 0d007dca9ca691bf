// `seqlab demo`: train a small LSTM and a small causal Transformer on tiny-shakespeare for a fixed time each,
// then compare them (table, samples) and write demo.json and demo.svg into a run folder.
import { writeFileSync } from 'node:fs';
import { isAbsolute, join, relative, resolve } from 'node:path';
import { encodeCorpus, loadCorpus, type EncodedCorpus } from '@seqlab/datasets';
import type { Command } from 'commander';
import { activateBackend, BACKEND_CHOICES, type BackendChoice } from '../backend-choice.js';
import { CHECKPOINT_FILE, checkpointPathIn, saveRun } from '../checkpoint/run-checkpoint.js';
import {
  DEMO_BATCH_SIZE,
  DEMO_CURVE_TOKENS,
  DEMO_FINAL_TOKENS,
  DEMO_MODELS,
  DEMO_PROMPT,
  DEMO_SECONDS_PER_MODEL,
  DEMO_SEQ_LEN,
  type DemoModel,
} from '../demo/demo-models.js';
import { demoTable, type DemoModelResult, type DemoReport } from '../demo/demo-report.js';
import { choiceOption, integerOption, realOption } from '../options.js';
import { currentEnvironment } from '../report/environment.js';
import { formatCount, formatDuration, formatLoss } from '../report/format.js';
import { defaultRunFolder, openRunFolder, prepareOutputFolder } from '../run-folder.js';
import { freshRun } from '../training/fresh-run.js';
import { InterruptFlag } from '../training/interrupt.js';
import { ProgressDisplay } from '../training/progress-display.js';
import type { TrainSettings } from '../training/train-settings.js';
import { train } from '../training/trainer.js';
import { validationLoss } from '../training/validation.js';
import { InterruptedError } from '../usage-error.js';
import { printJson, type CommandIO } from './command-io.js';
import { languageModelSpecOf } from '@seqlab/recurrent';

interface DemoOptions {
  time: number;
  seed: number;
  sampleLength: number;
  backend: BackendChoice;
  out?: string;
  json?: boolean;
}

const SAMPLE_TEMPERATURE = 0.8;
/** The report's file names inside the demo folder. */
const DEMO_JSON = 'demo.json';
const DEMO_SVG = 'demo.svg';
/** Validation points per curve. */
const CURVE_POINTS = 10;

async function trainOne(
  entry: DemoModel,
  corpus: EncodedCorpus,
  opts: DemoOptions,
  dir: string,
  interrupt: InterruptFlag,
): Promise<{ result: DemoModelResult; interrupted: boolean }> {
  const settings: TrainSettings = {
    data: 'tinyshakespeare',
    batchSize: DEMO_BATCH_SIZE,
    seqLen: DEMO_SEQ_LEN,
    lr: entry.lr,
    weightDecay: 0.01,
    clipNorm: 1,
    seed: opts.seed,
    budget: { kind: 'time', seconds: opts.time },
    evalEvery: Number.MAX_SAFE_INTEGER,
    evalEverySeconds: opts.time / CURVE_POINTS,
    evalTokens: DEMO_CURVE_TOKENS,
    checkpointEvery: 0,
  };
  const run = freshRun(entry.kind, entry.size, corpus, settings);
  const parameters = run.model.numParameters();
  const checkpoint = checkpointPathIn(join(dir, entry.kind));
  const display = new ProgressDisplay(entry.name.padEnd(11), !opts.json);
  display.log(`${entry.name}: ${formatCount(parameters)} parameters, ${opts.time} s of training`);
  const trainingCurve: { step: number; seconds: number; loss: number }[] = [];
  let tokensPerSecond = 0;
  display.start();
  let outcome;
  try {
    outcome = await train(run, {
      onStep: (r) => {
        trainingCurve.push({ step: r.step, seconds: r.elapsedSeconds, loss: r.loss });
        tokensPerSecond = r.tokensPerSecond;
        display.update({ fraction: r.fraction, step: r.step, loss: r.smoothedLoss, tokensPerSecond: r.tokensPerSecond, elapsedSeconds: r.elapsedSeconds });
      },
      onCheckpoint: () => saveRun(checkpoint, run),
      stopRequested: () => interrupt.stopRequested,
    });
  } finally {
    display.stop();
  }
  const { model, progress, tokenizer } = run;
  const final = validationLoss(model, run.validationIds, { seqLen: DEMO_SEQ_LEN, batchSize: DEMO_BATCH_SIZE, maxTokens: DEMO_FINAL_TOKENS });
  const sampled = model.generate(tokenizer.encode(DEMO_PROMPT), { length: opts.sampleLength, temperature: SAMPLE_TEMPERATURE, seed: opts.seed });
  return {
    interrupted: outcome === 'interrupted',
    result: {
      name: entry.name,
      spec: languageModelSpecOf(model),
      parameters,
      lr: entry.lr,
      steps: progress.step,
      tokens: progress.tokensSeen,
      trainSeconds: progress.elapsedSeconds,
      tokensPerSecond,
      validation: final,
      validationCurve: progress.validation,
      trainingCurve,
      sample: { prompt: DEMO_PROMPT, text: tokenizer.decode(sampled), temperature: SAMPLE_TEMPERATURE, seed: opts.seed },
      checkpoint,
    },
  };
}

async function runDemo(opts: DemoOptions, io: CommandIO): Promise<void> {
  const started = performance.now();
  const backend = await activateBackend(opts.backend);
  const corpus = encodeCorpus(loadCorpus('tinyshakespeare'));
  const dir = resolve(opts.out ?? defaultRunFolder('demo'));
  // Every path the demo writes is checked (and the folder locked) before a minute of training could be lost to it.
  const folder = await openRunFolder('--out', dir, [DEMO_JSON, DEMO_SVG]);
  try {
    for (const entry of DEMO_MODELS) prepareOutputFolder('--out', join(dir, entry.kind), [CHECKPOINT_FILE]);
    await demoIn(dir, corpus, backend, started, opts, io);
  } finally {
    folder.close();
  }
}

async function demoIn(dir: string, corpus: EncodedCorpus, backend: string, started: number, opts: DemoOptions, io: CommandIO): Promise<void> {
  const log = (line: string): void => {
    if (!opts.json) io.stderr.write(`${line}\n`);
  };
  log(
    `seqlab demo: an LSTM and a causal Transformer learn tiny-shakespeare (${formatCount(corpus.train.length)} training characters), ` +
      `${opts.time} s each on the ${backend} backend`,
  );
  const interrupt = new InterruptFlag(() => log('stopping: finishing the report (Ctrl-C again to quit at once)')).install();
  const models: DemoModelResult[] = [];
  let interrupted = false;
  try {
    for (const entry of DEMO_MODELS) {
      const { result, interrupted: stopped } = await trainOne(entry, corpus, opts, dir, interrupt);
      models.push(result);
      if (stopped) {
        interrupted = true;
        break;
      }
    }
  } finally {
    interrupt.uninstall();
  }
  const report: DemoReport = {
    environment: currentEnvironment(backend),
    settings: {
      corpus: 'tinyshakespeare',
      trainCharacters: corpus.train.length,
      validationCharacters: corpus.validation.length,
      vocabSize: typeof models[0]?.spec.config.vocabSize === 'number' ? models[0].spec.config.vocabSize : 0,
      secondsPerModel: opts.time,
      batchSize: DEMO_BATCH_SIZE,
      seqLen: DEMO_SEQ_LEN,
      seed: opts.seed,
      curveTokens: DEMO_CURVE_TOKENS,
      finalTokens: DEMO_FINAL_TOKENS,
    },
    models,
    totalSeconds: (performance.now() - started) / 1000,
    interrupted,
  };
  const jsonPath = join(dir, DEMO_JSON);
  const svgPath = join(dir, DEMO_SVG);
  writeFileSync(jsonPath, `${JSON.stringify(report, null, 2)}\n`);
  // Vega is loaded only here, so that every other command starts fast.
  const { renderLossChart } = await import('../report/loss-chart.js');
  const svg = await renderLossChart(
    models.map((m) => ({ name: m.name, points: m.validationCurve.map((p) => ({ seconds: p.seconds, loss: p.nats })) })),
    `tiny-shakespeare: validation loss while training (${backend} backend)`,
  );
  writeFileSync(svgPath, svg);
  if (opts.json) {
    printJson(io, { ...report, files: { json: jsonPath, chart: svgPath } });
  } else {
    const { bold, cyan, dim } = io.out;
    // Inside the working directory a relative path is shorter to read and to paste; elsewhere the full path is clearer.
    const inside = relative(process.cwd(), dir);
    const shown = inside !== '' && !inside.startsWith('..') && !isAbsolute(inside) ? inside : dir;
    const samples = models.map((m) => `${bold(m.name)} ${dim(`(temperature ${m.sample.temperature})`)}\n${m.sample.prompt}${m.sample.text}\n`);
    io.stdout.write(
      `\n${demoTable(models)}\n\n` +
        `${dim(`validation loss on the first ${formatCount(DEMO_FINAL_TOKENS)} characters of the held-out 10%; uniform guessing scores ${formatLoss(Math.log(report.settings.vocabSize || 1))} nats`)}\n\n` +
        `${samples.join('\n')}\n` +
        `wrote ${cyan(join(shown, DEMO_JSON))} and ${cyan(join(shown, DEMO_SVG))} (${formatDuration(report.totalSeconds)} in all)\n` +
        `sample more: seqlab generate --checkpoint ${join(shown, DEMO_MODELS[0].kind, 'checkpoint.safetensors')} --prompt "JULIET:"\n`,
    );
  }
  if (interrupted) throw new InterruptedError(`demo interrupted; partial results in ${dir}`);
}

/** Registers `demo` on `program`. */
export function registerDemo(program: Command, io: CommandIO): void {
  program
    .command('demo')
    .description('train a small LSTM and a small causal Transformer on tiny-shakespeare and compare them')
    .option('--time <seconds>', 'training seconds per model', realOption('--time', { min: 0, minExclusive: true }), DEMO_SECONDS_PER_MODEL)
    .option('--seed <n>', 'seed of weights, batches and samples', integerOption('--seed', { min: 0 }), 1337)
    .option('--sample-length <n>', 'characters sampled from each model', integerOption('--sample-length', { min: 1, max: 100_000 }), 300)
    .option('--backend <name>', `compute backend: ${BACKEND_CHOICES.join(', ')}`, choiceOption('--backend', BACKEND_CHOICES), 'auto')
    .option('--out <dir>', 'folder for demo.json, demo.svg and the checkpoints (default seqlab-runs/demo-<time>)')
    .option('--json', 'print the report as one JSON object instead of the table')
    .addHelpText(
      'after',
      `
Needs no network: the corpus ships with @seqlab/datasets. The run folder holds demo.json
(environment, settings, measured numbers, loss curves), demo.svg (validation loss against
training time) and a checkpoint per model for seqlab generate / eval / inspect.

Examples:
  $ seqlab demo
  $ seqlab demo --time 30 --out runs/quick-demo
  $ seqlab demo --json > demo-result.json`,
    )
    .action(async (opts: DemoOptions) => runDemo(opts, io));
}
