// What the fused LSTM and GRU sequence kernels share: the task record and its per-step scheduler, the packed recurrent
// weights and their product, step validity, column sums.
//
// A whole sequence runs as one task (src/sequence-task.ts posts it). Its work is cut into phases (one per step
// forward; backward, one per step and one more: a chunk of units runs the previous step's recurrent product for its
// columns of dh, then its units' gate gradients, which need no other columns) and each phase into chunks of
// hidden units. The chunks of every phase are split into one contiguous range per thread planned; thread i claims
// chunks of range i first, phase after phase, from that range's atomic counter, so the same thread tends to take
// the same hidden units at every step and keeps their packed weights in its own cache; a thread with nothing open in
// its range takes chunks of the others'. Every finished chunk is counted on one more counter; a chunk of phase p can
// be claimed only once every chunk of the phases before p is done, and is then run at once. So every claimed chunk
// is being run: a thread that never starts, wakes late or is descheduled while it waits holds nothing anyone waits
// for, and the calling thread alone finishes the task if it must.
import { KC, microKernel, MR, packRowsWhole, storeConsecutive8 } from './matmul';
import { expClamped } from './vmath';
import { madd } from './madd';

// Record fields (byte offsets of i32 values), written by src/sequence-task.ts in the same order.
// Byte 0 is unused (kept so that the fields below keep their offsets).
/** Chunks finished (atomic). */
const REC_DONE: usize = 4;
/** Which kernel: one of the SEQ_* kinds. */
export const REC_KIND: usize = 8;
/** Non-zero: the forward pass keeps its backward workspace (every step's state and the activated gates). */
export const REC_SAVE: usize = 12;
/** Steps T, batch B, hidden size H. */
export const REC_T: usize = 16;
export const REC_B: usize = 20;
export const REC_H: usize = 24;
/** Hidden units per chunk (a multiple of 8). */
export const REC_UNITS: usize = 28;
/** Non-zero: steps run from T−1 down to 0. */
export const REC_REVERSE: usize = 32;
/** `B` int32 sequence lengths, or 0 when every sequence runs all T steps. */
export const REC_LENGTHS: usize = 36;
/** The packed recurrent weights (forward or backward layout, see {@link packForwardWeights}). */
export const REC_WEIGHTS: usize = 40;
/** Per-thread scratch: the first of `threads` blocks of REC_SCRATCH_STRIDE bytes. */
export const REC_SCRATCH: usize = 44;
export const REC_SCRATCH_STRIDE: usize = 48;
/** Byte offset of the product tile in each thread's scratch block (after its header and packed operand). */
export const REC_TILE: usize = 52;
/** Threads planned: scratch blocks, and ranges of chunks per phase (see runPhases). */
export const REC_THREADS: usize = 56;
/** First of the kernel's own fields (addresses), listed with each kernel. */
export const REC_ARGS: usize = 64;

/** Kinds of sequence task. */
export const SEQ_LSTM_FORWARD = 1;
export const SEQ_LSTM_BACKWARD = 2;
export const SEQ_GRU_FORWARD = 3;
export const SEQ_GRU_BACKWARD = 4;

/** Address field `i` of the kernel's own fields. */
@inline
export function arg(rec: usize, i: i32): usize {
  return <usize>load<i32>(rec + REC_ARGS + (<usize>i << 2));
}

/** Chunks of hidden units per phase: H split into REC_UNITS-wide pieces. */
@inline
export function chunksPerPhase(rec: usize): i32 {
  const H = load<i32>(rec, REC_H), U = load<i32>(rec, REC_UNITS);
  return (H + U - 1) / U;
}

// Waiting between phases is a spin on the counters: the usual wait is the tail of one chunk on the other thread
// (microseconds). The threads do not sleep in wasm: V8 11.3 (Node 20) loses a live register across
// `memory.atomic.wait32` in its baseline (Liftoff) code, which the first calls of a kernel run, and a barrier whose
// target is clobbered lets a phase start early (seen as wrong results, about once per process on two threads).

