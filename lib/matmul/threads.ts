// lib/matmul/threads.ts — one helper thread for the WebAssembly product, driven synchronously.
//
// Matrix.matmul must stay synchronous, so there are no promises or messages per product: the main
// thread publishes a job (the wasm gemm arguments and a split of C into a few chunks) in a shared
// Int32Array, wakes the worker with Atomics.notify, and then both threads claim chunks from a shared
// counter until none are left; the main thread finally waits (Atomics.wait) for the worker's last
// chunk. Both threads run the same compiled WebAssembly.Module on the same shared WebAssembly.Memory.
//
// Why chunks instead of two fixed halves: the machine is shared (another training run, the
// grader, an editor). A worker that is slow to wake, or is descheduled mid-job, then costs at most
// one chunk of waiting; if it never shows up, the main thread simply claims every chunk itself.
//
// Fail-safe rules (student code runs in a sandbox with the permission model, where `new Worker`
// throws ERR_ACCESS_DENIED, and under resource limits):
//   * the worker is created lazily (first large product), never at import;
//   * if it cannot be created, or never reports ready, we silently stay on one thread;
//   * if a chunk fails in the worker, the caller recomputes the product and retires the worker;
//   * worker.unref(): the helper never keeps the process alive.
// The worker's code is an eval'd string (no worker file on disk), so it survives esbuild bundling.
import { Worker } from 'node:worker_threads';
import { availableParallelism } from 'node:os';

// Layout of the control array.
const SEQ = 0; // bumped to wake the worker (wake(), post()); it sleeps on this word
const NEXT = 1; // (job tag << 8) | next unclaimed chunk; claims are CAS on this word
const DONE = 2; // chunks finished in the current job
const READY = 3; // 1 once the worker has instantiated the module
const FAILED = 4; // set by the worker if a chunk threw (a bug; never expected)
const WORKER_CHUNKS = 5; // chunks the worker computed in the current job
const ARGS = 8; // job: a, b, c, k, n, m, pa, pb, tmp, byRows, chunk, nChunks
const N_ARGS = 12;
export const MAX_CHUNKS = 255;

/**
 * Spin budgets, in iterations of an Atomics.load loop (≈ 7.5 ns each here). After a job the worker
 * keeps polling for ~0.4 ms before it sleeps, so the back-to-back products of a training step
 * hand over without a futex wake-up (tens of µs in a VM); an idle worker costs nothing after that.
 */
const WORKER_SPIN = 50_000;
/** Once woken early (wake()), how long (~0.75 ms) the worker polls for the job while the main
 * thread copies the operands in (~0.15 ms for the largest course product). */
const WORKER_WAIT_FOR_POST = 100_000;
/** How long (~0.15 ms) the main thread polls for the worker's last chunk before sleeping on it. */
const MAIN_SPIN = 20_000;

// claim(): the one rule both threads follow. A chunk can only be claimed while NEXT still carries
// this job's tag, i.e. while the job is unfinished — so a worker that read the arguments of a job
// the main thread has already completed (and may be overwriting) can never act on them.
const CLAIM = `function claim(ctl, tag, n) {
  for (;;) {
    const v = Atomics.load(ctl, ${NEXT});
    if ((v >>> 8) !== tag || (v & 255) >= n) return -1;
    if (Atomics.compareExchange(ctl, ${NEXT}, v, v + 1) === v) return v & 255;
  }
}`;
/** The main thread's copy of CLAIM (kept verbatim in sync; no eval, which a sandbox may forbid). */
function claim(ctl: Int32Array, tag: number, n: number): number {
  for (;;) {
    const v = Atomics.load(ctl, NEXT);
    if ((v >>> 8) !== tag || (v & 255) >= n) return -1;
    if (Atomics.compareExchange(ctl, NEXT, v, v + 1) === v) return v & 255;
  }
}

const WORKER_SOURCE = `
const { workerData } = require('node:worker_threads');
const { module, memory, ctl } = workerData;
const { gemm } = new WebAssembly.Instance(module, { env: { mem: memory } }).exports;
${CLAIM}
Atomics.store(ctl, ${READY}, 1);
let seen = Atomics.load(ctl, ${SEQ});
let lastTag = Atomics.load(ctl, ${NEXT}) >>> 8;
for (;;) {
  // Wait for SEQ to move (wake() or post()): poll a while, then sleep.
  for (let i = 0; i < ${WORKER_SPIN} && Atomics.load(ctl, ${SEQ}) === seen; i++);
  Atomics.wait(ctl, ${SEQ}, seen);
  seen = Atomics.load(ctl, ${SEQ});
  // An early wake comes before the operands are copied in: poll for the job itself.
  for (let i = 0; i < ${WORKER_WAIT_FOR_POST} && (Atomics.load(ctl, ${NEXT}) >>> 8) === lastTag; i++);
  const tag = Atomics.load(ctl, ${NEXT}) >>> 8;
  if (tag === lastTag) continue;
  lastTag = tag;
  const [a, b, c, k, n, m, pa, pb, tmp, byRows, chunk, nChunks] = ctl.subarray(${ARGS}, ${ARGS + N_ARGS});
  for (let i; (i = claim(ctl, tag, nChunks)) >= 0;) {
    const lo = i * chunk, hi = Math.min(lo + chunk, byRows ? m : n);
    try {
      if (byRows) gemm(a, b, c, k, n, lo, hi, 0, n, pa, pb, tmp);
      else gemm(a, b, c, k, n, 0, m, lo, hi, pa, pb, tmp);
      Atomics.add(ctl, ${WORKER_CHUNKS}, 1);
    } catch {
      Atomics.store(ctl, ${FAILED}, 1);
    }
    Atomics.add(ctl, ${DONE}, 1);
    Atomics.notify(ctl, ${DONE});
  }
  seen = Atomics.load(ctl, ${SEQ});
}
`;

