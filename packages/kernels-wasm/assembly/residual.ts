// The residual connection's sum `x + residual` of equal-shaped float32 arrays, for the fused add + LayerNorm.

/** out[i] = a[i] + b[i] over `count` floats. */
export function addF32(a: usize, b: usize, out: usize, count: i32): void {
  const vec = count & ~3;
  let i = 0;
  for (; i < vec; i += 4) {
    const o = <usize>i << 2;
    v128.store(out + o, f32x4.add(v128.load(a + o), v128.load(b + o)));
  }
  for (; i < count; i++) {
    const o = <usize>i << 2;
    store<f32>(out + o, load<f32>(a + o) + load<f32>(b + o));
  }
}
