import { describe, expect, it } from 'vitest';
import { addBiasRow, dropBiasColumn, Matrix } from '../lib/matrix.ts';
import { Rng } from '../lib/random.ts';

const A = () => Matrix.fromRows([[1, 2, 3], [4, 5, 6]]);      // 2×3
const B = () => Matrix.fromRows([[7, 8], [9, 10], [11, 12]]); // 3×2

/** Runs op, then checks that every operand still holds its original values. */
function pure<T>(operands: Matrix[], op: () => T): T {
  const before = operands.map(m => Array.from(m.data));
  const out = op();
  operands.forEach((m, i) => expect(Array.from(m.data), `operand ${i} was modified`).toEqual(before[i]));
  return out;
}

function rowsOf(m: Matrix): number[][] {
  return Array.from({ length: m.rows }, (_, i) => Array.from(m.data.subarray(i * m.cols, (i + 1) * m.cols)));
}

describe('Matrix construction', () => {
  it('constructor: zero-filled by default, keeps given data, checks its length and type', () => {
    const z = new Matrix(2, 3);
    expect(z.shape).toEqual([2, 3]);
    expect(Array.from(z.data)).toEqual([0, 0, 0, 0, 0, 0]);
    const data = new Float64Array([1, 2, 3, 4]);
    expect(new Matrix(2, 2, data).data).toBe(data);
    expect(() => new Matrix(2, 2, new Float64Array(3))).toThrow(/2×2 needs 4 values, data has 3/);
    expect(() => new Matrix(1, 2, [1, 2] as unknown as Float64Array)).toThrow(/Float64Array/);
    expect(() => new Matrix(-1, 2)).toThrow(/non-negative integers, got -1×2/);
    expect(() => new Matrix(1.5, 2)).toThrow(/non-negative integers/);
  });

  it('zeros', () => {
    const z = Matrix.zeros(3, 2);
    expect(z.shape).toEqual([3, 2]);
    expect(z.sum()).toBe(0);
  });

  it('fromRows: row-major layout; ragged rows name both lengths', () => {
    const a = A();
    expect(a.shape).toEqual([2, 3]);
    expect(Array.from(a.data)).toEqual([1, 2, 3, 4, 5, 6]);
    expect(() => Matrix.fromRows([[1, 2], [3]])).toThrow('Matrix.fromRows: row 0 has 2 values, row 1 has 1');
    expect(Matrix.fromRows([]).shape).toEqual([0, 0]);
  });

  it('randn: draws std · rng.normal() in data order (row by row)', () => {
    const m = Matrix.randn(3, 4, new Rng(7), 0.5);
    const rng = new Rng(7);
    const expected = Array.from({ length: 12 }, () => 0.5 * rng.normal());
    expect(Array.from(m.data)).toEqual(expected);
    const unit = Matrix.randn(2, 2, new Rng(7));
    const rng2 = new Rng(7);
    expect(Array.from(unit.data)).toEqual([rng2.normal(), rng2.normal(), rng2.normal(), rng2.normal()]);
  });
});

describe('Matrix access', () => {
  it('get and set address (row, column); set changes only that entry', () => {
    const a = A();
    expect(a.get(0, 2)).toBe(3);
    expect(a.get(1, 0)).toBe(4);
    a.set(1, 2, 60);
    expect(rowsOf(a)).toEqual([[1, 2, 3], [4, 5, 60]]);
  });

  it('get and set refuse indices outside the shape, naming it', () => {
    const a = A();
    expect(() => a.get(2, 0)).toThrow('get(2, 0): index outside (2×3)');
    expect(() => a.get(0, 3)).toThrow(/index outside \(2×3\)/);
    expect(() => a.get(-1, 0)).toThrow(/index outside/);
    expect(() => a.get(0.5, 0)).toThrow(/index outside/);
    expect(() => a.set(0, 3, 1)).toThrow('set(0, 3): index outside (2×3)');
  });

  it('toString names the shape', () => {
    expect(String(A())).toBe('Matrix(2×3)');
  });
});

