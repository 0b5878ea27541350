// lib/matmul/wasm.ts — loads the WebAssembly SIMD float64 kernel and drives it for Matrix.matmul.
//
// Per product: copy A and B into the module's (shared) memory with TypedArray.set (memcpy speed),
// let the wasm gemm export pack and multiply them (see tools/build-wasm.ts for the blocking
// scheme), copy C out. Large products are cut into a few chunks of rows or columns of C that the
// main thread and the helper thread (threads.ts) claim and compute on the same memory. The memory
// is kept and only grown between calls, so steady-state training does no allocation here.
//
// Kernel choice: the relaxed-SIMD variant (f64x2.relaxed_madd → one FMA instruction) is ~20%
// faster than mul+add here (17 vs 14.5 GFLOP/s); Node 20 ships relaxed SIMD behind a V8 flag, which
// can be turned on at run time as long as that happens before the module is compiled. If that module still does not
// validate we use plain SIMD, and without WebAssembly SIMD at all the caller keeps the TS kernel.
import v8 from 'node:v8';
import { gemmBlocked } from './blocked.ts';
import { KERNEL_FMA_BASE64, KERNEL_SIMD_BASE64, KC, MAX_PAGES, MC, MR, NC, NR } from './kernel-wasm.ts';
import { GemmWorker, threadsPossible } from './threads.ts';

export type Variant = 'fma' | 'simd';

/**
 * Below this many multiply-adds (m·k·n) the copies in and out of wasm memory cost more than they
 * save, and the TS kernel is used. Measured (`npx tsx bench/matmul.ts --thresholds`): TS 1.4 µs vs
 * wasm 1.9 µs at 10³, equal at 12³, wasm 5× faster at 32³.
 */
export const WASM_MIN_MULADDS = 1500;

/**
 * From this many flops (2·m·k·n) on, the product is split over two threads. Measured with the
 * worker polling (back-to-back products): no gain at 0.22 MFLOP (15 → 17 µs), break-even at
 * 0.5 (33 → 30 µs), 20% at 1.3 (75 → 60 µs), 40% from 4 MFLOP (235 → 142 µs); 1 MFLOP leaves
 * margin for a worker that has to be woken from sleep. 1 MFLOP ≈ 80×80·80×80.
 */
export const THREAD_MIN_FLOPS = 1e6;

/** Target work per chunk of a two-thread product: re-packing the shared operand per chunk costs
 * < 3% at this size (measured), and a descheduled worker delays a product by at most one chunk. */
const CHUNK_FLOPS = 4e6;

const PAGE = 65536;
const align64 = (x: number): number => Math.ceil(x / 64) * 64;
const roundUp = (x: number, q: number): number => Math.ceil(x / q) * q;

function decode(base64: string): Uint8Array<ArrayBuffer> {
  return new Uint8Array(Buffer.from(base64, 'base64'));
}

type GemmExport = (
  a: number, b: number, c: number, k: number, n: number, i0: number, i1: number,
  j0: number, j1: number, pa: number, pb: number, tmp: number,
) => void;

/** One kernel instance: compiled module, its shared memory, and (lazily) the helper thread. */
export class WasmGemm {
  readonly variant: Variant;
  readonly module: WebAssembly.Module;
  private readonly memory: WebAssembly.Memory;
  private readonly kernel: GemmExport;
  private heap: Float64Array;
  /** undefined: not tried yet; null: unavailable (sandbox, one core, spawn failure). */
  private worker: GemmWorker | null | undefined;
  /** Threads the last run() actually used (for tests and the benchmark). */
  lastThreads = 0;
  /** Contention back-off: threaded products to run on one thread before trying two again. */
  private skip = 0;
  private backoff = 0;
  private gain = 0.6;
  /** Best recent one-thread flops/ms per shape (see noteRate). */
  private readonly rates = new Map<string, number>();

  constructor(module: WebAssembly.Module, variant: Variant) {
    this.module = module;
    this.variant = variant;
    this.memory = new WebAssembly.Memory({ initial: 1, maximum: MAX_PAGES, shared: true });
    const instance = new WebAssembly.Instance(module, { env: { mem: this.memory } });
    this.kernel = instance.exports.gemm as GemmExport;
    this.heap = new Float64Array(this.memory.buffer);
  }

