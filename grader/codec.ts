// grader/codec.ts — values crossing the sandbox boundary, as JSON.
// Matrices travel as base64 of their Float64Array bytes (exact, and 4× smaller than decimal
// text); non-finite numbers, undefined and Rng seeds get tags because JSON has none.
// encode() also runs in the sandbox child, beside student code, on values student code made: it
// uses only captured built-ins (sandbox/primordials.ts), reads own data properties only, and
// calls nothing the value could hook (no toJSON, getters, Proxy traps, Symbol.toPrimitive); what
// it cannot read that way travels as { $bad: why }. Its objects have no prototype, so nothing
// on Object.prototype (a setter, a toJSON) is involved in building or writing them.
// decode() reads what an UNTRUSTED child sent: it checks every tag and size and never throws
// anything but a DecodeError with a reason.
import { Matrix } from '../lib/matrix.ts';
import { Rng } from '../lib/random.ts';
import {
  ArrayIsArray, base64, Float64ArrayCtor, isFloat64Array, isProxy, JSONStringify, NumberIsFinite, NumberIsInteger,
  ObjectGetPrototypeOf, ObjectHasOwn, ObjectKeys, ObjectPrototype, put, ReflectGetOwnPropertyDescriptor, RegExpPrototypeExec,
  ReflectOwnKeys, SafeString, TypedArrayPrototypeGetBuffer, TypedArrayPrototypeGetByteOffset,
  TypedArrayPrototypeGetLength, TypedArrayPrototypeSet, Uint8ArrayCtor,
} from './sandbox/primordials.ts';

export type Encoded =
  | null | boolean | number | string | Encoded[] | { [key: string]: Encoded };

export class DecodeError extends Error {}

const MAX_DEPTH = 12;
const MAX_MATRIX_VALUES = 16_000_000; // 128 MB of float64: more than any check needs
const MAX_ARRAY = 1_000_000;
const MatrixPrototype = Matrix.prototype;
const RngPrototype = Rng.prototype;

/** A fresh object with no prototype and these entries. */
function record(...entries: [string, unknown][]): { [k: string]: Encoded } {
  const o = { __proto__: null } as unknown as { [k: string]: Encoded };
  for (let i = 0; i < entries.length; i++) put(o, entries[i][0], entries[i][1]);
  return o;
}
const bad = (why: string) => record(['$bad', why]);

const NO_VALUE = { __proto__: null } as unknown as object;
/** The value of an own data property; NO_VALUE for a missing one; an accessor is { get }. */
function own(o: object, k: string | number): unknown {
  const d = ReflectGetOwnPropertyDescriptor(o, k);
  if (d === undefined) return NO_VALUE;
  // A descriptor is an ordinary object: `d.get` or `'value' in d` would also find keys a student
  // put on Object.prototype. Own keys only.
  return ObjectHasOwn(d, 'value') ? d.value : ACCESSOR;
}
const ACCESSOR = { __proto__: null } as unknown as object;

/** rows, cols and data of a matrix-like value, when they are plain own data. */
function matrixParts(v: object): { rows: number; cols: number; data: Float64Array } | undefined {
  const rows = own(v, 'rows'), cols = own(v, 'cols'), data = own(v, 'data');
  if (typeof rows !== 'number' || typeof cols !== 'number' || !isFloat64Array(data)) return undefined;
  return { rows, cols, data: data as Float64Array };
}

/** A class instance's name, read from own data properties only ("a Foo", else "an object"). */
function className(v: object): string {
  const proto = ObjectGetPrototypeOf(v);
  const ctor = proto === null ? undefined : own(proto, 'constructor');
  const name = typeof ctor === 'function' ? own(ctor, 'name') : undefined;
  return typeof name === 'string' && name !== '' ? `a ${name}` : 'an object';
}

/**
 * Judge → child only: where large matrices go instead of the JSON line. A training job carries
 * about 9 MB of pixels; as a file in the sandbox folder it is written once and read by every
 * job and child that needs it, instead of base64 in every job (measured: 0.3 s a job).
 */
export interface MatrixFiles {
  /** The file's name in the sandbox folder, once its bytes are written there. */
  put(data: Float64Array): string;
}
/** Matrices with at least this many values travel as files when the encoder is given a store. */
export const FILE_MATRIX_VALUES = 65_536;
const MATRIX_FILE = /^matrix-[0-9a-f]{32}\.f64$/;
export const matrixFileName = (hash: string): string => `matrix-${hash.slice(0, 32)}.f64`;

