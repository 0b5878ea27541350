// grader/sandbox/runner.ts — runs INSIDE the sandbox child (compiled by esbuild, never by tsx).
// It imports the student's compiled files on demand, calls the requested function on decoded
// arguments, and reports the result on fd 3. It is the only trusted code in the child and shares
// the realm with student code, so what decides an answer (the call, the encoding of the result
// and of the arguments afterwards, the line written on fd 3) uses only built-ins captured before
// any student module loads (./primordials.ts) and calls nothing student code can hook: no toJSON,
// getters, Proxy traps or replaced prototype methods. Every answer is stamped with the token
// from the judge's first line, which no student code has seen.
import {
  ArrayIsArray, globalPerformance, isFloat64Array, isProxy, JSONParse, JSONStringify, MapPrototypeGet, MapPrototypeSet,
  NumberIsFinite, ObjectFreeze, ObjectGetPrototypeOf, ObjectHasOwn, ObjectKeys, ObjectPrototype, performanceNow,
  PromisePrototypeThen, push, put, ReflectApply, ReflectDefineProperty, ReflectGetOwnPropertyDescriptor,
  RegExpPrototypeExec, SafeMap, SafeString, StringPrototypeIncludes,
  StringPrototypeLastIndexOf, StringPrototypeSlice,
} from './primordials.ts';
import { readFileSync, writeSync } from 'node:fs';
import { syncBuiltinESMExports } from 'node:module';
import os from 'node:os';
import { fileURLToPath } from 'node:url';
import { encode, decode, stringifyEncoded } from '../codec.ts';
import { NOT_IMPLEMENTED } from '../types.ts';
import { lineSplitter, MAX_ERROR_MESSAGE, type ErrorInfo, type Hello, type Job } from './protocol.ts';

const CHANNEL = 3;
const write = writeSync;
const now = () => performanceNow(globalPerformance);

let token = '';
/** The course's student functions, [module, function], from the judge's Hello. */
let functions: [string, string][] = [];
/** What a module asked for at run time is answered with, from the judge's Hello. */
let refusal = 'import() and require() at run time are not available in the grading sandbox';

// ── the channel ──────────────────────────────────────────────────────────────────────────
/** One event line, built by hand: `fields` are [name, JSON text] pairs. */
function send(id: number, fields: [string, string][]): void {
  let line = `{"k":${JSONStringify(token)},"id":${JSONStringify(id)}`;
  for (let i = 0; i < fields.length; i++) line += `,${JSONStringify(fields[i][0])}:${fields[i][1]}`;
  write(CHANNEL, `${line}}\n`);
}
const str = (s: string) => JSONStringify(s);
const num = (n: number) => (NumberIsFinite(n) ? JSONStringify(n) : '0');

function sendPhase(id: number, phase: 'import' | 'imported' | 'call', name: string): void {
  send(id, [['phase', str(phase)], [phase === 'call' ? 'fn' : 'module', str(name)]]);
}

function sendError(id: number, e: ErrorInfo): void {
  const fields: [string, string][] = [['kind', str(e.kind)], ['message', str(e.message)]];
  if (e.name !== undefined) push(fields, ['name', str(e.name)]);
  if (e.module !== undefined) push(fields, ['module', str(e.module)]);
  if (e.fn !== undefined) push(fields, ['fn', str(e.fn)]);
  const l = e.location;
  if (l) push(fields, ['location', `{"file":${str(l.file)},"line":${num(l.line)},"column":${num(l.column)}}`]);
  let obj = '{';
  for (let i = 0; i < fields.length; i++) obj += `${i ? ',' : ''}${str(fields[i][0])}:${fields[i][1]}`;
  send(id, [['ok', 'false'], ['error', `${obj}}`]]);
}

