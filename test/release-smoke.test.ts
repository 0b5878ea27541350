// The student release's own test suite (`make test` in the unzipped Lec4/; it runs here too).
// Small on purpose: the given lib/ works on this machine, and the grader runs end to end on a
// submission where nothing is implemented yet, without crashing (stubs score 0).
import { mkdtempSync, rmSync, writeFileSync, mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { addBiasRow, dropBiasColumn, Matrix } from '../lib/matrix.ts';
import { Rng } from '../lib/random.ts';
import { grade } from '../grader/engine.ts';
import { readFolder } from '../grader/intake.ts';
import { chooseOracle } from '../grader/setup.ts';

describe('lib (given code)', () => {
  it('Matrix: product, transpose, bias row and column, elementwise ops, purity', () => {
    const a = Matrix.fromRows([[1, 2, 3], [4, 5, 6]]);
    const b = Matrix.fromRows([[7, 8], [9, 10], [11, 12]]);
    expect(Array.from(a.matmul(b).data)).toEqual([58, 64, 139, 154]);
    expect(a.transpose().shape).toEqual([3, 2]);
    expect(Array.from(addBiasRow(a).data)).toEqual([1, 1, 1, 1, 2, 3, 4, 5, 6]);
    expect(Array.from(dropBiasColumn(a).data)).toEqual([2, 3, 5, 6]);
    expect(a.mul(a).sub(1).sum()).toBe(91 - 6);
    expect(Array.from(a.data)).toEqual([1, 2, 3, 4, 5, 6]); // operands unchanged
  });

  it('Matrix: a shape mismatch names both shapes', () => {
    const a = Matrix.zeros(2, 3);
    expect(() => a.matmul(Matrix.zeros(2, 3))).toThrow(/2×3.*2×3|\(2, ?3\)/);
    expect(() => a.add(Matrix.zeros(3, 2))).toThrow(/2×3/);
  });

  it('Rng: the same seed gives the same numbers', () => {
    const x = new Rng(42), y = new Rng(42);
    const xs = Array.from({ length: 5 }, () => x.normal());
    expect(Array.from({ length: 5 }, () => y.normal())).toEqual(xs);
    const u = new Rng(1).uniform();
    expect(u).toBeGreaterThanOrEqual(0);
    expect(u).toBeLessThan(1);
  });
});

// A submission with nothing implemented, written here rather than taken from assignments/
// (which students fill in): every function throws the way a generated stub does.
const STUBS: Record<string, string[]> = {
  '01_forward.ts': ['sigmoid', 'forward', 'squaredError', 'crossEntropy'],
  '02_backward.ts': ['backward'],
  '03_sgd.ts': ['sgdStep'],
  '04_adam.ts': ['adamInit', 'adamStep'],
  '05_denoising.ts': ['corrupt'],
};

describe('grader', () => {
  const dir = mkdtempSync(join(tmpdir(), 'lec4-smoke-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('grades an unimplemented submission: 0 points, a reason for every check, no internal error', async () => {
    mkdirSync(join(dir, 'assignments'));
    for (const [file, fns] of Object.entries(STUBS)) {
      const step = file.replace('.ts', '');
      writeFileSync(join(dir, 'assignments', file), fns.map(fn =>
        `export function ${fn}(..._args: unknown[]): never {\n  throw new Error('${step}: ${fn}() は未実装 / not implemented');\n}\n`).join('\n'));
    }
    const report = await grade(readFolder(dir), { oracle: await chooseOracle() });
    expect(report.score).toBe(0);
    expect(report.checkedPoints).toBeGreaterThan(0);
    for (const v of report.verdicts) {
      expect(v.status, v.id).not.toBe('passed');
      expect(v.messages.length, v.id).toBeGreaterThan(0);
      for (const m of v.messages) expect(m.en, v.id).not.toMatch(/internal grader error/);
    }
  });
});
