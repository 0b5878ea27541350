// grader/sandbox/primordials.ts — the built-ins that the sandbox runner and the codec use, taken
// when this module is evaluated: in the child that is before any student module loads (the
// runner imports it statically; student files are imported later, on demand). Student code
// shares the realm and may replace Array.prototype.forEach, define Object.prototype.toJSON or
// getters, or patch Buffer: code that runs beside it calls only these captured functions, the
// way Node's own library does (lib/internal/per_context/primordials.js).
//
// Why not freeze the realm instead (the `ses` package's lockdown())? Measured on this project:
// lockdown() itself costs ~60 ms per child, but a frozen Object.prototype or typed-array
// prototype makes V8 leave its fast path for typed-array element stores (a 784×50 Matrix.map
// ~25× slower), and training in the sandbox took 3.4 s instead of 0.8 s. Capturing keeps the
// realm as fast as before; the channel then depends on nothing a student can reach.
import { types } from 'node:util';

const { bind, call } = Function.prototype;
/** f(thisArg, ...args) with no lookup of `.call` at call time. */
const uncurryThis: <T extends (...a: never[]) => unknown>(fn: T) => (self: unknown, ...args: Parameters<T>) => ReturnType<T> =
  bind.bind(call) as never;

export const ReflectApply = Reflect.apply;
export const ReflectDefineProperty = Reflect.defineProperty;
export const ReflectGetOwnPropertyDescriptor = Reflect.getOwnPropertyDescriptor;
export const ReflectOwnKeys = Reflect.ownKeys;
export const ObjectGetPrototypeOf = Object.getPrototypeOf;
export const ObjectSetPrototypeOf = Object.setPrototypeOf;
export const ObjectKeys = Object.keys;
export const ObjectFreeze = Object.freeze;
export const ObjectPrototype = Object.prototype;
export const ObjectHasOwn: (o: object, k: PropertyKey) => boolean = Object.hasOwn
  ?? uncurryThis(Object.prototype.hasOwnProperty as (k: PropertyKey) => boolean);
export const ArrayIsArray = Array.isArray;
export const ArrayPrototypeJoin = uncurryThis(Array.prototype.join as (sep?: string) => string);
export const NumberIsFinite = Number.isFinite;
export const NumberIsInteger = Number.isInteger;
export const MathMin = Math.min;
export const JSONParse = JSON.parse;
/** Only ever applied to primitives (strings, numbers): no toJSON is looked up for those. */
export const JSONStringify = JSON.stringify;
export const StringPrototypeSlice = uncurryThis(String.prototype.slice);
export const StringPrototypeIncludes = uncurryThis(String.prototype.includes);
export const StringPrototypeIndexOf = uncurryThis(String.prototype.indexOf);
export const StringPrototypeLastIndexOf = uncurryThis(String.prototype.lastIndexOf);
export const RegExpPrototypeExec = uncurryThis(RegExp.prototype.exec);
export const SafeString = String;
export const SafeNumber = Number;
export const Float64ArrayCtor = Float64Array;
export const Uint8ArrayCtor = Uint8Array;
export const SafeMap = Map;
export const MapPrototypeGet = uncurryThis(Map.prototype.get);
export const MapPrototypeSet = uncurryThis(Map.prototype.set);
export const performanceNow = uncurryThis(performance.now);
export const globalPerformance = performance;
export const PromisePrototypeThen = uncurryThis(Promise.prototype.then as (f?: (v: never) => unknown, r?: (e: unknown) => unknown) => Promise<unknown>);
export const isTypedArray = types.isTypedArray;

/** Defines an element or property without [[Set]]: no setter on any prototype is called. */
export function put(o: object, k: string | number, v: unknown): void {
  ReflectDefineProperty(o, k, { __proto__: null, value: v, writable: true, enumerable: true, configurable: true } as PropertyDescriptor);
}

/** arr.push(v) without Array.prototype.push or index setters on Array.prototype. */
export function push<T>(arr: T[], v: T): void {
  put(arr, arr.length, v);
}

const TypedArrayPrototype = ObjectGetPrototypeOf(Uint8Array.prototype) as object;
const getter = (o: object, k: string) => ReflectGetOwnPropertyDescriptor(o, k)!.get!;
export const TypedArrayPrototypeGetBuffer = uncurryThis(getter(TypedArrayPrototype, 'buffer') as () => ArrayBufferLike);
export const TypedArrayPrototypeGetByteOffset = uncurryThis(getter(TypedArrayPrototype, 'byteOffset') as () => number);
export const TypedArrayPrototypeGetByteLength = uncurryThis(getter(TypedArrayPrototype, 'byteLength') as () => number);
export const TypedArrayPrototypeGetLength = uncurryThis(getter(TypedArrayPrototype, 'length') as () => number);
export const TypedArrayPrototypeSet = uncurryThis(Uint8Array.prototype.set as (a: ArrayLike<number>, offset?: number) => void);

/** Brand checks on internal slots: a Proxy or a look-alike cannot pass them. */
export const isProxy = types.isProxy;
export const isFloat64Array = types.isFloat64Array;

const base64Slice = (Buffer.prototype as unknown as { base64Slice?: (start: number, end: number) => string }).base64Slice;
const BASE64 = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/';

/** Base64 of bytes, in plain JavaScript (the fallback where Buffer has no base64Slice). */
export function base64Js(bytes: Uint8Array): string {
  const n = TypedArrayPrototypeGetLength(bytes);
  let out = '';
  let i = 0;
  for (; i + 2 < n; i += 3) {
    const v = (bytes[i] << 16) | (bytes[i + 1] << 8) | bytes[i + 2];
    out += BASE64[v >> 18] + BASE64[(v >> 12) & 63] + BASE64[(v >> 6) & 63] + BASE64[v & 63];
  }
  if (i < n) {
    const v = (bytes[i] << 16) | (i + 1 < n ? bytes[i + 1] << 8 : 0);
    out += BASE64[v >> 18] + BASE64[(v >> 12) & 63] + (i + 1 < n ? BASE64[(v >> 6) & 63] : '=') + '=';
  }
  return out;
}

/**
 * Base64 of bytes. Buffer#toString('base64') would look up `base64Slice` on the buffer at call
 * time (a student can replace Buffer.prototype.base64Slice); the captured native one cannot be.
 */
export function base64(bytes: Uint8Array): string {
  return typeof base64Slice === 'function'
    ? ReflectApply(base64Slice, bytes, [0, TypedArrayPrototypeGetLength(bytes)]) as string
    : base64Js(bytes);
}