// Each thread's scratch block starts with a 128-byte header: its range's claim counter (i32 at 0: chunks of the
// range claimed so far, over all phases), on a cache line of its own as every thread may take from it, then a line
// the thread alone uses (stepProduct's packed-operand phase).
const SCRATCH_CLAIM: usize = 0;
const SCRATCH_PACKED_PHASE: usize = 64;
const SCRATCH_HEADER: usize = 128;

/**
 * Claims chunks of the sequence task at `rec` until none is left, running each with `run(rec, phase, chunk,
 * thread)` once every earlier phase is done; returns how many chunks this thread ran. The task has `phases` phases
 * (T forward; T + 1 backward, see lstm.ts). Deadlock-free for any number of threads joining at any time (see the top
 * of this file).
 */
export function runPhases(rec: usize, thread: i32, phases: i32, run: (rec: usize, phase: i32, chunk: i32, thread: i32) => void): i32 {
  const per = chunksPerPhase(rec), n = load<i32>(rec, REC_THREADS);
  const scratch = <usize>load<i32>(rec, REC_SCRATCH), stride = <usize>load<i32>(rec, REC_SCRATCH_STRIDE);
  let ran = 0;
  for (;;) {
    let left = false;
    // This thread's own range first, then the others' in turn.
    for (let i = 0; i < n; i++) {
      const r = (thread + i) % n;
      const lo = r * per / n, len = (r + 1) * per / n - lo;
      const counter = scratch + <usize>r * stride + SCRATCH_CLAIM;
      const m = atomic.load<i32>(counter);
      if (m >= phases * len) continue;
      left = true;
      // A chunk is claimed only once its phase is open, so a thread that is descheduled while it waits holds nothing.
      const phase = m / len;
      if (atomic.load<i32>(rec + REC_DONE) < phase * per) continue;
      if (atomic.cmpxchg<i32>(counter, m, m + 1) != m) break;
      run(rec, phase, lo + m - phase * len, thread);
      atomic.add<i32>(rec + REC_DONE, 1);
      ran++;
      break;
    }
    if (!left) break;
  }
  return ran;
}

/** The time step of processing position `s` (0-based, in processing order). */
@inline
export function stepAt(rec: usize, s: i32): i32 {
  return load<i32>(rec, REC_REVERSE) != 0 ? load<i32>(rec, REC_T) - 1 - s : s;
}

/**
 * Byte offset of the starting state of processing position `s` in a `[·, B, H]` state sequence: its time step's row
 * when the task keeps the workspace (REC_SAVE), else row s mod 2 of a two-row buffer (inference needs only the
 * current and the next state).
 */
@inline
export function stateAt(rec: usize, s: i32): usize {
  const row = load<i32>(rec, REC_SAVE) != 0 ? stepAt(rec, s) : s & 1;
  return <usize>row * (<usize>(load<i32>(rec, REC_B) * load<i32>(rec, REC_H)) << 2);
}

/** This thread's scratch block. */
@inline
export function scratchOf(rec: usize, thread: i32): usize {
  return <usize>load<i32>(rec, REC_SCRATCH) + <usize>thread * <usize>load<i32>(rec, REC_SCRATCH_STRIDE);
}

/** Time step `t` of sequence `b` is valid when `t < lengths[b]`; `lengths == 0` means every step is valid. */
@inline
export function isValid(lengths: usize, t: i32, b: i32): bool {
  return lengths == 0 || t < load<i32>(lengths + (<usize>b << 2));
}

/** True when some sequence of the batch has a valid step at time `t`. */
export function anyValid(lengths: usize, t: i32, batch: i32): bool {
  if (lengths == 0) return true;
  for (let b = 0; b < batch; b++) if (t < load<i32>(lengths + (<usize>b << 2))) return true;
  return false;
}

// Packed recurrent weights. W_hh `[G·H, H]` (G gate blocks of H rows) is multiplied from two sides: forward, h·W_hhᵀ
// needs for each hidden unit its G gate rows; backward, dG·W_hh needs columns of W_hh. Both layouts are panels of 8
// columns of the product's right operand, each panel whole over the product's depth, float after float of one depth
// index (the micro-kernel reads one f32x4 pair per depth step). Groups of 8 hidden units come first, so a chunk of
// units finds its panels side by side. Both take ⌈H/8⌉·8·G·H floats; columns past H are zero.

