// 02 誤差逆伝播 / Backpropagation (δ)
import { dropBiasColumn, type Matrix } from '../lib/matrix.ts';
import type { BackwardResult, ForwardResult, Params } from '../lib/model.ts';

/**
 * 逆伝播 / backward pass (n サンプルの平均 / averaged over the n columns)
 *   出力層 → 中間層:  δ2 = X̃ − X,                    ∂E/∂W1 = δ2 Zbᵀ / n
 *   中間層 → 入力層:  δ1 = (W̃1ᵀ δ2) ⊙ f'(A1),         ∂E/∂W0 = δ1 Xbᵀ / n
 *   f'(A1) = Z ⊙ (1 − Z),  W̃1 = W1 から 1 列目 (切片) を除いた行列 / W1 without its bias column
 */
export function backward(params: Params, fwd: ForwardResult, X: Matrix): BackwardResult {
  // BEGIN SOLUTION
  const { W1 } = params;
  const { Xb, Z, Zb, Xhat } = fwd;
  const n = X.cols;
  const delta2 = Xhat.sub(X);                                 // δ2 = x̃ − x
  const dW1 = delta2.matmul(Zb.transpose()).div(n);           // ∂E/∂W1 = δ2 zᵀ
  const fprime = Z.map(z => z * (1 - z));                     // ∇f(W0 x) = f (1 − f)
  const delta1 = dropBiasColumn(W1).transpose().matmul(delta2).mul(fprime); // δ1 = W̃1ᵀ δ2 ⊙ ∇f
  const dW0 = delta1.matmul(Xb.transpose()).div(n);           // ∂E/∂W0 = δ1 xᵀ
  return { delta2, delta1, dW0, dW1 };
  // END SOLUTION
}
