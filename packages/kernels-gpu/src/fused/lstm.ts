// The gpu backend's fused LSTM sequence kernels: one input projection, then per time step a recurrent product and a cell
// kernel over ping-pong sequence workspaces; BPTT backward the same way in reverse, then all-steps weight products.
import type { LstmSequenceArgs, LstmSequenceBackwardArgs, LstmSequenceGrads, LstmSequenceResult, TensorInfo } from '@seqlab/tensor-core';
import { sigmoidSource, tanhSource } from '../kernels/math.js';
import { copyFloat, runProgram } from '../program.js';
import type { GpuFloat } from '../storage.js';
import { f, handleOf, lengthsInput, recordField, release, validSource } from './programs.js';
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

// Forward workspace record per (t, b): activated gates i, f, g, o (4H), c_t, tanh(c_t), h_t (H each). At an invalid
// step c_t and h_t carry the state through unchanged.
const GATES = 0;
const fwd = (H: number) => ({ R: 7 * H, C: 4 * H, TC: 5 * H, HT: 6 * H });

// Backward workspace record per (t, b): pre-activation gate gradients (4H, 0 at invalid steps) and the gradient of the
// cell state the step started from (H).
const bwd = (H: number) => ({ R: 5 * H, DC: 4 * H });

/** The forward cell kernel of time `t`: a new workspace with the records of t written and every other record copied. */
function forwardCell(
  d: SequenceDims,
  work: GpuFloat,
  xp: GpuFloat,
  hh: GpuFloat,
  args: LstmSequenceArgs,
  lengths: GpuFloat | null,
  t: number,
  tp: number,
): GpuFloat {
  const { T, B, H } = d;
  const { R, C, TC, HT } = fwd(H);
  const G = 4 * H;
  const hasBias = args.biasIh !== null;
  const key = `lstmSequence|cell|${T},${B},${H}|${hasBias}|${lengths !== null}`;
  const pre = (gate: string) => `xp[xo + ${gate}] + hh[ho + ${gate}]` + (hasBias ? ` + bih[${gate}] + bhh[${gate}]` : '');
  const build = () => ({
    dynamicOutput: true,
    source:
      `function (w, xp, hh, bih, bhh, h0, c0, len, t, tp, batch) { ${recordCoords(d, R)} let out = w[i]; ` +
      `if (tRow == t) { ${validSource(lengths !== null)} ` +
      `let cp = 0.0; let hp = 0.0; ` +
      `if (tp < 0.0) { cp = c0[b * ${f(H)} + j]; hp = h0[b * ${f(H)} + j]; } ` +
      `else { const po = (tp * batch + b) * ${f(R)}; cp = w[po + ${f(C)} + j]; hp = w[po + ${f(HT)} + j]; } ` +
      `const xo = row * ${f(G)}; const ho = b * ${f(G)}; ` +
      `if (!valid) { out = 0.0; if (r >= ${f(HT)}) { out = hp; } if (r >= ${f(C)} && r < ${f(TC)}) { out = cp; } } ` +
      `else if (r < ${f(G)}) { const x = ${pre('r')}; let y = 0.0; ` +
      `if (r >= ${f(2 * H)} && r < ${f(3 * H)}) { ${tanhSource('x', 'y')} } else { ${sigmoidSource('x', 'y')} } out = y; } ` +
      `else { const xi = ${pre('j')}; const xf = ${pre(`j + ${f(H)}`)}; const xg = ${pre(`j + ${f(2 * H)}`)}; const xo2 = ${pre(`j + ${f(3 * H)}`)}; ` +
      `let ig = 0.0; let fg = 0.0; let gg = 0.0; let og = 0.0; ` +
      `${sigmoidSource('xi', 'ig')} ${sigmoidSource('xf', 'fg')} ${tanhSource('xg', 'gg')} ${sigmoidSource('xo2', 'og')} ` +
      `const c = fg * cp + ig * gg; let tc = 0.0; ${tanhSource('c', 'tc')} ` +
      `out = og * tc; if (r < ${f(TC)}) { out = c; } else if (r < ${f(HT)}) { out = tc; } } } return out; }`,
  });
  return runProgram('lstmSequence', key, build, T * B * R, [...cellInputs(work, xp, hh, args), handleOf(args.h0), handleOf(args.c0), lengths ?? 0, t, tp, B]);
}

