// bench/run.ts — `make bench`: every budget's figure in one run, each next to its budget.
// Figures, not assertions: the machines are shared and noisy, so nothing here fails a build.
import { availableParallelism, cpus } from 'node:os';
import { benchMatmul, formatMatmul } from './matmul.ts';
import { benchTraining, numpyEpoch } from './training.ts';
import { benchBatch } from './batch.ts';
import { benchGrading } from './grading.ts';

const only = process.argv.slice(2);
/** Each figure is printed next to its budget (a figure, never a failing build). */
const verdict = (ok: boolean) => (ok ? '✓ within budget' : '✗ over budget');
const want = (name: string) => only.length === 0 || only.includes(name);

console.log(`# make bench — ${new Date().toISOString()}`);
console.log(`node ${process.version}, ${availableParallelism()} cores (${cpus()[0]?.model ?? '?'})\n`);

if (want('matmul')) {
  console.log('## matmul (GFLOP/s; budgets on 128×785·785×256: ≥ 12 one thread, ≥ 20 two)');
  console.log(formatMatmul(await benchMatmul()), '\n');
}
if (want('training')) {
  const t = benchTraining();
  const np = numpyEpoch();
  const ratio = typeof np === 'number' ? t.median / np : undefined;
  console.log('## training epoch (reference, q = 64, n = 8,000, batch 100, Adam; budget ≤ 3× numpy on one thread, same run)');
  console.log(`ours   median ${t.median.toFixed(3)} s/epoch [${t.secondsPerEpoch.map(s => s.toFixed(3)).join(', ')}], kernel ${t.kernel}, test error ${t.testError.toFixed(4)}`);
  console.log(typeof np === 'number' ? `numpy  ${np.toFixed(3)} s/epoch (one BLAS thread)  →  ${ratio!.toFixed(2)}× numpy ${verdict(ratio! <= 3)}` : `numpy  not measured: ${np}`);
  console.log();
}
if (want('grade')) {
  console.log('## make grade on the reference (wall, fresh process each run)');
  for (const r of benchGrading()) {
    const budget = r.mode.includes('STEP') ? 1.5 : 5;
    console.log(`${r.mode.padEnd(40)} median ${r.median.toFixed(2)} s  [${r.runs.map(s => s.toFixed(2)).join(', ')}]  budget ≤ ${budget} s ${verdict(r.median <= budget)}`);
  }
  console.log();
}
if (want('batch')) {
  console.log('## batch grading (20 generated submissions, full TA grading, --jobs 2; budget ≥ 20 a minute)');
  const b = await benchBatch();
  console.log(`${b.submissions} submissions in ${b.seconds.toFixed(1)} s: ${b.perMinute.toFixed(1)} per minute ${verdict(b.perMinute >= 20)}\n`);
}
