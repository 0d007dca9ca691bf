// Fused GRU sequence kernels (float32): the chunks of the forward pass and of backpropagation through time, run by every
// thread of one sequence task. Same structure as assembly/lstm.ts with 3 gates; PyTorch's convention: b_hn sits inside
// the reset product.
import { accumulateColumnsF32, anyValid, arg, copyUnits, endUnit, firstUnit, isValid, ld, recurrentGradientChunk, runPhases, st, stepAt, zeroF32 } from './recurrent';
import { gateSigmoid, gateTanh, REC_B, REC_H, REC_LENGTHS, REC_SAVE, REC_T, REC_WEIGHTS, stateAt, stepProduct, unitsInTile } from './recurrent';
import { madd } from './madd';

// The step's update runs in two passes over a row's units (as lstm.ts's), so that neighbouring groups' dependent
// chains (r, then n, then h') overlap.

// Pass one for one group of hidden units of one sequence: r, z and n's pre-activation. `xp` row `[3H]` (x·W_ihᵀ),
// `hh` the units' recurrent part of gate 0 in the step's tile (gate k 32·k bytes on), `g` gates row `[4H]`; `j` is the
// byte offset of the units within a block of H, `hb` the bytes of H. z and n's pre-activation go back into the tile
// (each tile value is read once) for pass two; with `save`, r, z and W_hn·h + b_hn go into `g` for the backward pass.
@inline
function gateUnits(xp: usize, hh: usize, bih: usize, bhh: usize, g: usize, j: usize, hb: usize, hasBias: bool, wide: bool, save: bool): void {
  let xr = ld(xp + j, wide), xz = ld(xp + j + hb, wide), xn = ld(xp + j + 2 * hb, wide);
  let hr = ld(hh, wide), hz = ld(hh + 32, wide), hn = ld(hh + 64, wide);
  if (hasBias) {
    xr = f32x4.add(xr, ld(bih + j, wide));
    xz = f32x4.add(xz, ld(bih + j + hb, wide));
    xn = f32x4.add(xn, ld(bih + j + 2 * hb, wide));
    hr = f32x4.add(hr, ld(bhh + j, wide));
    hz = f32x4.add(hz, ld(bhh + j + hb, wide));
    hn = f32x4.add(hn, ld(bhh + j + 2 * hb, wide));
  }
  const r = gateSigmoid(f32x4.add(xr, hr));
  const z = gateSigmoid(f32x4.add(xz, hz));
  st(hh + 32, z, wide);
  st(hh + 64, madd(r, hn, xn), wide);
  if (save) {
    st(g + j, r, wide);
    st(g + j + hb, z, wide);
    st(g + j + 3 * hb, hn, wide);
  }
}

// Pass two: n = tanh(pre-activation) and h' = (1 − z)·n + z·h into the next state and the output; with `save`, n into
// `g`.
@inline
function hiddenUnits(hh: usize, g: usize, hSrc: usize, hDst: usize, out: usize, j: usize, hb: usize, wide: bool, save: bool): void {
  const z = ld(hh + 32, wide);
  const n = gateTanh(ld(hh + 64, wide));
  if (save) st(g + j + 2 * hb, n, wide);
  const hNew = madd(f32x4.sub(f32x4.splat(1), z), n, f32x4.mul(z, ld(hSrc + j, wide)));
  st(hDst + j, hNew, wide);
  st(out + j, hNew, wide);
}

// Both passes over the units [j0, j1) (byte offsets) of one valid sequence row at `hh` in the step's tile.
@inline
function forwardRow(
  x: usize, hh: usize, q0: usize, bih: usize, bhh: usize, g: usize, hSrc: usize, hDst: usize, out: usize,
  j0: usize, j1: usize, hb: usize, hasBias: bool, save: bool,
): void {
  let j = j0;
  for (; j + 16 <= j1; j += 16) gateUnits(x, unitsInTile(hh, q0, j, 96), bih, bhh, g, j, hb, hasBias, true, save);
  for (; j < j1; j += 4) gateUnits(x, unitsInTile(hh, q0, j, 96), bih, bhh, g, j, hb, hasBias, false, save);
  for (j = j0; j + 16 <= j1; j += 16) hiddenUnits(unitsInTile(hh, q0, j, 96), g, hSrc, hDst, out, j, hb, true, save);
  for (; j < j1; j += 4) hiddenUnits(unitsInTile(hh, q0, j, 96), g, hSrc, hDst, out, j, hb, false, save);
}

