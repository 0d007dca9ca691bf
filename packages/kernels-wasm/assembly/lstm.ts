// Fused LSTM sequence kernels (float32): the time loop of the forward pass and of backpropagation through time.
//
// The TS side (src/fused-recurrent.ts) does the all-steps products on two threads; here each step runs one
// [B, H]×[H, 4H] product on the calling thread and then the gate math for every hidden unit in one f32x4 pass.
import { accumulateColumnsF32, anyValid, isValid, ld, mergeValidRowsF32, st, stepProduct, storeColumnSumsF32, zeroF32, zeroIdleOutputRowsF32 } from './recurrent';
import { madd, nmadd } from './madd';
import { sigmoidV, tanhV } from './vmath';

// Pre-activation of gate block k (0..3) for the units at byte offset o of a row: projected input + recurrent + biases.
@inline
function pre(g: usize, hh: usize, bih: usize, bhh: usize, o: usize, hasBias: bool, wide: bool): v128 {
  const v = f32x4.add(ld(g + o, wide), ld(hh + o, wide));
  return hasBias ? f32x4.add(v, f32x4.add(ld(bih + o, wide), ld(bhh + o, wide))) : v;
}

// One f32x4 (or one-lane) group of hidden units of one sequence at one step; `j` is the byte offset of the units
// within a block of H, `hb` the bytes of H.
@inline
function forwardUnits(
  g: usize, hh: usize, bih: usize, bhh: usize, c: usize, ct: usize, h: usize, out: usize,
  j: usize, hb: usize, hasBias: bool, wide: bool,
): void {
  const ig = sigmoidV(pre(g, hh, bih, bhh, j, hasBias, wide));
  const fg = sigmoidV(pre(g, hh, bih, bhh, j + hb, hasBias, wide));
  const gg = tanhV(pre(g, hh, bih, bhh, j + 2 * hb, hasBias, wide));
  const og = sigmoidV(pre(g, hh, bih, bhh, j + 3 * hb, hasBias, wide));
  st(g + j, ig, wide);
  st(g + j + hb, fg, wide);
  st(g + j + 2 * hb, gg, wide);
  st(g + j + 3 * hb, og, wide);
  const cn = madd(fg, ld(c + j, wide), f32x4.mul(ig, gg));
  st(c + j, cn, wide);
  const tc = tanhV(cn);
  st(ct + j, tc, wide);
  const hn = f32x4.mul(og, tc);
  st(h + j, hn, wide);
  st(out + j, hn, wide);
}

/**
 * Step `t` of the LSTM forward pass after its recurrent product: records the state the step starts from
 * (`hPrev`, `cPrev` `[T, B, H]` at t ← `hN`, `cN`), then for every valid sequence applies the gate math to
 * `gates[t]` (x·W_ihᵀ in, activated gates out), updates `hN`/`cN` and writes `output[t]` and `cellTanh[t]`; output
 * rows of invalid sequences become 0. `hh` `[B, 4H]` is h·W_hhᵀ, or 0 when no sequence is valid at `t`.
 */
export function lstmStepF32(
  gates: usize, hh: usize, bih: usize, bhh: usize, lengths: usize, t: i32, B: i32, H: i32,
  hN: usize, cN: usize, output: usize, cPrev: usize, cellTanh: usize, hPrev: usize,
): void {
  const hb = <usize>H << 2, stepBytes = <usize>(B * H) << 2, gateRow = <usize>(4 * H) << 2;
  const hasBias = bih != 0;
  const at = <usize>t * stepBytes;
  memory.copy(hPrev + at, hN, stepBytes);
  memory.copy(cPrev + at, cN, stepBytes);
  if (!zeroIdleOutputRowsF32(output, lengths, t, B, H, hh == 0)) return;
  for (let b = 0; b < B; b++) {
    if (!isValid(lengths, t, b)) continue;
    const row = <usize>b * hb;
    const g = gates + (<usize>(t * B + b) * gateRow), hr = hh + <usize>b * gateRow;
    const c = cN + row, ct = cellTanh + at + row, h = hN + row, out = output + at + row;
    let j: usize = 0;
    for (; j + 16 <= hb; j += 16) forwardUnits(g, hr, bih, bhh, c, ct, h, out, j, hb, hasBias, true);
    for (; j < hb; j += 4) forwardUnits(g, hr, bih, bhh, c, ct, h, out, j, hb, hasBias, false);
  }
}

/**
 * Forward pass of one LSTM layer direction over `T` steps on the calling thread (float32, PyTorch gate order
 * i, f, g, o): per step one `[B, H]×[H, 4H]` product into `hh` and {@link lstmStepF32}.
 *
 * `gates` `[T, B, 4H]` holds x·W_ihᵀ on entry and the activated gates on return; `whh` is W_hh `[4H, H]`; `bih`
 * and `bhh` are `[4H]` or both 0. `h0`/`c0` are `[B, H]`; `hN`/`cN` receive the running state (the final state
 * on return). `lengths` is `B` int32 or 0. `output`, `cPrev`, `cellTanh`, `hPrev` are `[T, B, H]` outputs. `hh` is
 * `[B, 4H]` of scratch and `scratch` holds matmulScratchBytes(256, 256) bytes.
 */