describe('Matrix operations', () => {
  it('matmul: values, shape, purity', () => {
    const a = A(), b = B();
    const c = pure([a, b], () => a.matmul(b));
    expect(rowsOf(c)).toEqual([[58, 64], [139, 154]]);
    const d = pure([a, b], () => b.matmul(a));
    expect(d.shape).toEqual([3, 3]);
    expect(rowsOf(d)[0]).toEqual([39, 54, 69]);
  });

  it('matmul agrees with a triple loop on odd sizes (blocked kernel edges)', () => {
    const rng = new Rng(3);
    for (const [m, k, n] of [[1, 1, 1], [7, 13, 5], [33, 65, 17], [70, 129, 66]]) {
      const a = Matrix.randn(m, k, rng), b = Matrix.randn(k, n, rng);
      const c = a.matmul(b);
      let worst = 0;
      for (let i = 0; i < m; i++) {
        for (let j = 0; j < n; j++) {
          let s = 0;
          for (let p = 0; p < k; p++) s += a.data[i * k + p] * b.data[p * n + j];
          worst = Math.max(worst, Math.abs(c.data[i * n + j] - s));
        }
      }
      expect(worst, `${m}×${k}·${k}×${n}`).toBeLessThan(1e-12);
    }
  });

  it('matmul: inner size mismatch names both shapes', () => {
    expect(() => new Matrix(3, 4).matmul(new Matrix(5, 2))).toThrow('matmul: (3×4)·(5×2) — inner sizes differ (4 ≠ 5)');
    expect(() => A().matmul(3 as unknown as Matrix)).toThrow(/matmul: expected a Matrix, got number/);
  });

  it('matmul with empty shapes', () => {
    expect(new Matrix(0, 3).matmul(new Matrix(3, 2)).shape).toEqual([0, 2]);
    expect(new Matrix(2, 3).matmul(new Matrix(3, 0)).shape).toEqual([2, 0]);
    const zeroInner = new Matrix(2, 0).matmul(new Matrix(0, 3));
    expect(zeroInner.shape).toEqual([2, 3]);
    expect(Array.from(zeroInner.data)).toEqual([0, 0, 0, 0, 0, 0]); // empty sum
  });

  it('transpose: values, shape, purity, and a size past one cache block', () => {
    const a = A();
    const t = pure([a], () => a.transpose());
    expect(rowsOf(t)).toEqual([[1, 4], [2, 5], [3, 6]]);
    const big = Matrix.randn(37, 70, new Rng(1));
    const bt = big.transpose();
    expect(bt.shape).toEqual([70, 37]);
    for (const [i, j] of [[0, 0], [36, 69], [5, 33], [32, 64]]) expect(bt.get(j, i)).toBe(big.get(i, j));
    expect(new Matrix(0, 4).transpose().shape).toEqual([4, 0]);
  });

  it('transpose: every entry, for row counts around its 8-row groups and past its 256-column blocks', () => {
    const rng = new Rng(4);
    for (const [r, c] of [[1, 1], [7, 3], [8, 9], [9, 1], [13, 300], [300, 13], [16, 257], [65, 100]]) {
      const a = Matrix.randn(r, c, rng);
      const t = a.transpose();
      expect(t.shape).toEqual([c, r]);
      let bad = 0;
      for (let i = 0; i < r; i++) for (let j = 0; j < c; j++) if (!Object.is(t.data[j * r + i], a.data[i * c + j])) bad++;
      expect(bad, `${r}×${c}`).toBe(0);
    }
  });

  it('add, sub, mul, div: elementwise with a matrix, purity', () => {
    const a = A(), b = Matrix.fromRows([[2, 2, 2], [1, 4, 3]]);
    expect(rowsOf(pure([a, b], () => a.add(b)))).toEqual([[3, 4, 5], [5, 9, 9]]);
    expect(rowsOf(pure([a, b], () => a.sub(b)))).toEqual([[-1, 0, 1], [3, 1, 3]]);
    expect(rowsOf(pure([a, b], () => a.mul(b)))).toEqual([[2, 4, 6], [4, 20, 18]]);
    expect(rowsOf(pure([a, b], () => a.div(b)))).toEqual([[0.5, 1, 1.5], [4, 1.25, 2]]);
  });

  it('add, sub, mul, div: with a number, purity', () => {
    const a = A();
    expect(rowsOf(pure([a], () => a.add(1)))).toEqual([[2, 3, 4], [5, 6, 7]]);
    expect(rowsOf(pure([a], () => a.sub(1)))).toEqual([[0, 1, 2], [3, 4, 5]]);
    expect(rowsOf(pure([a], () => a.mul(2)))).toEqual([[2, 4, 6], [8, 10, 12]]);
    expect(rowsOf(pure([a], () => a.div(2)))).toEqual([[0.5, 1, 1.5], [2, 2.5, 3]]);
  });

  it('elementwise shape mismatch names the operation and both shapes', () => {
    const a = A(), b = B();
    expect(() => a.add(b)).toThrow('add: shapes differ, (2×3) and (3×2)');
    expect(() => a.sub(b)).toThrow('sub: shapes differ, (2×3) and (3×2)');
    expect(() => a.mul(b)).toThrow('mul: shapes differ, (2×3) and (3×2)');
    expect(() => a.div(b)).toThrow('div: shapes differ, (2×3) and (3×2)');
    expect(() => a.add('1' as unknown as number)).toThrow(/add: expected a Matrix or a number, got string/);
    expect(() => a.mul(null as unknown as number)).toThrow(/got null/);
  });

  it('elementwise with empty shapes', () => {
    const e = new Matrix(0, 5);
    expect(e.add(e).shape).toEqual([0, 5]);
    expect(e.mul(3).shape).toEqual([0, 5]);
  });

  it('map passes (value, row, column), purity', () => {
    const a = A();
    const seen: number[][] = [];
    const m = pure([a], () => a.map((v, i, j) => { seen.push([v, i, j]); return v * 10 + i + j; }));
    expect(rowsOf(m)).toEqual([[10, 21, 32], [41, 52, 63]]);
    expect(seen).toEqual([[1, 0, 0], [2, 0, 1], [3, 0, 2], [4, 1, 0], [5, 1, 1], [6, 1, 2]]);
  });

  it('map passes the real (row, column) to functions that declare fewer parameters', () => {
    const a = A();
    // f.length is 0 or 1 for these, yet they read i and j.
    const viaArguments = a.map(function (this: unknown) { return arguments[1] * 10 + arguments[2]; });
    expect(rowsOf(viaArguments)).toEqual([[0, 1, 2], [10, 11, 12]]);
    const withDefaults = a.map((v, i = -1, j = -1) => v + 100 * i + 1000 * j);
    expect(rowsOf(withDefaults)).toEqual([[1, 1002, 2003], [104, 1105, 2106]]);
  });

  it('map with Math.sqrt, exp, log, abs gives what the function gives; a non-function is refused', () => {
    const rng = new Rng(6);
    const a = Matrix.randn(40, 50, rng).map(v => v * 3);
    for (const f of [Math.sqrt, Math.exp, Math.log, Math.abs]) {
      const got = pure([a], () => a.map(f));
      let bad = 0;
      for (let k = 0; k < a.data.length; k++) if (!Object.is(got.data[k], f(a.data[k]))) bad++;
      expect(bad, f.name).toBe(0);
    }
    expect(() => a.map(3 as unknown as (v: number) => number)).toThrow('map: expected a function, got number');
  });

  it('map: replacing Math.sqrt after import does not change what map does with either function', () => {
    const a = Matrix.fromRows([[4, 9]]);
    const original = Math.sqrt;
    const fake = (v: number) => -v;
    try {
      Math.sqrt = fake;
      expect(Array.from(a.map(Math.sqrt).data)).toEqual([-4, -9]);
      expect(Array.from(a.map(original).data)).toEqual([2, 3]);
    } finally {
      Math.sqrt = original;
    }
  });

  it('large results (not zero-filled before they are written) hold exactly the expected values, in a buffer of their own', () => {
    const rng = new Rng(8);
    const [r, c] = [60, 70]; // 33 KB: above the size from which results skip the zero-fill
    const a = Matrix.randn(r, c, rng), b = Matrix.randn(r, c, rng).map(v => v + 5);
    const each = (f: (x: number, y: number) => number) => Float64Array.from(a.data, (x, k) => f(x, b.data[k]));
    const cases: [string, Matrix, Float64Array][] = [
      ['add', a.add(b), each((x, y) => x + y)], ['sub', a.sub(b), each((x, y) => x - y)],
      ['mul', a.mul(b), each((x, y) => x * y)], ['div', a.div(b), each((x, y) => x / y)],
      ['add 2', a.add(2), each(x => x + 2)], ['sub 2', a.sub(2), each(x => x - 2)],
      ['mul 2', a.mul(2), each(x => x * 2)], ['div 2', a.div(2), each(x => x / 2)],
      ['map', a.map((v, i, j) => v + i - j), Float64Array.from(a.data, (x, k) => x + Math.floor(k / c) - (k % c))],
      ['clone', a.clone(), a.data.slice()],
    ];
    for (const [name, got, want] of cases) {
      expect(got.shape, name).toEqual([r, c]);
      expect(Buffer.from(got.data.buffer).equals(Buffer.from(want.buffer)), name).toBe(true);
      expect(got.data.byteOffset, name).toBe(0);
    }
    const biased = addBiasRow(a);
    expect(Array.from(biased.data.subarray(0, c))).toEqual(new Array(c).fill(1));
    expect(Array.from(biased.data.subarray(c))).toEqual(Array.from(a.data));
    const dropped = dropBiasColumn(a);
    for (let i = 0; i < r; i++) expect(Array.from(dropped.data.subarray(i * (c - 1), (i + 1) * (c - 1)))).toEqual(Array.from(a.data.subarray(i * c + 1, (i + 1) * c)));
    const zeroInner = new Matrix(100, 0).matmul(new Matrix(0, 100)); // nothing to sum: all zeros
    expect(zeroInner.data.every(v => v === 0)).toBe(true);
    for (const m of [biased, dropped, zeroInner, a.transpose(), a.matmul(b.transpose())]) {
      expect(m.data.buffer.byteLength).toBe(m.data.byteLength);
    }
  });

  it('sum, including the empty matrix', () => {
    expect(A().sum()).toBe(21);
    expect(new Matrix(0, 0).sum()).toBe(0);
  });

  it('clone copies the data (a new buffer)', () => {
    const a = A();
    const c = a.clone();
    expect(c).not.toBe(a);
    expect(c.data).not.toBe(a.data);
    c.set(0, 0, 100);
    expect(a.get(0, 0)).toBe(1);
    expect(c.shape).toEqual(a.shape);
  });

  it('every operation returns a new Matrix, never an operand', () => {
    const a = A(), b = Matrix.fromRows([[1, 1, 1], [1, 1, 1]]);
    for (const out of [a.add(b), a.sub(b), a.mul(b), a.div(b), a.add(0), a.mul(1), a.map(v => v), a.clone(), a.transpose(), addBiasRow(a), dropBiasColumn(a)]) {
      expect(out).not.toBe(a);
      expect(out.data).not.toBe(a.data);
      expect(out.data).not.toBe(b.data);
    }
  });
});

describe('bias helpers', () => {
  it('addBiasRow puts a row of ones on top, purity', () => {
    const a = A();
    const out = pure([a], () => addBiasRow(a));
    expect(rowsOf(out)).toEqual([[1, 1, 1], [1, 2, 3], [4, 5, 6]]);
    expect(addBiasRow(new Matrix(0, 2)).shape).toEqual([1, 2]);
    expect(rowsOf(addBiasRow(new Matrix(0, 2)))).toEqual([[1, 1]]);
    expect(addBiasRow(new Matrix(3, 0)).shape).toEqual([4, 0]);
  });

  it('dropBiasColumn removes column 0, purity; refuses a matrix without columns', () => {
    const a = A();
    const out = pure([a], () => dropBiasColumn(a));
    expect(rowsOf(out)).toEqual([[2, 3], [5, 6]]);
    expect(dropBiasColumn(new Matrix(2, 1)).shape).toEqual([2, 0]);
    expect(() => dropBiasColumn(new Matrix(2, 0))).toThrow('dropBiasColumn: (2×0) has no column to drop');
  });
});
