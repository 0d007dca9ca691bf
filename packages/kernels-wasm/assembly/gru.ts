// Fused GRU sequence kernels (float32): the time loop of the forward pass and of backpropagation through time.
//
// Same split as assembly/lstm.ts: all-steps products on the TS side, here one [B, H]×[H, 3H] product per step and
// the gate math in one f32x4 pass. PyTorch's convention: b_hn sits inside the reset product.
import { accumulateColumnsF32, anyValid, isValid, ld, mergeValidRowsF32, st, stepProduct, storeColumnSumsF32, zeroF32, zeroIdleOutputRowsF32 } from './recurrent';
import { madd } from './madd';
import { sigmoidV, tanhV } from './vmath';

// One group of hidden units of one sequence at one step. `xp` row `[3H]` (x·W_ihᵀ), `hh` row `[3H]` (h·W_hhᵀ),
// `g` gates row `[4H]`; `j` is the byte offset of the units within a block of H, `hb` the bytes of H.
@inline
function forwardUnits(
  xp: usize, hh: usize, bih: usize, bhh: usize, g: usize, h: usize, out: usize,
  j: usize, hb: usize, hasBias: bool, wide: bool,
): void {
  let xr = ld(xp + j, wide), xz = ld(xp + j + hb, wide), xn = ld(xp + j + 2 * hb, wide);
  let hr = ld(hh + j, wide), hz = ld(hh + j + hb, wide), hn = ld(hh + j + 2 * hb, wide);
  if (hasBias) {
    xr = f32x4.add(xr, ld(bih + j, wide));
    xz = f32x4.add(xz, ld(bih + j + hb, wide));
    xn = f32x4.add(xn, ld(bih + j + 2 * hb, wide));
    hr = f32x4.add(hr, ld(bhh + j, wide));
    hz = f32x4.add(hz, ld(bhh + j + hb, wide));
    hn = f32x4.add(hn, ld(bhh + j + 2 * hb, wide));
  }
  const r = sigmoidV(f32x4.add(xr, hr));
  const z = sigmoidV(f32x4.add(xz, hz));
  const n = tanhV(madd(r, hn, xn));
  st(g + j, r, wide);
  st(g + j + hb, z, wide);
  st(g + j + 2 * hb, n, wide);
  st(g + j + 3 * hb, hn, wide);
  const hNew = madd(f32x4.sub(f32x4.splat(1), z), n, f32x4.mul(z, ld(h + j, wide)));
  st(h + j, hNew, wide);
  st(out + j, hNew, wide);
}

/**
 * Step `t` of the GRU forward pass after its recurrent product: records `hPrev[t]` ← `hN`, then for every valid
 * sequence applies the gate math to `xp[t]` (x·W_ihᵀ, `[B, 3H]`, read only) and `hh`, writes `gates[t]` (r, z, n,
 * W_hn·h + b_hn), `output[t]` and the new `hN`; output rows of invalid sequences become 0. `hh` `[B, 3H]` is h·W_hhᵀ,
 * or 0 when no sequence is valid at `t`.
 */
export function gruStepF32(
  xp: usize, hh: usize, bih: usize, bhh: usize, lengths: usize, t: i32, B: i32, H: i32,
  hN: usize, output: usize, gates: usize, hPrev: usize,
): void {
  const hb = <usize>H << 2, stepBytes = <usize>(B * H) << 2, inRow = <usize>(3 * H) << 2, gateRow = <usize>(4 * H) << 2;
  const hasBias = bih != 0;
  const at = <usize>t * stepBytes;
  memory.copy(hPrev + at, hN, stepBytes);
  if (!zeroIdleOutputRowsF32(output, lengths, t, B, H, hh == 0)) return;
  for (let b = 0; b < B; b++) {
    if (!isValid(lengths, t, b)) continue;
    const row = <usize>b * hb;
    const x = xp + <usize>(t * B + b) * inRow, hr = hh + <usize>b * inRow, g = gates + <usize>(t * B + b) * gateRow;
    const h = hN + row, out = output + at + row;
    let j: usize = 0;
    for (; j + 16 <= hb; j += 16) forwardUnits(x, hr, bih, bhh, g, h, out, j, hb, hasBias, true);
    for (; j < hb; j += 4) forwardUnits(x, hr, bih, bhh, g, h, out, j, hb, hasBias, false);
  }
}

/**
 * Forward pass of one GRU layer direction over `T` steps on the calling thread (float32, PyTorch gate order
 * r, z, n): per step one `[B, H]×[H, 3H]` product into `hh` and {@link gruStepF32}.
 *
 * `xp` `[T, B, 3H]` is x·W_ihᵀ; `whh` is W_hh `[3H, H]`; `bih`/`bhh` are `[3H]` or both 0. `hN` `[B, H]` receives the
 * running state, starting from `h0`. `lengths` is `B` int32 or 0. Outputs: `output` and `hPrev` `[T, B, H]`,
 * `gates` `[T, B, 4H]`. `hh` is `[B, 3H]` of scratch and `scratch` holds matmulScratchBytes(256, 256) bytes.
 */
