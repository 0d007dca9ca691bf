// Fused LSTM sequence kernels (float32): the chunks of the forward pass and of backpropagation through time, run by
// every thread of one sequence task (see assembly/recurrent.ts for the scheduling, src/fused-recurrent.ts for the rest).
//
// Forward, one phase per step: a chunk of hidden units takes its 4 gate columns of h_{t−1}·W_hhᵀ from the packed
// weights, applies the cell update to those units and writes their share of h_t and c_t (into the next step's
// hPrev/cPrev rows, which hold h_{t−1}/c_{t−1} of every step when the backward workspace is kept, and alternate
// between two rows in inference).
// Backward, one phase per step: a chunk of units first takes its columns of the previous step's recurrent gradient
// dG·W_hh, then its units' gate gradients (each unit needs only its own column of dh).
import { accumulateColumnsF32, anyValid, arg, copyUnits, endUnit, firstUnit, isValid, ld, recurrentGradientChunk, runPhases, st, stepAt, zeroF32 } from './recurrent';
import { gateSigmoid, gateTanh, REC_B, REC_H, REC_LENGTHS, REC_SAVE, REC_T, REC_WEIGHTS, stateAt, stepProduct, unitsInTile } from './recurrent';
import { madd, nmadd } from './madd';

// Pre-activation of gate k of the units at byte offset `o` of a row (`o` = unit offset + k·H bytes): projected
// input + recurrent part (at `hh`) + the summed biases b_ih + b_hh (at `bias`).
@inline
function pre(g: usize, hh: usize, bias: usize, o: usize, hasBias: bool, wide: bool): v128 {
  const v = f32x4.add(ld(g + o, wide), ld(hh, wide));
  return hasBias ? f32x4.add(v, ld(bias + o, wide)) : v;
}

// The step's cell update runs in two passes over a row's units, each pass's groups independent of one another, so
// the processor overlaps the long dependent chains (exponential, division) of neighbouring groups; one pass doing
// both left each group waiting on its gates before tanh(c') could start.

// Pass one for one f32x4 (or one-lane) group of units of one sequence: the gates and c'. `j` is the byte offset of the
// units in a block of H (`hb` bytes); `hh` points at their recurrent part of gate 0 in the step's tile, gate k 32·k
// bytes on. The activated o gate goes back into the tile (its pre-activation is read once) for pass two; with
// `save`, all four also go into the gates row for the backward pass.
@inline
function cellUnits(g: usize, hh: usize, bias: usize, cSrc: usize, cDst: usize, j: usize, hb: usize, hasBias: bool, wide: bool, save: bool): void {
  const ig = gateSigmoid(pre(g, hh, bias, j, hasBias, wide));
  const fg = gateSigmoid(pre(g, hh + 32, bias, j + hb, hasBias, wide));
  const gg = gateTanh(pre(g, hh + 64, bias, j + 2 * hb, hasBias, wide));
  const og = gateSigmoid(pre(g, hh + 96, bias, j + 3 * hb, hasBias, wide));
  st(cDst + j, madd(fg, ld(cSrc + j, wide), f32x4.mul(ig, gg)), wide);
  st(hh + 96, og, wide);
  if (save) {
    st(g + j, ig, wide);
    st(g + j + hb, fg, wide);
    st(g + j + 2 * hb, gg, wide);
    st(g + j + 3 * hb, og, wide);
  }
}

// Pass two: h' = o·tanh(c') into the next state and the output; with `save`, tanh(c') into `ct`.
@inline
function hiddenUnits(hh: usize, cDst: usize, ct: usize, hDst: usize, out: usize, j: usize, wide: bool, save: bool): void {
  const tc = gateTanh(ld(cDst + j, wide));
  const hn = f32x4.mul(ld(hh + 96, wide), tc);
  st(hDst + j, hn, wide);
  st(out + j, hn, wide);
  if (save) st(ct + j, tc, wide);
}

// Both passes over the units [j0, j1) (byte offsets) of one valid sequence row at `hh` in the step's tile.
@inline
function forwardRow(
  g: usize, hh: usize, q0: usize, bias: usize, cSrc: usize, cDst: usize, ct: usize, hDst: usize, out: usize,
  j0: usize, j1: usize, hb: usize, hasBias: bool, save: bool,
): void {
  let j = j0;
  for (; j + 16 <= j1; j += 16) cellUnits(g, unitsInTile(hh, q0, j, 128), bias, cSrc, cDst, j, hb, hasBias, true, save);
  for (; j < j1; j += 4) cellUnits(g, unitsInTile(hh, q0, j, 128), bias, cSrc, cDst, j, hb, hasBias, false, save);
  for (j = j0; j + 16 <= j1; j += 16) hiddenUnits(unitsInTile(hh, q0, j, 128), cDst, ct, hDst, out, j, true, save);
  for (; j < j1; j += 4) hiddenUnits(unitsInTile(hh, q0, j, 128), cDst, ct, hDst, out, j, false, save);
}

