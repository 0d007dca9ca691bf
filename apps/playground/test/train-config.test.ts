// Unit tests of the training view's logic: the URL codec of a run's settings, the CLI command, curves, the race and the badge.
import { describe, expect, it, vi } from 'vitest';
import { backendBadge, fallbackNote, runBackend, wasmThreadCount } from '../src/lib/backend-badge.js';
import { cliTrainArgs, cliTrainCommand } from '../src/lib/cli-command.js';
import { movingAverage, ReportBuffer, thin, tokensPerSecond } from '../src/lib/loss-curve.js';
import { lossAgainstTime, raceConfig } from '../src/lib/race.js';
import { decodeTrainConfig, defaultTrainConfig, encodeTrainConfig, type TrainConfig } from '../src/lib/train-config.js';
import type { StepReport } from '../src/lib/char-lm-session.js';

describe('train config URL codec', () => {
  it('round-trips every field through the URL', () => {
    const config: TrainConfig = {
      ...defaultTrainConfig('transformer'),
      hidden: 48,
      heads: 6,
      batch: 3,
      seq: 17,
      lr: 0.0025,
      weightDecay: 0,
      clip: 0.5,
      seed: 99,
      backend: 'cpu',
      temperature: 1.25,
      topK: 7,
      topP: 0.85,
    };
    const query = encodeTrainConfig(config);
    const { config: back, issues } = decodeTrainConfig(new URLSearchParams(query.toString()));
    expect(issues).toEqual([]);
    expect(back).toEqual(config);
  });

  it('writes every field in a fixed order, task and model first', () => {
    const keys = [...encodeTrainConfig(defaultTrainConfig('gru', 'copy')).keys()];
    expect(keys).toEqual(Object.keys(defaultTrainConfig()));
    expect(keys.slice(0, 2)).toEqual(['task', 'model']);
    expect(keys).toHaveLength(17);
  });

  it("fills what is absent with the model's defaults", () => {
    const { config, issues } = decodeTrainConfig(new URLSearchParams('model=transformer&seed=5'));
    expect(issues).toEqual([]);
    expect(config).toEqual({ ...defaultTrainConfig('transformer'), seed: 5 });
    expect(config.layers).toBe(2);
    expect(config.lr).toBe(0.001);
  });

  it('replaces malformed and out-of-range values by defaults and names each', () => {
    const { config, issues } = decodeTrainConfig(new URLSearchParams('model=cnn&hidden=2.5&lr=0&seed=-1&backend=tpu&topP=1.5&task=nope&view=heads'));
    // 'view' belongs to a view's own controls: left alone.
    expect(config).toEqual(defaultTrainConfig());
    expect(issues.map((i) => i.key).sort()).toEqual(['backend', 'hidden', 'lr', 'model', 'seed', 'task', 'topP']);
    expect(issues.find((i) => i.key === 'lr')?.message).toBe('must be in (0, 1]; received 0');
    expect(issues.find((i) => i.key === 'hidden')?.message).toBe('must be an integer; received 2.5');
    expect(issues.find((i) => i.key === 'model')?.message).toBe('must be one of rnn, lstm, gru, transformer; received "cnn"');
  });

  it("takes the task's default size, and a recurrent cell for the sequence-to-sequence tasks", () => {
    expect(decodeTrainConfig(new URLSearchParams('task=copy')).config.taskLength).toBe(20);
    expect(decodeTrainConfig(new URLSearchParams('task=adding&taskLength=100')).config.taskLength).toBe(100);
    const { config, issues } = decodeTrainConfig(new URLSearchParams('task=translation&model=transformer&attention=1'));
    expect(config).toMatchObject({ task: 'translation', model: 'gru', attention: 1, taskLength: 8 });
    expect(issues).toEqual([{ key: 'model', message: `must be rnn, lstm or gru for the sequence-to-sequence task 'translation'; received "transformer"` }]);
  });

  it('makes Transformer heads divide the width', () => {
    const { config, issues } = decodeTrainConfig(new URLSearchParams('model=transformer&hidden=30&heads=4'));
    expect(config.heads).toBe(1);
    expect(issues).toEqual([{ key: 'heads', message: 'must divide hidden (30); received 4' }]);
  });
});

