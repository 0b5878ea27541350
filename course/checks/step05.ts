// Step 05: X† = X + ν, ν_ij ~ N(0, σ²), one rng.normal() per element in data order.
import { Matrix } from '../../lib/matrix.ts';
import { fmt } from '../../grader/compare.ts';
import { Rng } from '../../lib/random.ts';
import { msg } from '../../grader/types.ts';
import { caseLabel, diagnose, fail, pixels, pure, run, same, type CheckContext, type CheckFn } from '../../grader/checks/common.ts';

const M = '05_denoising' as const;

/** A fresh Rng for the call; the codec sends its seed, and the reference gets its own copy. */
const rngFor = (seed: number) => new Rng(seed);

export async function exact(ctx: CheckContext, d: number, n: number, sigma: number) {
  const seed = Math.floor(ctx.rng.uniform() * 1e6);
  await same(ctx, { module: M, fn: 'corrupt', args: [pixels(ctx.rng, d, n), sigma, rngFor(seed)] }, caseLabel({ d, n, sigma, seed }));
}

export async function stats(ctx: CheckContext, d: number, n: number, sigma: number) {
  const X = pixels(ctx.rng, d, n);
  const seed = Math.floor(ctx.rng.uniform() * 1e6);
  const call = { module: M, fn: 'corrupt', args: [X, sigma, rngFor(seed)] };
  const label = caseLabel({ d, n, sigma, seed });
  const out = await run(ctx, call, label);
  if (!out.ok) return;
  const Y = out.value;
  if (!(Y instanceof Matrix) || Y.rows !== d || Y.cols !== n) {
    fail(ctx, msg(`[${label}] X† は Matrix(${d}×${n}) のはずです`, `[${label}] X† must be a Matrix(${d}×${n})`));
    return;
  }
  const N = d * n;
  let sum = 0, sq = 0;
  for (let i = 0; i < N; i++) { const e = Y.data[i] - X.data[i]; sum += e; sq += e * e; }
  const mean = sum / N;
  const std = Math.sqrt(sq / N - mean * mean);
  // Bounds ≈ 4–7 standard errors: a correct implementation essentially never fails them.
  const meanOk = Math.abs(mean) < 4 * sigma / Math.sqrt(N);
  const stdOk = Math.abs(std - sigma) < 0.05 * sigma;
  if (!meanOk || !stdOk) {
    fail(ctx, msg(`[${label}] X† − X: 平均 ${fmt(mean)} (≈ 0 のはず), 標準偏差 ${fmt(std)} (≈ σ = ${sigma} のはず)`,
      `[${label}] X† − X: mean ${fmt(mean)} (should be ≈ 0), std ${fmt(std)} (should be ≈ σ = ${sigma})`),
      await diagnose(ctx, call, Y));
  }
}

export const STEP05: Record<string, CheckFn> = {
  '05.exact': async ctx => { await exact(ctx, 7, 5, 0.3); await exact(ctx, 4, 9, 1.7); },
  '05.stats': ctx => stats(ctx, 40, 250, 0.5),
  '05.zero': async ctx => {
    const X = pixels(ctx.rng, 6, 5);
    await same(ctx, { module: M, fn: 'corrupt', args: [X, 0, rngFor(7)] }, 'sigma=0');
  },
  '05.pure': async ctx => { await pure(ctx, { module: M, fn: 'corrupt', args: [pixels(ctx.rng, 5, 4), 0.4, rngFor(3)] }); },
};

