// 04 adam によるパラメータの更新 / Adam with bias correction
import { Matrix } from '../lib/matrix.ts';
import { LECTURE_ADAM, type AdamHyper, type AdamState, type Grads, type Params } from '../lib/model.ts';

/**
 * adam の状態 m, v の初期値 / Adam's initial state m, v
 *   m ← 0,  v ← 0   (W0, W1 と同じ形の零行列 / zero matrices shaped like W0 and W1)
 */
export function adamInit(params: Params): AdamState {
  // BEGIN SOLUTION
  const zeros = (W: Matrix) => Matrix.zeros(W.rows, W.cols);
  return {
    m: { dW0: zeros(params.W0), dW1: zeros(params.W1) },
    v: { dW0: zeros(params.W0), dW1: zeros(params.W1) },
  };
  // END SOLUTION
}

/**
 * adam の 1 ステップ。演算はすべて成分ごと、t = 1, 2, … は更新の回数。
 * One Adam step. Every operation is elementwise; t = 1, 2, … counts the updates.
 *   m ← β1 m + (1 − β1) ∂E/∂W
 *   v ← β2 v + (1 − β2) ∂E/∂W ⊙ ∂E/∂W
 *   m̂ ← m / (1 − β1ᵗ),   v̂ ← v / (1 − β2ᵗ)
 *   W ← W − α m̂ / (√v̂ + ε)
 * W0 と W1 のそれぞれに適用し、新しい params と state を返す / apply to W0 and W1, return new values.
 */
export function adamStep(
  params: Params, grads: Grads, state: AdamState, t: number, hp: AdamHyper = LECTURE_ADAM,
): { params: Params; state: AdamState } {
  // BEGIN SOLUTION
  const { alpha, beta1, beta2, eps } = hp;
  const update = (W: Matrix, g: Matrix, m0: Matrix, v0: Matrix) => {
    const m = m0.mul(beta1).add(g.mul(1 - beta1));          // m ← β1 m + (1 − β1) g
    const v = v0.mul(beta2).add(g.mul(g).mul(1 - beta2));   // v ← β2 v + (1 − β2) g ⊙ g
    const mHat = m.div(1 - beta1 ** t);                     // m̂ = m / (1 − β1ᵗ)
    const vHat = v.div(1 - beta2 ** t);                     // v̂ = v / (1 − β2ᵗ)
    const step = mHat.mul(alpha).div(vHat.map(Math.sqrt).add(eps)); // α m̂ / (√v̂ + ε)
    return { W: W.sub(step), m, v };
  };
  const u0 = update(params.W0, grads.dW0, state.m.dW0, state.v.dW0);
  const u1 = update(params.W1, grads.dW1, state.m.dW1, state.v.dW1);
  return {
    params: { W0: u0.W, W1: u1.W },
    state: { m: { dW0: u0.m, dW1: u1.m }, v: { dW0: u0.v, dW1: u1.v } },
  };
  // END SOLUTION
}