export function encode(v: unknown, depth = 0, files?: MatrixFiles): Encoded {
  if (depth > MAX_DEPTH) return bad('nested too deeply');
  if (v === undefined) return record(['$undef', 1]);
  if (v === null || typeof v === 'boolean' || typeof v === 'string') return v;
  if (typeof v === 'number') return NumberIsFinite(v) ? v : record(['$num', SafeString(v)]);
  if (typeof v !== 'object') return bad(`a ${typeof v}`);
  // Before anything touches it: every operation on a Proxy runs its handler.
  if (isProxy(v)) return bad('a Proxy');
  const proto = ObjectGetPrototypeOf(v);
  if (proto === RngPrototype) {
    const seed = own(v, 'seed');
    return typeof seed === 'number' && NumberIsInteger(seed) ? record(['$rng', seed]) : bad('an Rng without its seed');
  }
  const m = matrixParts(v);
  if (m) return encodeMatrix(m.rows, m.cols, m.data, files);
  if (proto === MatrixPrototype) return bad('a Matrix whose rows, cols or data are not plain values');
  if (ArrayIsArray(v)) {
    const n = own(v, 'length') as number;
    if (n > MAX_ARRAY) return bad(`an array of ${n} elements`);
    const out: Encoded[] = [];
    for (let i = 0; i < n; i++) {
      const x = own(v, i);
      put(out, i, x === ACCESSOR ? bad(`a getter at [${i}]`) : encode(x === NO_VALUE ? undefined : x, depth + 1, files));
    }
    return out;
  }
  // Only plain objects travel (ForwardResult, Params, …); a class instance says what it was.
  if (proto !== ObjectPrototype && proto !== null) return bad(className(v));
  const out = record();
  const keys = ReflectOwnKeys(v);
  for (let i = 0; i < keys.length; i++) {
    const k = keys[i];
    if (typeof k !== 'string') continue;
    const d = ReflectGetOwnPropertyDescriptor(v, k);
    if (d === undefined || !ObjectHasOwn(d, 'enumerable') || d.enumerable !== true) continue;
    const x = own(v, k);
    put(out, k, x === ACCESSOR ? bad(`a getter for ${k}`) : encode(x, depth + 1, files));
  }
  return out;
}

/** { $m: [rows, cols, base64] }, or { $mf: [rows, cols, file name] } for a large one given a store. */
function encodeMatrix(rows: number, cols: number, data: Float64Array, files?: MatrixFiles): Encoded {
  const n = TypedArrayPrototypeGetLength(data);
  if (n !== rows * cols) return bad(`a matrix ${rows}×${cols} whose data has ${n} values`);
  // Only the judge passes a store: a failure to write there is the judge's, and is thrown.
  const asFile = files !== undefined && n >= FILE_MATRIX_VALUES;
  let text: string;
  if (asFile) text = files.put(data);
  else {
    try {
      // A view of the same bytes, built with the captured getters.
      text = base64(new Uint8ArrayCtor(TypedArrayPrototypeGetBuffer(data), TypedArrayPrototypeGetByteOffset(data), n * 8));
    } catch {
      return bad('a matrix whose data cannot be read (detached?)');
    }
  }
  const header: Encoded[] = [];
  put(header, 0, rows);
  put(header, 1, cols);
  put(header, 2, text);
  return record([asFile ? '$mf' : '$m', header]);
}

/**
 * JSON text of what encode() made, for the child's channel. JSON.stringify would look up toJSON
 * on every array (Array.prototype is the student's too); this reads own properties only and
 * applies the captured JSON.stringify to primitives alone.
 */
export function stringifyEncoded(e: Encoded, depth = 0): string {
  if (e === null || typeof e === 'boolean' || typeof e === 'number' || typeof e === 'string') {
    return typeof e === 'number' && !NumberIsFinite(e) ? 'null' : JSONStringify(e);
  }
  if (depth > MAX_DEPTH + 2) return 'null';
  if (ArrayIsArray(e)) {
    const n = own(e, 'length') as number;
    let s = '[';
    for (let i = 0; i < n; i++) s += (i ? ',' : '') + stringifyEncoded(own(e, i) as Encoded, depth + 1);
    return s + ']';
  }
  let s = '{';
  const keys = ObjectKeys(e);
  for (let i = 0; i < keys.length; i++) {
    s += (i ? ',' : '') + JSONStringify(keys[i]) + ':' + stringifyEncoded(own(e, keys[i]) as Encoded, depth + 1);
  }
  return s + '}';
}

