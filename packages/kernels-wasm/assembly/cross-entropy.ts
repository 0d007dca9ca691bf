// Cross-entropy of the rows of [N, C] float32 logits against one class each, and its backward: the log-softmax
// normaliser of each row (max-shifted, summed in float64 like softmax.ts), never the [N, C] log-probabilities.
//
// Every exponent is x − max (≤ 0) or that minus the normaliser, so the exponential takes its argument clamped below
// at −80 (expClamped; e^−80 ≈ 1.8e-35 beside the max's term of 1), at about half the cost of the general expV. The
// clamp is a pmax, which keeps a NaN in its first operand: a NaN logit still gives a NaN loss and gradient.
import { rowMax } from './softmax';
import { expClamped } from './vmath';

// The clamp's lower bound, one f32x4 row.
const EXP_FLOOR = memory.data<f32>([-80, -80, -80, -80], 16);

// e^d for d ≤ 0 on four lanes (d below −80 taken as −80).
@inline
function expShifted(d: v128): v128 {
  return expClamped(f32x4.pmax(d, v128.load(EXP_FLOOR)));
}

// e^d for one d ≤ 0: the vector formula on one lane.
@inline
function expShiftedS(d: f32): f32 {
  return f32x4.extract_lane(expShifted(f32x4.splat(d)), 0);
}

/**
 * Per row n: logSum[n] = log Σ_c e^(x_nc − m_n) (m_n the row's largest logit) and losses[n] = weights[n]·(logSum[n] −
 * (x_n,t − m_n)) with t = targets[n], in [0, C).
 */
export function crossEntropyF32(x: usize, targets: usize, weights: usize, losses: usize, logSum: usize, N: i32, C: i32): void {
  for (let n = 0; n < N; n++) {
    const row = x + (<usize>n * <usize>C << 2);
    const mx = rowMax(row, C);
    const vmx = f32x4.splat(mx);
    let vsum = f32x4.splat(0);
    let sum: f64 = 0;
    let i = 0;
    for (; i + 4 <= C; i += 4) vsum = f32x4.add(vsum, expShifted(f32x4.sub(v128.load(row + (<usize>i << 2)), vmx)));
    for (; i < C; i++) sum += <f64>expShiftedS(load<f32>(row + (<usize>i << 2)) - mx);
    sum += <f64>f32x4.extract_lane(vsum, 0) + <f64>f32x4.extract_lane(vsum, 1) + <f64>f32x4.extract_lane(vsum, 2) + <f64>f32x4.extract_lane(vsum, 3);
    const l = <f32>Math.log(sum);
    const k = <usize>n << 2;
    const t = load<i32>(targets + k);
    store<f32>(logSum + k, l);
    store<f32>(losses + k, load<f32>(weights + k) * (l - (load<f32>(row + (<usize>t << 2)) - mx)));
  }
}

/**
 * Per row n, with s = dLosses[n]·weights[n]: dx[n, c] = s·e^(x_nc − m_n − logSum[n]) − (c == targets[n] ? s : 0).
 */
export function crossEntropyBackwardF32(dLosses: usize, x: usize, targets: usize, weights: usize, logSum: usize, dx: usize, N: i32, C: i32): void {
  for (let n = 0; n < N; n++) {
    const at = <usize>n * <usize>C << 2;
    const row = x + at, out = dx + at;
    const k = <usize>n << 2;
    const s = load<f32>(dLosses + k) * load<f32>(weights + k);
    const shift = rowMax(row, C) + load<f32>(logSum + k);
    const vs = f32x4.splat(s), vshift = f32x4.splat(shift);
    let i = 0;
    for (; i + 4 <= C; i += 4) {
      const o = <usize>i << 2;
      v128.store(out + o, f32x4.mul(vs, expShifted(f32x4.sub(v128.load(row + o), vshift))));
    }
    for (; i < C; i++) {
      const o = <usize>i << 2;
      store<f32>(out + o, s * expShiftedS(load<f32>(row + o) - shift));
    }
    const t = out + (<usize>load<i32>(targets + k) << 2);
    store<f32>(t, load<f32>(t) - s);
  }
}
