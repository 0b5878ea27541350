// The codec runs in the sandbox child beside student code: encode() must read
// what a value holds without calling anything the value or the realm could hook, and the judge
// must find modified arguments from what it sent and what came back.
import { describe, expect, it } from 'vitest';
import { Matrix } from '../lib/matrix.ts';
import { Rng } from '../lib/random.ts';
import { DecodeError, decode, encode, FILE_MATRIX_VALUES, matrixFileName, stringifyEncoded, Unencodable, type Encoded, type MatrixFiles } from '../grader/codec.ts';
import { mutatedPaths } from '../grader/sandbox/child.ts';
import { base64, base64Js } from '../grader/sandbox/primordials.ts';

const M = Matrix.fromRows([[1, -2.5, 3], [NaN, Infinity, 1e-300]]);

/** Runs `body` with `install`'s hooks in place, removing them before anything else runs. */
function withHooks<T>(install: () => () => void, body: () => T): T {
  const uninstall = install();
  try {
    return body();
  } finally {
    uninstall();
  }
}

function define(target: object, key: PropertyKey, desc: PropertyDescriptor): () => void {
  const before = Object.getOwnPropertyDescriptor(target, key);
  // Null-prototype descriptors: the hooks below put `get` and `value` on Object.prototype.
  Object.defineProperty(target, key, { __proto__: null, configurable: true, ...desc } as PropertyDescriptor);
  return () => {
    if (before) Object.defineProperty(target, key, { __proto__: null, ...before } as PropertyDescriptor);
    else delete (target as Record<PropertyKey, unknown>)[key];
  };
}

describe('encode and decode', () => {
  it('round-trip matrices bit for bit, numbers, tags, nested plain objects and arrays', () => {
    const value = { W0: M, n: -0, big: 1e300, list: [1, 'a', null, true, undefined], rng: new Rng(7), nan: NaN };
    const text = stringifyEncoded(encode(value));
    expect(text).toBe(JSON.stringify(encode(value)));
    const back = decode(JSON.parse(text)) as typeof value;
    expect(back.W0).toBeInstanceOf(Matrix);
    expect(Buffer.from(back.W0.data.buffer).equals(Buffer.from(M.data.buffer))).toBe(true);
    expect(back.list).toEqual([1, 'a', null, true, undefined]);
    expect(back.rng).toBeInstanceOf(Rng);
    expect(back.rng.seed).toBe(7);
    expect(Number.isNaN(back.nan)).toBe(true);
    expect(back.big).toBe(1e300);
  });

  it('base64 without Buffer#toString gives the same text as Buffer, for every length mod 3', () => {
    for (let n = 0; n < 40; n++) {
      const bytes = new Uint8Array(n).map((_, i) => (i * 97 + n) & 255);
      const expected = Buffer.from(bytes).toString('base64');
      expect(base64(bytes), `n=${n}`).toBe(expected);
      expect(base64Js(bytes), `n=${n}`).toBe(expected);
    }
  });

  it('a matrix of a subarray encodes its own values only', () => {
    const big = new Float64Array([9, 1, 2, 3, 4, 9]);
    const e = encode(new Matrix(2, 2, big.subarray(1, 5))) as { $m: [number, number, string] };
    expect(e.$m[2]).toBe(Buffer.from(new Float64Array([1, 2, 3, 4]).buffer).toString('base64'));
  });

  it('getters, Proxies, class instances and functions travel as what they are, never run', () => {
    let ran = 0;
    const getter = { get W0() { ran++; return M; } };
    const proxy = new Proxy({ W0: M }, { get: () => { ran++; return M; }, ownKeys: () => { ran++; return []; }, getPrototypeOf: () => { ran++; return null; } });
    const matrixLike = { rows: 1, cols: 1, get data() { ran++; return new Float64Array(1); } };
    class Params { W0 = M; }
    const out = decode(JSON.parse(JSON.stringify([encode(getter), encode(proxy), encode(matrixLike), encode(new Params()), encode(() => 1)]))) as unknown[];
    expect(ran).toBe(0);
    expect((out[0] as { W0: Unencodable }).W0).toEqual(new Unencodable('a getter for W0'));
    expect(out[1]).toEqual(new Unencodable('a Proxy'));
    expect((out[2] as { data: Unencodable }).data).toEqual(new Unencodable('a getter for data'));
    expect(out[3]).toEqual(new Unencodable('a Params'));
    expect(out[4]).toEqual(new Unencodable('a function'));
  });

  it('hooks on Object.prototype and Array.prototype are neither called nor able to change the text', () => {
    let calls = ''; // a string: calls.push() would itself meet the [0] setter
    const text = withHooks(() => {
      const undo = [
        define(Object.prototype, 'toJSON', { writable: true, value() { calls += 'Object toJSON; '; return 'forged'; } }),
        define(Array.prototype, 'toJSON', { writable: true, value() { calls += 'Array toJSON; '; return 'forged'; } }),
        define(Object.prototype, Symbol.toPrimitive, { writable: true, value() { calls += 'toPrimitive; '; return 'forged'; } }),
        // Setters where encode() adds fields and elements: a naive `out[k] = v` would call them.
        define(Object.prototype, 'W0', { set() { calls += 'W0 setter; '; }, get() { return undefined; } }),
        define(Array.prototype, '0', { set() { calls += '[0] setter; '; }, get() { return undefined; } }),
        // Descriptors are objects too: inherited `get`/`value` must not make data look like an accessor.
        define(Object.prototype, 'get', { writable: true, value: () => 'forged' }),
        define(Object.prototype, 'value', { writable: true, value: 'forged' }),
      ];
      return () => { for (const u of undo.reverse()) u(); };
    }, () => stringifyEncoded(encode({ W0: M, list: [1, 2], s: 'x' })));
    expect(calls).toBe('');
    const back = decode(JSON.parse(text)) as { W0: Matrix; list: number[]; s: string };
    expect(back.list).toEqual([1, 2]);
    expect(back.s).toBe('x');
    expect(Array.from(back.W0.data)).toEqual(Array.from(M.data));
  });

  it('replaced built-ins (Object.keys, Array.isArray, JSON.stringify, Buffer base64) change nothing', () => {
    const expected = JSON.stringify(encode({ W0: M, list: [1, 2] }));
    const text = withHooks(() => {
      const undo = [
        define(Object, 'keys', { writable: true, value: () => [] }),
        define(Object, 'entries', { writable: true, value: () => [] }),
        define(Array, 'isArray', { writable: true, value: () => false }),
        define(JSON, 'stringify', { writable: true, value: () => '"forged"' }),
        define(Buffer.prototype, 'base64Slice', { writable: true, value: () => 'forged' }),
        define(Buffer.prototype, 'toString', { writable: true, value: () => 'forged' }),
        define(Object.getPrototypeOf(Uint8Array.prototype), 'length', { get: () => 0 }),
      ];
      return () => { for (const u of undo.reverse()) u(); };
    }, () => stringifyEncoded(encode({ W0: M, list: [1, 2] })));
    expect(text).toBe(expected);
  });
});

