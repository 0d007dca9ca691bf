// One-pass Adam / AdamW: reads param, grad, m and v once and writes param, m and v in place.

/**
 * For each i: g = grad + (decoupled ? 0 : weightDecay·param); m = β1·m + (1-β1)·g; v = β2·v + (1-β2)·g²;
 * param = param·(1 - decay) - stepSize·m / (sqrt(v)·invSqrtBc2 + eps), where the caller passes
 * decay = decoupled ? lr·weightDecay : 0, stepSize = lr / (1 - β1^t) and invSqrtBc2 = 1 / sqrt(1 - β2^t).
 */
export function adamF32(
  param: usize, grad: usize, m: usize, v: usize, n: i32,
  beta1: f32, beta2: f32, eps: f32, l2: f32, decay: f32, stepSize: f32, invSqrtBc2: f32,
): void {
  const b1 = f32x4.splat(beta1), c1 = f32x4.splat(1 - beta1);
  const b2 = f32x4.splat(beta2), c2 = f32x4.splat(1 - beta2);
  const veps = f32x4.splat(eps), vl2 = f32x4.splat(l2), keep = f32x4.splat(1 - decay);
  const vstep = f32x4.splat(stepSize), vbc = f32x4.splat(invSqrtBc2);
  let i = 0;
  for (; i + 4 <= n; i += 4) {
    const k = <usize>i << 2;
    const p = v128.load(param + k);
    const g = f32x4.add(v128.load(grad + k), f32x4.mul(vl2, p));
    const mm = f32x4.add(f32x4.mul(b1, v128.load(m + k)), f32x4.mul(c1, g));
    const vv = f32x4.add(f32x4.mul(b2, v128.load(v + k)), f32x4.mul(c2, f32x4.mul(g, g)));
    const denom = f32x4.add(f32x4.mul(f32x4.sqrt(vv), vbc), veps);
    v128.store(m + k, mm);
    v128.store(v + k, vv);
    v128.store(param + k, f32x4.sub(f32x4.mul(p, keep), f32x4.div(f32x4.mul(vstep, mm), denom)));
  }
  for (; i < n; i++) {
    const k = <usize>i << 2;
    const p = load<f32>(param + k);
    const g = load<f32>(grad + k) + l2 * p;
    const mm = beta1 * load<f32>(m + k) + (1 - beta1) * g;
    const vv = beta2 * load<f32>(v + k) + (1 - beta2) * g * g;
    store<f32>(m + k, mm);
    store<f32>(v + k, vv);
    store<f32>(param + k, p * (1 - decay) - stepSize * mm / (Mathf.sqrt(vv) * invSqrtBc2 + eps));
  }
}
