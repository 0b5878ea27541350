// Step 03: W ← W − η ∂E/∂W, once and several times; arguments untouched.
import type { Params } from '../../lib/model.ts';
import { caseLabel, pure, randomParams, same, uniformMatrix, type CheckContext, type CheckFn } from '../../grader/checks/common.ts';

const M = '03_sgd' as const;

function grads(ctx: CheckContext, p: Params) {
  return { dW0: uniformMatrix(ctx.rng, p.W0.rows, p.W0.cols), dW1: uniformMatrix(ctx.rng, p.W1.rows, p.W1.cols) };
}

export async function steps(ctx: CheckContext, d: number, q: number, etas: number[]): Promise<void> {
  let params = randomParams(ctx.rng, d, q);
  for (const [i, eta] of etas.entries()) {
    const call = { module: M, fn: 'sgdStep', args: [params, grads(ctx, params), eta] };
    await same(ctx, call, caseLabel({ d, q, step: i + 1, eta }));
    // The next step starts from the reference's result, so one wrong step is reported once.
    params = (await ctx.oracle.reference(call)) as Params;
  }
}

export const STEP03: Record<string, CheckFn> = {
  '03.one': ctx => steps(ctx, 7, 3, [0.1]),
  '03.several': ctx => steps(ctx, 5, 4, [0.5, 0.05, 1, 0.2]),
  '03.pure': async ctx => {
    const params = randomParams(ctx.rng, 6, 3);
    await pure(ctx, { module: M, fn: 'sgdStep', args: [params, grads(ctx, params), 0.3] });
  },
};
