// grader/checks/training-eval.ts — how trained weights are scored, shared by the sandbox runner
// (with the student's forward) and the judge (with the reference's, in live mode).
import { Matrix } from '../../lib/matrix.ts';
import type { OutputKind, Params } from '../../lib/model.ts';
import { Rng } from '../../lib/random.ts';
import { meanSquaredDifference, reconstructionError, type Steps, type TrainOptions } from '../../lib/train.ts';

export interface NoiseSpec { sigma: number; seed: number }
export interface TrainJobOptions { train: TrainOptions; evalNoise?: NoiseSpec }
export interface TrainingEval { testError: number; noisyError?: number; denoisedError?: number }

/** Test error on clean input; with noise, also the noisy input's error and the reconstruction's. */
export function evaluateTraining(
  forward: Steps['forward'], params: Params, test: Matrix, output: OutputKind, noise?: NoiseSpec,
): TrainingEval {
  const testError = reconstructionError({ forward }, params, test, output);
  if (!noise) return { testError };
  // The judge's own noise (lib's randn), not the student's corrupt(): the yardstick must be fixed.
  const noisy = test.add(Matrix.randn(test.rows, test.cols, new Rng(noise.seed), noise.sigma));
  return {
    testError,
    noisyError: meanSquaredDifference(noisy, test),
    denoisedError: reconstructionError({ forward }, params, test, output, noisy),
  };
}