describe('copy as CLI command', () => {
  it('passes every run-defining setting, the data and the backend', () => {
    const config = { ...defaultTrainConfig('gru'), hidden: 24, seed: 7, backend: 'cpu' as const };
    expect(cliTrainArgs(config, { steps: 12 })).toEqual([
      'train',
      '--model',
      'gru',
      '--data',
      'tinyshakespeare',
      '--steps',
      '12',
      '--batch',
      '16',
      '--seq',
      '32',
      '--hidden',
      '24',
      '--layers',
      '1',
      '--lr',
      '0.003',
      '--weight-decay',
      '0.01',
      '--clip',
      '1',
      '--seed',
      '7',
      '--backend',
      'cpu',
      '--json',
    ]);
  });

  it('adds heads for a Transformer, an output folder, and quotes words that need it', () => {
    const command = cliTrainCommand(defaultTrainConfig('transformer'), { steps: 3, out: "runs/it's here", json: false, program: 'pnpm seqlab' });
    expect(command).toContain('--heads 4');
    expect(command.startsWith('pnpm seqlab train --model transformer')).toBe(true);
    expect(command.endsWith(`--out 'runs/it'\\''s here'`)).toBe(true);
    expect(command).not.toContain('--json');
  });

  it('refuses a step count that is not a positive integer', () => {
    expect(() => cliTrainArgs(defaultTrainConfig(), { steps: 0 })).toThrow("option 'steps' must be a positive integer; received 0");
  });
});

const report = (step: number, loss: number, seconds: number): StepReport => ({
  step,
  loss,
  bitsPerChar: loss / Math.LN2,
  gradNorm: 1,
  seconds,
  tokens: 100,
  endedAt: step,
});

describe('loss curves', () => {
  it('smooths with an exponential moving average started by the first value', () => {
    expect(movingAverage([4, 2, 2], 0.5)).toEqual([4, 3, 2.5]);
    expect(movingAverage([], 0.5)).toEqual([]);
  });

  it('thins to at most n points, keeping the first and the last', () => {
    const points = Array.from({ length: 1001 }, (_, i) => i);
    const thinned = thin(points, 11);
    expect(thinned).toEqual([0, 100, 200, 300, 400, 500, 600, 700, 800, 900, 1000]);
    expect(thin([1, 2], 5)).toEqual([1, 2]);
  });

  it('measures tokens per second over the recent steps only', () => {
    const reports = [report(1, 4, 10), report(2, 3, 0.5), report(3, 2, 0.5)];
    expect(tokensPerSecond(reports, 2)).toBe(200);
    expect(tokensPerSecond([], 2)).toBeNaN();
  });
});

describe('report buffer', () => {
  it('flushes what arrived at most once per interval, in order, and drains or clears on demand', () => {
    vi.useFakeTimers();
    try {
      const flushed: number[][] = [];
      const buffer = new ReportBuffer<number>((items) => flushed.push(items), 250);
      buffer.push([1, 2]);
      buffer.push([3]);
      expect(flushed).toEqual([]);
      vi.advanceTimersByTime(250);
      expect(flushed).toEqual([[1, 2, 3]]);
      buffer.push([4]);
      buffer.drain();
      expect(flushed).toEqual([[1, 2, 3], [4]]);
      buffer.push([5]);
      buffer.clear();
      vi.advanceTimersByTime(1000);
      buffer.drain();
      expect(flushed).toEqual([[1, 2, 3], [4]]);
    } finally {
      vi.useRealTimers();
    }
  });
});

