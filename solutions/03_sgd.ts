// 03 確率的勾配降下法 / Stochastic gradient descent
import type { Grads, Params } from '../lib/model.ts';

/**
 * パラメータ更新 / parameter update
 *   W1 ← W1 − η ∂E/∂W1
 *   W0 ← W0 − η ∂E/∂W0
 * 新しい Params を返し、引数は書き換えない / return new Params, leave the arguments unchanged.
 */
export function sgdStep(params: Params, grads: Grads, eta: number): Params {
  // BEGIN SOLUTION
  const W0 = params.W0.sub(grads.dW0.mul(eta));
  const W1 = params.W1.sub(grads.dW1.mul(eta));
  return { W0, W1 };
  // END SOLUTION
}
