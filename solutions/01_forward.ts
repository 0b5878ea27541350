// 01 順伝播 / Forward pass
// 入力層 → 中間層 → 出力層。列がサンプル: X は d × n。
import { addBiasRow, type Matrix } from '../lib/matrix.ts';
import type { ForwardResult, OutputKind, Params } from '../lib/model.ts';

/**
 * ロジスティックシグモイド / logistic sigmoid
 *   f(a) = 1 / (1 + e^{−a})
 * |a| が大きくても (a = ±1000) NaN を返さないこと / must not give NaN for large |a| (a = ±1000).
 */
export function sigmoid(a: number): number {
  // BEGIN SOLUTION
  return 1 / (1 + Math.exp(-a));
  // END SOLUTION
}

/**
 * 順伝播 / forward pass
 *   Xb = [1; X]        (切片項 / bias row of ones on top)
 *   A1 = W0 Xb,  Z = f(A1)
 *   Zb = [1; Z]
 *   A2 = W1 Zb,  X̃ = g(A2)     g = 恒等写像 (identity) または sigmoid
 * 途中の値もすべて返す (逆伝播で使う) / return every intermediate (backward needs them).
 */
export function forward(params: Params, X: Matrix, output: OutputKind = 'identity'): ForwardResult {
  // BEGIN SOLUTION
  const { W0, W1 } = params;
  const Xb = addBiasRow(X);       // (1, xᵀ)ᵀ
  const A1 = W0.matmul(Xb);       // W0 x
  const Z = A1.map(sigmoid);      // z = f(W0 x)
  const Zb = addBiasRow(Z);       // (1, zᵀ)ᵀ
  const A2 = W1.matmul(Zb);       // W1 z
  const Xhat = output === 'sigmoid' ? A2.map(sigmoid) : A2.clone(); // x̃ = g(W1 z)
  return { Xb, A1, Z, Zb, A2, Xhat };
  // END SOLUTION
}

/**
 * 二乗誤差 / squared error (g = identity)
 *   E = (1/n) Σ_i ½ ‖x_i − x̃_i‖²
 */
export function squaredError(X: Matrix, Xhat: Matrix): number {
  // BEGIN SOLUTION
  const n = X.cols;
  const diff = X.sub(Xhat);
  return diff.mul(diff).sum() / 2 / n;
  // END SOLUTION
}

/**
 * 交差エントロピー / cross entropy (g = sigmoid, 画素ごとのベルヌーイ / per-pixel Bernoulli)
 *   E = (1/n) Σ_i −Σ_k [x_ki log x̃_ki + (1 − x_ki) log(1 − x̃_ki)]
 */
export function crossEntropy(X: Matrix, Xhat: Matrix): number {
  // BEGIN SOLUTION
  const n = X.cols;
  const perPixel = X.map((x, k, i) => {
    const y = Xhat.get(k, i);
    return -(x * Math.log(y) + (1 - x) * Math.log(1 - y));
  });
  return perPixel.sum() / n;
  // END SOLUTION
}
