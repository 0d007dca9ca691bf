// Linear's fused pieces: the bias-and-ReLU epilogue applied to a matmul tile while it is in cache, and the ReLU mask
// of the gradient with the bias gradient's column sums in one pass.

/** Epilogue flag: `max(0, ·)` after the bias. */
export const EPILOGUE_RELU: i32 = 1;

/**
 * C[i, j] = act(C[i, j] + bias[j]) over rows [i0, i0+rows) and columns [j0, j0+cols) of the row-major `[·, n]` C;
 * `bias` is the address of n floats, or 0 for none, and `flags` holds {@link EPILOGUE_RELU} or 0.
 */
export function biasActivationTile(c: usize, n: i32, i0: i32, rows: i32, j0: i32, cols: i32, bias: usize, flags: i32): void {
  const relu = (flags & EPILOGUE_RELU) != 0;
  const zero = f32x4.splat(0);
  const ldc = <usize>n << 2;
  const vecCols = cols & ~3;
  for (let i = 0; i < rows; i++) {
    const row = c + <usize>(i0 + i) * ldc + (<usize>j0 << 2);
    const b = bias == 0 ? 0 : bias + (<usize>j0 << 2);
    let j = 0;
    for (; j < vecCols; j += 4) {
      const o = <usize>j << 2;
      let v = v128.load(row + o);
      if (b != 0) v = f32x4.add(v, v128.load(b + o));
      if (relu) v = f32x4.max(v, zero);
      v128.store(row + o, v);
    }
    for (; j < cols; j++) {
      const o = <usize>j << 2;
      let v = load<f32>(row + o);
      if (b != 0) v += load<f32>(b + o);
      if (relu) v = v > 0 ? v : 0;
      store<f32>(row + o, v);
    }
  }
}

/** Rows summed in float32 before their partial sums are added to the float64 accumulators. */
const SUM_BLOCK: i32 = 16;

/**
 * The gradient behind a Linear's activation and its bias gradient in one row-major pass over the `[rows, n]`
 * `dOutput`: with `relu` (the forward's output, or 0 for no activation) g = dOutput·[relu > 0] is written to `g`;
 * sums[j] = Σ_i g[i, j], accumulated in float32 over blocks of SUM_BLOCK rows (an n-float partial row that stays in
 * L1) and in float64 across blocks. `acc` is scratch for n f64 values followed by n f32 values.
 */
export function biasGradientF32(dOutput: usize, relu: usize, g: usize, rows: i32, n: i32, sums: usize, acc: usize): void {
  const part = acc + (<usize>n << 3);
  memory.fill(acc, 0, <usize>n << 3);
  const ld = <usize>n << 2;
  const vec = n & ~3;
  const zero = f32x4.splat(0);
  for (let i0 = 0; i0 < rows; i0 += SUM_BLOCK) {
    memory.fill(part, 0, <usize>n << 2);
    const end = min(rows, i0 + SUM_BLOCK);
    for (let i = i0; i < end; i++) {
      const row = <usize>i * ld;
      let j = 0;
      for (; j < vec; j += 4) {
        const o = row + (<usize>j << 2);
        let v = v128.load(dOutput + o);
        if (relu != 0) {
          v = v128.and(v, f32x4.gt(v128.load(relu + o), zero));
          v128.store(g + o, v);
        }
        const p = part + (<usize>j << 2);
        v128.store(p, f32x4.add(v128.load(p), v));
      }
      for (; j < n; j++) {
        const o = row + (<usize>j << 2);
        let v = load<f32>(dOutput + o);
        if (relu != 0) {
          v = load<f32>(relu + o) > 0 ? v : 0;
          store<f32>(g + o, v);
        }
        const p = part + (<usize>j << 2);
        store<f32>(p, load<f32>(p) + v);
      }
    }
    let j = 0;
    for (; j < vec; j += 4) {
      const a = acc + (<usize>j << 3);
      const v = v128.load(part + (<usize>j << 2));
      v128.store(a, f64x2.add(v128.load(a), f64x2.promote_low_f32x4(v)));
      v128.store(a, f64x2.add(v128.load(a, 16), f64x2.promote_low_f32x4(i32x4.shuffle(v, v, 2, 3, 0, 1))), 16);
    }
    for (; j < n; j++) {
      const a = acc + (<usize>j << 3);
      store<f64>(a, load<f64>(a) + <f64>load<f32>(part + (<usize>j << 2)));
    }
  }
  for (let j = 0; j < n; j++) store<f32>(sums + (<usize>j << 2), <f32>load<f64>(acc + (<usize>j << 3)));
}