// ── the realm, before any student code ───────────────────────────────────────────────────
// Hardening beyond the permission model. Built-in modules are for the runner only: student
// code gets no import() at run time (compile.ts turns it into require(), refused below), so
// node:fs, node:os, node:vm, node:module (createRequire) and data:/file: URLs stay out of reach;
// process.getBuiltinModule and the old internal bindings would be the ways around that. The
// permission model does not cover signals: process.kill would reach the judge (the child's
// parent), its process group (kill(0)) and every process of the same user (kill(-1)).
// process.report would tell the host name, user limits and network interfaces. The ESM views of
// the builtins are synced so `import { kill }` agrees.
const refuse = (what: string) => () => { throw new Error(`${what} is not available in the grading sandbox`); };
function refuseImport(spec: unknown): never {
  const what = typeof spec === 'string' ? StringPrototypeSlice(spec, 0, 100) : typeof spec;
  throw new Error(`"${what}": ${refusal}`);
}
const locks: [object, string, unknown][] = [
  [process, 'binding', undefined], [process, '_linkedBinding', undefined], [process, 'dlopen', undefined],
  [process, 'getBuiltinModule', refuseImport], [process, 'report', undefined], [process, 'loadEnvFile', undefined],
  [process, 'execve', undefined],
  [process, 'kill', refuse('process.kill')], [process, '_kill', undefined], [os, 'setPriority', refuse('os.setPriority')],
  [globalThis, 'require', refuseImport],
  // Error stacks give the student's line numbers (--enable-source-maps); a replaced
  // Error.prepareStackTrace would run student code whenever the runner reads a stack.
  [Error, 'prepareStackTrace', undefined], [globalThis, 'Error', Error],
];
for (const [target, name, value] of locks) {
  ReflectDefineProperty(target, name, { __proto__: null, value, configurable: false, writable: false } as PropertyDescriptor);
}
syncBuiltinESMExports();
ObjectFreeze(refuseImport);

// ── loading student modules ──────────────────────────────────────────────────────────────
const modules = new SafeMap<string, Promise<Record<string, unknown>>>();
// Resolved now: a student could replace the URL class before a later module loads, and the
// runner's import() is a real one (data: URLs included).
const ASSIGNMENTS = new URL('./assignments/', import.meta.url).href;

function load(id: number, module: string): Promise<Record<string, unknown>> {
  let m = MapPrototypeGet(modules, module) as Promise<Record<string, unknown>> | undefined;
  if (!m) {
    sendPhase(id, 'import', module);
    // The module name comes from the judge (a StepModule), never from student code.
    const loading = import(`${ASSIGNMENTS}${module}.mjs`) as Promise<Record<string, unknown>>;
    const done = () => sendPhase(id, 'imported', module);
    m = PromisePrototypeThen(loading, (ns: unknown) => { done(); return ns; }, (err: unknown) => { done(); throw err; }) as Promise<Record<string, unknown>>;
    MapPrototypeSet(modules, module, m);
  }
  return m;
}

// ── errors, read without running student code ────────────────────────────────────────────
/** An own data property (never a getter, never through a Proxy), else undefined. */
function ownData(o: unknown, k: string): unknown {
  if (o === null || (typeof o !== 'object' && typeof o !== 'function') || isProxy(o)) return undefined;
  const d = ReflectGetOwnPropertyDescriptor(o as object, k);
  return d !== undefined && ObjectHasOwn(d, 'value') ? d.value : undefined;
}
/** A data property found on the object or its prototypes (Error's name lives on the prototype). */
function inheritedData(o: unknown, k: string): unknown {
  for (let p = o, depth = 0; p !== null && typeof p === 'object' && !isProxy(p) && depth < 16; p = ObjectGetPrototypeOf(p), depth++) {
    const d = ReflectGetOwnPropertyDescriptor(p as object, k);
    if (d !== undefined) return ObjectHasOwn(d, 'value') ? d.value : undefined;
  }
  return undefined;
}

