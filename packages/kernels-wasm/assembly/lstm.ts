// Fused LSTM sequence kernels (float32): the time loop of the forward pass and of backpropagation through time.
//
// The TS side (src/fused-recurrent.ts) does the all-steps products on two threads; here each step runs one
// [B, H]×[H, 4H] product on the calling thread and then the gate math for every hidden unit in one f32x4 pass.
import { anyValid, isValid, ld, st, stepProduct, zeroF32 } from './recurrent';
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
  const cn = f32x4.add(f32x4.mul(fg, ld(c + j, wide)), f32x4.mul(ig, gg));
  st(c + j, cn, wide);
  const tc = tanhV(cn);
  st(ct + j, tc, wide);
  const hn = f32x4.mul(og, tc);
  st(h + j, hn, wide);
  st(out + j, hn, wide);
}

/**
 * Forward pass of one LSTM layer direction over `T` steps (float32, PyTorch gate order i, f, g, o).
 *
 * `gates` `[T, B, 4H]` holds x·W_ihᵀ on entry and the activated gates on return; `whh` is W_hh `[4H, H]`; `bih`
 * and `bhh` are `[4H]` or both 0. `h0`/`c0` are `[B, H]`; `hN`/`cN` receive the running state (the final state
 * on return). `lengths` is `B` int32 or 0. `output`, `cPrev`, `cellTanh`, `hPrev` are `[T, B, H]` outputs (output is
 * 0 at invalid steps). `hh` is `[B, 4H]` of scratch and `scratch` holds matmulScratchBytes(256, 256) bytes.
 */
export function lstmForwardF32(
  gates: usize, whh: usize, bih: usize, bhh: usize, h0: usize, c0: usize, lengths: usize, reverse: bool,
  T: i32, B: i32, H: i32,
  output: usize, hN: usize, cN: usize, cPrev: usize, cellTanh: usize, hPrev: usize, hh: usize, scratch: usize,
): void {
  const G = 4 * H;
  const hb = <usize>H << 2, stepBytes = <usize>(B * H) << 2, gateRow = <usize>G << 2;
  const hasBias = bih != 0;
  memory.copy(hN, h0, stepBytes);
  memory.copy(cN, c0, stepBytes);
  for (let s = 0; s < T; s++) {
    const t = reverse ? T - 1 - s : s;
    const at = <usize>t * stepBytes;
    memory.copy(hPrev + at, hN, stepBytes);
    memory.copy(cPrev + at, cN, stepBytes);
    if (!anyValid(lengths, t, B)) {
      zeroF32(output + at, B * H);
      continue;
    }
    stepProduct(hN, whh, hh, B, G, H, true, scratch);
    for (let b = 0; b < B; b++) {
      const row = <usize>b * hb;
      if (!isValid(lengths, t, b)) {
        zeroF32(output + at + row, H);
        continue;
      }
      const g = gates + (<usize>(t * B + b) * gateRow), hr = hh + <usize>b * gateRow;
      const c = cN + row, ct = cellTanh + at + row, h = hN + row, out = output + at + row;
      let j: usize = 0;
      for (; j + 16 <= hb; j += 16) forwardUnits(g, hr, bih, bhh, c, ct, h, out, j, hb, hasBias, true);
      for (; j < hb; j += 4) forwardUnits(g, hr, bih, bhh, c, ct, h, out, j, hb, hasBias, false);
    }
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
  const dcj = f32x4.add(ld(dc + j, wide), f32x4.mul(f32x4.mul(dhj, og), f32x4.sub(one, f32x4.mul(tc, tc))));
  st(dc + j, f32x4.mul(dcj, fg), wide);
  st(dg + j, f32x4.mul(f32x4.mul(dcj, gg), f32x4.mul(ig, f32x4.sub(one, ig))), wide);
  st(dg + j + hb, f32x4.mul(f32x4.mul(dcj, ld(cp + j, wide)), f32x4.mul(fg, f32x4.sub(one, fg))), wide);
  st(dg + j + 2 * hb, f32x4.mul(f32x4.mul(dcj, ig), f32x4.sub(one, f32x4.mul(gg, gg))), wide);
  st(dg + j + 3 * hb, f32x4.mul(f32x4.mul(dhj, tc), f32x4.mul(og, f32x4.sub(one, og))), wide);
}

/**
 * Backpropagation through time for {@link lstmForwardF32}: walks the steps in reverse processing order and writes
 * the pre-activation gate gradients of every step to `dGates` `[T, B, 4H]` (0 at invalid steps), for the TS side's
 * all-steps weight products. `gates`, `cPrev`, `cellTanh` are the forward workspace, `dOut` `[T, B, H]`; `dh`/`dc`
 * `[B, H]` start as copies of `dhN`/`dcN` and end as dh0/dc0. `dhRec` is `[B, H]` of scratch, `scratch` as above.
 */
export function lstmBackwardF32(
  gates: usize, cPrev: usize, cellTanh: usize, dOut: usize, whh: usize, lengths: usize, reverse: bool,
  T: i32, B: i32, H: i32,
  dhN: usize, dcN: usize, dh: usize, dc: usize, dGates: usize, dhRec: usize, scratch: usize,
): void {
  const G = 4 * H;
  const hb = <usize>H << 2, stepBytes = <usize>(B * H) << 2, gateRow = <usize>G << 2;
  memory.copy(dh, dhN, stepBytes);
  memory.copy(dc, dcN, stepBytes);
  for (let s = T - 1; s >= 0; s--) {
    const t = reverse ? T - 1 - s : s;
    const at = <usize>t * stepBytes;
    const dgStep = dGates + <usize>(t * B) * gateRow;
    if (!anyValid(lengths, t, B)) {
      zeroF32(dgStep, B * G);
      continue;
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
    if (lengths == 0) {
      stepProduct(dgStep, whh, dh, B, H, G, false, scratch);
    } else {
      // Sequences past their end pass dh through unchanged, so only valid rows take the recurrent product.
      stepProduct(dgStep, whh, dhRec, B, H, G, false, scratch);
      for (let b = 0; b < B; b++) {
        if (isValid(lengths, t, b)) memory.copy(dh + <usize>b * hb, dhRec + <usize>b * hb, hb);
      }
    }
  }
}
