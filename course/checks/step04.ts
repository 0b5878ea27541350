// Step 04: Adam with bias correction. The state fed to each update is the reference's.
import { Matrix } from '../../lib/matrix.ts';
import type { AdamHyper, AdamState, Grads, Params } from '../../lib/model.ts';
import type { Rng } from '../../lib/random.ts';
import { caseLabel, pure, randomParams, same, uniformMatrix, type CheckContext, type CheckFn } from '../../grader/checks/common.ts';

const M = '04_adam' as const;

const zerosLike = (p: Params): Grads => ({ dW0: Matrix.zeros(p.W0.rows, p.W0.cols), dW1: Matrix.zeros(p.W1.rows, p.W1.cols) });
const zeroState = (p: Params): AdamState => ({ m: zerosLike(p), v: zerosLike(p) });

function gradsLike(rng: Rng, p: Params, scale = 1): Grads {
  return {
    dW0: uniformMatrix(rng, p.W0.rows, p.W0.cols).mul(scale),
    dW1: uniformMatrix(rng, p.W1.rows, p.W1.cols).mul(scale),
  };
}

type Update = { params: Params; state: AdamState };

/** Updates t = t0 … t0+count−1 chained through the reference; compares the chosen fields. */
export async function updates(ctx: CheckContext, d: number, q: number, opts: {
  t0?: number; count: number; hp?: AdamHyper; scale?: number; state?: AdamState; only: string[];
}): Promise<void> {
  let params = randomParams(ctx.rng, d, q);
  let state = opts.state ?? zeroState(params);
  for (let t = opts.t0 ?? 1; t < (opts.t0 ?? 1) + opts.count; t++) {
    const grads = gradsLike(ctx.rng, params, opts.scale);
    const args: unknown[] = [params, grads, state, t];
    if (opts.hp) args.push(opts.hp);
    const call = { module: M, fn: 'adamStep', args };
    await same(ctx, call, caseLabel({ d, q, t, ...(opts.hp ? { alpha: opts.hp.alpha, beta1: opts.hp.beta1 } : {}) }), { only: opts.only });
    ({ params, state } = (await ctx.oracle.reference(call)) as Update);
  }
}

export function randomState(ctx: CheckContext, p: Params): AdamState {
  const g = () => gradsLike(ctx.rng, p, 0.3);
  const v = g();
  return { m: g(), v: { dW0: v.dW0.mul(v.dW0), dW1: v.dW1.mul(v.dW1) } }; // v ≥ 0, as it always is
}

const CUSTOM: AdamHyper = { alpha: 0.05, beta1: 0.8, beta2: 0.95, eps: 1e-6 };

export const STEP04: Record<string, CheckFn> = {
  '04.init': async ctx => {
    await same(ctx, { module: M, fn: 'adamInit', args: [randomParams(ctx.rng, 7, 3)] }, caseLabel({ d: 7, q: 3 }));
  },
  '04.first': ctx => updates(ctx, 7, 3, { count: 1, only: ['params'] }),
  '04.sequence': async ctx => {
    await updates(ctx, 6, 4, { count: 5, only: ['params'] });
    await updates(ctx, 5, 3, { count: 5, hp: CUSTOM, only: ['params'] });
  },
  // Gradients of 1e-10: √v̂ ≈ 1e-10 ≪ ε = 1e-8, so where ε sits changes the step 10⁴-fold.
  '04.epsilon': ctx => updates(ctx, 6, 3, { count: 2, scale: 1e-10, only: ['params'] }),
  '04.state': async ctx => {
    const p = randomParams(ctx.rng, 7, 3);
    await updates(ctx, 7, 3, { t0: 3, count: 2, state: randomState(ctx, p), only: ['state'] });
  },
  '04.pure': async ctx => {
    const params = randomParams(ctx.rng, 6, 3);
    await pure(ctx, { module: M, fn: 'adamStep', args: [params, gradsLike(ctx.rng, params), randomState(ctx, params), 2] });
    await pure(ctx, { module: M, fn: 'adamInit', args: [params] });
  },
};
