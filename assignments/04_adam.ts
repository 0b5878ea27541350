// 04 adam によるパラメータの更新 / Adam with bias correction
import { Matrix } from '../lib/matrix.ts';
import { LECTURE_ADAM, type AdamHyper, type AdamState, type Grads, type Params } from '../lib/model.ts';

/**
 * adam の状態 m, v の初期値 / Adam's initial state m, v
 */
export function adamInit(params: Params): AdamState {
  // TODO: 次の式を実装してください / implement:
  //   m ← 0,  v ← 0   (W0, W1 と同じ形の零行列 / zero matrices shaped like W0 and W1)
  throw new Error('04_adam: adamInit() は未実装 / not implemented');
}

/**
 * adam の 1 ステップ。演算はすべて成分ごと、t = 1, 2, … は更新の回数。
 * One Adam step. Every operation is elementwise; t = 1, 2, … counts the updates.
 * W0 と W1 のそれぞれに適用し、新しい params と state を返す / apply to W0 and W1, return new values.
 */
export function adamStep(
  params: Params, grads: Grads, state: AdamState, t: number, hp: AdamHyper = LECTURE_ADAM,
): { params: Params; state: AdamState } {
  // TODO: 次の式を実装してください / implement:
  //   m ← β1 m + (1 − β1) ∂E/∂W
  //   v ← β2 v + (1 − β2) ∂E/∂W ⊙ ∂E/∂W
  //   m̂ ← m / (1 − β1ᵗ),   v̂ ← v / (1 − β2ᵗ)
  //   W ← W − α m̂ / (√v̂ + ε)
  throw new Error('04_adam: adamStep() は未実装 / not implemented');
}
