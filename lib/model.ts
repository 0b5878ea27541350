// lib/model.ts — the autoencoder's types and its initial parameters (given, not edited).
// モデルの型と初期パラメータ。記号は講義のとおり: W0 ∈ R^{q×(d+1)}, W1 ∈ R^{d×(q+1)}。
import { Matrix } from './matrix.ts';
import type { Rng } from './random.ts';

/** g: 'identity' (squared error) or 'sigmoid' (cross entropy). */
export type OutputKind = 'identity' | 'sigmoid';

export interface Params { W0: Matrix; W1: Matrix }
export interface Grads { dW0: Matrix; dW1: Matrix }
export interface ForwardResult { Xb: Matrix; A1: Matrix; Z: Matrix; Zb: Matrix; A2: Matrix; Xhat: Matrix }
export interface BackwardResult extends Grads { delta2: Matrix; delta1: Matrix }
export interface AdamHyper { alpha: number; beta1: number; beta2: number; eps: number }
export interface AdamState { m: Grads; v: Grads }

/** The lecture's recommended values (footnote 4). */
export const LECTURE_ADAM: AdamHyper = Object.freeze({ alpha: 0.01, beta1: 0.9, beta2: 0.999, eps: 1e-8 });

/** Default initial scale: N(0, 0.01²). Small weights keep f(W0 x) in sigmoid's linear part at first. */
export const INIT_STD = 0.01;

/** W0 (q×(d+1)) then W1 (d×(q+1)), entries N(0, std²), drawn in that order. */
export function initParams(d: number, q: number, rng: Rng, std = INIT_STD): Params {
  const W0 = Matrix.randn(q, d + 1, rng, std);
  const W1 = Matrix.randn(d, q + 1, rng, std);
  return { W0, W1 };
}
