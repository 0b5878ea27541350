// 05 デノイジングオートエンコーダ / Denoising autoencoder: the corrupted input
import type { Matrix } from '../lib/matrix.ts';
import type { Rng } from '../lib/random.ts';

/**
 * 加法的ノイズ / additive noise
 * ν は成分ごとに rng.normal() を 1 回ずつ、X.data の順に引き、σ 倍する。
 * Draw one rng.normal() per element, in the order of X.data, scaled by σ.
 * 誤差は元の X と比べる (ノイズは入力だけ) / the loss compares X̃ with the clean X.
 */
export function corrupt(X: Matrix, sigma: number, rng: Rng): Matrix {
  // TODO: 次の式を実装してください / implement:
  //   X† = X + ν,   ν_ij ~ N(0, σ²)
  throw new Error('05_denoising: corrupt() は未実装 / not implemented');
}