describe('large matrices as files (judge → child)', () => {
  /** An in-memory stand-in for the sandbox folder. */
  function store(): MatrixFiles & { files: Map<string, Uint8Array> } {
    const files = new Map<string, Uint8Array>();
    return {
      files,
      put(data) {
        const bytes = new Uint8Array(data.buffer.slice(data.byteOffset, data.byteOffset + data.byteLength));
        const name = matrixFileName(Buffer.from(bytes).toString('hex').padEnd(32, '0').slice(-32));
        files.set(name, bytes);
        return name;
      },
    };
  }
  const big = new Matrix(2, FILE_MATRIX_VALUES / 2, Float64Array.from({ length: FILE_MATRIX_VALUES }, (_, i) => Math.sin(i) / 3));

  it('only matrices of FILE_MATRIX_VALUES values or more leave the line, and come back bit for bit', () => {
    const s = store();
    const e = JSON.parse(stringifyEncoded(encode({ X: big, small: M }, 0, s))) as { X: { $mf: [number, number, string] }; small: { $m: unknown } };
    expect(e.X.$mf.slice(0, 2)).toEqual([2, FILE_MATRIX_VALUES / 2]);
    expect(e.small.$m).toBeDefined();
    expect(s.files.size).toBe(1);
    const back = decode(e, 0, name => s.files.get(name)!) as { X: Matrix; small: Matrix };
    expect(Buffer.from(back.X.data.buffer).equals(Buffer.from(big.data.buffer))).toBe(true);
    expect(back.small.data[1]).toBe(-2.5);
  });

  it('a file reference is refused where no reader is given (the judge reading a child), and bad names everywhere', () => {
    const ref = (name: string) => ({ $mf: [1, 1, name] });
    const read = () => new Uint8Array(8);
    expect(() => decode(ref(matrixFileName('a'.repeat(32))))).toThrow(new DecodeError('a matrix file reference is not accepted here'));
    for (const name of ['../../etc/passwd', 'runner.mjs', `matrix-${'a'.repeat(32)}.f64/x`, `/matrix-${'a'.repeat(32)}.f64`]) {
      expect(() => decode(ref(name), 0, read), name).toThrow('bad matrix file name');
    }
    expect(() => decode({ $mf: [2, 2, matrixFileName('b'.repeat(32))] }, 0, read)).toThrow('matrix 2×2 needs 32 bytes, got 8');
  });
});

describe('modified arguments, judged from what was sent and what came back', () => {
  const before = [encode({ W0: M, W1: M }), encode({ m: { dW0: M }, v: { dW0: M } }), encode(0.1)];
  const echo = (v: Encoded[]) => JSON.parse(JSON.stringify(v)) as unknown[];

  it('nothing changed: no paths', () => {
    expect(mutatedPaths(before, echo(before))).toEqual([]);
  });

  it('names the field of a plain object, not the inside of a matrix', () => {
    const changed = Matrix.fromRows([[1, -2.5, 3], [NaN, Infinity, 0]]);
    const after = echo([encode({ W0: changed, W1: M }), encode({ m: { dW0: M }, v: { dW0: changed } }), encode(0.1)]);
    expect(mutatedPaths(before, after)).toEqual(['arg0.W0', 'arg1.v.dW0']);
  });

  it('added and removed fields, a getter put in place, a number changed', () => {
    const after = echo([encode({ W0: M }), encode({ m: { dW0: M, extra: 1 }, v: { get dW0() { return M; } } }), encode(0.2)]);
    expect(mutatedPaths(before, after)).toEqual(['arg0.W1', 'arg1.m.extra', 'arg1.v.dW0', 'arg2']);
  });

  it('adds the paths the runner found swapped, and ignores ones that are not argument paths', () => {
    expect(mutatedPaths(before, echo(before), ['arg0.W0', 'arg0.W0', 'process.exit', 'arg1.m.dW0'])).toEqual(['arg0.W0', 'arg1.m.dW0']);
  });
});