/** Bytes of either packed layout of a `[G·H, H]` W_hh. */
export function packedWeightBytes(G: i32, H: i32): i32 {
  return ((H + 7) >> 3) * 8 * G * H * 4;
}

/**
 * Packs W_hh `[G·H, H]` at `w` for the forward product h·W_hhᵀ: for each group q of 8 hidden units and each gate g,
 * one panel of depth H whose column i is row g·H + 8q + i of W_hh (zero past H). Panel (q, g) starts at float
 * (q·G + g)·8H.
 */
export function packForwardWeights(w: usize, G: i32, H: i32, dst: usize): void {
  const groups = (H + 7) >> 3;
  let out = dst;
  for (let q = 0; q < groups; q++) {
    for (let g = 0; g < G; g++) {
      for (let p = 0; p < H; p++) {
        for (let i = 0; i < 8; i++) {
          const u = q * 8 + i;
          store<f32>(out + (<usize>i << 2), u < H ? load<f32>(w + ((<usize>(g * H + u) * <usize>H + <usize>p) << 2)) : 0);
        }
        out += 32;
      }
    }
  }
}

/**
 * Packs W_hh `[G·H, H]` at `w` for the backward product dG·W_hh: for each group q of 8 columns, one panel of depth
 * G·H whose column i is column 8q + i of W_hh (zero past H). Panel q starts at float q·8GH.
 */
export function packBackwardWeights(w: usize, G: i32, H: i32, dst: usize): void {
  const groups = (H + 7) >> 3, depth = G * H;
  let out = dst;
  for (let q = 0; q < groups; q++) {
    const c0 = q * 8;
    for (let d = 0; d < depth; d++) {
      const row = w + ((<usize>d * <usize>H + <usize>c0) << 2);
      if (c0 + 8 <= H) {
        v128.store(out, v128.load(row));
        v128.store(out, v128.load(row, 16), 16);
      } else {
        for (let i = 0; i < 8; i++) store<f32>(out + (<usize>i << 2), c0 + i < H ? load<f32>(row + (<usize>i << 2)) : 0);
      }
      out += 32;
    }
  }
}

// Row 0 of the tile for panels [i, i + 4) (`n` = 4) or panel i alone (`n` = 1) over the depth block [p0, p0 + kc): the
// micro-kernel's first row, with the same multiply-adds in the same order, so its bits equal what the 4-row kernel
// gives; four panels at once keep eight independent accumulator chains in flight, as the 4-row kernel's rows do.
@inline
function rowPanels(a: usize, w: usize, panelBytes: usize, i: i32, p0: i32, kc: i32, tile: usize, n: i32): void {
  let c0 = f32x4.splat(0), c1 = f32x4.splat(0), c2 = f32x4.splat(0), c3 = f32x4.splat(0);
  let c4 = f32x4.splat(0), c5 = f32x4.splat(0), c6 = f32x4.splat(0), c7 = f32x4.splat(0);
  let pb = w + <usize>i * panelBytes + (<usize>p0 << 5);
  let pa = a + (<usize>p0 << 2);
  for (let p = 0; p < kc; p++) {
    const x = v128.load32_splat(pa);
    c0 = madd(x, v128.load(pb), c0);
    c1 = madd(x, v128.load(pb, 16), c1);
    if (n == 4) {
      c2 = madd(x, v128.load(pb + panelBytes), c2);
      c3 = madd(x, v128.load(pb + panelBytes, 16), c3);
      c4 = madd(x, v128.load(pb + 2 * panelBytes), c4);
      c5 = madd(x, v128.load(pb + 2 * panelBytes, 16), c5);
      c6 = madd(x, v128.load(pb + 3 * panelBytes), c6);
      c7 = madd(x, v128.load(pb + 3 * panelBytes, 16), c7);
    }
    pa += 4;
    pb += 32;
  }
  // Later depth blocks add to what the earlier ones stored, as the 4-row kernel's `accumulate` does.
  const out = tile + (<usize>i << 5);
  const acc = p0 > 0;
  if (n == 1) {
    v128.store(out, acc ? f32x4.add(c0, v128.load(out)) : c0);
    v128.store(out, acc ? f32x4.add(c1, v128.load(out, 16)) : c1, 16);
    return;
  }
  if (acc) {
    c0 = f32x4.add(c0, v128.load(out));
    c1 = f32x4.add(c1, v128.load(out, 16));
    c2 = f32x4.add(c2, v128.load(out, 32));
    c3 = f32x4.add(c3, v128.load(out, 48));
    c4 = f32x4.add(c4, v128.load(out, 64));
    c5 = f32x4.add(c5, v128.load(out, 80));
    c6 = f32x4.add(c6, v128.load(out, 96));
    c7 = f32x4.add(c7, v128.load(out, 112));
  }
  storeConsecutive8(out, c0, c1, c2, c3, c4, c5, c6, c7);
}

