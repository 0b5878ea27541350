// lib/matmul/index.ts — picks the product kernel that Matrix.matmul uses.
//
// At import the fastest available kernel is selected: the WebAssembly SIMD kernel (relaxed-SIMD
// FMA if the runtime allows it, else plain SIMD), which splits large products over two threads
// (see wasm.ts / threads.ts); without WebAssembly SIMD, the pure TS blocked kernel. Importing
// compiles a ~2 KB module and nothing else: no memory beyond one page, no worker thread.
import { gemmBlocked } from './blocked.ts';
import { bestWasmGemm } from './wasm.ts';

/** c (m×n) = a (m×k) · b (k×n), c zero-filled by the caller (a kernel may add into it). */
export type Gemm = (
  a: Float64Array, b: Float64Array, c: Float64Array, m: number, k: number, n: number,
) => void;

const wasm = bestWasmGemm();

let active: Gemm = wasm ? wasm.gemm : gemmBlocked;
// A function for the wasm kernel: whether the second thread is usable is only known later.
let activeName: string | (() => string) = wasm ? () => wasm.name : 'ts-blocked';
/** Whether `active` overwrites c by itself (the wasm kernel's gemm); other kernels add into c. */
let overwrites = active === wasm?.gemm;

/** c (m×n) = a (m×k) · b (k×n). c's previous contents do not matter: it is overwritten. */
export function gemm(a: Float64Array, b: Float64Array, c: Float64Array, m: number, k: number, n: number): void {
  if (overwrites) { active(a, b, c, m, k, n); return; }
  c.fill(0);
  if (m === 0 || n === 0 || k === 0) return;
  active(a, b, c, m, k, n);
}

/** Which kernel is in use (shown by `make bench` and the grader's environment line),
 * e.g. 'wasm-simd-fma ×2', 'wasm-simd ×1', 'ts-blocked'. */
export function gemmName(): string {
  return typeof activeName === 'function' ? activeName() : activeName;
}

/** Replace the kernel (tests and benchmarks switch to the TS kernel and back). */
export function setGemm(kernel: Gemm, name: string): void {
  active = kernel;
  activeName = name;
  overwrites = active === wasm?.gemm;
}

/** Restore the kernel chosen at import. */
export function resetGemm(): void {
  active = wasm ? wasm.gemm : gemmBlocked;
  activeName = wasm ? () => wasm.name : 'ts-blocked';
  overwrites = active === wasm?.gemm;
}
