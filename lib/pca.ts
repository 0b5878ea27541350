// lib/pca.ts — the PCA baseline (lecture: min_W ‖x − WᵀW x‖²). 主成分分析による比較基準。
//
// An autoencoder with f = g = identity can do no better than PCA with the same q, so PCA's
// test error is the yardstick `make train` prints next to the autoencoder's.
// Top-q eigenvectors of the d × d covariance by subspace (orthogonal) iteration with a few
// extra vectors and a final Rayleigh–Ritz step; no dependency, seeded, deterministic.
import { Matrix } from './matrix.ts';
import { Rng } from './random.ts';

export interface PcaOptions {
  /** Extra basis vectors beyond q; they speed up convergence of the q-th direction. */
  oversample?: number;
  maxIterations?: number;
  /** Iterate with C^power (1, 2 or 4; default 4). */
  power?: 1 | 2 | 4;
  /** Stop when the variance of the best q directions changes by less than this (relative); default 1e-10. */
  tolerance?: number;
}

/**
 * Mean squared error per pixel of reconstructing the columns of `test` from the top-q
 * principal components of the columns of `train` (both centred by the train mean):
 *   x̂ = μ + U Uᵀ (x − μ),  error = mean over all d·m entries of (x̂ − x)².
 */
export function pcaReconstructionError(train: Matrix, test: Matrix, q: number, seed = 0, opts: PcaOptions = {}): number {
  if (train.rows !== test.rows) {
    throw new Error(`pcaReconstructionError: train is (${train.rows}×${train.cols}), test is (${test.rows}×${test.cols}); rows (d) must agree`);
  }
  const d = train.rows;
  const mean = columnMean(train);
  const U = principalComponents(train, q, seed, opts, mean); // q' × d, rows orthonormal
  const Tc = centre(test, mean);                                  // d × m
  const residual = Tc.sub(U.transpose().matmul(U.matmul(Tc)));    // (I − U Uᵀ)(x − μ)
  const r = residual.data;
  let s = 0;
  for (let i = 0; i < r.length; i++) s += r[i] * r[i];
  return r.length === 0 ? 0 : s / (d * test.cols);
}

/**
 * The top-q principal directions of the columns of X, as the rows of a min(q, d) × d matrix
 * (orthonormal rows, by decreasing variance).
 */
export function principalComponents(X: Matrix, q: number, seed = 0, opts: PcaOptions = {}, mean = columnMean(X)): Matrix {
  if (!(Number.isInteger(q) && q >= 1)) throw new Error(`principalComponents: q must be a positive integer, got ${q}`);
  if (X.cols < 1) throw new Error('principalComponents: no columns (samples)');
  const d = X.rows;
  q = Math.min(q, d);
  const k = Math.min(d, q + (opts.oversample ?? 16));
  const maxIterations = opts.maxIterations ?? 200;
  const tolerance = opts.tolerance ?? 1e-10;
  const power = opts.power ?? 4;

  const Xc = centre(X, mean);
  const C = Xc.matmul(Xc.transpose()).div(X.cols); // d × d covariance
  // Iterating with C^power multiplies the progress per (costly, scalar) Gram–Schmidt; C² and
  // C⁴ cost one d³ product each, cheap next to forming C from n samples.
  let P = C;
  for (let p = 1; p < power; p *= 2) P = P.matmul(P);
  const rng = new Rng(seed);

  // Qt holds the basis as rows (k × d): rows are contiguous, so Gram–Schmidt runs on rows.
  // P is symmetric, so (P Q)ᵀ = Qᵀ P = Qt·P.
  let Qt = orthonormalizeRows(Matrix.randn(k, d, rng), rng);
  let captured = -Infinity;
  for (let it = 1; it <= maxIterations; it++) {
    Qt = orthonormalizeRows(Qt.matmul(P), rng);
    if (it % 4 === 0 || it === maxIterations) {
      // Converged when the variance of the best q directions in span(Q) stops growing.
      const next = ritz(C, Qt, q).values.reduce((a, b) => a + b, 0);
      if (Math.abs(next - captured) <= tolerance * Math.abs(next)) break;
      captured = next;
    }
  }
  return ritz(C, Qt, q).vectors;
}

/**
 * Rayleigh–Ritz: the best q directions inside span(Q) are the top eigenvectors of QᵀCQ.
 * Returns their variances and the directions as rows (q × d).
 */
function ritz(C: Matrix, Qt: Matrix, q: number): { values: number[]; vectors: Matrix } {
  const k = Qt.rows;
  const H = Qt.matmul(C).matmul(Qt.transpose()); // k × k
  const { values, vectors } = symmetricEigen(H);
  const order = [...values.keys()].sort((a, b) => values[b] - values[a]).slice(0, q);
  const V = new Matrix(q, k);
  order.forEach((col, i) => { for (let j = 0; j < k; j++) V.data[i * k + j] = vectors.data[j * k + col]; });
  return { values: order.map(i => values[i]), vectors: V.matmul(Qt) };
}

