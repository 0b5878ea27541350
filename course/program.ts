// course/program.ts — step 06 inside the sandbox: train the autoencoder with the student's own
// steps (lib/train.ts), then score the trained weights with the student's forward. Bundled into
// the sandbox child's runtime (the manifest's `program`); the runner hands it the student's
// functions by name and sends back what it returns.
import { train, type Steps } from '../lib/train.ts';
import type { Matrix } from '../lib/matrix.ts';
import { evaluateTraining, type TrainJobOptions } from './checks/training-eval.ts';

export function runProgram(steps: Record<string, (...a: unknown[]) => unknown>, opts: TrainJobOptions, data: { train: Matrix; test: Matrix }): unknown {
  const s = steps as unknown as Steps;
  const result = train(s, data, opts.train);
  return { ...result, eval: evaluateTraining(s.forward, result.params, data.test, opts.train.output, opts.evalNoise) };
}