function lstmSequence(args: LstmSequenceArgs): LstmSequenceResult {
  const op = 'lstmSequence';
  const d = dimsOf(op, args);
  const { T, B, H } = d;
  const { R, C, TC, HT } = fwd(H);
  const lengths = lengthsInput(op, args.lengths);
  const work = forwardLoop(op, d, args, R, HT, (w, xp, hh, t, tp) => forwardCell(d, w, xp, hh, args, lengths, t, tp));
  // The state after the last processed step (invalid steps carried it through); the initial state when T is 0.
  const last = timeAt(T - 1, T, args.reverse);
  const final = (offset: number, init: TensorInfo) => (T === 0 ? copyFloat(op, handleOf(init)) : stateAt(op, d, work, R, offset, last));
  const result: LstmSequenceResult = {
    output: recordField(op, work, T * B, R, HT, H, lengths, B),
    hN: final(HT, args.h0),
    cN: final(C, args.c0),
    gates: fieldOf(op, d, work, R, GATES, 4 * H),
    cPrev: previousStates(op, d, work, R, C, args.c0, args.reverse),
    cellTanh: fieldOf(op, d, work, R, TC, H),
    hPrev: previousStates(op, d, work, R, HT, args.h0, args.reverse),
  };
  release(work, lengths);
  return result;
}

/** The backward cell kernel of time `t`: gate gradients and the started-from cell state's gradient of t's records. */
function backwardCell(
  d: SequenceDims,
  work: GpuFloat,
  dh: GpuFloat,
  args: LstmSequenceBackwardArgs,
  lengths: GpuFloat | null,
  t: number,
  tn: number,
): GpuFloat {
  const { T, B, H } = d;
  const { R, DC } = bwd(H);
  const key = `lstmSequenceBackward|cell|${T},${B},${H}|${lengths !== null}`;
  const build = () => ({
    dynamicOutput: true,
    source:
      `function (w, dh, dcN, gates, cPrev, cTanh, dOut, len, t, tn, batch) { ${recordCoords(d, R)} let out = w[i]; ` +
      `if (tRow == t) { ${validSource(lengths !== null)} ` +
      `let dcIn = 0.0; if (tn < 0.0) { dcIn = dcN[b * ${f(H)} + j]; } else { dcIn = w[(tn * batch + b) * ${f(R)} + ${f(DC)} + j]; } ` +
      `if (!valid) { out = 0.0; if (r >= ${f(DC)}) { out = dcIn; } } ` +
      `else { const go = row * ${f(4 * H)} + j; const so = row * ${f(H)} + j; ` +
      `const ig = gates[go]; const fg = gates[go + ${f(H)}]; const gg = gates[go + ${f(2 * H)}]; const og = gates[go + ${f(3 * H)}]; ` +
      `const tc = cTanh[so]; const dht = dh[b * ${f(H)} + j] + dOut[so]; const dct = dcIn + dht * og * (1.0 - tc * tc); ` +
      `if (r < ${f(H)}) { out = dct * gg * ig * (1.0 - ig); } ` +
      `else if (r < ${f(2 * H)}) { out = dct * cPrev[so] * fg * (1.0 - fg); } ` +
      `else if (r < ${f(3 * H)}) { out = dct * ig * (1.0 - gg * gg); } ` +
      `else if (r < ${f(4 * H)}) { out = dht * tc * og * (1.0 - og); } ` +
      `else { out = dct * fg; } } } return out; }`,
  });
  const s = args.saved;
  return runProgram('lstmSequenceBackward', key, build, T * B * R, [
    work,
    dh,
    handleOf(args.dcN),
    handleOf(s.gates),
    handleOf(s.cPrev),
    handleOf(s.cellTanh),
    handleOf(args.dOutput),
    lengths ?? 0,
    t,
    tn,
    B,
  ]);
}

function lstmSequenceBackward(args: LstmSequenceBackwardArgs): LstmSequenceGrads {
  const op = 'lstmSequenceBackward';
  const d = dimsOf(op, args);
  const { T, H } = d;
  const { R, DC } = bwd(H);
  const lengths = lengthsInput(op, args.lengths);
  const { work, dh } = backwardLoop(
    op,
    d,
    args,
    R,
    (w, carry, t, tn) => backwardCell(d, w, carry, args, lengths, t, tn),
    (w, carry, t) => carriedGradient(op, d, w, carry, args.weightHh, lengths, t, R, 0, 4 * H, null),
  );
  const dGates = fieldOf(op, d, work, R, 0, 4 * H);
  const grads: LstmSequenceGrads = {
    ...weightGrads(op, args, d, dGates, dGates, args.saved.hPrev),
    dh0: dh,
    dc0: T === 0 ? copyFloat(op, handleOf(args.dcN)) : stateAt(op, d, work, R, DC, timeAt(0, T, args.reverse)),
  };
  release(dGates, work, lengths);
  return grads;
}

/**
 * The gpu backend's fused LSTM kernels (tensor-core's `FusedRecurrentKernels` contract, float32).
 *
 * @example
 * ```ts
 * const r = gpuLstmKernels.lstmSequence({ x, h0, c0, weightIh, weightHh, biasIh, biasHh, lengths: null, reverse: false });
 * ```
 */
export const gpuLstmKernels = { lstmSequence, lstmSequenceBackward };
