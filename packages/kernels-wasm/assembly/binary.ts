// Broadcasting elementwise kernels of two or three inputs: arithmetic, comparisons, logic and where.
//
// The caller coalesces dimensions and passes, at `dims`, four i32 arrays of length `rank`: the output shape and
// each input's element strides (0 where it broadcasts), then counter space. The walker visits the output one
// row (last dimension) at a time; each row loop is specialised for the stride pattern, with f32x4/i32x4 bodies
// when both inputs are contiguous or one is a broadcast scalar.

// Families of `code` (family + op index); op order matches src/kernels/binary.ts.
const F32 = 0, I32 = 16, CMP_F32 = 32, CMP_I32 = 48, CMP_U8 = 64, LOGIC = 80;
const ADD = 0, SUB = 1, MUL = 2, DIV = 3, POW = 4, MAXIMUM = 5, MINIMUM = 6;
const EQ = 0, NE = 1, LT = 2, LE = 3, GT = 4, GE = 5;
const AND = 0, OR = 1, XOR = 2;

@inline
function opF32(op: i32, x: f32, y: f32): f32 {
  switch (op) {
    case ADD: return x + y;
    case SUB: return x - y;
    case MUL: return x * y;
    case DIV: return x / y;
    case POW: return <f32>Math.pow(<f64>x, <f64>y);
    // NaN in either operand propagates, as in the CPU backend.
    case MAXIMUM: return x > y || x != x ? x : y;
    default: return x < y || x != x ? x : y;
  }
}

@inline
function opVecF32(op: i32, x: v128, y: v128): v128 {
  switch (op) {
    case ADD: return f32x4.add(x, y);
    case SUB: return f32x4.sub(x, y);
    case MUL: return f32x4.mul(x, y);
    case DIV: return f32x4.div(x, y);
    case MAXIMUM: return f32x4.max(x, y);
    default: return f32x4.min(x, y);
  }
}

// JavaScript's ToInt32 of a double: what an Int32Array store does in the CPU backend.
@inline
function toInt32(v: f64): i32 {
  if (!isFinite(v)) return 0;
  const t = Math.trunc(v);
  return <i32><i64>(t - Math.floor(t / 4294967296.0) * 4294967296.0);
}

@inline
function opI32(op: i32, x: i32, y: i32): i32 {
  switch (op) {
    case ADD: return x + y;
    case SUB: return x - y;
    case MUL: return x * y;
    // Truncating division; x/0 gives 0 and MIN/-1 wraps, as ToInt32(x / y) does.
    case DIV: return y == 0 ? 0 : (y == -1 ? -x : x / y);
    case POW: return toInt32(Math.pow(<f64>x, <f64>y));
    case MAXIMUM: return x > y ? x : y;
    default: return x < y ? x : y;
  }
}

@inline
function hasVecI32(op: i32): bool {
  return op == ADD || op == SUB || op == MUL || op == MAXIMUM || op == MINIMUM;
}

@inline
function opVecI32(op: i32, x: v128, y: v128): v128 {
  switch (op) {
    case ADD: return i32x4.add(x, y);
    case SUB: return i32x4.sub(x, y);
    case MUL: return i32x4.mul(x, y);
    case MAXIMUM: return i32x4.max_s(x, y);
    default: return i32x4.min_s(x, y);
  }
}

@inline
function rowF32(op: i32, a: usize, sa: i32, b: usize, sb: i32, o: usize, n: i32): void {
  let i = 0;
  if (op != POW) {
    if (sa == 1 && sb == 1) {
      for (; i + 4 <= n; i += 4) {
        const k = <usize>i << 2;
        v128.store(o + k, opVecF32(op, v128.load(a + k), v128.load(b + k)));
      }
    } else if (sa == 1 && sb == 0) {
      const vb = v128.load32_splat(b);
      for (; i + 4 <= n; i += 4) {
        const k = <usize>i << 2;
        v128.store(o + k, opVecF32(op, v128.load(a + k), vb));
      }
    } else if (sa == 0 && sb == 1) {
      const va = v128.load32_splat(a);
      for (; i + 4 <= n; i += 4) {
        const k = <usize>i << 2;
        v128.store(o + k, opVecF32(op, va, v128.load(b + k)));
      }
    }
  }
  const ja = <usize>sa << 2, jb = <usize>sb << 2;
  let pa = a + <usize>i * ja, pb = b + <usize>i * jb;
  for (; i < n; i++) {
    store<f32>(o + (<usize>i << 2), opF32(op, load<f32>(pa), load<f32>(pb)));
    pa += ja;
    pb += jb;
  }
}