/** True when a second thread can be used at all (two cores, worker creation allowed). */
export function threadsPossible(): boolean {
  if (availableParallelism() < 2) return false;
  // Under `node --experimental-permission` without --allow-worker, spawning would throw.
  const perm = (process as { permission?: { has(scope: string): boolean } }).permission;
  return !perm || perm.has('worker');
}

/** A product split into chunks of rows (byRows) or columns of C. */
export interface Job {
  a: number; b: number; c: number; k: number; n: number; m: number;
  /** The worker's scratch areas (the main thread uses its own). */
  pa: number; pb: number; tmp: number;
  byRows: boolean; chunk: number; nChunks: number;
}

export class GemmWorker {
  private readonly ctl = new Int32Array(new SharedArrayBuffer(64 * 4));
  private dead = false;
  private tag = 0;

  private constructor(module: WebAssembly.Module, memory: WebAssembly.Memory) {
    const worker = new Worker(WORKER_SOURCE, { eval: true, workerData: { module, memory, ctl: this.ctl } });
    worker.unref();
    // Without listeners an 'error' would be rethrown in the main thread; here it only disables us.
    worker.on('error', () => { this.dead = true; });
    worker.on('exit', () => { this.dead = true; });
  }

  /** Spawns the helper, or returns null (never throws) if this process may not or cannot. */
  static create(module: WebAssembly.Module, memory: WebAssembly.Memory): GemmWorker | null {
    if (!threadsPossible()) return null;
    try {
      return new GemmWorker(module, memory);
    } catch {
      return null;
    }
  }

  /** Ready to take jobs (it starts asynchronously, ~25 ms after create). */
  get ready(): boolean {
    return !this.dead && Atomics.load(this.ctl, READY) === 1;
  }

  get failed(): boolean {
    return this.dead;
  }

  /** Rouses a sleeping worker ahead of run(), so its wake-up overlaps the copy of the operands. */
  wake(): void {
    Atomics.add(this.ctl, SEQ, 1);
    Atomics.notify(this.ctl, SEQ, 1);
  }

  /**
   * Computes all chunks of `job`, the main thread via mainChunk(lo, hi) and the worker in parallel.
   * Returns the number of chunks the worker did (-1 if one failed: then the caller must recompute
   * the product; the worker is retired), the share of rows/columns the main thread did, and the
   * main thread's compute time and the total time in ms (for the caller's contention check).
   */
  run(job: Job, mainChunk: (lo: number, hi: number) => void): { byWorker: number; mainShare: number; mainMs: number; totalMs: number } {
    const ctl = this.ctl;
    const n = job.nChunks;
    if (n > MAX_CHUNKS) throw new Error(`GemmWorker.run: at most ${MAX_CHUNKS} chunks`);
    const args = [job.a, job.b, job.c, job.k, job.n, job.m, job.pa, job.pb, job.tmp, job.byRows ? 1 : 0, job.chunk, n];
    for (let i = 0; i < N_ARGS; i++) ctl[ARGS + i] = args[i];
    Atomics.store(ctl, DONE, 0);
    Atomics.store(ctl, WORKER_CHUNKS, 0);
    this.tag = (this.tag % 0xffff) + 1; // 1..65535, never the initial 0
    const tag = this.tag;
    Atomics.store(ctl, NEXT, tag << 8); // publishes the job (seq-cst: the plain writes above are visible)
    this.wake();

    const end = job.byRows ? job.m : job.n;
    const t0 = performance.now();
    let mine = 0; // rows or columns done here
    for (let i; (i = claim(ctl, tag, n)) >= 0;) {
      const lo = i * job.chunk, hi = Math.min(lo + job.chunk, end);
      mainChunk(lo, hi);
      mine += hi - lo;
      Atomics.add(ctl, DONE, 1);
    }
    const t1 = performance.now();
    // Every chunk is claimed; wait for the ones the worker is still computing. No timeout: a
    // claimed chunk is one wasm call that allocates nothing and ends unless the process exits.
    let done = Atomics.load(ctl, DONE);
    for (let i = 0; done < n && i < MAIN_SPIN; i++) done = Atomics.load(ctl, DONE);
    while (done < n) {
      Atomics.wait(ctl, DONE, done);
      done = Atomics.load(ctl, DONE);
    }
    const stats = { mainShare: mine / end, mainMs: t1 - t0, totalMs: performance.now() - t0 };
    if (Atomics.load(ctl, FAILED) !== 0) {
      this.dead = true;
      return { byWorker: -1, ...stats };
    }
    return { byWorker: Atomics.load(ctl, WORKER_CHUNKS), ...stats };
  }
}
