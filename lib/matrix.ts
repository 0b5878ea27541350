// lib/matrix.ts — the course's small "numpy": dense row-major float64 matrices.
// 行列クラス: 行優先 (row-major) の Float64Array。すべてのメソッドは新しい Matrix を返し、
// 引数を書き換えません。形が合わないときは両方の形を示す Error を投げます。
import { gemm } from './matmul/index.ts';
import type { Rng } from './random.ts';

const enum Op { Add, Sub, Mul, Div }

// Captured at import, before any student code runs (STYLE: primordials): replacing Math.sqrt or
// Buffer later changes nothing here.
const { sqrt, exp, log, abs } = Math;
const allocUnsafeSlow: ((size: number) => Uint8Array) | undefined =
  typeof globalThis.Buffer?.allocUnsafeSlow === 'function' ? globalThis.Buffer.allocUnsafeSlow.bind(globalThis.Buffer) : undefined;

/**
 * From this size on, results that are about to be overwritten completely skip the zero-fill of
 * `new Float64Array` (~20% of an elementwise op at the training's sizes, measured). Below it, the
 * zero-fill costs little. allocUnsafeSlow, not allocUnsafe: its memory is never Buffer's shared
 * pool, so `data.buffer` holds this matrix's values and nothing else.
 */
const UNINIT_MIN_BYTES = 4096;

/** A rows×cols matrix whose data the caller overwrites completely before anyone else can see it. */
function blank(rows: number, cols: number): Matrix {
  const n = rows * cols;
  if (allocUnsafeSlow === undefined || n * 8 < UNINIT_MIN_BYTES) return new Matrix(rows, cols);
  const bytes = allocUnsafeSlow(n * 8);
  return new Matrix(rows, cols, new Float64Array(bytes.buffer, bytes.byteOffset, n));
}

function shapeOf(m: Matrix): string {
  return `(${m.rows}×${m.cols})`;
}

function checkDims(what: string, rows: number, cols: number): void {
  if (!Number.isInteger(rows) || !Number.isInteger(cols) || rows < 0 || cols < 0) {
    throw new Error(`${what}: rows and cols must be non-negative integers, got ${rows}×${cols}`);
  }
}

export class Matrix {
  readonly rows: number;
  readonly cols: number;
  readonly data: Float64Array;

  constructor(rows: number, cols: number, data?: Float64Array) {
    checkDims('Matrix', rows, cols);
    if (data !== undefined) {
      if (!(data instanceof Float64Array)) {
        throw new Error(`Matrix: data must be a Float64Array, got ${Object.prototype.toString.call(data)}`);
      }
      if (data.length !== rows * cols) {
        throw new Error(`Matrix: ${rows}×${cols} needs ${rows * cols} values, data has ${data.length}`);
      }
    }
    this.rows = rows;
    this.cols = cols;
    this.data = data ?? new Float64Array(rows * cols);
  }

  static zeros(rows: number, cols: number): Matrix {
    return new Matrix(rows, cols);
  }

  static fromRows(rows: number[][]): Matrix {
    const r = rows.length;
    const c = r === 0 ? 0 : rows[0].length;
    const m = new Matrix(r, c);
    rows.forEach((row, i) => {
      if (row.length !== c) {
        throw new Error(`Matrix.fromRows: row 0 has ${c} values, row ${i} has ${row.length}`);
      }
      m.data.set(row, i * c);
    });
    return m;
  }

  /** Entries N(0, std²), drawn in data order (row by row). */
  static randn(rows: number, cols: number, rng: Rng, std = 1): Matrix {
    const m = new Matrix(rows, cols);
    for (let i = 0; i < m.data.length; i++) m.data[i] = std * rng.normal();
    return m;
  }

  get shape(): [number, number] {
    return [this.rows, this.cols];
  }

  get(i: number, j: number): number {
    this.checkIndex('get', i, j);
    return this.data[i * this.cols + j];
  }