@inline
function rowI32(op: i32, a: usize, sa: i32, b: usize, sb: i32, o: usize, n: i32): void {
  let i = 0;
  if (hasVecI32(op)) {
    if (sa == 1 && sb == 1) {
      for (; i + 4 <= n; i += 4) {
        const k = <usize>i << 2;
        v128.store(o + k, opVecI32(op, v128.load(a + k), v128.load(b + k)));
      }
    } else if (sa == 1 && sb == 0) {
      const vb = v128.load32_splat(b);
      for (; i + 4 <= n; i += 4) {
        const k = <usize>i << 2;
        v128.store(o + k, opVecI32(op, v128.load(a + k), vb));
      }
    } else if (sa == 0 && sb == 1) {
      const va = v128.load32_splat(a);
      for (; i + 4 <= n; i += 4) {
        const k = <usize>i << 2;
        v128.store(o + k, opVecI32(op, va, v128.load(b + k)));
      }
    }
  }
  const ja = <usize>sa << 2, jb = <usize>sb << 2;
  let pa = a + <usize>i * ja, pb = b + <usize>i * jb;
  for (; i < n; i++) {
    store<i32>(o + (<usize>i << 2), opI32(op, load<i32>(pa), load<i32>(pb)));
    pa += ja;
    pb += jb;
  }
}

@inline
function cmp<T>(op: i32, x: T, y: T): u8 {
  switch (op) {
    case EQ: return <u8>(x == y);
    case NE: return <u8>(x != y);
    case LT: return <u8>(x < y);
    case LE: return <u8>(x <= y);
    case GT: return <u8>(x > y);
    default: return <u8>(x >= y);
  }
}

@inline
function rowCmp<T>(op: i32, a: usize, sa: i32, b: usize, sb: i32, o: usize, n: i32): void {
  const ja = <usize>sa * sizeof<T>(), jb = <usize>sb * sizeof<T>();
  let pa = a, pb = b;
  for (let i = 0; i < n; i++) {
    store<u8>(o + <usize>i, cmp<T>(op, load<T>(pa), load<T>(pb)));
    pa += ja;
    pb += jb;
  }
}

@inline
function rowLogic(op: i32, a: usize, sa: i32, b: usize, sb: i32, o: usize, n: i32): void {
  let pa = a, pb = b;
  for (let i = 0; i < n; i++) {
    const x = load<u8>(pa), y = load<u8>(pb);
    store<u8>(o + <usize>i, op == AND ? x & y : op == OR ? x | y : x ^ y);
    pa += <usize>sa;
    pb += <usize>sb;
  }
}

// One output row of `code`; the switch runs once per row, the specialised loop once per element.
function row2(code: i32, a: usize, sa: i32, b: usize, sb: i32, o: usize, n: i32): void {
  switch (code) {
    case F32 + ADD: rowF32(ADD, a, sa, b, sb, o, n); break;
    case F32 + SUB: rowF32(SUB, a, sa, b, sb, o, n); break;
    case F32 + MUL: rowF32(MUL, a, sa, b, sb, o, n); break;
    case F32 + DIV: rowF32(DIV, a, sa, b, sb, o, n); break;
    case F32 + POW: rowF32(POW, a, sa, b, sb, o, n); break;
    case F32 + MAXIMUM: rowF32(MAXIMUM, a, sa, b, sb, o, n); break;
    case F32 + MINIMUM: rowF32(MINIMUM, a, sa, b, sb, o, n); break;
    case I32 + ADD: rowI32(ADD, a, sa, b, sb, o, n); break;
    case I32 + SUB: rowI32(SUB, a, sa, b, sb, o, n); break;
    case I32 + MUL: rowI32(MUL, a, sa, b, sb, o, n); break;
    case I32 + DIV: rowI32(DIV, a, sa, b, sb, o, n); break;
    case I32 + POW: rowI32(POW, a, sa, b, sb, o, n); break;
    case I32 + MAXIMUM: rowI32(MAXIMUM, a, sa, b, sb, o, n); break;
    case I32 + MINIMUM: rowI32(MINIMUM, a, sa, b, sb, o, n); break;
    case CMP_F32 + EQ: rowCmp<f32>(EQ, a, sa, b, sb, o, n); break;
    case CMP_F32 + NE: rowCmp<f32>(NE, a, sa, b, sb, o, n); break;
    case CMP_F32 + LT: rowCmp<f32>(LT, a, sa, b, sb, o, n); break;
    case CMP_F32 + LE: rowCmp<f32>(LE, a, sa, b, sb, o, n); break;
    case CMP_F32 + GT: rowCmp<f32>(GT, a, sa, b, sb, o, n); break;
    case CMP_F32 + GE: rowCmp<f32>(GE, a, sa, b, sb, o, n); break;
    case CMP_I32 + EQ: rowCmp<i32>(EQ, a, sa, b, sb, o, n); break;
    case CMP_I32 + NE: rowCmp<i32>(NE, a, sa, b, sb, o, n); break;
    case CMP_I32 + LT: rowCmp<i32>(LT, a, sa, b, sb, o, n); break;
    case CMP_I32 + LE: rowCmp<i32>(LE, a, sa, b, sb, o, n); break;
    case CMP_I32 + GT: rowCmp<i32>(GT, a, sa, b, sb, o, n); break;
    case CMP_I32 + GE: rowCmp<i32>(GE, a, sa, b, sb, o, n); break;
    case CMP_U8 + EQ: rowCmp<u8>(EQ, a, sa, b, sb, o, n); break;
    case CMP_U8 + NE: rowCmp<u8>(NE, a, sa, b, sb, o, n); break;
    case CMP_U8 + LT: rowCmp<u8>(LT, a, sa, b, sb, o, n); break;
    case CMP_U8 + LE: rowCmp<u8>(LE, a, sa, b, sb, o, n); break;
    case CMP_U8 + GT: rowCmp<u8>(GT, a, sa, b, sb, o, n); break;
    case CMP_U8 + GE: rowCmp<u8>(GE, a, sa, b, sb, o, n); break;
    case LOGIC + AND: rowLogic(AND, a, sa, b, sb, o, n); break;
    case LOGIC + OR: rowLogic(OR, a, sa, b, sb, o, n); break;
    case LOGIC + XOR: rowLogic(XOR, a, sa, b, sb, o, n); break;
    default: break;
  }
}