  /** e.g. 'wasm-simd-fma ×2'; ×2 as long as a helper thread is (or may become) available. */
  get name(): string {
    const threads = this.worker === null || (this.worker === undefined && !threadsPossible()) || this.worker?.failed ? 1 : 2;
    return `wasm-simd${this.variant === 'fma' ? '-fma' : ''} ×${threads}`;
  }

  /**
   * The Gemm the kernel switch installs: TS for tiny products, otherwise wasm on 1 or 2 threads.
   * c is overwritten, whatever it held before (Matrix.matmul passes memory it did not zero).
   */
  readonly gemm = (a: Float64Array, b: Float64Array, c: Float64Array, m: number, k: number, n: number): void => {
    if (m === 0 || n === 0 || k === 0) { c.fill(0); return; }
    if (m * k * n >= WASM_MIN_MULADDS && this.run(a, b, c, m, k, n, 2 * m * k * n >= THREAD_MIN_FLOPS ? 2 : 1, true)) return;
    c.fill(0); // the TS kernel accumulates into c
    gemmBlocked(a, b, c, m, k, n);
  };

  /**
   * c (m×n) = a (m×k) · b (k×n) in wasm, on up to `threads` threads (2 only once the helper is
   * ready; asking for 2 spawns it). Returns false, leaving c untouched, if the memory cannot grow.
   * adaptive: back off to one thread while the other core is busy (Matrix.matmul's path; tests
   * and the benchmark call without it to measure two threads as such).
   */
  run(
    a: Float64Array, b: Float64Array, c: Float64Array, m: number, k: number, n: number, threads = 1, adaptive = false,
  ): boolean {
    if (m === 0 || n === 0 || k === 0) { this.lastThreads = 1; return true; }
    let worker: GemmWorker | null = null;
    const learn = adaptive && threads >= 2; // a product the contention check learns from
    if (learn && this.skip > 0) { this.skip--; threads = 1; } // see the back-off below
    if (threads >= 2 && (m >= 2 * MR || n >= 2 * NR)) {
      if (this.worker === undefined) this.worker = GemmWorker.create(this.module, this.memory);
      if (this.worker?.ready) worker = this.worker; // still starting: this product runs on one thread
    }
    worker?.wake();

    // Layout: per-thread scratch (packed A block, packed B panel, edge tile), then A, B, C.
    const kc = Math.min(KC, k);
    const scratch = align64(roundUp(Math.min(MC, m), MR) * kc * 8)
      + align64(kc * roundUp(Math.min(NC, n), NR) * 8) + align64(MR * NR * 8);
    const nThreads = worker ? 2 : 1;
    const aOff = nThreads * scratch;
    const bOff = aOff + align64(m * k * 8);
    const cOff = bOff + align64(k * n * 8);
    if (!this.ensure(cOff + m * n * 8)) return false;
    const heap = this.heap;
    heap.set(a, aOff / 8);
    heap.set(b, bOff / 8);
    const scr = (t: number): [number, number, number] => {
      const pa = t * scratch;
      const pb = pa + align64(roundUp(Math.min(MC, m), MR) * kc * 8);
      return [pa, pb, pb + align64(kc * roundUp(Math.min(NC, n), NR) * 8)];
    };

    const [pa0, pb0, tmp0] = scr(0);
    this.lastThreads = 1;
    const flops = 2 * m * k * n;
    if (!worker) {
      const t0 = performance.now();
      this.kernel(aOff, bOff, cOff, k, n, 0, m, 0, n, pa0, pb0, tmp0);
      if (learn) this.noteRate(m, k, n, flops / (performance.now() - t0));
    } else {
      // Split C into an even number of chunks of ≥ ~CHUNK_FLOPS that both threads claim (threads.ts).
      // Rows when m ≥ n (each chunk packs its rows of A and all of B), else columns (the other way
      // round), so the operand every chunk re-packs is the smaller one. Chunk edges are multiples
      // of the tile (and of 8 columns = a cache line when wide), though results would be
      // bit-identical anyway since edge tiles do the same arithmetic as full ones.
      const byRows = m >= n && m >= 2 * MR;
      const dim = byRows ? m : n;
      const unit = byRows ? MR : n >= 64 ? 8 : NR;
      const pairs = Math.max(1, Math.min(4, Math.round(flops / (2 * CHUNK_FLOPS))));
      const chunk = roundUp(Math.ceil(dim / (2 * pairs)), unit);
      const nChunks = Math.ceil(dim / chunk);
      const [pa1, pb1, tmp1] = scr(1);
      const job = { a: aOff, b: bOff, c: cOff, k, n, m, pa: pa1, pb: pb1, tmp: tmp1, byRows, chunk, nChunks };
      const { byWorker, mainShare, mainMs, totalMs } = worker.run(job, byRows
        ? (lo, hi) => this.kernel(aOff, bOff, cOff, k, n, lo, hi, 0, n, pa0, pb0, tmp0)
        : (lo, hi) => this.kernel(aOff, bOff, cOff, k, n, 0, m, lo, hi, pa0, pb0, tmp0));
      if (byWorker > 0) this.lastThreads = 2;
      if (learn && byWorker >= 0) {
        // Contention check. When other processes keep the second core busy, our two threads
        // and they share the cores: the worker gets preempted holding a chunk, the main thread is
        // preempted too, and two threads end up slower than one. `gain` averages (this product's
        // time) / (one thread's best recent time for it): ≈ 0.6 on a quiet machine, ≈ 1 when the
        // worker is too slow to wake for it, ≫ 1 under contention. While it is ≥ 0.95 we stay on
        // one thread, trying two again after 8, 16, … 1024 products.
        const best = this.noteRate(m, k, n, mainShare > 0 ? (flops * mainShare) / mainMs : 0);
        this.gain = 0.7 * this.gain + 0.3 * Math.min(totalMs / (flops / best), 3);
        if (this.gain >= 0.95) this.skip = this.backoff = Math.min(Math.max(2 * this.backoff, 8), 1024);
        else this.backoff = 0;
      }
      if (byWorker < 0) {
        // A worker chunk failed (never expected): recompute everything here, without it.
        this.worker = null;
        this.kernel(aOff, bOff, cOff, k, n, 0, m, 0, n, pa0, pb0, tmp0);
      }
    }
    c.set(heap.subarray(cOff / 8, cOff / 8 + m * n));
    return true;
  }

