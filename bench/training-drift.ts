// bench/training-drift.ts — how far a CORRECT implementation's training run drifts from the
// reference's on the grader's training cases: other matmul kernels a student's machine may pick
// (WebAssembly with and without FMA, one or two threads, the TypeScript kernel) and correct code
// written another way (loops over data, other summation orders: test/fixtures/unusual). The
// training checks' two-sided tolerance (course/checks/step06.ts) is set from these figures.
//   npx tsx bench/training-drift.ts
import { cpSync, existsSync, mkdtempSync, readdirSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { base, SUBSET } from '../course/checks/step06.ts';
import { evaluateTraining } from '../course/checks/training-eval.ts';
import { COURSE } from '../grader/course.ts';
import { gemmBlocked } from '../lib/matmul/blocked.ts';
import { resetGemm, setGemm } from '../lib/matmul/index.ts';
import { loadWasmGemm } from '../lib/matmul/wasm.ts';
import { loadMnist, takeColumns } from '../lib/mnist.ts';
import { LECTURE_ADAM } from '../lib/model.ts';
import { Rng } from '../lib/random.ts';
import { train, type Steps, type TrainOptions } from '../lib/train.ts';

const ROOT = join(import.meta.dirname, '..');
const m = loadMnist();

async function stepsFrom(dir: string): Promise<Steps> {
  const out: Record<string, unknown> = {};
  for (const f of COURSE.files) Object.assign(out, await import(pathToFileURL(join(dir, f)).href));
  return out as unknown as Steps;
}

const cases: [string, TrainOptions, { sigma: number; seed: number }?][] = [
  ['06.train', base(601)],
  ['06.denoise', { ...base(602), sigma: 0.3 }, { sigma: 0.3, seed: 609 }],
  ['06.hidden sgd sigmoid', { ...base(9601), optimizer: 'sgd', eta: 0.5, output: 'sigmoid', q: 12 }],
  ['06.hidden lecture α', { ...base(9602), adam: LECTURE_ADAM, q: 8, epochs: 3 }],
];

function run(steps: Steps, opts: TrainOptions, noise?: { sigma: number; seed: number }) {
  const data = { train: takeColumns(m.train, SUBSET.train, new Rng(opts.seed)).X, test: takeColumns(m.test, SUBSET.test, new Rng(opts.seed + 1)).X };
  const r = train(steps, data, opts);
  const e = evaluateTraining(steps.forward, r.params, data.test, opts.output, noise);
  return { loss: r.history.at(-1)!.trainLoss, test: e.testError, denoised: e.denoisedError };
}

const ref = await stepsFrom(join(ROOT, 'solutions'));
const kernels: [string, () => void][] = [
  ['wasm fma', () => { const g = loadWasmGemm('fma'); if (g) setGemm(g.gemm, 'fma'); }],
  ['wasm simd', () => { const g = loadWasmGemm('simd'); if (g) setGemm(g.gemm, 'simd'); }],
  ['ts blocked', () => setGemm(gemmBlocked, 'ts')],
];
const variants: [string, Steps][] = [['reference', ref]];
const unusual = join(ROOT, 'test', 'fixtures', 'unusual');
for (const c of readdirSync(unusual)) {
  const files = join(unusual, c, 'assignments');
  if (!existsSync(files) || readdirSync(files).length !== COURSE.files.length) continue;
  // Student files import ../lib/: give them this repository's lib beside a copy.
  const dir = mkdtempSync(join(tmpdir(), 'lec4-drift-'));
  cpSync(files, join(dir, 'assignments'), { recursive: true });
  symlinkSync(join(ROOT, 'lib'), join(dir, 'lib'), 'dir');
  variants.push([c, await stepsFrom(join(dir, 'assignments'))]);
}

let worst = 0;
for (const [name, opts, noise] of cases) {
  resetGemm();
  const base0 = run(ref, opts, noise);
  console.log(`${name}: reference loss ${base0.loss.toPrecision(10)}, test error ${base0.test.toPrecision(10)}`);
  for (const [kname, use] of kernels) {
    for (const [vname, steps] of variants) {
      use();
      const r = run(steps, opts, noise);
      const rel = Math.max(Math.abs(r.test / base0.test - 1), Math.abs(r.loss / base0.loss - 1),
        base0.denoised && r.denoised ? Math.abs(r.denoised / base0.denoised - 1) : 0);
      worst = Math.max(worst, rel);
      console.log(`  ${kname.padEnd(11)} ${vname.padEnd(26)} relative drift ${rel.toExponential(2)}`);
    }
  }
  resetGemm();
}
console.log(`largest relative drift of a correct run: ${worst.toExponential(2)}`);