@inline
function inputBytes(code: i32): usize {
  return code >= CMP_U8 ? 1 : 4;
}

@inline
function outputBytes(code: i32): usize {
  return code >= CMP_F32 ? 1 : 4;
}

/**
 * Broadcasting two-input kernel `code` (family + op) of a, b into the contiguous out. `dims` holds shape,
 * strides of a, strides of b and counters, each `rank` i32s; strides are in elements.
 */
export function broadcast2(code: i32, a: usize, b: usize, out: usize, rank: i32, dims: usize): void {
  const shape = dims, stA = dims + (<usize>rank << 2), stB = stA + (<usize>rank << 2), counters = stB + (<usize>rank << 2);
  const last = <usize>(rank - 1) << 2;
  const n = load<i32>(shape + last), sa = load<i32>(stA + last), sb = load<i32>(stB + last);
  const ib = inputBytes(code), ob = outputBytes(code);
  let rows = 1;
  for (let d = 0; d < rank - 1; d++) {
    rows *= load<i32>(shape + (<usize>d << 2));
    store<i32>(counters + (<usize>d << 2), 0);
  }
  let ao: isize = 0, bo: isize = 0;
  let o = out;
  const rowBytes = <usize>n * ob;
  for (let r = 0; r < rows; r++) {
    row2(code, a + <usize>ao * ib, sa, b + <usize>bo * ib, sb, o, n);
    o += rowBytes;
    for (let d = rank - 2; d >= 0; d--) {
      const k = <usize>d << 2;
      const c = load<i32>(counters + k) + 1;
      const dim = load<i32>(shape + k);
      const da = load<i32>(stA + k), db = load<i32>(stB + k);
      if (c < dim) {
        store<i32>(counters + k, c);
        ao += da;
        bo += db;
        break;
      }
      store<i32>(counters + k, 0);
      ao -= <isize>da * (dim - 1);
      bo -= <isize>db * (dim - 1);
    }
  }
}

/**
 * Broadcasting `cond ? a : b` into out: cond is bool (u8), a/b/out have `bytes` (1 or 4) per element. `dims` holds
 * shape, strides of cond, a and b, then counters, each `rank` i32s.
 */
export function where3(bytes: i32, cond: usize, a: usize, b: usize, out: usize, rank: i32, dims: usize): void {
  const r4 = <usize>rank << 2;
  const shape = dims, stC = dims + r4, stA = stC + r4, stB = stA + r4, counters = stB + r4;
  const last = <usize>(rank - 1) << 2;
  const n = load<i32>(shape + last);
  const sc = <usize>load<i32>(stC + last), sa = <usize>load<i32>(stA + last) * bytes, sb = <usize>load<i32>(stB + last) * bytes;
  let rows = 1;
  for (let d = 0; d < rank - 1; d++) {
    rows *= load<i32>(shape + (<usize>d << 2));
    store<i32>(counters + (<usize>d << 2), 0);
  }
  let co: isize = 0, ao: isize = 0, bo: isize = 0;
  let o = out;
  for (let r = 0; r < rows; r++) {
    let pc = cond + <usize>co, pa = a + <usize>ao * bytes, pb = b + <usize>bo * bytes;
    if (bytes == 4) {
      for (let i = 0; i < n; i++) {
        store<i32>(o, load<u8>(pc) ? load<i32>(pa) : load<i32>(pb));
        o += 4;
        pc += sc;
        pa += sa;
        pb += sb;
      }
    } else {
      for (let i = 0; i < n; i++) {
        store<u8>(o, load<u8>(pc) ? load<u8>(pa) : load<u8>(pb));
        o += 1;
        pc += sc;
        pa += sa;
        pb += sb;
      }
    }
    for (let d = rank - 2; d >= 0; d--) {
      const k = <usize>d << 2;
      const c = load<i32>(counters + k) + 1;
      const dim = load<i32>(shape + k);
      const dc = load<i32>(stC + k), da = load<i32>(stA + k), db = load<i32>(stB + k);
      if (c < dim) {
        store<i32>(counters + k, c);
        co += dc;
        ao += da;
        bo += db;
        break;
      }
      store<i32>(counters + k, 0);
      co -= <isize>dc * (dim - 1);
      ao -= <isize>da * (dim - 1);
      bo -= <isize>db * (dim - 1);
    }
  }
}
