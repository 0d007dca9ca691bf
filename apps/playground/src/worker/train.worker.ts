// The training worker: owns the backend and one training session (the character model or a synthetic task), trains
// off the page's thread, and answers play / pause / step / reset, samples, examples and checkpoints over Comlink.
import * as Comlink from 'comlink';
import { initWasm, ready, setThreads, wasmThreadInfo } from '@seqlab/kernels-wasm';
import { getBackend, setBackend } from '@seqlab/tensor-core';
import type { BackendStatus } from '../lib/backend-badge.js';
import { wasmThreadCount } from '../lib/backend-badge.js';
import { CharLMSession, type SampleOptions, type StepReport } from '../lib/char-lm-session.js';
import { browserEnvironment } from '../lib/environment.js';
import { createTaskSession, type Baseline, type TaskExample, type TaskSession } from '../lib/task-session.js';
import type { BackendId, TrainConfig } from '../lib/train-config.js';

/** What the page learns about a session when it starts or loads. */
export interface SessionInfo {
  /** The config as the session runs it (a checkpoint's model sizes replace the page's). */
  readonly config: TrainConfig;
  /** What the chart plots: bits per character for the character model, the task's loss otherwise. */
  readonly metric: string;
  /** Reference values in the chart's metric. */
  readonly baselines: Baseline[];
  /** Trainable parameters. */
  readonly parameters: number;
  /** Steps already taken (non-zero after loading a checkpoint). */
  readonly step: number;
}

/** Receives the reports of steps taken while playing, in batches (about ten a second). */
export type StepListener = (reports: StepReport[]) => void;

type Session = CharLMSession | TaskSession;

// Stays unset until the page starts a session; every method below needs one.
let session: Session | undefined;
let playing = false;
// Bumped by pause, step and reset: a running loop stops when the generation it started with is gone.
let generation = 0;

function current(): Session {
  if (session === undefined) throw new Error('train worker: no session; call start() first');
  return session;
}

function charModel(): CharLMSession {
  const s = current();
  if (!(s instanceof CharLMSession))
    throw new Error(`train worker: task '${s.config.task}' has no character model (sampling and checkpoints are for task 'charlm')`);
  return s;
}

function info(s: Session): SessionInfo {
  if (s instanceof CharLMSession) {
    const { uniform, unigram } = s.baselines();
    return {
      config: s.config,
      metric: 'bits per character',
      baselines: [
        { label: 'uniform', value: uniform / Math.LN2 },
        { label: 'unigram', value: unigram / Math.LN2 },
      ],
      parameters: s.model.parameters().reduce((n, p) => n + p.size, 0),
      step: s.step,
    };
  }
  return { config: s.config, metric: s.metric, baselines: s.baselines(), parameters: s.parameterCount(), step: s.step };
}

function stop(): void {
  generation++;
  playing = false;
}

const yieldToMessages = (): Promise<void> => new Promise((resolve) => setTimeout(resolve, 0));

/** Runs steps until `more()` says stop or the generation changes; reports in batches of about 100 ms. */
async function loop(s: Session, mine: number, more: (taken: number) => boolean, listener?: StepListener): Promise<StepReport[]> {
  const all: StepReport[] = [];
  let from = 0;
  let flushed = performance.now();
  try {
    while (more(all.length) && generation === mine && session === s) {
      all.push(s.trainStep());
      if (listener && performance.now() - flushed > 100) {
        listener(all.slice(from));
        from = all.length;
        flushed = performance.now();
      }
      await yieldToMessages();
    }
  } finally {
    if (listener && from < all.length) listener(all.slice(from));
  }
  return all;
}

/** Starts the wasm backend (cpu where this browser has no wasm SIMD) and says what runs. */
async function startWasm(maxThreads: number): Promise<BackendStatus> {
  const env = browserEnvironment(globalThis);
  setThreads(Math.max(1, Math.min(maxThreads, wasmThreadCount(env.crossOriginIsolated, env.cores))));
  const loaded = await initWasm();
  if (loaded !== undefined) {
    await ready();
    setBackend('wasm');
    const { threads, sharedMemory } = wasmThreadInfo();
    return { backend: 'wasm', active: 'wasm', threads, sharedMemory };
  }
  setBackend('cpu');
  return { backend: 'wasm', active: getBackend().name };
}

const api = {
  /**
   * Brings up `backend`: wasm with threads where the page is cross-origin isolated (at most `maxThreads`), else one
   * thread; gpu (`@seqlab/kernels-gpu`, imported only now, so pages that never pick it never load gpu.js), falling
   * back to wasm with the typed error's message where it cannot start; or cpu.
   */
  async initBackend(backend: BackendId, maxThreads = Number.POSITIVE_INFINITY): Promise<BackendStatus> {
    if (backend === 'gpu') {
      try {
        const gpu = await import('@seqlab/kernels-gpu');
        await gpu.initGpu();
        setBackend('gpu');
        const { mode, renderer, software } = gpu.backendInfo();
        return { backend, active: 'gpu', mode, renderer, software };
      } catch (error) {
        const fallbackReason = error instanceof Error ? error.message : String(error);
        return { ...(await startWasm(maxThreads)), backend, fallbackReason };
      }
    }
    if (backend === 'wasm') return startWasm(maxThreads);
    setBackend('cpu');
    return { backend, active: getBackend().name };
  },

  /** Starts a fresh session of `config` (reset), stopping any loop. */
  start(config: TrainConfig): SessionInfo {
    stop();
    session = config.task === 'charlm' ? CharLMSession.create(config) : createTaskSession(config);
    return info(session);
  },

  /** Opens a safetensors checkpoint of a character model as the session, stopping any loop. */
  load(bytes: Uint8Array, config: TrainConfig): SessionInfo {
    stop();
    session = CharLMSession.fromCheckpoint(bytes, { ...config, task: 'charlm' });
    return info(session);
  },

  /** Trains until paused, sending reports to `listener` about ten times a second. */
  async play(listener: StepListener): Promise<void> {
    const s = current();
    if (playing) return;
    stop();
    playing = true;
    const mine = generation;
    try {
      await loop(s, mine, () => playing, listener);
    } finally {
      if (generation === mine) playing = false;
    }
  },

  /** Stops the loop after its current step. */
  pause(): void {
    stop();
  },

  /** Takes `n` steps (paused), reporting them to `listener` as they go; resolves with all of them. */
  async step(n: number, listener?: StepListener): Promise<StepReport[]> {
    const s = current();
    stop();
    return loop(s, generation, (taken) => taken < n, listener);
  },

  /** Sampled text of the character model (see {@link CharLMSession.sample}). */
  sample(options: SampleOptions): string {
    return charModel().sample(options);
  },

  /** A synthetic task's model on one fresh example. */
  example(): TaskExample {
    const s = current();
    if (s instanceof CharLMSession) throw new Error('train worker: examples are for the synthetic tasks; sample the character model instead');
    return s.example();
  },

  /** The character model as checkpoint bytes (transferred, not copied). */
  checkpoint(): Uint8Array {
    const bytes = charModel().toCheckpoint();
    return Comlink.transfer(bytes, [bytes.buffer as ArrayBuffer]);
  },
};

/** The worker's API as the page sees it through Comlink. */
export type TrainWorkerApi = typeof api;

Comlink.expose(api);
