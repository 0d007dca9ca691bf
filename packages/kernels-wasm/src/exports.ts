// The kernel module's exports as seen from TypeScript (signatures mirror assembly/*.ts; pointers are byte addresses).

/** Exports of the compiled AssemblyScript kernels. */
export interface KernelExports {
  heapBase(): number;
  matmulScratchBytes(maxRows: number, maxCols: number): number;
  matmulI32(a: number, b: number, c: number, m: number, n: number, k: number, transA: number, transB: number): void;
  runTask(task: number, thread: number, tag: number): number;
  rowDots(mat: number, vec: number, out: number, rows: number, k: number): void;
  rowCombination(mat: number, vec: number, out: number, k: number, n: number): void;
  unaryF32(op: number, x: number, out: number, n: number): void;
  unaryI32(op: number, x: number, out: number, n: number): void;
  clampF32(x: number, out: number, n: number, lo: number, hi: number): void;
  geluF32(x: number, out: number, n: number, tanh: number): void;
  geluBackwardF32(dy: number, x: number, out: number, n: number, tanh: number): void;
  broadcast2(code: number, a: number, b: number, out: number, rank: number, dims: number): void;
  where3(bytes: number, cond: number, a: number, b: number, out: number, rank: number, dims: number): void;
  reduceF32(op: number, x: number, out: number, outer: number, len: number, inner: number, scratch: number): void;
  reduceI32(op: number, x: number, out: number, outer: number, len: number, inner: number): void;
  argExtreme(isFloat: number, isMax: number, x: number, out: number, outer: number, len: number, inner: number): void;
  softmaxF32(log: number, x: number, out: number, outer: number, len: number, inner: number): void;
  crossEntropyF32(x: number, targets: number, weights: number, losses: number, logSum: number, N: number, C: number): void;
  crossEntropyBackwardF32(dLosses: number, x: number, targets: number, weights: number, logSum: number, dx: number, N: number, C: number): void;
  copyStrided(bytes: number, src: number, dst: number, rank: number, dims: number): void;
  transposeBlock(bytes: number, src: number, dst: number, rows: number, cols: number, srcColStride: number, dstRowStride: number): void;
  attentionScratchBytes(L: number, S: number, D: number, Dv: number): number;
  attentionForwardF32(record: number, first: number, count: number, thread: number): void;
  attentionBackwardF32(record: number, first: number, count: number, thread: number): void;
  adamF32(
    param: number,
    grad: number,
    m: number,
    v: number,
    n: number,
    beta1: number,
    beta2: number,
    eps: number,
    l2: number,
    decay: number,
    stepSize: number,
    invSqrtBc2: number,
  ): void;
  packForwardWeights(w: number, G: number, H: number, dst: number): void;
  packBackwardWeights(w: number, G: number, H: number, dst: number): void;
  storeColumnSumsF32(acc: number, cols: number, out: number, copy: number): void;
  layerNormF32(x: number, w: number, b: number, out: number, mean: number, rstd: number, rows: number, D: number, eps: number): void;
  layerNormBackwardF32(
    dy: number,
    x: number,
    w: number,
    mean: number,
    rstd: number,
    dx: number,
    dWeight: number,
    dBias: number,
    acc: number,
    rows: number,
    D: number,
  ): void;
  biasActivationTile(c: number, n: number, i0: number, rows: number, j0: number, cols: number, bias: number, flags: number): void;
  biasGradientF32(dOutput: number, relu: number, g: number, rows: number, n: number, sums: number, acc: number): void;
  addLayerNormF32(
    x: number,
    residual: number,
    w: number,
    b: number,
    sum: number,
    out: number,
    mean: number,
    rstd: number,
    rows: number,
    D: number,
    eps: number,
  ): void;
}