export function lstmForwardF32(
  gates: usize, whh: usize, bih: usize, bhh: usize, h0: usize, c0: usize, lengths: usize, reverse: bool,
  T: i32, B: i32, H: i32,
  output: usize, hN: usize, cN: usize, cPrev: usize, cellTanh: usize, hPrev: usize, hh: usize, scratch: usize,
): void {
  const stepBytes = <usize>(B * H) << 2;
  memory.copy(hN, h0, stepBytes);
  memory.copy(cN, c0, stepBytes);
  for (let s = 0; s < T; s++) {
    const t = reverse ? T - 1 - s : s;
    const valid = anyValid(lengths, t, B);
    if (valid) stepProduct(hN, whh, hh, B, 4 * H, H, true, scratch);
    lstmStepF32(gates, valid ? hh : 0, bih, bhh, lengths, t, B, H, hN, cN, output, cPrev, cellTanh, hPrev);
  }
}

// Gate gradients of one group of hidden units of one sequence at one step (see lstmBackwardF32).
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
 * Step `t` of LSTM backpropagation through time, before its recurrent product: for every valid sequence, the
 * pre-activation gate gradients `dGates[t]` `[B, 4H]` from `dh` + `dOut[t]` and `dc` (updating `dc` to the
 * gradient of the step's starting cell state); rows of invalid sequences become 0. `gates`, `cPrev`, `cellTanh`
 * are the forward workspace. `biasAcc` (`[4H]` float64, or 0) accumulates the column sums of `dGates[t]`.
 * Returns false when no sequence is valid at `t` (then there is no recurrent product to add).
 */
export function lstmBackwardStepF32(
  gates: usize, cPrev: usize, cellTanh: usize, dOut: usize, lengths: usize, t: i32, B: i32, H: i32,
  dh: usize, dc: usize, dGates: usize, biasAcc: usize,
): bool {
  const G = 4 * H;
  const hb = <usize>H << 2, stepBytes = <usize>(B * H) << 2, gateRow = <usize>G << 2;
  const at = <usize>t * stepBytes;
  const dgStep = dGates + <usize>(t * B) * gateRow;
  if (!anyValid(lengths, t, B)) {
    zeroF32(dgStep, B * G);
    return false;
  }
  for (let b = 0; b < B; b++) {
    const row = <usize>b * hb;
    const dg = dgStep + <usize>b * gateRow;
    if (!isValid(lengths, t, b)) {
      zeroF32(dg, G);
      continue;
    }
    const g = gates + (<usize>(t * B + b) * gateRow);
    const cp = cPrev + at + row, ct = cellTanh + at + row, dO = dOut + at + row, dhr = dh + row, dcr = dc + row;
    let j: usize = 0;
    for (; j + 16 <= hb; j += 16) backwardUnits(g, cp, ct, dO, dhr, dcr, dg, j, hb, true);
    for (; j < hb; j += 4) backwardUnits(g, cp, ct, dO, dhr, dcr, dg, j, hb, false);
  }
  if (biasAcc != 0) accumulateColumnsF32(dgStep, B, G, biasAcc);
  return true;
}

/**
 * Backpropagation through time for {@link lstmForwardF32} on the calling thread: walks the steps in reverse
 * processing order, per step {@link lstmBackwardStepF32} and the `[B, 4H]×[4H, H]` product that carries the
 * gradient to the previous hidden state. Writes `dGates` `[T, B, 4H]` for the TS side's all-steps weight products;
 * `dh`/`dc` `[B, H]` start as copies of `dhN`/`dcN` and end as dh0/dc0. With a bias, `biasAcc` (`[4H]` float64
 * scratch) collects the bias gradient, stored to `dBiasIh` and `dBiasHh` (else all three are 0). `dhRec` is
 * `[B, H]` of scratch and `scratch` holds matmulScratchBytes(256, 256) bytes.
 */
export function lstmBackwardF32(
  gates: usize, cPrev: usize, cellTanh: usize, dOut: usize, whh: usize, lengths: usize, reverse: bool,
  T: i32, B: i32, H: i32,
  dhN: usize, dcN: usize, dh: usize, dc: usize, dGates: usize, biasAcc: usize, dBiasIh: usize, dBiasHh: usize,
  dhRec: usize, scratch: usize,
): void {
  const G = 4 * H;
  const stepBytes = <usize>(B * H) << 2, gateRow = <usize>G << 2;
  memory.copy(dh, dhN, stepBytes);
  memory.copy(dc, dcN, stepBytes);
  if (biasAcc != 0) memory.fill(biasAcc, 0, <usize>G << 3);
  for (let s = T - 1; s >= 0; s--) {
    const t = reverse ? T - 1 - s : s;
    if (!lstmBackwardStepF32(gates, cPrev, cellTanh, dOut, lengths, t, B, H, dh, dc, dGates, biasAcc)) continue;
    const dgStep = dGates + <usize>(t * B) * gateRow;
    if (lengths == 0) {
      stepProduct(dgStep, whh, dh, B, H, G, false, scratch);
    } else {
      stepProduct(dgStep, whh, dhRec, B, H, G, false, scratch);
      mergeValidRowsF32(dhRec, dh, lengths, t, B, H, false);
    }
  }
  if (biasAcc != 0) storeColumnSumsF32(biasAcc, G, dBiasIh, dBiasHh);
}