/** What a value that could not be encoded looks like after decoding. */
export class Unencodable {
  constructor(readonly what: string) {}
  toString(): string { return this.what; }
}

/**
 * The child's way to read a matrix file (see MatrixFiles): the bytes of a file in its sandbox
 * folder. Without it, as in the judge reading what a child sent, a file reference is refused.
 */
export type ReadMatrixFile = (name: string) => Uint8Array;

export function decode(e: unknown, depth = 0, readFile?: ReadMatrixFile): unknown {
  if (depth > MAX_DEPTH) throw new DecodeError('value nested too deeply');
  if (e === null || typeof e === 'boolean' || typeof e === 'string' || typeof e === 'number') return e;
  if (ArrayIsArray(e)) {
    const out: unknown[] = [];
    for (let i = 0; i < e.length; i++) put(out, i, decode(e[i], depth + 1, readFile));
    return out;
  }
  if (typeof e !== 'object') throw new DecodeError(`unexpected ${typeof e}`);
  const o = e as Record<string, unknown>;
  const keys = ObjectKeys(o);
  if (keys.length === 1) {
    const k = keys[0];
    const x = o[k];
    if (k === '$undef') return undefined;
    if (k === '$num') {
      if (x === 'NaN') return NaN;
      if (x === 'Infinity') return Infinity;
      if (x === '-Infinity') return -Infinity;
      throw new DecodeError(`bad number tag ${SafeString(x)}`);
    }
    if (k === '$rng') {
      if (typeof x !== 'number' || !NumberIsInteger(x)) throw new DecodeError('bad rng tag');
      return new Rng(x);
    }
    if (k === '$bad') return new Unencodable(SafeString(x));
    if (k === '$m') return decodeMatrix(x);
    if (k === '$mf') return decodeMatrixFile(x, readFile);
  }
  // Plain objects with Object.prototype: they are handed to student code as arguments.
  const out: Record<string, unknown> = {};
  for (let i = 0; i < keys.length; i++) {
    const k = keys[i];
    if (k === '__proto__' || k === 'constructor' || k === 'prototype') throw new DecodeError(`forbidden key ${k}`);
    put(out, k, decode(o[k], depth + 1, readFile));
  }
  return out;
}

/** rows, cols and the third field (base64 text or a file name) of a matrix tag. */
function matrixHeader(x: unknown): [rows: number, cols: number, text: string] {
  if (!ArrayIsArray(x) || x.length !== 3) throw new DecodeError('bad matrix tag');
  const rows = x[0] as unknown, cols = x[1] as unknown, text = x[2] as unknown;
  if (!NumberIsInteger(rows) || !NumberIsInteger(cols) || (rows as number) < 0 || (cols as number) < 0 || typeof text !== 'string') {
    throw new DecodeError('bad matrix header');
  }
  if ((rows as number) * (cols as number) > MAX_MATRIX_VALUES) throw new DecodeError(`matrix too large: ${rows}×${cols}`);
  return [rows as number, cols as number, text];
}

function decodeMatrix(x: unknown): Matrix {
  const [r, c, b64] = matrixHeader(x);
  return matrixOf(r, c, Buffer.from(b64, 'base64'));
}

function decodeMatrixFile(x: unknown, readFile: ReadMatrixFile | undefined): Matrix {
  if (!readFile) throw new DecodeError('a matrix file reference is not accepted here');
  const [r, c, name] = matrixHeader(x);
  if (RegExpPrototypeExec(MATRIX_FILE, name) === null) throw new DecodeError('bad matrix file name');
  return matrixOf(r, c, readFile(name));
}

function matrixOf(r: number, c: number, bytes: Uint8Array): Matrix {
  const n = TypedArrayPrototypeGetLength(bytes);
  if (n !== r * c * 8) {
    throw new DecodeError(`matrix ${r}×${c} needs ${r * c * 8} bytes, got ${n}`);
  }
  const data = new Float64ArrayCtor(r * c);
  TypedArrayPrototypeSet(new Uint8ArrayCtor(TypedArrayPrototypeGetBuffer(data)), bytes);
  return new Matrix(r, c, data);
}
