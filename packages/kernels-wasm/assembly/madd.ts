// The f32x4 multiply-add every kernel's inner loop uses: fused (relaxed SIMD) in the FMA build, mul then add in the plain build.
//
// scripts/embed-wasm.mjs compiles assembly/ twice, once with `--enable relaxed-simd`; ASC_FEATURE_RELAXED_SIMD is a
// compile-time constant, so each build holds only its own branch. relaxed_madd may round once (a fused
// multiply-add, where the CPU has one) or twice (like mul then add): either is within the kernels' tolerance.

/** a·b + c on four float lanes. */
@inline
export function madd(a: v128, b: v128, c: v128): v128 {
  if (ASC_FEATURE_RELAXED_SIMD) return f32x4.relaxed_madd(a, b, c);
  return f32x4.add(c, f32x4.mul(a, b));
}

/** c − a·b on four float lanes. */
@inline
export function nmadd(a: v128, b: v128, c: v128): v128 {
  if (ASC_FEATURE_RELAXED_SIMD) return f32x4.relaxed_nmadd(a, b, c);
  return f32x4.sub(c, f32x4.mul(a, b));
}
