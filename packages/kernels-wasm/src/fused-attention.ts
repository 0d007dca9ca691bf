// The wasm backend's fused attention kernels: tensor-core's FusedAttentionKernels contract on assembly/attention.ts,
// (batch, head) pairs shared between the calling thread and the worker pool.
import {
  DTypeMismatchError,
  type AttentionMaskOperand,
  type AttentionOperand,
  type DataHandle,
  type FusedAttentionBackwardArgs,
  type FusedAttentionKernels,
  type FusedAttentionProblem,
  type FusedAttentionResult,
  sizeOf,
} from '@seqlab/tensor-core';
import { allocFor, runtime, stage } from './context.js';
import { PARALLEL_MIN_FLOPS } from './kernels/matmul.js';
import { TASK_PTR, writeTaskWords } from './layout.js';
import { runHere } from './thread-pool.js';

/** Task kinds of assembly/task.ts. */
const TASK_ATTENTION_FORWARD = 2;
const TASK_ATTENTION_BACKWARD = 3;
/** Most chunks one task may have (its claim word counts them in 16 bits). */
const MAX_CHUNKS = 0xfffe;

// Field indices of the i32 problem record read by assembly/attention.ts.
const F = {
  batch: 0,
  heads: 1,
  L: 2,
  S: 3,
  D: 4,
  Dv: 5,
  q: 6,
  k: 10,
  v: 14,
  scale: 18,
  causal: 19,
  causalOffset: 20,
  mask: 21,
  bias: 26,
  dropout: 31,
  out: 32,
  probs: 36,
  gradOut: 37,
  gradWeights: 38,
  gradQ: 39,
  gradK: 40,
  gradV: 41,
  scratch: 42,
  scratchStride: 43,
} as const;
const RECORD_FIELDS = 44;

function checkFloat32(op: string, problem: FusedAttentionProblem): void {
  if (problem.dtype !== 'float32') {
    throw new DTypeMismatchError(
      `${op}: the wasm backend computes attention in float32; received problem dtype ${problem.dtype} (keep float64 on the 'cpu' backend)`,
    );
  }
}

/** Byte address of an operand's element `(0, 0, 0, 0)` in this call's memory. */
const operandAddress = (op: AttentionOperand): number => stage(op.handle) + op.offset * 4;

/**
 * Stages every storage the problem reads, then writes the record at a fresh block and returns its address.
 * `extra` fills the fields of the pass (results, gradients); it runs after all staging, so memory cannot grow
 * under the record's view afterwards except through the scratch allocation, which comes first.
 */
function writeRecord(p: FusedAttentionProblem, threads: number, extra: (rec: Int32Array, at: number) => void): number {
  const rt = runtime();
  const addresses = {
    q: operandAddress(p.q),
    k: operandAddress(p.k),
    v: operandAddress(p.v),
    mask: p.mask === null ? 0 : stage(p.mask.handle),
    bias: p.bias === null ? 0 : stage(p.bias.handle),
    dropout: p.dropout === null ? 0 : stage(p.dropout),
  };
  const stride = Math.ceil(rt.exports.attentionScratchBytes(p.queryLength, p.keyLength, p.headDim, p.valueDim) / 64) * 64;
  const scratch = rt.heap.alloc(stride * threads);
  const at = rt.heap.alloc(RECORD_FIELDS * 4);
  const rec = rt.heap.i32,
    f32 = rt.heap.f32;
  const base = at >>> 2;
  const put = (field: number, value: number): void => void (rec[base + field] = value);
  put(F.batch, p.batch);
  put(F.heads, p.heads);
  put(F.L, p.queryLength);
  put(F.S, p.keyLength);
  put(F.D, p.headDim);
  put(F.Dv, p.valueDim);
  const operand = (field: number, address: number, op: AttentionOperand): void => {
    put(field, address);
    put(field + 1, op.batchStride);
    put(field + 2, op.headStride);
    put(field + 3, op.rowStride);
  };
  operand(F.q, addresses.q, p.q);
  operand(F.k, addresses.k, p.k);
  operand(F.v, addresses.v, p.v);
  f32[base + F.scale] = p.scale;
  put(F.causal, p.causalOffset === null ? 0 : 1);
  put(F.causalOffset, p.causalOffset ?? 0);
  const broadcast = (field: number, address: number, m: AttentionMaskOperand | null): void => {
    put(field, address);
    put(field + 1, m?.batchStride ?? 0);
    put(field + 2, m?.headStride ?? 0);
    put(field + 3, m?.rowStride ?? 0);
    put(field + 4, m?.colStride ?? 0);
  };
  broadcast(F.mask, addresses.mask, p.mask);
  broadcast(F.bias, addresses.bias, p.bias);
  put(F.dropout, addresses.dropout);
  put(F.out, 0);
  put(F.out + 1, p.outStrides[0]);
  put(F.out + 2, p.outStrides[1]);
  put(F.out + 3, p.outStrides[2]);
  for (let field = F.probs; field <= F.gradV; field++) put(field, 0);
  put(F.scratch, scratch);
  put(F.scratchStride, stride);
  extra(rec, base);
  return at;
}

