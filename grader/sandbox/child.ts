// grader/sandbox/child.ts — one sandboxed Node process that runs student code on request.
//
// Protections, each switched on where the OS has it:
//   - Node's permission model: read access to the sandbox folder only; no writes, no child
//     processes, no workers, no native addons.
//   - an empty environment; stdout/stderr captured for display only.
//   - SIGKILL after a wall-clock limit per job (a synchronous infinite loop cannot be stopped
//     any other way).
//   - memory: `prlimit --data` (RLIMIT_DATA counts typed arrays and the V8 heap; `--as` would
//     also count WebAssembly's reserved guard pages and break the matmul kernel) plus
//     --max-old-space-size for a clear V8 heap error.
//   - no network: `unshare -rn` (a new, empty network namespace) where user namespaces work.
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { delimiter, join } from 'node:path';
import { decode, DecodeError, type Encoded } from '../codec.ts';
import { COURSE, moduleOf } from '../course.ts';
import { atExit } from '../tmp.ts';
import { lineSplitter, MAX_ERROR_MESSAGE, runtimeImportRefused, type ChildEvent, type ErrorInfo, type Hello, type Job, type JobBody } from './protocol.ts';

export interface Limits { memoryMiB: number; callMs: number; trainMs: number }
export const DEFAULT_LIMITS: Limits = { memoryMiB: 1536, callMs: 4000, trainMs: 90_000 };
/**
 * A fresh process must start Node, the permission model and the WebAssembly kernel before its
 * first answer; on a loaded machine that alone can take seconds. The first job of a process
 * gets this much extra time, until the runner's first event shows it is up.
 */
export const STARTUP_MS = 6000;

export interface Protections { permission: boolean; memory: boolean; network: boolean; notes: string[] }

/**
 * The permission model's flag for this Node: `--experimental-permission` on Node 20, `--permission`
 * from 22.13 (stable), where later versions dropped the old spelling. A student's laptop may run
 * any of them; the wrong flag would stop every sandbox before it starts.
 */
export function permissionFlag(flags: ReadonlySet<string> = process.allowedNodeEnvironmentFlags): string {
  return flags.has('--permission') ? '--permission' : '--experimental-permission';
}

function which(cmd: string): string | undefined {
  for (const d of (process.env.PATH ?? '/usr/bin:/bin').split(delimiter)) {
    const p = join(d, cmd);
    if (existsSync(p)) return p;
  }
  return undefined;
}

let detected: { protections: Protections; prefix: string[] } | undefined;

/** Which protections this machine offers (probed once per process). */
export function detectProtections(limits: Limits = DEFAULT_LIMITS): { protections: Protections; prefix: string[] } {
  if (detected) return detected;
  const notes: string[] = [];
  const prefix: string[] = [];
  const unshare = process.platform === 'linux' ? which('unshare') : undefined;
  const network = !!unshare && spawnSync(unshare, ['-rn', 'true'], { timeout: 5000 }).status === 0;
  if (network) prefix.push(unshare!, '-rn');
  else notes.push('ネットワーク遮断なし (unshare が使えません) / network not isolated: unshare -rn unavailable');
  const prlimit = process.platform === 'linux' ? which('prlimit') : undefined;
  const bytes = limits.memoryMiB * 1024 * 1024;
  const memory = !!prlimit && spawnSync(prlimit, [`--data=${bytes}`, 'true'], { timeout: 5000 }).status === 0;
  // RLIMIT_CPU as well: if the judge is killed with SIGKILL (no chance to kill its children), a
  // child stuck in a student's infinite loop still dies once it has used this much CPU.
  const cpuSeconds = Math.ceil((limits.trainMs / 1000) * 4);
  if (memory) prefix.push(prlimit!, `--data=${bytes}`, `--cpu=${cpuSeconds}`, '--');
  else notes.push('型付き配列のメモリ上限なし (prlimit がありません) / typed-array memory not capped: prlimit unavailable');
  detected = { protections: { permission: true, memory, network, notes }, prefix };
  return detected;
}

/** Every student function of the course's code steps, as [module, function]. */
const studentFunctions = (): [string, string][] =>
  COURSE.codeSteps.flatMap(s => s.functions.map(f => [moduleOf(s.file), f.name] as [string, string]));