/**
 * Forward chunk: hidden units [chunk·U, chunk·U + U) at processing position `s`. Fields: 0 gates `[T, B, 4H]`
 * (x·W_ihᵀ in; with REC_SAVE the activated i, f, g, o out), 1 b_ih + b_hh (`[4H]`, summed in float32, or 0),
 * 2 output, 3 hPrev, 4 cPrev, 5 cellTanh (`[T, B, H]` each with REC_SAVE, else hPrev and cPrev `[2, B, H]` and no
 * cellTanh: see {@link stateAt}; the first step's row holds h0/c0 on entry), 6 hN and 7 cN (`[B, H]`). Rows of
 * sequences not valid at the step pass their state on and get a zero output.
 */
function lstmForwardChunk(rec: usize, s: i32, chunk: i32, thread: i32): void {
  const T = load<i32>(rec, REC_T), B = load<i32>(rec, REC_B), H = load<i32>(rec, REC_H), lengths = <usize>load<i32>(rec, REC_LENGTHS);
  const t = stepAt(rec, s);
  const hb = <usize>H << 2, gateRow = hb << 2, at = <usize>t * (<usize>(B * H) << 2);
  const gates = arg(rec, 0), bias = arg(rec, 1), output = arg(rec, 2);
  const save = load<i32>(rec, REC_SAVE) != 0;
  const hSrc = arg(rec, 3) + stateAt(rec, s), cSrc = arg(rec, 4) + stateAt(rec, s), cellTanh = arg(rec, 5) + at;
  const last = s == T - 1;
  const hDst = last ? arg(rec, 6) : arg(rec, 3) + stateAt(rec, s + 1);
  const cDst = last ? arg(rec, 7) : arg(rec, 4) + stateAt(rec, s + 1);
  const u0 = firstUnit(rec, chunk), u1 = endUnit(rec, chunk);
  const q0 = u0 >> 3, groups = (u1 - u0 + 7) >> 3;
  const ldt = <usize>groups << 7;
  // No valid row, no product: the tile is not read.
  const tile = anyValid(lengths, t, B) ? stepProduct(rec, thread, s, hSrc, H, <usize>load<i32>(rec, REC_WEIGHTS) + (<usize>(q0 * 4 * H) << 5), groups * 4, ldt) : 0;
  const hasBias = bias != 0;
  const j0 = <usize>u0 << 2, j1 = <usize>u1 << 2;
  for (let b = 0; b < B; b++) {
    const row = <usize>b * hb, out = output + at + row;
    if (!isValid(lengths, t, b)) {
      zeroF32(out + j0, u1 - u0);
      copyUnits(hSrc, hDst, H, b, u0, u1);
      copyUnits(cSrc, cDst, H, b, u0, u1);
      continue;
    }
    const g = gates + <usize>(t * B + b) * gateRow, hh = tile + <usize>b * ldt;
    // Two copies of the row loop, so that neither tests `save` per group.
    if (save) forwardRow(g, hh, <usize>q0, bias, cSrc + row, cDst + row, cellTanh + row, hDst + row, out, j0, j1, hb, hasBias, true);
    else forwardRow(g, hh, <usize>q0, bias, cSrc + row, cDst + row, cellTanh + row, hDst + row, out, j0, j1, hb, hasBias, false);
  }
}

/** Runs the forward chunks this thread claims of the LSTM sequence task at `rec`; returns how many it ran. */
export function lstmForwardTask(rec: usize, thread: i32): i32 {
  return runPhases(rec, thread, load<i32>(rec, REC_T), lstmForwardChunk);
}