// The step product of a batch of one sequence (generation): row 0 of the tile = a · P, read straight from `a` (no
// packing) over the panels four at a time. The 4-row micro-kernel would spend three quarters of its multiply-adds on
// the zero rows that pad one row to four.
function rowTimesPanels(a: usize, k: i32, w: usize, panels: i32, tile: usize): void {
  const panelBytes = <usize>k << 5;
  for (let p0 = 0; p0 < k; p0 += KC) {
    const kc = min(KC, k - p0);
    let i = 0;
    for (; i + 4 <= panels; i += 4) rowPanels(a, w, panelBytes, i, p0, kc, tile, 4);
    for (; i < panels; i++) rowPanels(a, w, panelBytes, i, p0, kc, tile, 1);
  }
}

// After each thread's scratch header: the step's left operand packed into 4-row panels (packRowsWhole's layout), then
// the product tile. The header's packed-operand phase is one more than the phase whose operand is packed, 0 for none.

/**
 * tile = A · P for this thread at phase `phase`: A `[B, k]` row-major at `a` (rows of exactly k floats), P `panels`
 * consecutive packed panels of depth `k` at `w`. A is packed into the thread's scratch at its first chunk of the
 * phase (every chunk of a phase multiplies the same A), so the micro-kernel is matmul's own: one A pointer, four
 * values per depth step side by side. Returns the tile: ⌈B/4⌉·4 rows (rows past B are products of zero rows) of
 * `panels`·8 floats, row stride `ldt` bytes. Depth runs in blocks of KC as in matmulTile, each output summing its
 * depth in order, so the result does not depend on which thread or chunk computes it.
 */
export function stepProduct(rec: usize, thread: i32, phase: i32, a: usize, k: i32, w: usize, panels: i32, ldt: usize): usize {
  const B = load<i32>(rec, REC_B);
  const scratch = scratchOf(rec, thread), packed = scratch + SCRATCH_HEADER, tile = scratch + <usize>load<i32>(rec, REC_TILE);
  if (B == 1) {
    rowTimesPanels(a, k, w, panels, tile);
    return tile;
  }
  if (load<i32>(scratch + SCRATCH_PACKED_PHASE) != phase + 1) {
    packRowsWhole(a, B, k, false, 0, B, packed);
    store<i32>(scratch + SCRATCH_PACKED_PHASE, phase + 1);
  }
  const mPad = (B + MR - 1) & ~(MR - 1), panelBytes = <usize>k << 5;
  for (let p0 = 0; p0 < k; p0 += KC) {
    const kc = min(KC, k - p0);
    const panelsA = packed + (<usize>(p0 * mPad) << 2);
    for (let i = 0; i < panels; i++) {
      const panel = w + <usize>i * panelBytes + (<usize>p0 << 5);
      for (let r = 0; r < mPad; r += MR) {
        microKernel(panelsA + (<usize>(r * kc) << 2), panel, kc, tile + <usize>r * ldt + (<usize>i << 5), ldt, p0 > 0);
      }
    }
  }
  return tile;
}