interface Pending {
  job: Job;
  resolve: (r: JobResult) => void;
  timer: NodeJS.Timeout;
  /** A new process: its start-up is not the student's time (see STARTUP_MS). */
  starting?: boolean;
  /** Training only: the per-call limit, restarted by every progress event. */
  idle?: NodeJS.Timeout;
  importing?: string;
  /** Training only: the student function that was called last. */
  calling?: string;
}

export type JobResult =
  | { ok: true; value: unknown; mutated: string[]; ms: number }
  | { ok: false; error: ErrorInfo };

const MAX_CAPTURE = 64 * 1024;
const FORGED = 'forged output?';

/**
 * Children still running. A grader that ends (a signal, a crash) takes them along: one stuck in a
 * student's infinite loop would otherwise spin until its CPU limit.
 */
const running = new Set<ChildProcess>();
let reaperInstalled = false;
function track(proc: ChildProcess): void {
  if (!reaperInstalled) {
    reaperInstalled = true;
    atExit(() => { for (const p of running) p.kill('SIGKILL'); });
  }
  running.add(proc);
  proc.on('exit', () => running.delete(proc));
}

/** A child that is (re)started on demand and killed on timeout, crash or protocol abuse. */
export class SandboxChild {
  private proc?: ChildProcess;
  private pending?: Pending;
  /** The current process's channel (fd 3), split into lines. */
  private lines = lineSplitter(() => {});
  private nextId = 1;
  /** Stamped on every answer of the current process by the runner; see protocol.ts. */
  private token = '';
  /** The end of the current process's stderr: where Node says why it died. */
  private stderr = '';
  /** What the student's code printed (for display only, capped). */
  output = '';

  constructor(readonly dir: string, readonly limits: Limits = DEFAULT_LIMITS) {}

  private start(): ChildProcess {
    const { prefix } = detectProtections(this.limits);
    const nodeArgs = [
      permissionFlag(), `--allow-fs-read=${this.dir}`,
      '--enable-source-maps', '--no-warnings', '--disallow-code-generation-from-strings',
      `--max-old-space-size=${Math.max(64, Math.floor(this.limits.memoryMiB / 2))}`,
      join(this.dir, 'runner.mjs'),
    ];
    const [cmd, ...args] = prefix.length ? [...prefix, process.execPath, ...nodeArgs] : [process.execPath, ...nodeArgs];
    const proc = spawn(cmd, args, { cwd: this.dir, env: {}, stdio: ['pipe', 'pipe', 'pipe', 'pipe'] });
    track(proc);
    this.lines = lineSplitter(line => { if (proc === this.proc) this.onEvent(proc, line); });
    this.stderr = '';
    this.token = randomBytes(16).toString('hex');
    const capture = (chunk: Buffer) => {
      if (this.output.length < MAX_CAPTURE) this.output += chunk.toString('utf8').slice(0, MAX_CAPTURE - this.output.length);
    };
    proc.stdout!.on('data', capture);
    proc.stderr!.on('data', (chunk: Buffer) => {
      capture(chunk);
      if (proc === this.proc) this.stderr = (this.stderr + chunk.toString('utf8')).slice(-8192);
    });
    // Decoded as a stream: a character split between two chunks stays whole.
    const channel = proc.stdio[3] as NodeJS.ReadableStream;
    channel.setEncoding('utf8');
    channel.on('data', (chunk: string) => this.onData(proc, chunk));
    proc.stdin!.on('error', () => { /* the child died; 'exit' reports it */ });
    proc.on('exit', (code, signal) => this.onExit(proc, code, signal));
    proc.on('error', err => this.fail(proc, { kind: 'crash', message: `could not start the sandbox: ${err.message}` }));
    const hello: Hello = { token: this.token, functions: studentFunctions(), refusal: runtimeImportRefused(COURSE.manifest.lib) };
    proc.stdin!.write(JSON.stringify(hello) + '\n');
    return proc;
  }

  /** Run one job; never rejects. */
  run(job: JobBody): Promise<JobResult> {
    if (this.pending) throw new Error('SandboxChild.run: one job at a time');
    const alive = this.proc && this.proc.exitCode === null && !this.proc.killed;
    const proc = alive ? this.proc! : (this.proc = this.start());
    const full = { ...job, id: this.nextId++ } as Job;
    const ms = full.kind === 'program' ? this.limits.trainMs : this.limits.callMs;
    return new Promise(resolve => {
      const timer = setTimeout(() => this.timeout(proc, ms), alive ? ms : ms + STARTUP_MS);
      this.pending = { job: full, resolve, timer, starting: !alive };
      proc.stdin!.write(JSON.stringify(full) + '\n');
    });
  }

