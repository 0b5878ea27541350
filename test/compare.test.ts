// The messages a student acts on: shapes, the first NaN, the largest error and where.
import { describe, expect, it } from 'vitest';
import { Matrix } from '../lib/matrix.ts';
import { compareMatrix, compareNumber, compareValue, fmtPair, relativeError } from '../grader/compare.ts';

const M = (rows: number[][]) => Matrix.fromRows(rows);

describe('compare', () => {
  it('names both shapes and suspects a transpose', () => {
    const m = compareMatrix('Z', M([[1, 2, 3], [4, 5, 6]]), M([[1, 4], [2, 5], [3, 6]]));
    expect(m?.en).toBe('Z: wrong shape, expected (2×3), got (3×2) (転置? / transposed?)');
  });

  it('points at the first NaN and counts them', () => {
    const m = compareMatrix('Xhat', M([[1, 2], [3, 4]]), M([[1, NaN], [NaN, 4]]));
    expect(m?.en).toBe('Xhat: NaN at (0, 1) (2 NaN in all); expected 2.00000');
  });

  it('reports the largest error and where, with digits enough to see the difference', () => {
    const m = compareMatrix('dW0', M([[0.8100271, 1], [0, 0]]), M([[0.8100274, 1], [0, 0.5]]));
    expect(m?.en).toBe('dW0: 2 of 4 entries differ; largest error at (1, 1): expected 0, got 0.500000');
    expect(fmtPair(0.8100271, 0.8100274)).toEqual(['0.81002710', '0.81002740']);
    expect(compareMatrix('x', M([[1]]), M([[1 + 1e-12]]))).toBeNull(); // rounding is not a mistake
  });

  it('says what came when it is not a Matrix or a number', () => {
    expect(compareMatrix('A1', M([[1]]), undefined)?.en).toBe('A1: expected Matrix(1×1), got undefined');
    expect(compareNumber('E', 0.5, 1)?.en).toBe('E: expected 0.500000, got 1.00000 (ratio 2.00000)');
    expect(compareNumber('E', 0.5, '0.5')?.en).toMatch(/expected the number 0.500000, got string "0.5"/);
  });

  it('compares objects field by field and names a missing field', () => {
    const ms = compareValue('forward', { Z: M([[1]]), Xhat: M([[2]]) }, { Z: M([[1]]) });
    expect(ms.map(m => m.en)).toEqual(['forward.Xhat is missing (return it as field Xhat)']);
    expect(compareValue('forward', { Z: M([[1]]), Xhat: M([[2]]) }, { Z: M([[9]]) }, undefined, ['Z'])).toHaveLength(1);
  });

  it('relative error of a gradient check is scale-free', () => {
    expect(relativeError(M([[1, 2]]), M([[1, 2]]))).toBe(0);
    expect(relativeError(M([[1e-8, 0]]), M([[2e-8, 0]]))).toBeCloseTo(0.5);
  });
});