  set(i: number, j: number, v: number): void {
    this.checkIndex('set', i, j);
    this.data[i * this.cols + j] = v;
  }

  /** Matrix product A·B: (m×k)·(k×n) → (m×n). */
  matmul(b: Matrix): Matrix {
    if (!(b instanceof Matrix)) throw new Error(`matmul: expected a Matrix, got ${describe(b)}`);
    if (this.cols !== b.rows) {
      throw new Error(`matmul: ${shapeOf(this)}·${shapeOf(b)} — inner sizes differ (${this.cols} ≠ ${b.rows})`);
    }
    const out = blank(this.rows, b.cols); // gemm overwrites it
    gemm(this.data, b.data, out.data, this.rows, this.cols, b.cols);
    return out;
  }

  /** Aᵀ. Eight rows of A at a time: each write fills one cache line (8 values) of a row of Aᵀ,
   * and the eight rows' segments read stay in L1 (blocks of 256 columns). */
  transpose(): Matrix {
    const { rows, cols, data } = this;
    const out = blank(cols, rows);
    const o = out.data;
    const JB = 256;
    let i = 0;
    for (; i + 8 <= rows; i += 8) {
      const r = i * cols;
      for (let j0 = 0; j0 < cols; j0 += JB) {
        const j1 = Math.min(j0 + JB, cols);
        for (let j = j0; j < j1; j++) {
          const w = j * rows + i, s = r + j;
          o[w] = data[s];
          o[w + 1] = data[s + cols];
          o[w + 2] = data[s + 2 * cols];
          o[w + 3] = data[s + 3 * cols];
          o[w + 4] = data[s + 4 * cols];
          o[w + 5] = data[s + 5 * cols];
          o[w + 6] = data[s + 6 * cols];
          o[w + 7] = data[s + 7 * cols];
        }
      }
    }
    for (; i < rows; i++) {
      const r = i * cols;
      for (let j = 0; j < cols; j++) o[j * rows + i] = data[r + j];
    }
    return out;
  }

  add(b: Matrix | number): Matrix { return this.zip('add', b, Op.Add); }
  sub(b: Matrix | number): Matrix { return this.zip('sub', b, Op.Sub); }
  /** Elementwise product (⊙) or scaling by a number. */
  mul(b: Matrix | number): Matrix { return this.zip('mul', b, Op.Mul); }
  div(b: Matrix | number): Matrix { return this.zip('div', b, Op.Div); }

  map(f: (v: number, i: number, j: number) => number): Matrix {
    if (typeof f !== 'function') throw new Error(`map: expected a function, got ${describe(f)}`);
    const { rows, cols, data } = this;
    const out = blank(rows, cols);
    const o = out.data, n = data.length;
    // Math's own functions get a loop of their own: called through f, from a call site that
    // sees many functions, Math.sqrt costs ~20 ns a value; called directly, it is one instruction.
    if (f === sqrt) { for (let k = 0; k < n; k++) o[k] = sqrt(data[k]); return out; }
    if (f === exp) { for (let k = 0; k < n; k++) o[k] = exp(data[k]); return out; }
    if (f === log) { for (let k = 0; k < n; k++) o[k] = log(data[k]); return out; }
    if (f === abs) { for (let k = 0; k < n; k++) o[k] = abs(data[k]); return out; }
    for (let i = 0, k = 0; i < rows; i++) {
      for (let j = 0; j < cols; j++, k++) o[k] = f(data[k], i, j);
    }
    return out;
  }

  sum(): number {
    let s = 0;
    for (let i = 0; i < this.data.length; i++) s += this.data[i];
    return s;
  }

  clone(): Matrix {
    const out = blank(this.rows, this.cols);
    out.data.set(this.data);
    return out;
  }

  toString(): string {
    return `Matrix${shapeOf(this)}`;
  }