// Gate gradients of one group of hidden units of one sequence at one step (see lstmBackwardChunk).
@inline
function backwardUnits(
  g: usize, cp: usize, ct: usize, dOut: usize, dh: usize, dc: usize, dg: usize,
  j: usize, hb: usize, wide: bool,
): void {
  const one = f32x4.splat(1);
  const ig = ld(g + j, wide), fg = ld(g + j + hb, wide), gg = ld(g + j + 2 * hb, wide), og = ld(g + j + 3 * hb, wide);
  const tc = ld(ct + j, wide);
  const dhj = f32x4.add(ld(dh + j, wide), ld(dOut + j, wide));
  const dcj = madd(f32x4.mul(dhj, og), nmadd(tc, tc, one), ld(dc + j, wide));
  st(dc + j, f32x4.mul(dcj, fg), wide);
  st(dg + j, f32x4.mul(f32x4.mul(dcj, gg), f32x4.mul(ig, f32x4.sub(one, ig))), wide);
  st(dg + j + hb, f32x4.mul(f32x4.mul(dcj, ld(cp + j, wide)), f32x4.mul(fg, f32x4.sub(one, fg))), wide);
  st(dg + j + 2 * hb, f32x4.mul(f32x4.mul(dcj, ig), f32x4.sub(one, f32x4.mul(gg, gg))), wide);
  st(dg + j + 3 * hb, f32x4.mul(f32x4.mul(dhj, tc), f32x4.mul(og, f32x4.sub(one, og))), wide);
}

/**
 * Backward chunk of phase `phase` (T + 1 of them; phase p ≥ 1 first finishes processing position T − p, phase
 * p < T then starts position T − 1 − p). Fields: 0 gates, 1 cPrev, 2 cellTanh (the forward workspace), 3 dOutput
 * `[T, B, H]`, 4 dh and 5 dc (`[B, H]`: dhN/dcN on entry, dh0/dc0 on return), 6 dGates `[T, B, 4H]` (out), 7 the
 * bias accumulator (`[4H]` float64, zeroed, or 0). For the units [chunk·U, chunk·U + U): the recurrent product of the
 * position finished sets their columns of dh to dGates·W_hh for the valid rows; then the position started writes
 * their pre-activation gate gradients from dh + dOutput[t] and dc (leaving in dc the gradient of the step's starting
 * cell state), zero for rows of sequences not valid at the step. The product reads every unit's dGates of the
 * phase before; the gate gradients read only the columns of dh this chunk has just written.
 */
function lstmBackwardChunk(rec: usize, phase: i32, chunk: i32, thread: i32): void {
  const T = load<i32>(rec, REC_T), B = load<i32>(rec, REC_B), H = load<i32>(rec, REC_H), lengths = <usize>load<i32>(rec, REC_LENGTHS);
  const G = 4 * H;
  const hb = <usize>H << 2, gateRow = <usize>G << 2, stepGates = <usize>B * gateRow;
  const dh = arg(rec, 4), dGatesAll = arg(rec, 6);
  const u0 = firstUnit(rec, chunk), u1 = endUnit(rec, chunk);
  if (phase > 0) {
    const done = stepAt(rec, T - phase);
    recurrentGradientChunk(rec, phase, dGatesAll + <usize>done * stepGates, G, dh, done, u0, u1, thread, false);
  }
  if (phase == T) return;
  const t = stepAt(rec, T - 1 - phase);
  const at = <usize>t * (<usize>(B * H) << 2), dGates = dGatesAll + <usize>t * stepGates;
  const any = anyValid(lengths, t, B);
  const gates = arg(rec, 0), cPrev = arg(rec, 1) + at, cellTanh = arg(rec, 2) + at, dOut = arg(rec, 3) + at, dc = arg(rec, 5);
  const j0 = <usize>u0 << 2, j1 = <usize>u1 << 2;
  for (let b = 0; b < B; b++) {
    const row = <usize>b * hb, dg = dGates + <usize>b * gateRow;
    if (!isValid(lengths, t, b)) {
      for (let k = 0; k < 4; k++) zeroF32(dg + <usize>k * hb + j0, u1 - u0);
      continue;
    }
    const g = gates + <usize>(t * B + b) * gateRow;
    let j = j0;
    for (; j + 16 <= j1; j += 16) backwardUnits(g, cPrev + row, cellTanh + row, dOut + row, dh + row, dc + row, dg, j, hb, true);
    for (; j < j1; j += 4) backwardUnits(g, cPrev + row, cellTanh + row, dOut + row, dh + row, dc + row, dg, j, hb, false);
  }
  const acc = arg(rec, 7);
  if (acc != 0 && any) {
    for (let k = 0; k < 4; k++) accumulateColumnsF32(dGates + <usize>k * hb + j0, gateRow, B, u1 - u0, acc + (<usize>(k * H + u0) << 3));
  }
}

/** Runs the backward chunks this thread claims of the LSTM sequence task at `rec`; returns how many it ran. */
export function lstmBackwardTask(rec: usize, thread: i32): i32 {
  return runPhases(rec, thread, load<i32>(rec, REC_T) + 1, lstmBackwardChunk);
}