/** The first stack frame inside a student file, as mapped back by --enable-source-maps. */
function locate(stack: string): ErrorInfo['location'] & { fn?: string } | undefined {
  const m = RegExpPrototypeExec(/at (?:(\S+) \()?[^\n]*?assignments\/([\w.-]+\.ts):(\d+):(\d+)/, stack);
  if (!m) return undefined;
  const fn = m[1] === undefined ? undefined : StringPrototypeSlice(m[1], StringPrototypeLastIndexOf(m[1], '.') + 1);
  return { file: m[2], line: +m[3], column: +m[4], fn };
}

function describeError(err: unknown, kind: ErrorInfo['kind'], module: string, fn?: string): ErrorInfo {
  const isObject = err !== null && (typeof err === 'object' || typeof err === 'function');
  const rawMessage = isObject ? ownData(err, 'message') : undefined;
  const rawName = isObject ? inheritedData(err, 'name') : undefined;
  const stack = isObject ? ownData(err, 'stack') : undefined;
  const message = typeof rawMessage === 'string' ? rawMessage
    : isObject ? 'non-Error thrown: an object' : `non-Error thrown: ${typeof err === 'symbol' ? 'a symbol' : SafeString(err)}`;
  const name = typeof rawName === 'string' ? rawName : typeof err;
  const where = typeof stack === 'string' ? locate(stack) : undefined;
  return {
    kind: StringPrototypeIncludes(message, NOT_IMPLEMENTED) ? 'not-implemented' : kind,
    message: StringPrototypeSlice(message, 0, MAX_ERROR_MESSAGE),
    name: StringPrototypeSlice(name, 0, 100),
    location: where && { file: where.file, line: where.line, column: where.column },
    module,
    fn: fn ?? where?.fn,
  };
}

async function fnFrom(id: number, module: string, fn: string): Promise<((...a: unknown[]) => unknown) | ErrorInfo> {
  let mod: Record<string, unknown>;
  try {
    mod = await load(id, module);
  } catch (err) {
    return describeError(err, 'import', module);
  }
  const f = mod[fn];
  if (typeof f !== 'function') {
    return { kind: 'missing-export', message: `${module}.ts does not export a function ${fn}`, module, fn };
  }
  return f as (...a: unknown[]) => unknown;
}

// ── the arguments after a call ───────────────────────────────────────────────────────────
/**
 * Every object reachable from the arguments (plain objects, arrays, matrices and their data) with
 * where it was: after the call each must still be there. Values are compared by the judge (it
 * has what it sent); this finds what values cannot show: a matrix changed in place and then
 * replaced by an unchanged copy, which a caller holding the old one would still see changed.
 */
type Ref = [path: string, parent: object, key: string, child: object];

/** Records `parent[key]` (an object) and, inside plain objects, arrays and matrices, what it holds. */
function referencesOf(parent: object, key: string, path: string, out: Ref[], depth = 0): void {
  const v = ownData(parent, key);
  if (v === null || typeof v !== 'object' || depth > 12) return;
  push(out, [path, parent, key, v]);
  if (isFloat64Array(ownData(v, 'data'))) { push(out, [path, v, 'data', ownData(v, 'data') as object]); return; }
  if (ArrayIsArray(v)) {
    for (let i = 0; i < (ownData(v, 'length') as number); i++) referencesOf(v, SafeString(i), path, out, depth + 1);
    return;
  }
  const proto = ObjectGetPrototypeOf(v);
  if (proto !== ObjectPrototype && proto !== null) return; // an Rng: drawing from it is its purpose
  // Paths as the judge names them: into plain objects, not into matrices or arrays.
  const keys = ObjectKeys(v);
  for (let i = 0; i < keys.length; i++) referencesOf(v, keys[i], `${path}.${keys[i]}`, out, depth + 1);
}

function replacedPaths(refs: Ref[]): string[] {
  const paths: string[] = [];
  for (let i = 0; i < refs.length; i++) {
    const ref = refs[i];
    const d = ReflectGetOwnPropertyDescriptor(ref[1], ref[2]);
    const still = d !== undefined && ObjectHasOwn(d, 'value') && d.value === ref[3];
    if (!still && (paths.length === 0 || paths[paths.length - 1] !== ref[0])) push(paths, ref[0]);
  }
  return paths;
}

function encodedList(values: unknown[]): string {
  let s = '[';
  for (let i = 0; i < values.length; i++) s += `${i ? ',' : ''}${stringifyEncoded(encode(values[i]))}`;
  return `${s}]`;
}

async function runCall(job: Extract<Job, { kind: 'call' }>): Promise<void> {
  const f = await fnFrom(job.id, job.module, job.fn);
  if (typeof f !== 'function') { sendError(job.id, f); return; }
  const args: unknown[] = [];
  const refs: Ref[] = [];
  for (let i = 0; i < job.args.length; i++) {
    push(args, decode(job.args[i]));
    referencesOf(args, SafeString(i), `arg${i}`, refs);
  }
  const t0 = now();
  let value: unknown;
  try {
    value = ReflectApply(f, undefined, args);
  } catch (err) {
    sendError(job.id, describeError(err, 'throw', job.module, job.fn));
    return;
  }
  const ms = now() - t0;
  // Synchronously after the call: no student code runs between it and these readings.
  const replaced = replacedPaths(refs);
  let replacedJson = '[';
  for (let i = 0; i < replaced.length; i++) replacedJson += `${i ? ',' : ''}${str(replaced[i])}`;
  send(job.id, [
    ['ok', 'true'], ['value', stringifyEncoded(encode(value))],
    ['after', encodedList(args)], ['replaced', `${replacedJson}]`], ['ms', num(ms)],
  ]);
}

// ── program jobs (lecture 4: training) ──────────────────────────────────────────────────
// The course's program module (training) runs here, in the student's realm: a submission that
// patches Matrix or Array methods changes its own training only. In TA grading the judge
// re-scores the returned weights with the reference forward pass (course/checks/step06.ts).
/** The course's program module (bundled beside the runner when the course has one). */
type Program = { runProgram(steps: Record<string, (...a: unknown[]) => unknown>, opts: unknown, data: unknown): unknown };
const PROGRAM = new URL('./program.mjs', import.meta.url).href;
/** Large matrices come as files the judge wrote into this folder (codec.ts decides the names). */
// A path string made now: a student may replace URL before a job arrives. `name` has been checked
// against the codec's pattern (no separators) before this is called.
const SANDBOX_DIR = fileURLToPath(new URL('./', import.meta.url));
const readMatrixFile = (name: string): Uint8Array => readFileSync(`${SANDBOX_DIR}${name}`);

async function runProgram(job: Extract<Job, { kind: 'program' }>): Promise<void> {
  const steps: Record<string, (...a: unknown[]) => unknown> = {};
  for (let i = 0; i < functions.length; i++) {
    const module = functions[i][0], fn = functions[i][1];
    const f = await fnFrom(job.id, module, fn);
    if (typeof f !== 'function') { sendError(job.id, f); return; }
    // Say which function runs next: the judge allows each call the per-call time limit, so a
    // hang inside the program is stopped as fast as one in a single call, and named.
    put(steps, fn, (...a: unknown[]) => { sendPhase(job.id, 'call', fn); return ReflectApply(f, undefined, a); });
  }
  const program = (await import(PROGRAM)) as Program;
  const data = decode(job.data, 0, readMatrixFile);
  const opts = decode(job.opts);
  const t0 = now();
  try {
    const value = program.runProgram(steps, opts, data);
    send(job.id, [['ok', 'true'], ['value', stringifyEncoded(encode(value))], ['ms', num(now() - t0)]]);
  } catch (err) {
    const info = describeError(err, 'throw', 'program');
    if (info.location) info.module = StringPrototypeSlice(info.location.file, 0, -3); // "03_sgd.ts" → "03_sgd"
    sendError(job.id, info);
  }
}

// ── jobs from the judge ──────────────────────────────────────────────────────────────────
// A student who patches Promise or the stream can only stop or reorder the runner's own work:
// the judge then sees a timeout or an unexpected answer, never a result it did not ask for.
let queue: Promise<void> = Promise.resolve();
process.stdin.setEncoding('utf8');
const lines = lineSplitter(line => {
  if (!token) {
    const hello = JSONParse(line) as Hello;
    token = SafeString(hello.token);
    if (ArrayIsArray(hello.functions)) functions = hello.functions;
    if (typeof hello.refusal === 'string') refusal = hello.refusal;
    return;
  }
  const job = JSONParse(line) as Job;
  queue = queue.then(() => (job.kind === 'program' ? runProgram(job) : runCall(job)));
});
process.stdin.on('data', (chunk: string) => lines.write(chunk));
