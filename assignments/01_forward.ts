// 01 順伝播 / Forward pass
// 入力層 → 中間層 → 出力層。列がサンプル: X は d × n。
import { addBiasRow, type Matrix } from '../lib/matrix.ts';
import type { ForwardResult, OutputKind, Params } from '../lib/model.ts';

/**
 * ロジスティックシグモイド / logistic sigmoid
 * |a| が大きくても (a = ±1000) NaN を返さないこと / must not give NaN for large |a| (a = ±1000).
 */
export function sigmoid(a: number): number {
  // TODO: 次の式を実装してください / implement:
  //   f(a) = 1 / (1 + e^{−a})
  throw new Error('01_forward: sigmoid() は未実装 / not implemented');
}

/**
 * 順伝播 / forward pass
 * 途中の値もすべて返す (逆伝播で使う) / return every intermediate (backward needs them).
 */
export function forward(params: Params, X: Matrix, output: OutputKind = 'identity'): ForwardResult {
  // TODO: 次の式を実装してください / implement:
  //   Xb = [1; X]        (切片項 / bias row of ones on top)
  //   A1 = W0 Xb,  Z = f(A1)
  //   Zb = [1; Z]
  //   A2 = W1 Zb,  X̃ = g(A2)     g = 恒等写像 (identity) または sigmoid
  throw new Error('01_forward: forward() は未実装 / not implemented');
}

/**
 * 二乗誤差 / squared error (g = identity)
 */
export function squaredError(X: Matrix, Xhat: Matrix): number {
  // TODO: 次の式を実装してください / implement:
  //   E = (1/n) Σ_i ½ ‖x_i − x̃_i‖²
  throw new Error('01_forward: squaredError() は未実装 / not implemented');
}

/**
 * 交差エントロピー / cross entropy (g = sigmoid, 画素ごとのベルヌーイ / per-pixel Bernoulli)
 */
export function crossEntropy(X: Matrix, Xhat: Matrix): number {
  // TODO: 次の式を実装してください / implement:
  //   E = (1/n) Σ_i −Σ_k [x_ki log x̃_ki + (1 − x_ki) log(1 − x̃_ki)]
  throw new Error('01_forward: crossEntropy() は未実装 / not implemented');
}