function columnMean(X: Matrix): Float64Array {
  const mean = new Float64Array(X.rows);
  for (let r = 0; r < X.rows; r++) {
    let s = 0;
    for (let j = 0; j < X.cols; j++) s += X.data[r * X.cols + j];
    mean[r] = X.cols === 0 ? 0 : s / X.cols;
  }
  return mean;
}

function centre(X: Matrix, mean: Float64Array): Matrix {
  return X.map((v, r) => v - mean[r]);
}

/**
 * Modified Gram–Schmidt on the rows, applied twice ("twice is enough") for orthogonality to
 * rounding level. A row that vanishes (C has rank < k, e.g. MNIST's always-black border
 * pixels) is replaced by a fresh random direction, so the rows stay an orthonormal basis.
 */
function orthonormalizeRows(A: Matrix, rng: Rng): Matrix {
  const { rows: k, cols: d } = A;
  const Q = A.clone();
  const q = Q.data;
  for (let i = 0; i < k; i++) {
    const ri = i * d;
    let original = 0;
    for (let c = 0; c < d; c++) original += q[ri + c] ** 2;
    for (let attempt = 0; ; attempt++) {
      for (let pass = 0; pass < 2; pass++) {
        for (let j = 0; j < i; j++) {
          const rj = j * d;
          let dot = 0;
          for (let c = 0; c < d; c++) dot += q[ri + c] * q[rj + c];
          for (let c = 0; c < d; c++) q[ri + c] -= dot * q[rj + c];
        }
      }
      let norm = 0;
      for (let c = 0; c < d; c++) norm += q[ri + c] ** 2;
      if (norm > 1e-20 * Math.max(original, 1e-300) && norm > 0) {
        const inv = 1 / Math.sqrt(norm);
        for (let c = 0; c < d; c++) q[ri + c] *= inv;
        break;
      }
      if (attempt > 10) throw new Error(`orthonormalizeRows: cannot find ${k} independent directions in R^${d}`);
      for (let c = 0; c < d; c++) q[ri + c] = rng.normal();
      original = 0;
      for (let c = 0; c < d; c++) original += q[ri + c] ** 2;
    }
  }
  return Q;
}

/** Cyclic Jacobi eigen-decomposition of a small symmetric matrix: A = V diag(values) Vᵀ. */
export function symmetricEigen(A: Matrix): { values: Float64Array; vectors: Matrix } {
  const n = A.rows;
  if (A.cols !== n) throw new Error(`symmetricEigen: expected a square matrix, got (${A.rows}×${A.cols})`);
  const a = A.clone().data;
  const V = new Matrix(n, n);
  const v = V.data;
  for (let i = 0; i < n; i++) v[i * n + i] = 1;
  for (let sweep = 0; sweep < 100; sweep++) {
    let off = 0, total = 0;
    for (let i = 0; i < n; i++) {
      for (let j = 0; j < n; j++) {
        total += a[i * n + j] ** 2;
        if (i !== j) off += a[i * n + j] ** 2;
      }
    }
    if (off <= 1e-30 * total) break;
    for (let p = 0; p < n - 1; p++) {
      for (let r = p + 1; r < n; r++) {
        const apr = a[p * n + r];
        if (apr === 0) continue;
        // Rotation that zeroes a[p][r] (Golub & Van Loan, Algorithm 8.5.1).
        const theta = (a[r * n + r] - a[p * n + p]) / (2 * apr);
        const t = Math.sign(theta || 1) / (Math.abs(theta) + Math.sqrt(theta * theta + 1));
        const c = 1 / Math.sqrt(t * t + 1), s = t * c;
        for (let i = 0; i < n; i++) { // columns p, r
          const aip = a[i * n + p], air = a[i * n + r];
          a[i * n + p] = c * aip - s * air;
          a[i * n + r] = s * aip + c * air;
        }
        for (let j = 0; j < n; j++) { // rows p, r
          const apj = a[p * n + j], arj = a[r * n + j];
          a[p * n + j] = c * apj - s * arj;
          a[r * n + j] = s * apj + c * arj;
        }
        for (let i = 0; i < n; i++) {
          const vip = v[i * n + p], vir = v[i * n + r];
          v[i * n + p] = c * vip - s * vir;
          v[i * n + r] = s * vip + c * vir;
        }
      }
    }
  }
  const values = new Float64Array(n);
  for (let i = 0; i < n; i++) values[i] = a[i * n + i];
  return { values, vectors: V };
}