export function gruForwardF32(
  xp: usize, whh: usize, bih: usize, bhh: usize, h0: usize, lengths: usize, reverse: bool,
  T: i32, B: i32, H: i32,
  output: usize, hN: usize, gates: usize, hPrev: usize, hh: usize, scratch: usize,
): void {
  memory.copy(hN, h0, <usize>(B * H) << 2);
  for (let s = 0; s < T; s++) {
    const t = reverse ? T - 1 - s : s;
    const valid = anyValid(lengths, t, B);
    if (valid) stepProduct(hN, whh, hh, B, 3 * H, H, true, scratch);
    gruStepF32(xp, valid ? hh : 0, bih, bhh, lengths, t, B, H, hN, output, gates, hPrev);
  }
}

// Pre-activation gradients of one group of hidden units of one sequence at one step (see gruBackwardF32).
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
  // The direct path through h' = … + z·h; the recurrent product is added after the step.
  st(dh + j, f32x4.mul(dhj, z), wide);
}

/**
 * Step `t` of GRU backpropagation through time, before its recurrent product: for every valid sequence, the
 * input-side and hidden-side pre-activation gradients `dGi[t]`, `dGh[t]` `[B, 3H]` from `dh` + `dOut[t]`, and `dh`
 * set to the direct path's share (dh'·z; the recurrent product is added after); rows of invalid sequences become 0.
 * `accIh`/`accHh` (`[3H]` float64, or both 0) accumulate the column sums. Returns false when no sequence is valid.
 */
export function gruBackwardStepF32(
  gates: usize, hPrev: usize, dOut: usize, lengths: usize, t: i32, B: i32, H: i32,
  dh: usize, dGi: usize, dGh: usize, accIh: usize, accHh: usize,
): bool {
  const G = 3 * H;
  const hb = <usize>H << 2, stepBytes = <usize>(B * H) << 2, dRow = <usize>G << 2, gateRow = <usize>(4 * H) << 2;
  const at = <usize>t * stepBytes;
  const giStep = dGi + <usize>(t * B) * dRow, ghStep = dGh + <usize>(t * B) * dRow;
  if (!anyValid(lengths, t, B)) {
    zeroF32(giStep, B * G);
    zeroF32(ghStep, B * G);
    return false;
  }
  for (let b = 0; b < B; b++) {
    const row = <usize>b * hb;
    const dgi = giStep + <usize>b * dRow, dgh = ghStep + <usize>b * dRow;
    if (!isValid(lengths, t, b)) {
      zeroF32(dgi, G);
      zeroF32(dgh, G);
      continue;
    }
    const g = gates + <usize>(t * B + b) * gateRow, hp = hPrev + at + row, dO = dOut + at + row, dhr = dh + row;
    let j: usize = 0;
    for (; j + 16 <= hb; j += 16) backwardUnits(g, hp, dO, dhr, dgi, dgh, j, hb, true);
    for (; j < hb; j += 4) backwardUnits(g, hp, dO, dhr, dgi, dgh, j, hb, false);
  }
  if (accIh != 0) {
    accumulateColumnsF32(giStep, B, G, accIh);
    accumulateColumnsF32(ghStep, B, G, accHh);
  }
  return true;
}

/**
 * Backpropagation through time for {@link gruForwardF32} on the calling thread: walks the steps in reverse
 * processing order, per step {@link gruBackwardStepF32} and the `[B, 3H]×[3H, H]` product added to `dh`. Writes
 * `dGi`, `dGh` `[T, B, 3H]` for the TS side's all-steps weight products; `dh` `[B, H]` starts as a copy of `dhN` and
 * ends as dh0. With a bias, `accIh`/`accHh` (`[3H]` float64 scratch each) collect the bias gradients, stored to
 * `dBiasIh`/`dBiasHh` (else all four are 0). `dhRec` is `[B, H]` of scratch, `scratch` as above.
 */
export function gruBackwardF32(
  gates: usize, hPrev: usize, dOut: usize, whh: usize, lengths: usize, reverse: bool,
  T: i32, B: i32, H: i32,
  dhN: usize, dh: usize, dGi: usize, dGh: usize, accIh: usize, accHh: usize, dBiasIh: usize, dBiasHh: usize,
  dhRec: usize, scratch: usize,
): void {
  const G = 3 * H;
  const dRow = <usize>G << 2;
  memory.copy(dh, dhN, <usize>(B * H) << 2);
  if (accIh != 0) {
    memory.fill(accIh, 0, <usize>G << 3);
    memory.fill(accHh, 0, <usize>G << 3);
  }
  for (let s = T - 1; s >= 0; s--) {
    const t = reverse ? T - 1 - s : s;
    if (!gruBackwardStepF32(gates, hPrev, dOut, lengths, t, B, H, dh, dGi, dGh, accIh, accHh)) continue;
    stepProduct(dGh + <usize>(t * B) * dRow, whh, dhRec, B, H, G, false, scratch);
    mergeValidRowsF32(dhRec, dh, lengths, t, B, H, true);
  }
  if (accIh != 0) {
    storeColumnSumsF32(accIh, G, dBiasIh, 0);
    storeColumnSumsF32(accHh, G, dBiasHh, 0);
  }
}
