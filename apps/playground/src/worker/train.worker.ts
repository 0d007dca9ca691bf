// The training worker: owns the backend and one character-model session, trains off the page's thread, and answers
// play / pause / step / reset, sampling and checkpoints over Comlink.
import * as Comlink from 'comlink';
import { initWasm, ready, setThreads, wasmThreadInfo } from '@seqlab/kernels-wasm';
import { getBackend, setBackend } from '@seqlab/tensor-core';
import type { BackendStatus } from '../lib/backend-badge.js';
import { wasmThreadCount } from '../lib/backend-badge.js';
import { CharLMSession, type Baselines, type SampleOptions, type StepReport } from '../lib/char-lm-session.js';
import type { BackendId, TrainConfig } from '../lib/train-config.js';
import { browserEnvironment } from '../lib/environment.js';

/** What the page learns about a session when it starts or loads. */
export interface SessionInfo {
  /** The config as the session runs it (a checkpoint's model sizes replace the page's). */
  readonly config: TrainConfig;
  /** Loss baselines in nats. */
  readonly baselines: Baselines;
  /** Trainable parameters. */
  readonly parameters: number;
  /** Steps already taken (non-zero after loading a checkpoint). */
  readonly step: number;
}

/** Receives the reports of steps taken while playing, in batches (about ten a second). */
export type StepListener = (reports: StepReport[]) => void;

// Stays unset until the page starts a session; every method below needs one.
let session: CharLMSession | undefined;
let playing = false;
// Bumped by pause and reset: a running loop stops when the generation it started with is gone.
let generation = 0;

function current(): CharLMSession {
  if (session === undefined) throw new Error('train worker: no session; call start() first');
  return session;
}

function info(s: CharLMSession): SessionInfo {
  const parameters = s.model.parameters().reduce((n, p) => n + p.size, 0);
  return { config: s.config, baselines: s.baselines(), parameters, step: s.step };
}

const yieldToMessages = (): Promise<void> => new Promise((resolve) => setTimeout(resolve, 0));

const api = {
  /** Brings up `backend` (wasm with threads where the page is cross-origin isolated, else one thread; or cpu). */
  async initBackend(backend: BackendId): Promise<BackendStatus> {
    if (backend === 'wasm') {
      const env = browserEnvironment(globalThis);
      setThreads(wasmThreadCount(env.crossOriginIsolated, env.cores));
      const loaded = await initWasm();
      if (loaded !== undefined) {
        await ready();
        setBackend('wasm');
        const { threads, sharedMemory } = wasmThreadInfo();
        return { backend, active: 'wasm', threads, sharedMemory };
      }
    }
    // GPU hook: once @seqlab/kernels-gpu is published, add 'gpu' to BACKENDS (train-config.ts), initialise it here,
    // and return { backend, active: 'gpu', renderer } for the badge.
    setBackend('cpu');
    return { backend, active: getBackend().name };
  },

  /** Starts a fresh session of `config` (reset), stopping any loop. */
  start(config: TrainConfig): SessionInfo {
    generation++;
    playing = false;
    session = CharLMSession.create(config);
    return info(session);
  },

  /** Opens a safetensors checkpoint as the session, stopping any loop. */
  load(bytes: Uint8Array, config: TrainConfig): SessionInfo {
    generation++;
    playing = false;
    session = CharLMSession.fromCheckpoint(bytes, config);
    return info(session);
  },

  /** Trains until paused, sending reports to `listener` about ten times a second. */
  async play(listener: StepListener): Promise<void> {
    const s = current();
    if (playing) return;
    playing = true;
    const mine = ++generation;
    let pending: StepReport[] = [];
    let flushed = performance.now();
    try {
      while (playing && generation === mine && session === s) {
        pending.push(s.trainStep());
        if (performance.now() - flushed > 100) {
          listener(pending);
          pending = [];
          flushed = performance.now();
        }
        await yieldToMessages();
      }
    } finally {
      if (pending.length > 0) listener(pending);
      if (generation === mine) playing = false;
    }
  },

  /** Stops the loop after its current step. */
  pause(): void {
    playing = false;
    generation++;
  },

  /** Takes `n` steps (paused), reporting them to `listener` as they go; resolves with all of them. */
  async step(n: number, listener?: StepListener): Promise<StepReport[]> {
    const s = current();
    playing = false;
    const mine = ++generation;
    const reports: StepReport[] = [];
    let flushed = performance.now();
    let from = 0;
    for (let i = 0; i < n && generation === mine && session === s; i++) {
      reports.push(s.trainStep());
      if (listener && performance.now() - flushed > 100) {
        listener(reports.slice(from));
        from = reports.length;
        flushed = performance.now();
      }
      await yieldToMessages();
    }
    if (listener && from < reports.length) listener(reports.slice(from));
    return reports;
  },

  /** Sampled text (see {@link CharLMSession.sample}). */
  sample(options: SampleOptions): string {
    return current().sample(options);
  },

  /** The session as checkpoint bytes (transferred, not copied). */
  checkpoint(): Uint8Array {
    const bytes = current().toCheckpoint();
    return Comlink.transfer(bytes, [bytes.buffer as ArrayBuffer]);
  },
};

/** The worker's API as the page sees it through Comlink. */
export type TrainWorkerApi = typeof api;

Comlink.expose(api);
