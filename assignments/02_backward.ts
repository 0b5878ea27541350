// 02 誤差逆伝播 / Backpropagation (δ)
import { dropBiasColumn, type Matrix } from '../lib/matrix.ts';
import type { BackwardResult, ForwardResult, Params } from '../lib/model.ts';

/**
 * 逆伝播 / backward pass (n サンプルの平均 / averaged over the n columns)
 */
export function backward(params: Params, fwd: ForwardResult, X: Matrix): BackwardResult {
  // TODO: 次の式を実装してください / implement:
  //   出力層 → 中間層:  δ2 = X̃ − X,                    ∂E/∂W1 = δ2 Zbᵀ / n
  //   中間層 → 入力層:  δ1 = (W̃1ᵀ δ2) ⊙ f'(A1),         ∂E/∂W0 = δ1 Xbᵀ / n
  //   f'(A1) = Z ⊙ (1 − Z),  W̃1 = W1 から 1 列目 (切片) を除いた行列 / W1 without its bias column
  throw new Error('02_backward: backward() は未実装 / not implemented');
}
