// grader/sandbox/runner.ts — runs INSIDE the sandbox child (compiled by esbuild, never by tsx).
// It imports the student's compiled files on demand, calls the requested function on decoded
// arguments, and reports the result on fd 3. It is the only trusted code in the child, so it
// takes its own references to what it needs before any student module is loaded, and stamps
// every answer with the token from the judge's first line, which no student code has seen.
import { writeSync } from 'node:fs';
import { syncBuiltinESMExports } from 'node:module';
import os from 'node:os';
import { encode, decode } from '../codec.ts';
import { NOT_IMPLEMENTED } from '../types.ts';
import { MAX_ERROR_MESSAGE, type ChildEvent, type ErrorInfo, type Hello, type Job } from './protocol.ts';

const CHANNEL = 3;
const stringify = JSON.stringify;
const parse = JSON.parse;
const write = writeSync;
const now = () => performance.now();

type Unstamped<T> = T extends unknown ? Omit<T, 'k'> : never;
let token = '';
/** The course's student functions, [module, function], from the judge's Hello. */
let functions: [string, string][] = [];

function send(ev: Unstamped<ChildEvent>): void {
  write(CHANNEL, stringify({ k: token, ...ev }) + '\n');
}

// Hardening beyond the permission model. The old internal bindings are the classic way around
// it. And it does not cover signals: process.kill would reach the judge (the child's parent),
// its process group (kill(0)) and every process of the same user (kill(-1)); os.setPriority
// could slow them down. The ESM views of the builtins are synced so `import { kill }` agrees.
const refuse = (what: string) => () => { throw new Error(`${what} is not available in the grading sandbox`); };
const locks: [object, string, unknown][] = [
  [process, 'binding', undefined], [process, '_linkedBinding', undefined], [process, 'dlopen', undefined],
  [process, 'kill', refuse('process.kill')], [process, '_kill', undefined], [os, 'setPriority', refuse('os.setPriority')],
];
for (const [target, name, value] of locks) {
  try { Object.defineProperty(target, name, { value, configurable: false, writable: false }); } catch { /* already locked */ }
}
syncBuiltinESMExports();

const modules = new Map<string, Promise<Record<string, unknown>>>();

function load(id: number, module: string): Promise<Record<string, unknown>> {
  let m = modules.get(module);
  if (!m) {
    send({ id, phase: 'import', module });
    // A URL, not a template string: esbuild would try to bundle a glob of the folder.
    m = (import(new URL(`./assignments/${module}.mjs`, import.meta.url).href) as Promise<Record<string, unknown>>)
      .finally(() => send({ id, phase: 'imported', module }));
    modules.set(module, m);
  }
  return m;
}

/** The first stack frame inside a student file, as mapped back by --enable-source-maps. */
function locate(err: unknown): ErrorInfo['location'] & { fn?: string } | undefined {
  const stack = err instanceof Error && typeof err.stack === 'string' ? err.stack : '';
  const m = /at (?:(\S+) \()?[^\n]*?assignments\/([\w.-]+\.ts):(\d+):(\d+)/.exec(stack);
  return m ? { file: m[2], line: Number(m[3]), column: Number(m[4]), fn: m[1]?.replace(/^.*\./, '') } : undefined;
}

function describeError(err: unknown, kind: ErrorInfo['kind'], module: string, fn?: string): ErrorInfo {
  const message = err instanceof Error ? String(err.message) : `non-Error thrown: ${String(err)}`;
  const name = err instanceof Error ? String(err.name) : typeof err;
  const notImplemented = message.includes(NOT_IMPLEMENTED);
  const where = locate(err);
  return {
    kind: notImplemented ? 'not-implemented' : kind,
    message: message.slice(0, MAX_ERROR_MESSAGE),
    name,
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

async function runCall(job: Extract<Job, { kind: 'call' }>): Promise<void> {
  const f = await fnFrom(job.id, job.module, job.fn);
  if (typeof f !== 'function') { send({ id: job.id, ok: false, error: f }); return; }
  const args = job.args.map(a => decode(a));
  const before = job.args.map(a => stringify(a));
  const t0 = now();
  let value: unknown;
  try {
    value = f(...args);
  } catch (err) {
    send({ id: job.id, ok: false, error: describeError(err, 'throw', job.module, job.fn) });
    return;
  }
  const ms = now() - t0;
  const mutated: string[] = [];
  args.forEach((a, i) => {
    for (const path of changedPaths(encode(a), parse(before[i]), `arg${i}`)) mutated.push(path);
  });
  send({ id: job.id, ok: true, value: encode(value), mutated, ms });
}

function changedPaths(after: unknown, before: unknown, path: string): string[] {
  if (stringify(after) === stringify(before)) return [];
  if (after && before && typeof after === 'object' && typeof before === 'object' && !Array.isArray(after)
      && !('$m' in (after as object))) {
    const keys = new Set([...Object.keys(after as object), ...Object.keys(before as object)]);
    return [...keys].flatMap(k => changedPaths((after as never)[k], (before as never)[k], `${path}.${k}`));
  }
  return [path];
}

/** The course's program module (bundled beside the runner when the course has one). */
type Program = { runProgram(steps: Record<string, (...a: unknown[]) => unknown>, opts: unknown, data: unknown): unknown };

async function runProgram(job: Extract<Job, { kind: 'program' }>): Promise<void> {
  const steps: Record<string, (...a: unknown[]) => unknown> = {};
  for (const [module, fn] of functions) {
    const f = await fnFrom(job.id, module, fn);
    if (typeof f !== 'function') { send({ id: job.id, ok: false, error: f }); return; }
    // Say which function runs next: the judge allows each call the per-call time limit, so a
    // hang inside the program is stopped as fast as one in a single call, and named.
    steps[fn] = (...a: unknown[]) => { send({ id: job.id, phase: 'call', fn }); return f(...a); };
  }
  const program = (await import(new URL('./program.mjs', import.meta.url).href)) as Program;
  const data = decode(job.data);
  const opts = decode(job.opts);
  const t0 = now();
  try {
    const value = program.runProgram(steps, opts, data);
    send({ id: job.id, ok: true, value: encode(value), mutated: [], ms: now() - t0 });
  } catch (err) {
    const info = describeError(err, 'throw', 'program');
    if (info.location) info.module = info.location.file.replace(/\.ts$/, '');
    send({ id: job.id, ok: false, error: info });
  }
}

let buffered = '';
let queue: Promise<void> = Promise.resolve();
process.stdin.setEncoding('utf8');
process.stdin.on('data', (chunk: string) => {
  buffered += chunk;
  let nl: number;
  while ((nl = buffered.indexOf('\n')) >= 0) {
    const line = buffered.slice(0, nl);
    buffered = buffered.slice(nl + 1);
    if (!token) {
      const hello = parse(line) as Hello;
      token = String(hello.token);
      functions = Array.isArray(hello.functions) ? hello.functions : [];
      continue;
    }
    const job = parse(line) as Job;
    queue = queue.then(() => (job.kind === 'program' ? runProgram(job) : runCall(job)));
  }
});