  private zip(name: string, b: Matrix | number, op: Op): Matrix {
    if (typeof b !== 'number' && !(b instanceof Matrix)) {
      throw new Error(`${name}: expected a Matrix or a number, got ${describe(b)}`);
    }
    if (typeof b !== 'number' && (b.rows !== this.rows || b.cols !== this.cols)) {
      throw new Error(`${name}: shapes differ, ${shapeOf(this)} and ${shapeOf(b)}`);
    }
    const out = blank(this.rows, this.cols);
    const a = this.data, o = out.data, n = a.length;
    if (typeof b === 'number') {
      switch (op) {
        case Op.Add: addScalar(a, b, o, n); break;
        case Op.Sub: subScalar(a, b, o, n); break;
        case Op.Mul: mulScalar(a, b, o, n); break;
        case Op.Div: divScalar(a, b, o, n); break;
      }
    } else {
      switch (op) {
        case Op.Add: addEach(a, b.data, o, n); break;
        case Op.Sub: subEach(a, b.data, o, n); break;
        case Op.Mul: mulEach(a, b.data, o, n); break;
        case Op.Div: divEach(a, b.data, o, n); break;
      }
    }
    return out;
  }

  private checkIndex(what: string, i: number, j: number): void {
    if (!(i >= 0 && i < this.rows && j >= 0 && j < this.cols) || !Number.isInteger(i) || !Number.isInteger(j)) {
      throw new Error(`${what}(${i}, ${j}): index outside ${shapeOf(this)}`);
    }
  }
}

function describe(v: unknown): string {
  if (v === null) return 'null';
  if (typeof v === 'object') return (v as object).constructor?.name ?? 'object';
  return typeof v;
}

