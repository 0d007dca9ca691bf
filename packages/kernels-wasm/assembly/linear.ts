// Linear's fused pieces: the bias-and-ReLU epilogue applied to a matmul tile while it is in cache, the ReLU mask of
// the gradient, and the bias gradient's column sums.

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

/** g[i] = output[i] > 0 ? dOutput[i] : 0 over `count` floats (ReLU's gradient from its saved output). */
export function reluMaskF32(dOutput: usize, output: usize, g: usize, count: i32): void {
  const zero = f32x4.splat(0);
  const vec = count & ~3;
  let i = 0;
  for (; i < vec; i += 4) {
    const o = <usize>i << 2;
    v128.store(g + o, v128.and(v128.load(dOutput + o), f32x4.gt(v128.load(output + o), zero)));
  }
  for (; i < count; i++) {
    const o = <usize>i << 2;
    store<f32>(g + o, load<f32>(output + o) > 0 ? load<f32>(dOutput + o) : 0);
  }
}

/**
 * sums[j] = Σ_i g[i, j] over the `rows` rows of the row-major `[rows, n]` g, accumulated in float64 (the bias
 * gradient of a Linear); `acc` is scratch for n f64 values.
 */
export function columnSumsF32(g: usize, rows: i32, n: i32, sums: usize, acc: usize): void {
  memory.fill(acc, 0, <usize>n << 3);
  const ld = <usize>n << 2;
  const pairs = n & ~1;
  for (let i = 0; i < rows; i++) {
    const row = g + <usize>i * ld;
    let j = 0;
    for (; j < pairs; j += 2) {
      const a = acc + (<usize>j << 3);
      v128.store(a, f64x2.add(v128.load(a), f64x2.promote_low_f32x4(v128.load64_zero(row + (<usize>j << 2)))));
    }
    for (; j < n; j++) {
      const a = acc + (<usize>j << 3);
      store<f64>(a, load<f64>(a) + <f64>load<f32>(row + (<usize>j << 2)));
    }
  }
  for (let j = 0; j < n; j++) store<f32>(sums + (<usize>j << 2), <f32>load<f64>(acc + (<usize>j << 3)));
}