/**
 * Forward chunk: hidden units [chunk·U, chunk·U + U) at processing position `s`. Fields: 0 xp `[T, B, 3H]` (x·W_ihᵀ,
 * read only), 1 b_ih and 2 b_hh (`[3H]`, or both 0), 3 output `[T, B, H]`, 4 hPrev (`[T, B, H]` with REC_SAVE, else
 * `[2, B, H]`: see {@link stateAt}; the first step's row holds h0 on entry), 5 gates `[T, B, 4H]` (r, z, n,
 * W_hn·h + b_hn; written only with REC_SAVE), 6 hN `[B, H]`. Rows of sequences not valid at the step pass their state
 * on and get a zero output.
 */
function gruForwardChunk(rec: usize, s: i32, chunk: i32, thread: i32): void {
  const T = load<i32>(rec, REC_T), B = load<i32>(rec, REC_B), H = load<i32>(rec, REC_H), lengths = <usize>load<i32>(rec, REC_LENGTHS);
  const t = stepAt(rec, s);
  const hb = <usize>H << 2, inRow = hb * 3, gateRow = hb << 2, at = <usize>t * (<usize>(B * H) << 2);
  const xp = arg(rec, 0), bih = arg(rec, 1), bhh = arg(rec, 2), output = arg(rec, 3), gates = arg(rec, 5);
  const save = load<i32>(rec, REC_SAVE) != 0;
  const hSrc = arg(rec, 4) + stateAt(rec, s);
  const hDst = s == T - 1 ? arg(rec, 6) : arg(rec, 4) + stateAt(rec, s + 1);
  const u0 = firstUnit(rec, chunk), u1 = endUnit(rec, chunk);
  const q0 = u0 >> 3, groups = (u1 - u0 + 7) >> 3;
  const ldt = <usize>(groups * 3) << 5;
  // No valid row, no product: the tile is not read.
  const tile = anyValid(lengths, t, B) ? stepProduct(rec, thread, s, hSrc, H, <usize>load<i32>(rec, REC_WEIGHTS) + (<usize>(q0 * 3 * H) << 5), groups * 3, ldt) : 0;
  const hasBias = bih != 0;
  const j0 = <usize>u0 << 2, j1 = <usize>u1 << 2;
  for (let b = 0; b < B; b++) {
    const row = <usize>b * hb, out = output + at + row;
    if (!isValid(lengths, t, b)) {
      zeroF32(out + j0, u1 - u0);
      copyUnits(hSrc, hDst, H, b, u0, u1);
      continue;
    }
    const x = xp + <usize>(t * B + b) * inRow, g = gates + <usize>(t * B + b) * gateRow, hh = tile + <usize>b * ldt;
    // Two copies of the row loop, so that neither tests `save` per group.
    if (save) forwardRow(x, hh, <usize>q0, bih, bhh, g, hSrc + row, hDst + row, out, j0, j1, hb, hasBias, true);
    else forwardRow(x, hh, <usize>q0, bih, bhh, g, hSrc + row, hDst + row, out, j0, j1, hb, hasBias, false);
  }
}

/** Runs the forward chunks this thread claims of the GRU sequence task at `rec`; returns how many it ran. */
export function gruForwardTask(rec: usize, thread: i32): i32 {
  return runPhases(rec, thread, load<i32>(rec, REC_T), gruForwardChunk);
}

// Pre-activation gradients of one group of hidden units of one sequence at one step (see gruBackwardChunk).
@inline
function backwardUnits(g: usize, hp: usize, dOut: usize, dh: usize, dgi: usize, dgh: usize, j: usize, hb: usize, wide: bool): void {
  const one = f32x4.splat(1);
  const r = ld(g + j, wide), z = ld(g + j + hb, wide), n = ld(g + j + 2 * hb, wide), ghn = ld(g + j + 3 * hb, wide);
  const dhj = f32x4.add(ld(dh + j, wide), ld(dOut + j, wide));
  const dnPre = f32x4.mul(f32x4.mul(dhj, f32x4.sub(one, z)), f32x4.sub(one, f32x4.mul(n, n)));
  const drPre = f32x4.mul(f32x4.mul(dnPre, ghn), f32x4.mul(r, f32x4.sub(one, r)));
  const dzPre = f32x4.mul(f32x4.mul(dhj, f32x4.sub(ld(hp + j, wide), n)), f32x4.mul(z, f32x4.sub(one, z)));
  st(dgi + j, drPre, wide);
  st(dgi + j + hb, dzPre, wide);
  st(dgi + j + 2 * hb, dnPre, wide);
  st(dgh + j, drPre, wide);
  st(dgh + j + hb, dzPre, wide);
  st(dgh + j + 2 * hb, f32x4.mul(dnPre, r), wide);
  // The direct path through h' = … + z·h; the recurrent product is added in the next phase.
  st(dh + j, f32x4.mul(dhj, z), wide);
}