// The elementwise loops: one function per operation rather than one loop calling a closure (that
// call site would see four functions, turn megamorphic and run several times slower), unrolled
// by eight because V8 does not vectorise and a plain loop spends more on its own bookkeeping than
// on the arithmetic (measured: 0.7 instead of 1.35 ns a value). Same operations, same results.
type F64 = Float64Array;
function addEach(a: F64, c: F64, o: F64, n: number): void {
  let i = 0;
  for (; i + 8 <= n; i += 8) {
    o[i] = a[i] + c[i]; o[i + 1] = a[i + 1] + c[i + 1]; o[i + 2] = a[i + 2] + c[i + 2]; o[i + 3] = a[i + 3] + c[i + 3];
    o[i + 4] = a[i + 4] + c[i + 4]; o[i + 5] = a[i + 5] + c[i + 5]; o[i + 6] = a[i + 6] + c[i + 6]; o[i + 7] = a[i + 7] + c[i + 7];
  }
  for (; i < n; i++) o[i] = a[i] + c[i];
}
function subEach(a: F64, c: F64, o: F64, n: number): void {
  let i = 0;
  for (; i + 8 <= n; i += 8) {
    o[i] = a[i] - c[i]; o[i + 1] = a[i + 1] - c[i + 1]; o[i + 2] = a[i + 2] - c[i + 2]; o[i + 3] = a[i + 3] - c[i + 3];
    o[i + 4] = a[i + 4] - c[i + 4]; o[i + 5] = a[i + 5] - c[i + 5]; o[i + 6] = a[i + 6] - c[i + 6]; o[i + 7] = a[i + 7] - c[i + 7];
  }
  for (; i < n; i++) o[i] = a[i] - c[i];
}
function mulEach(a: F64, c: F64, o: F64, n: number): void {
  let i = 0;
  for (; i + 8 <= n; i += 8) {
    o[i] = a[i] * c[i]; o[i + 1] = a[i + 1] * c[i + 1]; o[i + 2] = a[i + 2] * c[i + 2]; o[i + 3] = a[i + 3] * c[i + 3];
    o[i + 4] = a[i + 4] * c[i + 4]; o[i + 5] = a[i + 5] * c[i + 5]; o[i + 6] = a[i + 6] * c[i + 6]; o[i + 7] = a[i + 7] * c[i + 7];
  }
  for (; i < n; i++) o[i] = a[i] * c[i];
}
function divEach(a: F64, c: F64, o: F64, n: number): void {
  let i = 0;
  for (; i + 8 <= n; i += 8) {
    o[i] = a[i] / c[i]; o[i + 1] = a[i + 1] / c[i + 1]; o[i + 2] = a[i + 2] / c[i + 2]; o[i + 3] = a[i + 3] / c[i + 3];
    o[i + 4] = a[i + 4] / c[i + 4]; o[i + 5] = a[i + 5] / c[i + 5]; o[i + 6] = a[i + 6] / c[i + 6]; o[i + 7] = a[i + 7] / c[i + 7];
  }
  for (; i < n; i++) o[i] = a[i] / c[i];
}
function addScalar(a: F64, b: number, o: F64, n: number): void {
  let i = 0;
  for (; i + 8 <= n; i += 8) {
    o[i] = a[i] + b; o[i + 1] = a[i + 1] + b; o[i + 2] = a[i + 2] + b; o[i + 3] = a[i + 3] + b;
    o[i + 4] = a[i + 4] + b; o[i + 5] = a[i + 5] + b; o[i + 6] = a[i + 6] + b; o[i + 7] = a[i + 7] + b;
  }
  for (; i < n; i++) o[i] = a[i] + b;
}
function subScalar(a: F64, b: number, o: F64, n: number): void {
  let i = 0;
  for (; i + 8 <= n; i += 8) {
    o[i] = a[i] - b; o[i + 1] = a[i + 1] - b; o[i + 2] = a[i + 2] - b; o[i + 3] = a[i + 3] - b;
    o[i + 4] = a[i + 4] - b; o[i + 5] = a[i + 5] - b; o[i + 6] = a[i + 6] - b; o[i + 7] = a[i + 7] - b;
  }
  for (; i < n; i++) o[i] = a[i] - b;
}
function mulScalar(a: F64, b: number, o: F64, n: number): void {
  let i = 0;
  for (; i + 8 <= n; i += 8) {
    o[i] = a[i] * b; o[i + 1] = a[i + 1] * b; o[i + 2] = a[i + 2] * b; o[i + 3] = a[i + 3] * b;
    o[i + 4] = a[i + 4] * b; o[i + 5] = a[i + 5] * b; o[i + 6] = a[i + 6] * b; o[i + 7] = a[i + 7] * b;
  }
  for (; i < n; i++) o[i] = a[i] * b;
}
function divScalar(a: F64, b: number, o: F64, n: number): void {
  let i = 0;
  for (; i + 8 <= n; i += 8) {
    o[i] = a[i] / b; o[i + 1] = a[i + 1] / b; o[i + 2] = a[i + 2] / b; o[i + 3] = a[i + 3] / b;
    o[i + 4] = a[i + 4] / b; o[i + 5] = a[i + 5] / b; o[i + 6] = a[i + 6] / b; o[i + 7] = a[i + 7] / b;
  }
  for (; i < n; i++) o[i] = a[i] / b;
}

/** [1; m]: a row of ones on top (the bias row, lecture: (1, xᵀ)ᵀ). */
export function addBiasRow(m: Matrix): Matrix {
  const out = blank(m.rows + 1, m.cols);
  out.data.fill(1, 0, m.cols);
  out.data.set(m.data, m.cols);
  return out;
}

/** W̃: w without its first (bias) column. */
export function dropBiasColumn(w: Matrix): Matrix {
  if (w.cols < 1) throw new Error(`dropBiasColumn: ${shapeOf(w)} has no column to drop`);
  const out = blank(w.rows, w.cols - 1);
  for (let i = 0; i < w.rows; i++) {
    out.data.set(w.data.subarray(i * w.cols + 1, (i + 1) * w.cols), i * out.cols);
  }
  return out;
}