  /**
   * Training runs many student calls in one job: besides the job's own limit, each import and
   * each call gets the per-call limit, so a hang costs seconds, not the whole training budget.
   * It starts with the runner's first event: reading the job (megabytes of data) is not timed.
   */
  private restartIdle(proc: ChildProcess): void {
    const p = this.pending;
    if (!p) return;
    clearTimeout(p.idle);
    p.idle = setTimeout(() => this.timeout(proc, this.limits.callMs), this.limits.callMs);
  }

  private timeout(proc: ChildProcess, ms: number): void {
    const p = this.pending;
    if (!p) return;
    this.fail(proc, { kind: 'timeout', message: `no answer within ${ms / 1000} s ${whereIn(p)} (infinite loop?)`, module: p.importing });
  }

  private onData(proc: ChildProcess, chunk: string): void {
    if (proc !== this.proc) return;
    if (this.lines.waiting() + chunk.length > 512 * 1024 * 1024) {
      this.fail(proc, { kind: 'protocol', message: 'the sandbox channel received more than 512 MB' });
      return;
    }
    this.lines.write(chunk);
  }

  private onEvent(proc: ChildProcess, line: string): void {
    const p = this.pending;
    let ev: ChildEvent;
    try {
      ev = JSON.parse(line) as ChildEvent;
    } catch {
      this.fail(proc, { kind: 'protocol', message: `the grader channel received text that is not the runner's (${FORGED})` });
      return;
    }
    if (typeof ev !== 'object' || ev === null || ev.k !== this.token) {
      this.fail(proc, { kind: 'protocol', message: `the grader channel received a message the runner did not write (${FORGED})` });
      return;
    }
    if (!p || ev.id !== p.job.id) {
      this.fail(proc, { kind: 'protocol', message: 'the grader channel received an answer nobody asked for' });
      return;
    }
    if ('phase' in ev) {
      if (p.starting) {
        // The process is up: from here on the job has its ordinary limit.
        p.starting = false;
        const ms = p.job.kind === 'program' ? this.limits.trainMs : this.limits.callMs;
        clearTimeout(p.timer);
        p.timer = setTimeout(() => this.timeout(proc, ms), ms);
      }
      if (ev.phase === 'import') p.importing = String(ev.module);
      else if (ev.phase === 'imported') p.importing = undefined;
      else if (ev.phase === 'call') p.calling = String(ev.fn);
      if (p.job.kind === 'program') this.restartIdle(proc);
      return;
    }
    this.pending = undefined;
    clearTimeout(p.timer);
    clearTimeout(p.idle);
    if (ev.ok === true) {
      try {
        let mutated: string[] = [];
        if (p.job.kind === 'call') {
          const { after, replaced } = ev;
          if (!Array.isArray(after) || after.length !== p.job.args.length || (replaced !== undefined && !Array.isArray(replaced))) {
            p.resolve({ ok: false, error: { kind: 'protocol', message: 'the answer lacks the arguments as they were after the call' } });
            return;
          }
          mutated = mutatedPaths(p.job.args, after, (replaced ?? []).map(String));
        }
        p.resolve({ ok: true, value: decode(ev.value), mutated, ms: Number(ev.ms) || 0 });
      } catch (err) {
        const why = err instanceof DecodeError ? err.message : String(err);
        p.resolve({ ok: false, error: { kind: 'protocol', message: `the returned value could not be read: ${why}` } });
      }
    } else {
      const e = (ev as { error?: Partial<ErrorInfo> }).error ?? {};
      p.resolve({ ok: false, error: sanitizeError(e) });
    }
  }

  private onExit(proc: ChildProcess, code: number | null, signal: NodeJS.Signals | null): void {
    if (proc !== this.proc) return;
    this.proc = undefined;
    const p = this.pending;
    if (!p) return;
    // Only Node's own last words, from stderr: what the student printed is never repeated here.
    const memory = /heap out of memory|Array buffer allocation failed|Cannot allocate|Invalid typed array length/i.test(this.stderr);
    const uncaught = /^\w*(?:Error|Exception)\b.*$/m.exec(this.stderr)?.[0].slice(0, 200);
    const how = memory ? `ran out of memory (limit ${this.limits.memoryMiB} MiB)`
      : signal ? `was killed (${signal})`
      : `exited with code ${code} (${code !== 0 && uncaught ? `uncaught ${uncaught}` : 'process.exit?'})`;
    this.settle({ kind: 'crash', message: `the sandbox process ${how} ${whereIn(p)}`, module: p.importing });
  }