/** Threads to plan scratch for: the pool's count when the problem is big enough to share, else 1. */
function plannedThreads(p: FusedAttentionProblem): number {
  const rt = runtime();
  const flops = 2 * p.batch * p.heads * p.queryLength * p.keyLength * (p.headDim + p.valueDim);
  return rt.shared && rt.threadCount > 1 && flops >= PARALLEL_MIN_FLOPS ? rt.threadCount : 1;
}

/** Runs `kind` over `total` pairs in chunks of `perChunk`, on the worker pool when `threads` > 1 and it takes the task. */
function runPairs(kind: number, record: number, total: number, perChunk: number, threads: number, flops: number): void {
  const rt = runtime();
  const per = Math.max(perChunk, Math.ceil(total / MAX_CHUNKS));
  const chunks = Math.ceil(total / per);
  let pool = threads > 1 ? rt.workerPool() : undefined;
  if (pool && !pool.take(flops)) pool = undefined;
  const i32 = rt.heap.i32;
  const fill = (share: number) => (): void => writeTaskWords(i32, kind, chunks, [record, per, total], share);
  if (pool && chunks > 1) pool.run(rt.exports, i32, TASK_PTR, fill(threads), flops);
  else runHere(rt.exports, i32, TASK_PTR, fill(1));
}

function attention(p: FusedAttentionProblem, saveProbs: boolean): FusedAttentionResult {
  checkFloat32('attention', p);
  const { batch: B, heads: H, queryLength: L, keyLength: S, valueDim: Dv } = p;
  const out = allocFor('float32', B * H * L * Dv);
  const probs = saveProbs ? allocFor('float32', B * H * L * S) : 0;
  if (B * H * L === 0) return { out, probs: saveProbs ? probs : null };
  const threads = plannedThreads(p);
  const record = writeRecord(p, threads, (rec, base) => {
    rec[base + F.out] = out;
    rec[base + F.probs] = probs;
  });
  const flops = 2 * B * H * L * S * (p.headDim + Dv);
  runPairs(TASK_ATTENTION_FORWARD, record, B * H, 1, threads, flops);
  // The framed call turns these addresses into typed arrays (see framed.ts).
  return { out, probs: saveProbs ? probs : null };
}

/**
 * Whether backward chunks of whole batch entries write disjoint gradient ranges: every operand of a slot moves by
 * the same positive batch stride, and one entry's rows of all of them fit inside that stride.
 */
function batchEntriesDisjoint(p: FusedAttentionProblem, slots: readonly [number, number, number]): boolean {
  const ops: [AttentionOperand, number, number][] = [
    [p.q, p.queryLength, p.headDim],
    [p.k, p.keyLength, p.headDim],
    [p.v, p.keyLength, p.valueDim],
  ];
  for (let s = 0; s < 3; s++) {
    let lo = Infinity,
      hi = -Infinity;
    for (let o = 0; o < 3; o++) {
      if (slots[o] !== slots[s]) continue;
      const [op, rows, cols] = ops[o];
      if (op.batchStride !== ops[s][0].batchStride || op.batchStride <= 0 || op.headStride < 0 || op.rowStride < 0) return false;
      lo = Math.min(lo, op.offset);
      hi = Math.max(hi, op.offset + (p.heads - 1) * op.headStride + (rows - 1) * op.rowStride + cols);
    }
    if (hi - lo > ops[s][0].batchStride) return false;
  }
  return true;
}

function attentionBackward(p: FusedAttentionProblem, args: FusedAttentionBackwardArgs): DataHandle[] {
  checkFloat32('attentionBackward', p);
  const rt = runtime();
  const grads = args.slotShapes.map((shape) => {
    const n = sizeOf(shape);
    const at = allocFor('float32', n);
    rt.heap.u8.fill(0, at, at + n * 4);
    return at;
  });
  const { batch: B, heads: H, queryLength: L, keyLength: S } = p;
  if (B * H * L * S > 0) {
    const probs = stage(args.probs),
      gradOut = stage(args.gradOut);
    const gradWeights = args.gradWeights === null ? 0 : stage(args.gradWeights);
    const disjoint = batchEntriesDisjoint(p, args.slots);
    const threads = disjoint && B > 1 ? plannedThreads(p) : 1;
    const record = writeRecord(p, threads, (rec, base) => {
      rec[base + F.probs] = probs;
      rec[base + F.gradOut] = gradOut;
      rec[base + F.gradWeights] = gradWeights;
      rec[base + F.gradQ] = grads[args.slots[0]] + p.q.offset * 4;
      rec[base + F.gradK] = grads[args.slots[1]] + p.k.offset * 4;
      rec[base + F.gradV] = grads[args.slots[2]] + p.v.offset * 4;
    });
    const flops = 4 * B * H * L * S * (p.headDim + p.valueDim);
    runPairs(TASK_ATTENTION_BACKWARD, record, B * H, H, threads, flops);
  }
  return grads;
}

/** The wasm backend's fused attention kernels (tensor-core's `FusedAttentionKernels`), float32 only. */
export const fusedAttentionKernels: FusedAttentionKernels = { attention, attentionBackward };
