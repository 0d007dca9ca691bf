// The gpu backend's fused GRU sequence kernels: one input projection, then per time step a recurrent product and a cell
// kernel over ping-pong sequence workspaces; BPTT backward the same way in reverse, then all-steps weight products.
import type { GruSequenceBackwardArgs, GruSequenceResult, RecurrentSequenceArgs, RecurrentSequenceGrads } from '@seqlab/tensor-core';
import { sigmoidSource, tanhSource } from '../kernels/math.js';
import { copyFloat, runProgram } from '../program.js';
import type { GpuFloat } from '../storage.js';
import { divSource, f, handleOf, lengthsInput, recordField, release, validSource } from './programs.js';
import {
  backwardLoop,
  carriedGradient,
  cellInputs,
  dimsOf,
  fieldOf,
  forwardLoop,
  previousStates,
  recordCoords,
  stateAt,
  timeAt,
  weightGrads,
  type SequenceDims,
} from './sequence.js';

// Forward workspace record per (t, b): r, z, n and W_hn·h + b_hn (4H, the contract's gates), then h_t (H), which
// carries the state through an invalid step.
const fwd = (H: number) => ({ R: 5 * H, HT: 4 * H });

// Backward workspace record per (t, b): input-side and hidden-side pre-activation gradients (3H each; 0 at invalid steps).
const bwd = (H: number) => ({ R: 6 * H, GH: 3 * H });

/** The forward cell kernel of time `t`: a new workspace with the records of t written and every other record copied. */
function forwardCell(
  d: SequenceDims,
  work: GpuFloat,
  xp: GpuFloat,
  hh: GpuFloat,
  args: RecurrentSequenceArgs,
  lengths: GpuFloat | null,
  t: number,
  tp: number,
): GpuFloat {
  const { T, B, H } = d;
  const { R, HT } = fwd(H);
  const G = 3 * H;
  const hasBias = args.biasIh !== null;
  const bi = (gate: string) => (hasBias ? ` + bih[${gate}]` : '');
  const bh = (gate: string) => (hasBias ? ` + bhh[${gate}]` : '');
  const key = `gruSequence|cell|${T},${B},${H}|${hasBias}|${lengths !== null}`;
  const build = () => ({
    dynamicOutput: true,
    source:
      `function (w, xp, hh, bih, bhh, h0, len, t, tp, batch) { ${recordCoords(d, R)} let out = w[i]; ` +
      `if (tRow == t) { ${validSource(lengths !== null)} ` +
      `let hp = 0.0; if (tp < 0.0) { hp = h0[b * ${f(H)} + j]; } else { hp = w[(tp * batch + b) * ${f(R)} + ${f(HT)} + j]; } ` +
      `if (!valid) { out = 0.0; if (r >= ${f(HT)}) { out = hp; } } else { ` +
      `const xo = row * ${f(G)} + j; const ho = b * ${f(G)} + j; ` +
      `const xr = xp[xo] + hh[ho]${bi('j')}${bh('j')}; const xz = xp[xo + ${f(H)}] + hh[ho + ${f(H)}]${bi(`j + ${f(H)}`)}${bh(`j + ${f(H)}`)}; ` +
      `const ghn = hh[ho + ${f(2 * H)}]${bh(`j + ${f(2 * H)}`)}; ` +
      `let rg = 0.0; let zg = 0.0; ${sigmoidSource('xr', 'rg')} ${sigmoidSource('xz', 'zg')} ` +
      `const xn = xp[xo + ${f(2 * H)}]${bi(`j + ${f(2 * H)}`)} + rg * ghn; let ng = 0.0; ${tanhSource('xn', 'ng')} ` +
      `out = (1.0 - zg) * ng + zg * hp; ` +
      `if (r < ${f(H)}) { out = rg; } else if (r < ${f(2 * H)}) { out = zg; } else if (r < ${f(3 * H)}) { out = ng; } else if (r < ${f(4 * H)}) { out = ghn; } } } ` +
      'return out; }',
  });
  return runProgram('gruSequence', key, build, T * B * R, [...cellInputs(work, xp, hh, args), handleOf(args.h0), lengths ?? 0, t, tp, B]);
}

