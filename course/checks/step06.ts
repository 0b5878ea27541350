// Step 06: the student's own five steps, run by lib/train.ts on an MNIST subset.
// The loss must fall without NaN and the test error must be close to the reference's on the
// same seed; the denoising autoencoder must reconstruct better than the noisy input itself.
import { createHash } from 'node:crypto';
import { Matrix } from '../../lib/matrix.ts';
import { LECTURE_ADAM, type Params } from '../../lib/model.ts';
import { takeColumns } from '../../lib/mnist.ts';
import { Rng } from '../../lib/random.ts';
import { train, type EpochReport, type Steps, type TrainOptions } from '../../lib/train.ts';
import { fmt, fmtPair } from '../../grader/compare.ts';
import { LiveOracle } from '../../grader/oracle.ts';
import { msg } from '../../grader/types.ts';
import { fail, missingFn, type CheckContext, type CheckFn } from '../../grader/checks/common.ts';
import { evaluateTraining, type NoiseSpec, type TrainingEval, type TrainJobOptions } from './training-eval.ts';

/** Small enough for a fast `make grade`, large enough that a wrong step shows. */
export const SUBSET = { train: 1000, test: 400 };
/**
 * A correct implementation reproduces the reference's run up to rounding, on every matmul kernel a
 * student's machine may pick and however the code sums (bench/training-drift.ts measured at most
 * 2.2e-16 relative, kernels and loop-written steps included). A result better OR worse than the
 * reference by more than this is not the lecture's algorithm (an in-place corrupt(), say).
 */
export const TRAINING_TOLERANCE = 1e-6;

const agrees = (got: number, expected: number) => Math.abs(got - expected) <= TRAINING_TOLERANCE * Math.abs(expected);

interface Expected { history: { trainLoss: number; testError: number }[]; eval: TrainingEval }

async function subset(ctx: CheckContext, seed: number) {
  const m = await ctx.mnist();
  return { train: takeColumns(m.train, SUBSET.train, new Rng(seed)).X, test: takeColumns(m.test, SUBSET.test, new Rng(seed + 1)).X };
}

function refSteps(ref: Awaited<ReturnType<LiveOracle['modules']>>): Steps {
  return { ...ref['01_forward'], ...ref['02_backward'], ...ref['03_sgd'], ...ref['04_adam'], ...ref['05_denoising'] } as unknown as Steps;
}

export async function trainingCase(ctx: CheckContext, label: string, opts: TrainOptions, noise?: NoiseSpec): Promise<void> {
  const data = await subset(ctx, opts.seed);
  const job: TrainJobOptions = { train: opts, evalNoise: noise };
  const key = createHash('sha256').update(JSON.stringify({ job, SUBSET })).digest('hex').slice(0, 20);
  const [out, expected] = await Promise.all([
    ctx.student.program(ctx.entry.step, job, data),
    ctx.oracle.derived(`train:${key}`, ref => {
      const r = train(refSteps(ref), data, opts);
      return { history: r.history.map(h => ({ trainLoss: h.trainLoss, testError: h.testError })), eval: evaluateTraining(ref['01_forward'].forward as Steps['forward'], r.params, data.test, opts.output, noise) };
    }) as Promise<Expected>,
  ]);
  const L = (ja: string, en: string) => msg(`[${label}] ${ja}`, `[${label}] ${en}`);
  if (!out.ok) { ctx.findings.push({ message: L(out.explain.ja, out.explain.en), error: true, missing: missingFn(out) }); return; }

  const v = out.value as { params?: Params; history?: EpochReport[]; eval?: TrainingEval } | undefined;
  const W0 = v?.params?.W0, W1 = v?.params?.W1;
  const d = data.train.rows, q = opts.q;
  if (!(W0 instanceof Matrix) || !(W1 instanceof Matrix) || W0.rows !== q || W0.cols !== d + 1 || W1.rows !== d || W1.cols !== q + 1) {
    fail(ctx, L(`学習後の W0, W1 の形が違います (期待 W0 ${q}×${d + 1}, W1 ${d}×${q + 1})`, `trained W0, W1 have the wrong shapes (expected W0 ${q}×${d + 1}, W1 ${d}×${q + 1})`));
    return;
  }
  const history = Array.isArray(v?.history) ? v.history : [];
  const bad = history.find(h => !Number.isFinite(h?.trainLoss) || !Number.isFinite(h?.testError));
  if (history.length !== opts.epochs || bad) {
    fail(ctx, L(`誤差が NaN/∞ になりました (エポック ${bad?.epoch ?? '?'})。先に 01–04 の失敗を直してください`,
      `the loss became NaN/∞ (epoch ${bad?.epoch ?? '?'}); fix the failures of steps 01–04 first`));
    return;
  }
  const first = history[0].trainLoss, last = history[history.length - 1].trainLoss;
  if (!(last < first)) {
    fail(ctx, L(`誤差が下がりません: 最初のエポック ${fmt(first)}, 最後 ${fmt(last)}`, `the loss does not fall: first epoch ${fmt(first)}, last ${fmt(last)}`));
    return;
  }
  // In TA grading (live oracle) the judge scores the returned weights itself, so a forged
  // report gains nothing; the student release trusts the child's own evaluation.
  const got: TrainingEval = ctx.oracle instanceof LiveOracle
    ? evaluateTraining((await ctx.oracle.modules())['01_forward'].forward as Steps['forward'], { W0, W1 }, data.test, opts.output, noise)
    : (v?.eval ?? { testError: NaN });
  const [gotText, expText] = fmtPair(expected.eval.testError, got.testError).reverse();
  if (!agrees(got.testError, expected.eval.testError)) {
    const side = got.testError < expected.eval.testError ? msg('参照実装より良い', 'better than the reference') : msg('参照実装より悪い', 'worse than the reference');
    fail(ctx, L(`テスト誤差 (画素あたり二乗誤差) ${gotText} は${side.ja}結果です (参照 ${expText})。正しい実装は同じシードで参照の学習を丸め誤差 (相対 ${TRAINING_TOLERANCE}) まで再現します: 講義と違う式や、引数の書き換え (corrupt() が X を変えて正解までノイズ入りになる等) がないか確かめてください`,
      `test error (MSE per pixel) ${gotText} is ${side.en} (${expText}); a correct implementation reproduces the reference's run on the same seed up to rounding (relative ${TRAINING_TOLERANCE}): look for a formula that differs from the lecture, or a modified argument (a corrupt() that changes X makes the target noisy too)`));
  }
  if (noise) {
    const { noisyError = NaN, denoisedError = NaN } = got;
    if (!(denoisedError < noisyError)) {
      fail(ctx, L(`デノイジング: 復元 ${fmt(denoisedError)} がノイズ入り入力そのもの ${fmt(noisyError)} より悪い`,
        `denoising: the reconstruction's error ${fmt(denoisedError)} is not below the noisy input's ${fmt(noisyError)}`));
    }
  }
}

export const base = (seed: number): TrainOptions => ({
  q: 16, epochs: 5, batchSize: 50, optimizer: 'adam', eta: 0.5,
  adam: { ...LECTURE_ADAM, alpha: 0.003 }, sigma: 0, output: 'identity', seed, initStd: 0.01,
});

export const STEP06: Record<string, CheckFn> = {
  '06.train': ctx => trainingCase(ctx, 'adam, q=16', base(ctx.entry.seed)),
  '06.denoise': ctx => trainingCase(ctx, 'denoising σ=0.3', { ...base(ctx.entry.seed), sigma: 0.3 }, { sigma: 0.3, seed: ctx.entry.seed + 7 }),
};