  private fail(proc: ChildProcess, error: ErrorInfo): void {
    if (proc === this.proc) this.proc = undefined;
    proc.kill('SIGKILL');
    this.settle(error);
  }

  private settle(error: ErrorInfo): void {
    const p = this.pending;
    if (!p) return;
    clearTimeout(p.timer);
    clearTimeout(p.idle);
    this.pending = undefined;
    p.resolve({ ok: false, error });
  }

  close(): void {
    this.proc?.kill('SIGKILL');
    this.proc = undefined;
  }
}

/**
 * The argument paths a call modified, judged here from what was sent (`before`) and what the
 * runner read back right after the call (`after`), so nothing in the child's realm (where the
 * student may have replaced Array.prototype.forEach or JSON.stringify) takes part in the
 * comparison. `replaced`: paths whose objects the runner found swapped for others.
 */
export function mutatedPaths(before: readonly Encoded[], after: readonly unknown[], replaced: readonly string[] = []): string[] {
  const paths: string[] = [];
  before.forEach((b, i) => paths.push(...changedPaths(b, after[i], `arg${i}`)));
  for (const r of replaced.slice(0, 100)) if (/^arg\d+(\.[\w$]+)*$/.test(r) && !paths.includes(r)) paths.push(r.slice(0, 200));
  return paths.slice(0, 20);
}

const isRecord = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);
/** {$m: …}, {$num: …}, …: one value, compared whole. */
const isTag = (v: Record<string, unknown>) => { const k = Object.keys(v); return k.length === 1 && k[0].startsWith('$'); };

function changedPaths(before: unknown, after: unknown, path: string): string[] {
  if (sameEncoded(before, after)) return [];
  if (isRecord(before) && isRecord(after) && !isTag(before) && !isTag(after)) {
    const keys = new Set([...Object.keys(before), ...Object.keys(after)]);
    return [...keys].flatMap(k => changedPaths(before[k], after[k], `${path}.${k}`));
  }
  return [path];
}

function sameEncoded(a: unknown, b: unknown, depth = 0): boolean {
  if (a === b) return true;
  if (typeof a !== 'object' || typeof b !== 'object' || a === null || b === null || depth > 40) return false;
  if (Array.isArray(a) || Array.isArray(b)) {
    return Array.isArray(a) && Array.isArray(b) && a.length === b.length && a.every((x, i) => sameEncoded(x, b[i], depth + 1));
  }
  const ka = Object.keys(a), kb = Object.keys(b);
  return ka.length === kb.length && ka.every(k => Object.hasOwn(b, k) && sameEncoded((a as Record<string, unknown>)[k], (b as Record<string, unknown>)[k], depth + 1));
}

/** What the child was doing when it hung or died, as far as its events tell. */
function whereIn(p: Pending): string {
  if (p.importing) return `while importing ${p.importing}.ts`;
  if (p.calling) return `while running ${p.calling}() during training`;
  return p.job.kind === 'program' ? 'while running training' : `while running ${p.job.module}.ts ${p.job.fn}()`;
}

const KINDS = new Set(['import', 'throw', 'missing-export', 'not-implemented']);

/** Error reports come from an untrusted process: keep only well-typed, bounded fields. */
function sanitizeError(e: Partial<ErrorInfo>): ErrorInfo {
  const loc = e.location;
  return {
    kind: KINDS.has(String(e.kind)) ? (e.kind as ErrorInfo['kind']) : 'throw',
    message: String(e.message ?? '').slice(0, MAX_ERROR_MESSAGE),
    name: e.name === undefined ? undefined : String(e.name).slice(0, 100),
    module: e.module === undefined ? undefined : String(e.module).slice(0, 40),
    fn: e.fn === undefined ? undefined : String(e.fn).slice(0, 40),
    location: loc && typeof loc === 'object'
      ? { file: String(loc.file).slice(0, 60), line: Number(loc.line) || 0, column: Number(loc.column) || 0 }
      : undefined,
  };
}