/**
 * acc (float64) += column sums of `rows` rows of `cols` float32 at `m` (row stride `ld` bytes); `acc` has `cols` doubles.
 * Bias gradients are long sums of terms of mixed sign; float64 keeps their relative accuracy. Rows are added in order,
 * so a chunk of columns summed on its own thread gives what summing whole rows would.
 */
export function accumulateColumnsF32(m: usize, ld: usize, rows: i32, cols: i32, acc: usize): void {
  for (let r = 0; r < rows; r++) {
    const row = m + <usize>r * ld;
    let j = 0;
    for (; j + 4 <= cols; j += 4) {
      const v = v128.load(row + (<usize>j << 2));
      const a = acc + (<usize>j << 3);
      v128.store(a, f64x2.add(v128.load(a), f64x2.promote_low_f32x4(v)));
      v128.store(a, f64x2.add(v128.load(a, 16), f64x2.promote_low_f32x4(i32x4.shuffle(v, v, 2, 3, 0, 1))), 16);
    }
    for (; j < cols; j++) {
      const a = acc + (<usize>j << 3);
      store<f64>(a, load<f64>(a) + <f64>load<f32>(row + (<usize>j << 2)));
    }
  }
}

/** out `[cols]` = acc rounded to float32; `copy`, unless 0, receives the same values (a second storage). */
export function storeColumnSumsF32(acc: usize, cols: i32, out: usize, copy: usize): void {
  for (let j = 0; j < cols; j++) store<f32>(out + (<usize>j << 2), <f32>load<f64>(acc + (<usize>j << 3)));
  if (copy != 0) memory.copy(copy, out, <usize>cols << 2);
}

/**
 * Rows b of `dst` `[B, H]` (units [u0, u1)) for the sequences valid at `t` = (add ? dst + tile : tile), from a tile
 * whose row b holds the units from u0 on (row stride `ldt` bytes). The recurrent gradient reaches only sequences
 * still running; the others pass their state gradient through unchanged.
 */
export function mergeValidRows(tile: usize, ldt: usize, dst: usize, lengths: usize, t: i32, B: i32, H: i32, u0: i32, u1: i32, add: bool): void {
  const hb = <usize>H << 2, bytes = <usize>(u1 - u0) << 2;
  for (let b = 0; b < B; b++) {
    if (!isValid(lengths, t, b)) continue;
    const d = dst + <usize>b * hb + (<usize>u0 << 2), s = tile + <usize>b * ldt;
    if (!add) {
      memory.copy(d, s, bytes);
      continue;
    }
    let j: usize = 0;
    for (; j + 16 <= bytes; j += 16) v128.store(d + j, f32x4.add(v128.load(d + j), v128.load(s + j)));
    for (; j < bytes; j += 4) store<f32>(d + j, load<f32>(d + j) + load<f32>(s + j));
  }
}

/** First hidden unit of chunk `chunk`. */
@inline
export function firstUnit(rec: usize, chunk: i32): i32 {
  return chunk * load<i32>(rec, REC_UNITS);
}

/** One past the last hidden unit of chunk `chunk`. */
@inline
export function endUnit(rec: usize, chunk: i32): i32 {
  return min(load<i32>(rec, REC_H), (chunk + 1) * load<i32>(rec, REC_UNITS));
}

/**
 * The second backward phase (`phase`) of step `t` for the columns [u0, u1) of dh `[B, H]`: dG_t (`dG`, rows of `width` floats)
 * times the backward-packed W_hh, set into (or, when `add`, added to) dh for the sequences valid at `t`.
 */
export function recurrentGradientChunk(rec: usize, phase: i32, dG: usize, width: i32, dh: usize, t: i32, u0: i32, u1: i32, thread: i32, add: bool): void {
  const B = load<i32>(rec, REC_B), H = load<i32>(rec, REC_H), lengths = <usize>load<i32>(rec, REC_LENGTHS);
  if (!anyValid(lengths, t, B)) return;
  const q0 = u0 >> 3, groups = (u1 - u0 + 7) >> 3, ldt = <usize>groups << 5;
  const tile = stepProduct(rec, thread, phase, dG, width, <usize>load<i32>(rec, REC_WEIGHTS) + (<usize>(q0 * width) << 5), groups, ldt);
  mergeValidRows(tile, ldt, dh, lengths, t, B, H, u0, u1, add);
}

