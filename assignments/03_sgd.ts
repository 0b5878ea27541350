// 03 確率的勾配降下法 / Stochastic gradient descent
import type { Grads, Params } from '../lib/model.ts';

/**
 * パラメータ更新 / parameter update
 * 新しい Params を返し、引数は書き換えない / return new Params, leave the arguments unchanged.
 */
export function sgdStep(params: Params, grads: Grads, eta: number): Params {
  // TODO: 次の式を実装してください / implement:
  //   W1 ← W1 − η ∂E/∂W1
  //   W0 ← W0 − η ∂E/∂W0
  throw new Error('03_sgd: sgdStep() は未実装 / not implemented');
}