/**
 * Backward chunk of phase `phase` (T + 1 of them, as lstm.ts's: phase p ≥ 1 first finishes processing position T − p,
 * phase p < T then starts position T − 1 − p). Fields: 0 gates, 1 hPrev (the forward workspace), 2 dOutput
 * `[T, B, H]`, 3 dh `[B, H]` (dhN on entry, dh0 on return), 4 dGi and 5 dGh `[T, B, 3H]` (out), 6 and 7 the bias
 * accumulators (`[3H]` float64 each, zeroed, or both 0). For the units [chunk·U, chunk·U + U): the position finished
 * adds dGh·W_hh to their columns of dh for the valid rows; the position started writes their input-side and
 * hidden-side pre-activation gradients and sets their dh to the direct path's share (zero gradients, dh unchanged,
 * for sequences not valid at the step).
 */
function gruBackwardChunk(rec: usize, phase: i32, chunk: i32, thread: i32): void {
  const T = load<i32>(rec, REC_T), B = load<i32>(rec, REC_B), H = load<i32>(rec, REC_H), lengths = <usize>load<i32>(rec, REC_LENGTHS);
  const G = 3 * H;
  const hb = <usize>H << 2, dRow = <usize>G << 2, stepRows = <usize>B * dRow;
  const dh = arg(rec, 3);
  const u0 = firstUnit(rec, chunk), u1 = endUnit(rec, chunk);
  if (phase > 0) {
    const done = stepAt(rec, T - phase);
    recurrentGradientChunk(rec, phase, arg(rec, 5) + <usize>done * stepRows, G, dh, done, u0, u1, thread, true);
  }
  if (phase == T) return;
  const t = stepAt(rec, T - 1 - phase);
  const at = <usize>t * (<usize>(B * H) << 2);
  const giStep = arg(rec, 4) + <usize>t * stepRows, ghStep = arg(rec, 5) + <usize>t * stepRows;
  const any = anyValid(lengths, t, B);
  const gates = arg(rec, 0), hPrev = arg(rec, 1) + at, dOut = arg(rec, 2) + at;
  const gateRow = hb << 2, j0 = <usize>u0 << 2, j1 = <usize>u1 << 2;
  for (let b = 0; b < B; b++) {
    const row = <usize>b * hb, dgi = giStep + <usize>b * dRow, dgh = ghStep + <usize>b * dRow;
    if (!isValid(lengths, t, b)) {
      for (let k = 0; k < 3; k++) {
        zeroF32(dgi + <usize>k * hb + j0, u1 - u0);
        zeroF32(dgh + <usize>k * hb + j0, u1 - u0);
      }
      continue;
    }
    const g = gates + <usize>(t * B + b) * gateRow;
    let j = j0;
    for (; j + 16 <= j1; j += 16) backwardUnits(g, hPrev + row, dOut + row, dh + row, dgi, dgh, j, hb, true);
    for (; j < j1; j += 4) backwardUnits(g, hPrev + row, dOut + row, dh + row, dgi, dgh, j, hb, false);
  }
  const accIh = arg(rec, 6), accHh = arg(rec, 7);
  if (accIh != 0 && any) {
    for (let k = 0; k < 3; k++) {
      const o = <usize>k * hb + j0, a = <usize>(k * H + u0) << 3;
      accumulateColumnsF32(giStep + o, dRow, B, u1 - u0, accIh + a);
      accumulateColumnsF32(ghStep + o, dRow, B, u1 - u0, accHh + a);
    }
  }
}

/** Runs the backward chunks this thread claims of the GRU sequence task at `rec`; returns how many it ran. */
export function gruBackwardTask(rec: usize, thread: i32): i32 {
  return runPhases(rec, thread, load<i32>(rec, REC_T) + 1, gruBackwardChunk);
}
