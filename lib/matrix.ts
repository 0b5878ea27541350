// lib/matrix.ts — the course's small "numpy": dense row-major float64 matrices.
// 行列クラス: 行優先 (row-major) の Float64Array。すべてのメソッドは新しい Matrix を返し、
// 引数を書き換えません。形が合わないときは両方の形を示す Error を投げます。
import { gemm } from './matmul/index.ts';
import type { Rng } from './random.ts';

const enum Op { Add, Sub, Mul, Div }

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
    const out = new Matrix(this.rows, b.cols);
    gemm(this.data, b.data, out.data, this.rows, this.cols, b.cols);
    return out;
  }

  /** Aᵀ. Blocked so that both reads and writes stay in cache. */
  transpose(): Matrix {
    const { rows, cols, data } = this;
    const out = new Matrix(cols, rows);
    const o = out.data;
    const B = 32;
    for (let i0 = 0; i0 < rows; i0 += B) {
      const i1 = Math.min(i0 + B, rows);
      for (let j0 = 0; j0 < cols; j0 += B) {
        const j1 = Math.min(j0 + B, cols);
        for (let i = i0; i < i1; i++) {
          for (let j = j0; j < j1; j++) o[j * rows + i] = data[i * cols + j];
        }
      }
    }
    return out;
  }

  add(b: Matrix | number): Matrix { return this.zip('add', b, Op.Add); }
  sub(b: Matrix | number): Matrix { return this.zip('sub', b, Op.Sub); }
  /** Elementwise product (⊙) or scaling by a number. */
  mul(b: Matrix | number): Matrix { return this.zip('mul', b, Op.Mul); }
  div(b: Matrix | number): Matrix { return this.zip('div', b, Op.Div); }

  map(f: (v: number, i: number, j: number) => number): Matrix {
    const out = new Matrix(this.rows, this.cols);
    const { cols, data } = this;
    const o = out.data;
    if (f.length <= 1) {
      // f ignores (i, j): one flat loop, no index arithmetic (sigmoid, Math.sqrt, z => z * (1 − z)).
      for (let k = 0; k < data.length; k++) o[k] = f(data[k], 0, 0);
      return out;
    }
    for (let i = 0; i < this.rows; i++) {
      for (let j = 0; j < cols; j++) o[i * cols + j] = f(data[i * cols + j], i, j);
    }
    return out;
  }

  sum(): number {
    let s = 0;
    for (let i = 0; i < this.data.length; i++) s += this.data[i];
    return s;
  }

  clone(): Matrix {
    return new Matrix(this.rows, this.cols, this.data.slice());
  }

  toString(): string {
    return `Matrix${shapeOf(this)}`;
  }

  // One loop per operation rather than a shared loop calling a closure: the closure call
  // site would see four functions, turn megamorphic and run several times slower.
  private zip(name: string, b: Matrix | number, op: Op): Matrix {
    const out = new Matrix(this.rows, this.cols);
    const a = this.data, o = out.data, n = a.length;
    if (typeof b === 'number') {
      switch (op) {
        case Op.Add: for (let i = 0; i < n; i++) o[i] = a[i] + b; break;
        case Op.Sub: for (let i = 0; i < n; i++) o[i] = a[i] - b; break;
        case Op.Mul: for (let i = 0; i < n; i++) o[i] = a[i] * b; break;
        case Op.Div: for (let i = 0; i < n; i++) o[i] = a[i] / b; break;
      }
      return out;
    }
    if (!(b instanceof Matrix)) throw new Error(`${name}: expected a Matrix or a number, got ${describe(b)}`);
    if (b.rows !== this.rows || b.cols !== this.cols) {
      throw new Error(`${name}: shapes differ, ${shapeOf(this)} and ${shapeOf(b)}`);
    }
    const c = b.data;
    switch (op) {
      case Op.Add: for (let i = 0; i < n; i++) o[i] = a[i] + c[i]; break;
      case Op.Sub: for (let i = 0; i < n; i++) o[i] = a[i] - c[i]; break;
      case Op.Mul: for (let i = 0; i < n; i++) o[i] = a[i] * c[i]; break;
      case Op.Div: for (let i = 0; i < n; i++) o[i] = a[i] / c[i]; break;
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

/** [1; m]: a row of ones on top (the bias row, lecture: (1, xᵀ)ᵀ). */
export function addBiasRow(m: Matrix): Matrix {
  const out = new Matrix(m.rows + 1, m.cols);
  out.data.fill(1, 0, m.cols);
  out.data.set(m.data, m.cols);
  return out;
}

/** W̃: w without its first (bias) column. */
export function dropBiasColumn(w: Matrix): Matrix {
  if (w.cols < 1) throw new Error(`dropBiasColumn: ${shapeOf(w)} has no column to drop`);
  const out = new Matrix(w.rows, w.cols - 1);
  for (let i = 0; i < w.rows; i++) {
    out.data.set(w.data.subarray(i * w.cols + 1, (i + 1) * w.cols), i * out.cols);
  }
  return out;
}
