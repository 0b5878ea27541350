// grader/compare.ts — expected vs got, with the message a student can act on:
// the shapes when they differ, the first NaN, the largest error and where.
import { Matrix } from '../lib/matrix.ts';
import { Unencodable } from './codec.ts';
import { msg, type Msg } from './types.ts';

export interface Tolerance { rtol: number; atol: number }
/** Reference and student compute the same formulas, possibly in another order: rounding only. */
export const TIGHT: Tolerance = { rtol: 1e-7, atol: 1e-10 };

const close = (e: number, g: number, t: Tolerance) =>
  Object.is(e, g) || Math.abs(e - g) <= t.atol + t.rtol * Math.abs(e);

export const fmt = (v: number): string =>
  Number.isNaN(v) ? 'NaN' : !Number.isFinite(v) ? String(v) : v === 0 ? '0' : Math.abs(v) >= 1e-3 && Math.abs(v) < 1e4 ? v.toPrecision(6) : v.toExponential(3);

/** Expected and got, with as many digits as it takes to see that they differ. */
export function fmtPair(e: number, g: number): [string, string] {
  let a = fmt(e), b = fmt(g);
  for (let p = 8; a === b && p <= 17 && Number.isFinite(e) && Number.isFinite(g); p += 3) {
    a = e.toPrecision(p);
    b = g.toPrecision(p);
  }
  return [a, b];
}

export const shape = (m: Matrix): string => `(${m.rows}×${m.cols})`;

function isMatrix(v: unknown): v is Matrix {
  return v instanceof Matrix;
}

function kindOf(v: unknown): string {
  if (v === undefined) return 'undefined';
  if (v === null) return 'null';
  if (v instanceof Unencodable) return v.what;
  if (isMatrix(v)) return `Matrix${shape(v)}`;
  if (Array.isArray(v)) return 'an array';
  if (typeof v === 'object') return `an object {${Object.keys(v as object).slice(0, 6).join(', ')}}`;
  return `${typeof v} ${typeof v === 'number' ? fmt(v) : JSON.stringify(v)}`.slice(0, 80);
}

/** Compare a matrix; null when equal within tolerance. */
export function compareMatrix(name: string, expected: Matrix, got: unknown, t: Tolerance = TIGHT): Msg | null {
  if (!isMatrix(got)) {
    return msg(`${name}: Matrix${shape(expected)} を返すはずが ${kindOf(got)} でした`,
      `${name}: expected Matrix${shape(expected)}, got ${kindOf(got)}`);
  }
  if (got.rows !== expected.rows || got.cols !== expected.cols) {
    const hint = got.rows === expected.cols && got.cols === expected.rows ? ' (転置? / transposed?)' : '';
    return msg(`${name}: 形が違います。期待 ${shape(expected)}, 実際 ${shape(got)}${hint}`,
      `${name}: wrong shape, expected ${shape(expected)}, got ${shape(got)}${hint}`);
  }
  const e = expected.data, g = got.data, c = got.cols;
  let firstNaN = -1, nanCount = 0, worst = -1, worstErr = 0, wrong = 0;
  for (let i = 0; i < e.length; i++) {
    if (Number.isNaN(g[i]) && !Number.isNaN(e[i])) {
      if (firstNaN < 0) firstNaN = i;
      nanCount++;
      continue;
    }
    if (!close(e[i], g[i], t)) {
      wrong++;
      const err = Math.abs(e[i] - g[i]);
      if (worst < 0 || err > worstErr || Number.isNaN(err)) { worst = i; worstErr = err; }
    }
  }
  if (firstNaN >= 0) {
    const at = `(${Math.floor(firstNaN / c)}, ${firstNaN % c})`;
    return msg(`${name}: ${at} が NaN です (NaN は全部で ${nanCount} 個)。期待値 ${fmt(e[firstNaN])}`,
      `${name}: NaN at ${at} (${nanCount} NaN in all); expected ${fmt(e[firstNaN])}`);
  }
  if (wrong > 0) {
    const at = `(${Math.floor(worst / c)}, ${worst % c})`;
    const [ev, gv] = fmtPair(e[worst], g[worst]);
    return msg(`${name}: ${e.length} 成分中 ${wrong} 成分が違います。最大の誤差は ${at}: 期待 ${ev}, 実際 ${gv}`,
      `${name}: ${wrong} of ${e.length} entries differ; largest error at ${at}: expected ${ev}, got ${gv}`);
  }
  return null;
}

export function compareNumber(name: string, expected: number, got: unknown, t: Tolerance = TIGHT): Msg | null {
  if (typeof got !== 'number') {
    return msg(`${name}: 数値 ${fmt(expected)} を返すはずが ${kindOf(got)} でした`, `${name}: expected the number ${fmt(expected)}, got ${kindOf(got)}`);
  }
  if (close(expected, got, t)) return null;
  if (Number.isNaN(got)) return msg(`${name}: NaN になりました。期待 ${fmt(expected)}`, `${name}: got NaN, expected ${fmt(expected)}`);
  const ratio = expected !== 0 && Number.isFinite(got / expected) ? fmt(got / expected) : '';
  const [ev, gv] = fmtPair(expected, got);
  return msg(`${name}: 期待 ${ev}, 実際 ${gv}${ratio && ` (比 ${ratio})`}`,
    `${name}: expected ${ev}, got ${gv}${ratio && ` (ratio ${ratio})`}`);
}

/**
 * Compare any result the reference returns: a number, a Matrix, or an object of those
 * (ForwardResult, Params, AdamState, …). `only` restricts an object to some fields.
 */
export function compareValue(name: string, expected: unknown, got: unknown, t: Tolerance = TIGHT, only?: readonly string[]): Msg[] {
  if (typeof expected === 'number') return nonNull(compareNumber(name, expected, got, t));
  if (isMatrix(expected)) return nonNull(compareMatrix(name, expected, got, t));
  if (expected && typeof expected === 'object') {
    if (!got || typeof got !== 'object' || isMatrix(got)) {
      const keys = Object.keys(expected).join(', ');
      return [msg(`${name}: {${keys}} を持つオブジェクトを返すはずが ${kindOf(got)} でした`, `${name}: expected an object {${keys}}, got ${kindOf(got)}`)];
    }
    const out: Msg[] = [];
    for (const k of only ?? Object.keys(expected)) {
      const sub = (got as Record<string, unknown>)[k];
      const path = name ? `${name}.${k}` : k;
      if (sub === undefined) {
        out.push(msg(`${path} がありません (返すオブジェクトにフィールド ${k} を入れてください)`, `${path} is missing (return it as field ${k})`));
      } else {
        out.push(...compareValue(path, (expected as Record<string, unknown>)[k], sub, t));
      }
    }
    return out;
  }
  return Object.is(expected, got) ? [] : [msg(`${name}: 期待 ${kindOf(expected)}, 実際 ${kindOf(got)}`, `${name}: expected ${kindOf(expected)}, got ${kindOf(got)}`)];
}

const nonNull = (m: Msg | null): Msg[] => (m ? [m] : []);

/** ‖a − b‖ / max(‖a‖, ‖b‖): the gradient check's relative error. */
export function relativeError(a: Matrix, b: Matrix): number {
  let d = 0, na = 0, nb = 0;
  for (let i = 0; i < a.data.length; i++) {
    d += (a.data[i] - b.data[i]) ** 2;
    na += a.data[i] ** 2;
    nb += b.data[i] ** 2;
  }
  const scale = Math.max(Math.sqrt(na), Math.sqrt(nb));
  return scale === 0 ? 0 : Math.sqrt(d) / scale;
}
