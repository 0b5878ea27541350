// lib/matmul/index.ts — picks the product kernel that Matrix.matmul uses.
import { gemmBlocked } from './blocked.ts';

export type Gemm = (
  a: Float64Array, b: Float64Array, c: Float64Array, m: number, k: number, n: number,
) => void;

let active: Gemm = gemmBlocked;
let activeName = 'ts-blocked';

/** c (m×n, zero-filled) = a (m×k) · b (k×n). */
export function gemm(a: Float64Array, b: Float64Array, c: Float64Array, m: number, k: number, n: number): void {
  if (m === 0 || n === 0 || k === 0) return;
  active(a, b, c, m, k, n);
}

/** Which kernel is in use (shown by `make bench` and the grader's environment line). */
export function gemmName(): string {
  return activeName;
}

/** Replace the kernel (the WebAssembly kernel registers itself here; tests switch back). */
export function setGemm(kernel: Gemm, name: string): void {
  active = kernel;
  activeName = name;
}
