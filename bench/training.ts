// bench/training.ts — seconds per epoch of the reference training at the SPEC's size
// (q = 64, n = 8,000, batch 100, Adam). Target: ≤ 1 s per epoch.
import { gemmName } from '../lib/matmul/index.ts';
import { loadMnist } from '../lib/mnist.ts';
import { DEFAULT_TRAIN, train, type Steps } from '../lib/train.ts';
import * as forward from '../solutions/01_forward.ts';
import * as backward from '../solutions/02_backward.ts';
import * as sgd from '../solutions/03_sgd.ts';
import * as adam from '../solutions/04_adam.ts';
import * as denoising from '../solutions/05_denoising.ts';

export interface TrainingBench { kernel: string; epochs: number; secondsPerEpoch: number[]; median: number; testError: number }

export function benchTraining(epochs = 3): TrainingBench {
  const { train: tr, test } = loadMnist();
  const steps = { ...forward, ...backward, ...sgd, ...adam, ...denoising } as Steps;
  const r = train(steps, { train: tr.X, test: test.X }, { ...DEFAULT_TRAIN, epochs, q: 64, batchSize: 100, optimizer: 'adam' });
  const secs = r.history.map(h => h.seconds);
  return { kernel: gemmName(), epochs, secondsPerEpoch: secs, median: median(secs), testError: r.history[r.history.length - 1].testError };
}

export function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s.length === 0 ? NaN : s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const r = benchTraining();
  console.log(`training epoch (q=64, n=8000, batch 100, Adam, ${r.kernel}): median ${r.median.toFixed(3)} s  [${r.secondsPerEpoch.map(s => s.toFixed(3)).join(', ')}]`);
}