function gruSequence(args: RecurrentSequenceArgs): GruSequenceResult {
  const op = 'gruSequence';
  const d = dimsOf(op, args);
  const { T, B, H } = d;
  const { R, HT } = fwd(H);
  const lengths = lengthsInput(op, args.lengths);
  const work = forwardLoop(op, d, args, R, HT, (w, xp, hh, t, tp) => forwardCell(d, w, xp, hh, args, lengths, t, tp));
  const result: GruSequenceResult = {
    output: recordField(op, work, T * B, R, HT, H, lengths, B),
    hN: T === 0 ? copyFloat(op, handleOf(args.h0)) : stateAt(op, d, work, R, HT, timeAt(T - 1, T, args.reverse)),
    gates: fieldOf(op, d, work, R, 0, 4 * H),
    hPrev: previousStates(op, d, work, R, HT, args.h0, args.reverse),
  };
  release(work, lengths);
  return result;
}

/** The backward cell kernel of time `t`: the input- and hidden-side pre-activation gradients of t's records. */
function backwardCell(d: SequenceDims, work: GpuFloat, dh: GpuFloat, args: GruSequenceBackwardArgs, lengths: GpuFloat | null, t: number): GpuFloat {
  const { T, B, H } = d;
  const { R, GH } = bwd(H);
  const key = `gruSequenceBackward|cell|${T},${B},${H}|${lengths !== null}`;
  const build = () => ({
    dynamicOutput: true,
    source:
      `function (w, dh, gates, hPrev, dOut, len, t, batch) { ${recordCoords(d, R)} let out = w[i]; ` +
      `if (tRow == t) { ${validSource(lengths !== null)} out = 0.0; ` +
      `if (valid) { const go = row * ${f(4 * H)} + j; const so = row * ${f(H)} + j; ` +
      `const rg = gates[go]; const zg = gates[go + ${f(H)}]; const ng = gates[go + ${f(2 * H)}]; const ghn = gates[go + ${f(3 * H)}]; ` +
      `const dht = dh[b * ${f(H)} + j] + dOut[so]; const dn = dht * (1.0 - zg) * (1.0 - ng * ng); ` +
      `${divSource('r', f(GH), 'qBlock', 'q')} ` +
      `if (q < ${f(H)}) { out = dn * ghn * rg * (1.0 - rg); } ` +
      `else if (q < ${f(2 * H)}) { out = dht * (hPrev[so] - ng) * zg * (1.0 - zg); } ` +
      `else { out = dn; if (r >= ${f(GH)}) { out = dn * rg; } } } } return out; }`,
  });
  const s = args.saved;
  return runProgram('gruSequenceBackward', key, build, T * B * R, [work, dh, handleOf(s.gates), handleOf(s.hPrev), handleOf(args.dOutput), lengths ?? 0, t, B]);
}

function gruSequenceBackward(args: GruSequenceBackwardArgs): RecurrentSequenceGrads {
  const op = 'gruSequenceBackward';
  const d = dimsOf(op, args);
  const { H } = d;
  const { R, GH } = bwd(H);
  const lengths = lengthsInput(op, args.lengths);
  const direct = { gates: args.saved.gates, dOutput: args.dOutput, zOffset: H };
  const { work, dh } = backwardLoop(
    op,
    d,
    args,
    R,
    (w, carry, t) => backwardCell(d, w, carry, args, lengths, t),
    (w, carry, t) => carriedGradient(op, d, w, carry, args.weightHh, lengths, t, R, GH, 3 * H, direct),
  );
  const dGi = fieldOf(op, d, work, R, 0, 3 * H);
  const dGh = fieldOf(op, d, work, R, GH, 3 * H);
  const grads: RecurrentSequenceGrads = {
    ...weightGrads(op, args, d, dGi, dGh, args.saved.hPrev),
    dh0: dh,
  };
  release(dGi, dGh, work, lengths);
  return grads;
}

/**
 * The gpu backend's fused GRU kernels (tensor-core's `FusedRecurrentKernels` contract, float32).
 *
 * @example
 * ```ts
 * const r = gpuGruKernels.gruSequence({ x, h0, weightIh, weightHh, biasIh, biasHh, lengths: null, reverse: false });
 * ```
 */
export const gpuGruKernels = { gruSequence, gruSequenceBackward };
