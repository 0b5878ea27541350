// bench/training.ts — seconds per epoch of the reference training at the budget's size
// (q = 64, n = 8,000, batch 100, Adam), and numpy's epoch on one thread measured in the same
// run (bench/numpy_epoch.py) where Python and numpy are available. Budget: ≤ 3× numpy.
//   npx tsx bench/training.ts [epochs]   ours only, wall and CPU seconds per epoch
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { gemmName } from '../lib/matmul/index.ts';
import { loadMnist } from '../lib/mnist.ts';
import { DEFAULT_TRAIN, train, type Steps } from '../lib/train.ts';
import * as forward from '../solutions/01_forward.ts';
import * as backward from '../solutions/02_backward.ts';
import * as sgd from '../solutions/03_sgd.ts';
import * as adam from '../solutions/04_adam.ts';
import * as denoising from '../solutions/05_denoising.ts';

export interface TrainingBench {
  kernel: string; epochs: number; secondsPerEpoch: number[]; median: number; testError: number;
  /** CPU seconds of the whole process (both threads) per epoch: steadier than wall time on a
   * shared machine, where other processes' load stretches the wall time but not this. */
  cpuSecondsPerEpoch: number[];
}

export function benchTraining(epochs = 3): TrainingBench {
  const { train: tr, test } = loadMnist();
  const steps = { ...forward, ...backward, ...sgd, ...adam, ...denoising } as Steps;
  const cpu: number[] = [];
  let since = process.cpuUsage();
  const r = train(steps, { train: tr.X, test: test.X }, { ...DEFAULT_TRAIN, epochs, q: 64, batchSize: 100, optimizer: 'adam' }, () => {
    const used = process.cpuUsage(since);
    cpu.push((used.user + used.system) / 1e6);
    since = process.cpuUsage();
  });
  const secs = r.history.map(h => h.seconds);
  return { kernel: gemmName(), epochs, secondsPerEpoch: secs, median: median(secs), testError: r.history[r.history.length - 1].testError, cpuSecondsPerEpoch: cpu };
}

/** numpy's seconds per epoch on one BLAS thread, or why it could not be measured. */
export function numpyEpoch(epochs = 3): number | string {
  const env: NodeJS.ProcessEnv = { ...process.env, OPENBLAS_NUM_THREADS: '1', OMP_NUM_THREADS: '1', MKL_NUM_THREADS: '1' };
  // Set on some machines for old OpenBLAS builds; they slow a current numpy (unset together).
  delete env.OPENBLAS_CORETYPE;
  delete env.OPENBLAS_L2_SIZE;
  const r = spawnSync('python3', [join(import.meta.dirname, 'numpy_epoch.py'), String(epochs)], { env, encoding: 'utf8', timeout: 300_000 });
  if (r.error) return `python3 not available (${r.error.message})`;
  if (r.status !== 0) return /No module named .?numpy/.test(r.stderr) ? 'numpy not installed' : `numpy run failed: ${r.stderr.trim().split('\n').at(-1)}`;
  return Number(r.stdout.trim());
}

export function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s.length === 0 ? NaN : s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const r = benchTraining(Number(process.argv[2] ?? 3));
  const list = (xs: number[]) => xs.map(s => s.toFixed(3)).join(', ');
  console.log(`training epoch (q=64, n=8000, batch 100, Adam, ${r.kernel}): median ${r.median.toFixed(3)} s  [${list(r.secondsPerEpoch)}]`);
  console.log(`CPU seconds per epoch, both threads: median ${median(r.cpuSecondsPerEpoch).toFixed(3)}  [${list(r.cpuSecondsPerEpoch)}]`);
}