  /**
   * Records a one-thread compute rate (flops/ms) seen for this shape and returns the best recent
   * one: a maximum that decays by 1% per observation, so it follows lasting changes (e.g. clock).
   */
  private noteRate(m: number, k: number, n: number, rate: number): number {
    const key = `${m},${k},${n}`;
    const best = Math.max(rate, 0.99 * (this.rates.get(key) ?? 0));
    if (this.rates.size > 256) this.rates.clear(); // a training run uses a handful of shapes
    this.rates.set(key, best);
    return best;
  }

  /** Grows the memory to at least `bytes`; false if impossible (over 2 GiB, or no memory left). */
  private ensure(bytes: number): boolean {
    const have = this.memory.buffer.byteLength;
    if (bytes > have) {
      if (bytes > MAX_PAGES * PAGE) return false;
      try {
        this.memory.grow(Math.ceil((bytes - have) / PAGE));
      } catch {
        return false;
      }
    }
    // A shared memory's buffer object is fixed-length: re-take the view after any growth
    // (including growth seen through another thread).
    if (this.heap.buffer.byteLength !== this.memory.buffer.byteLength) this.heap = new Float64Array(this.memory.buffer);
    return true;
  }
}

const cache = new Map<Variant, WasmGemm | null>();

/** Compiles (once) and returns the kernel of this variant, or null if this runtime cannot run it. */
export function loadWasmGemm(variant: Variant): WasmGemm | null {
  const hit = cache.get(variant);
  if (hit !== undefined) return hit;
  let result: WasmGemm | null = null;
  try {
    const bytes = decode(variant === 'fma' ? KERNEL_FMA_BASE64 : KERNEL_SIMD_BASE64);
    if (variant === 'fma' && !WebAssembly.validate(bytes)) {
      // Node 20 (V8 11.3) has relaxed SIMD behind a flag; it must be set before compiling.
      try { v8.setFlagsFromString('--experimental-wasm-relaxed-simd'); } catch { /* not V8 */ }
    }
    if (WebAssembly.validate(bytes)) result = new WasmGemm(new WebAssembly.Module(bytes), variant);
  } catch {
    result = null; // no WebAssembly, no SIMD, no shared memory, …
  }
  cache.set(variant, result);
  return result;
}

/** The fastest kernel this runtime supports (FMA, else plain SIMD), or null. */
export function bestWasmGemm(): WasmGemm | null {
  return loadWasmGemm('fma') ?? loadWasmGemm('simd');
}