/**
 * Address, in one row of a step's tile (its group q0 at `row`), of the gate-0 values of the units at byte offset `j`
 * of a block of H: unit u sits in group u/8 − q0 (`groupBytes` per group: one 8-float panel row per gate), lane u mod 8.
 */
@inline
export function unitsInTile(row: usize, q0: usize, j: usize, groupBytes: usize): usize {
  return row + ((j >> 5) - q0) * groupBytes + (j & 31);
}

/** Copies units [u0, u1) of row `b` from `src` to `dst` (both `[B, H]`): a state passing an invalid step unchanged. */
@inline
export function copyUnits(src: usize, dst: usize, H: i32, b: i32, u0: i32, u1: i32): void {
  const at = (<usize>(b * H + u0)) << 2;
  memory.copy(dst + at, src + at, <usize>(u1 - u0) << 2);
}

/** Zeroes `count` floats at `p`. */
@inline
export function zeroF32(p: usize, count: i32): void {
  memory.fill(p, 0, <usize>count << 2);
}

/** Four lanes at `p`, or (not `wide`) one lane with the rest zero, for the tail of a row not a multiple of 4 long. */
@inline
export function ld(p: usize, wide: bool): v128 {
  return wide ? v128.load(p) : v128.load32_zero(p);
}

/** Stores four lanes at `p`, or (not `wide`) lane 0 only; the counterpart of {@link ld}. */
@inline
export function st(p: usize, v: v128, wide: bool): void {
  if (wide) v128.store(p, v);
  else v128.store32_lane(p, v, 0);
}

// Gate nonlinearities of the fused kernels. vmath's sigmoidV/tanhV are general (exact saturation, NaN ends, a series
// for small tanh arguments); gate pre-activations only need float32 accuracy in absolute terms (the outputs are
// compared with 1e-5 absolute tolerance), so these take the exponential on a range clamped to ±80, where 2^n needs
// no overflow or subnormal handling, and tanh from one exponential with no small-argument branch (absolute error
// about 1.2e-7 near 0, a few ulps elsewhere). About half the instructions of the general pair.
// The clamp bounds, 2 and 1, one f32x4 row each.
const GATE_TABLE = memory.data<f32>([-80, -80, -80, -80, 80, 80, 80, 80, 2, 2, 2, 2, 1, 1, 1, 1], 16);
// The sign bit of each lane.
const SIGN_MASK = memory.data<i32>([0x80000000, 0x80000000, 0x80000000, 0x80000000], 16);

/** σ(x) = 1 / (1 + e^−x) of a gate pre-activation, x clamped to ±80 (σ(±80) is 1 or 1.8e-35). */
@inline
export function gateSigmoid(x: v128): v128 {
  // pmax/pmin (one instruction each on x86, where min/max take several) keep a NaN in their first operand.
  const z = f32x4.pmin(f32x4.pmax(f32x4.neg(x), v128.load(GATE_TABLE)), v128.load(GATE_TABLE, 16));
  const one = v128.load(GATE_TABLE, 48);
  return f32x4.div(one, f32x4.add(one, expClamped(z)));
}

/** tanh(x) = sign(x)·(1 − 2 / (e^{2|x|} + 1)) of a gate pre-activation or cell state (|x| ≥ 40 gives ±1). */
@inline
export function gateTanh(x: v128): v128 {
  const ax = f32x4.abs(x);
  const one = v128.load(GATE_TABLE, 48);
  const e = expClamped(f32x4.pmin(f32x4.add(ax, ax), v128.load(GATE_TABLE, 16)));
  const y = f32x4.sub(one, f32x4.div(v128.load(GATE_TABLE, 32), f32x4.add(e, one)));
  return v128.or(y, v128.and(x, v128.load(SIGN_MASK)));
}
