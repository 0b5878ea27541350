// Step 01: sigmoid, forward (every field, both outputs), the two losses.
import type { OutputKind } from '../../lib/model.ts';
import { caseLabel, pixels, pure, randomParams, same, uniformMatrix, type CheckContext, type CheckFn } from '../../grader/checks/common.ts';

const M = '01_forward' as const;

const sigmoid: CheckFn = async ctx => {
  // Large |a| is where e^{−a} overflows: a correct formula stays finite.
  const values = [-1000, -40, -3, -0.5, 0, 0.25, 2, 40, 1000, ...Array.from({ length: 4 }, () => 20 * ctx.rng.uniform() - 10)];
  for (const a of values) await same(ctx, { module: M, fn: 'sigmoid', args: [a] }, `a=${+a.toFixed(4)}`);
};

export async function forwardCase(ctx: CheckContext, d: number, q: number, n: number, output?: OutputKind) {
  const params = randomParams(ctx.rng, d, q);
  const X = pixels(ctx.rng, d, n);
  // Without the third argument the default must be 'identity'.
  const args = output === undefined ? [params, X] : [params, X, output];
  await same(ctx, { module: M, fn: 'forward', args }, caseLabel({ d, q, n, output: output ?? '(default)' }));
}

const forwardIdentity: CheckFn = async ctx => {
  await forwardCase(ctx, 7, 3, 5);
  await forwardCase(ctx, 6, 4, 9, 'identity');
};

const forwardSigmoid: CheckFn = async ctx => {
  await forwardCase(ctx, 7, 3, 5, 'sigmoid');
  await forwardCase(ctx, 5, 2, 8, 'sigmoid');
};

export function lossCheck(fn: 'squaredError' | 'crossEntropy'): CheckFn {
  return async ctx => {
    for (const [d, n] of [[7, 5], [4, 11]]) {
      const X = fn === 'crossEntropy' ? pixels(ctx.rng, d, n) : uniformMatrix(ctx.rng, d, n, 0, 1);
      const Xhat = fn === 'crossEntropy' ? pixels(ctx.rng, d, n) : uniformMatrix(ctx.rng, d, n, -0.5, 1.5);
      await same(ctx, { module: M, fn, args: [X, Xhat] }, caseLabel({ d, n }));
    }
  };
}

const purity: CheckFn = async ctx => {
  const params = randomParams(ctx.rng, 6, 3);
  const X = pixels(ctx.rng, 6, 4);
  const Xhat = pixels(ctx.rng, 6, 4);
  await pure(ctx, { module: M, fn: 'forward', args: [params, X, 'sigmoid'] });
  await pure(ctx, { module: M, fn: 'squaredError', args: [X, Xhat] });
  await pure(ctx, { module: M, fn: 'crossEntropy', args: [X, Xhat] });
};

export const STEP01: Record<string, CheckFn> = {
  '01.sigmoid': sigmoid,
  '01.forward.identity': forwardIdentity,
  '01.forward.sigmoid': forwardSigmoid,
  '01.loss.squared': lossCheck('squaredError'),
  '01.loss.cross': lossCheck('crossEntropy'),
  '01.pure': purity,
};
