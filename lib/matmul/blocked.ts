// lib/matmul/blocked.ts — the pure TypeScript product kernel: C = A·B, row-major float64.
// It is the fallback when WebAssembly is unavailable and the readable reference for the fast one.
//
// Why not the naive i-j-p loop: its inner loop walks B down a column (stride n), so every
// step is a cache miss. Here the inner loop runs along a row of B and a row of C (stride 1),
// four rows of A at a time so each loaded B value is used four times, and the p and j ranges
// are cut into blocks that stay in L1/L2 while they are reused.

const BLOCK_P = 128; // rows of B kept hot
const BLOCK_J = 512; // columns of B/C kept hot

/** c (m×n, zero-filled) += a (m×k) · b (k×n). */
export function gemmBlocked(
  a: Float64Array, b: Float64Array, c: Float64Array, m: number, k: number, n: number,
): void {
  for (let j0 = 0; j0 < n; j0 += BLOCK_J) {
    const j1 = Math.min(j0 + BLOCK_J, n);
    for (let p0 = 0; p0 < k; p0 += BLOCK_P) {
      const p1 = Math.min(p0 + BLOCK_P, k);
      let i = 0;
      for (; i + 4 <= m; i += 4) {
        const c0 = i * n, c1 = c0 + n, c2 = c1 + n, c3 = c2 + n;
        const a0 = i * k, a1 = a0 + k, a2 = a1 + k, a3 = a2 + k;
        for (let p = p0; p < p1; p++) {
          const x0 = a[a0 + p], x1 = a[a1 + p], x2 = a[a2 + p], x3 = a[a3 + p];
          const bp = p * n;
          for (let j = j0; j < j1; j++) {
            const y = b[bp + j];
            c[c0 + j] += x0 * y;
            c[c1 + j] += x1 * y;
            c[c2 + j] += x2 * y;
            c[c3 + j] += x3 * y;
          }
        }
      }
      for (; i < m; i++) {
        const ci = i * n, ai = i * k;
        for (let p = p0; p < p1; p++) {
          const x = a[ai + p];
          const bp = p * n;
          for (let j = j0; j < j1; j++) c[ci + j] += x * b[bp + j];
        }
      }
    }
  }
}

/** The textbook triple loop, kept only as the benchmark's baseline and the tests' oracle. */
export function gemmNaive(
  a: Float64Array, b: Float64Array, c: Float64Array, m: number, k: number, n: number,
): void {
  for (let i = 0; i < m; i++) {
    for (let j = 0; j < n; j++) {
      let s = 0;
      for (let p = 0; p < k; p++) s += a[i * k + p] * b[p * n + j];
      c[i * n + j] = s;
    }
  }
}
