// grader/codec.ts — values crossing the sandbox boundary, as JSON.
// Matrices travel as base64 of their Float64Array bytes (exact, and 4× smaller than decimal
// text); non-finite numbers, undefined and Rng seeds get tags because JSON has none.
// decode() reads what an UNTRUSTED child sent: it checks every tag and size and never throws
// anything but a DecodeError with a reason.
import { Matrix } from '../lib/matrix.ts';
import { Rng } from '../lib/random.ts';

export type Encoded =
  | null | boolean | number | string | Encoded[] | { [key: string]: Encoded };

export class DecodeError extends Error {}

const MAX_DEPTH = 12;
const MAX_MATRIX_VALUES = 16_000_000; // 128 MB of float64: more than any check needs

function isMatrixLike(v: unknown): v is { rows: number; cols: number; data: Float64Array } {
  if (v === null || typeof v !== 'object') return false;
  const m = v as { rows?: unknown; cols?: unknown; data?: unknown };
  return typeof m.rows === 'number' && typeof m.cols === 'number' && m.data instanceof Float64Array;
}

export function encode(v: unknown, depth = 0): Encoded {
  if (depth > MAX_DEPTH) return { $bad: 'nested too deeply' };
  if (v === undefined) return { $undef: 1 };
  if (v === null || typeof v === 'boolean' || typeof v === 'string') return v;
  if (typeof v === 'number') return Number.isFinite(v) ? v : { $num: String(v) };
  if (v instanceof Rng) return { $rng: v.seed };
  if (isMatrixLike(v)) {
    const d = v.data;
    if (d.length !== v.rows * v.cols) return { $bad: `a matrix ${v.rows}×${v.cols} whose data has ${d.length} values` };
    return { $m: [v.rows, v.cols, Buffer.from(d.buffer, d.byteOffset, d.byteLength).toString('base64')] };
  }
  if (Array.isArray(v)) return v.map(x => encode(x, depth + 1));
  if (typeof v === 'object') {
    // Only plain objects travel (ForwardResult, Params, …); a class instance says what it was.
    if (Object.getPrototypeOf(v) !== Object.prototype && Object.getPrototypeOf(v) !== null) {
      return { $bad: `a ${(v as object).constructor?.name ?? 'object'}` };
    }
    const out: { [k: string]: Encoded } = {};
    for (const [k, x] of Object.entries(v as Record<string, unknown>)) out[k] = encode(x, depth + 1);
    return out;
  }
  return { $bad: `a ${typeof v}` };
}

/** What a value that could not be encoded looks like after decoding. */
export class Unencodable {
  constructor(readonly what: string) {}
  toString(): string { return this.what; }
}

export function decode(e: unknown, depth = 0): unknown {
  if (depth > MAX_DEPTH) throw new DecodeError('value nested too deeply');
  if (e === null || typeof e === 'boolean' || typeof e === 'string' || typeof e === 'number') return e;
  if (Array.isArray(e)) return e.map(x => decode(x, depth + 1));
  if (typeof e !== 'object') throw new DecodeError(`unexpected ${typeof e}`);
  const o = e as Record<string, unknown>;
  const keys = Object.keys(o);
  if (keys.length === 1) {
    const [k] = keys;
    const x = o[k];
    if (k === '$undef') return undefined;
    if (k === '$num') {
      if (x === 'NaN') return NaN;
      if (x === 'Infinity') return Infinity;
      if (x === '-Infinity') return -Infinity;
      throw new DecodeError(`bad number tag ${String(x)}`);
    }
    if (k === '$rng') {
      if (typeof x !== 'number' || !Number.isInteger(x)) throw new DecodeError('bad rng tag');
      return new Rng(x);
    }
    if (k === '$bad') return new Unencodable(String(x));
    if (k === '$m') return decodeMatrix(x);
  }
  const out: Record<string, unknown> = {};
  for (const k of keys) {
    if (k === '__proto__' || k === 'constructor' || k === 'prototype') throw new DecodeError(`forbidden key ${k}`);
    out[k] = decode(o[k], depth + 1);
  }
  return out;
}

function decodeMatrix(x: unknown): Matrix {
  if (!Array.isArray(x) || x.length !== 3) throw new DecodeError('bad matrix tag');
  const [rows, cols, b64] = x;
  if (!Number.isInteger(rows) || !Number.isInteger(cols) || rows < 0 || cols < 0 || typeof b64 !== 'string') {
    throw new DecodeError('bad matrix header');
  }
  if (rows * cols > MAX_MATRIX_VALUES) throw new DecodeError(`matrix too large: ${rows}×${cols}`);
  const bytes = Buffer.from(b64, 'base64');
  if (bytes.length !== rows * cols * 8) {
    throw new DecodeError(`matrix ${rows}×${cols} needs ${rows * cols * 8} bytes, got ${bytes.length}`);
  }
  const data = new Float64Array(rows * cols);
  new Uint8Array(data.buffer).set(bytes);
  return new Matrix(rows, cols, data);
}