describe('race', () => {
  it("gives each contestant its kind's depth and learning rate on the same data, width and seed", () => {
    const base = { ...defaultTrainConfig('lstm'), hidden: 30, seed: 4 };
    const transformer = raceConfig(base, 'transformer');
    expect(transformer).toMatchObject({ model: 'transformer', layers: 2, lr: 0.001, hidden: 30, seed: 4, heads: 1 });
    expect(raceConfig(base, 'lstm')).toMatchObject({ model: 'lstm', layers: 1, lr: 0.003 });
  });

  it('puts the loss in bits against cumulative training seconds', () => {
    const points = lossAgainstTime([report(1, Math.LN2, 0.25), report(2, 2 * Math.LN2, 0.5)]);
    expect(points).toEqual([
      { x: 0.25, y: 1 },
      { x: 0.75, y: 2 },
    ]);
  });
});

describe('backend badge', () => {
  it('names what the tensors are really on', () => {
    expect(backendBadge({ backend: 'wasm', active: 'wasm', threads: 4, sharedMemory: true })).toBe('wasm SIMD ×4 threads');
    expect(backendBadge({ backend: 'wasm', active: 'wasm', threads: 1, sharedMemory: false })).toBe('wasm SIMD ×1 thread (no cross-origin isolation)');
    expect(backendBadge({ backend: 'wasm', active: 'cpu' })).toBe('cpu (wasm unavailable)');
    expect(backendBadge({ backend: 'cpu', active: 'cpu' })).toBe('cpu');
  });

  it('names the gpu by mode and renderer, says "software rendering" on SwiftShader, and shows a fallback to wasm', () => {
    const swiftshader = 'ANGLE (Google, Vulkan 1.3.0 (SwiftShader Device (Subzero)), SwiftShader driver)';
    expect(backendBadge({ backend: 'gpu', active: 'gpu', mode: 'webgl2', renderer: swiftshader, software: true })).toBe(
      `gpu (webgl2) — ${swiftshader} · software rendering`,
    );
    expect(backendBadge({ backend: 'gpu', active: 'gpu', mode: 'webgl2', renderer: 'Apple M2', software: false })).toBe('gpu (webgl2) — Apple M2');
    const fellBack = { backend: 'gpu', active: 'wasm', threads: 2, sharedMemory: true, fallbackReason: 'initGpu: this browser has no WebGL2' } as const;
    expect(backendBadge(fellBack)).toBe('wasm SIMD ×2 threads (gpu unavailable)');
    expect(fallbackNote(fellBack)).toBe('gpu could not start (initGpu: this browser has no WebGL2); training on wasm instead');
    expect(fallbackNote({ backend: 'gpu', active: 'gpu', renderer: 'Apple M2' })).toBeUndefined();
    expect(fallbackNote({ backend: 'wasm', active: 'cpu' })).toBe('wasm could not start; training on cpu instead');
  });

  it('reproduces a run with the backend it really computed on', () => {
    expect(runBackend({ backend: 'gpu', active: 'gpu' }, 'gpu')).toBe('gpu');
    expect(runBackend({ backend: 'gpu', active: 'wasm' }, 'gpu')).toBe('wasm');
    expect(runBackend(undefined, 'gpu')).toBe('gpu');
    const config = { ...defaultTrainConfig('lstm'), backend: 'gpu' as const };
    expect(cliTrainArgs({ ...config, backend: runBackend({ backend: 'gpu', active: 'gpu' }, config.backend) }, { steps: 5 }).join(' ')).toContain(
      '--backend gpu',
    );
  });

  it('reads backend=gpu from the URL and writes it back', () => {
    const { config, issues } = decodeTrainConfig(new URLSearchParams('backend=gpu'));
    expect(issues).toEqual([]);
    expect(config.backend).toBe('gpu');
    expect(encodeTrainConfig(config).get('backend')).toBe('gpu');
  });

  it('uses threads only under cross-origin isolation, at most 4', () => {
    expect(wasmThreadCount(false, 16)).toBe(1);
    expect(wasmThreadCount(true, 2)).toBe(2);
    expect(wasmThreadCount(true, 32)).toBe(4);
    expect(wasmThreadCount(true, 0)).toBe(1);
  });
});
