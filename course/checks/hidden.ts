// course/checks/hidden.ts — the hidden checks: other seeds, shapes and settings than the
// public ones. TA grading only (`--hidden`); the student release leaves this file out.
import { LECTURE_ADAM } from '../../lib/model.ts';
import { randomParams, same, type CheckFn } from '../../grader/checks/common.ts';
import { forwardCase, lossCheck } from './step01.ts';
import { fieldsCheck, gradientCheck } from './step02.ts';
import { steps } from './step03.ts';
import { randomState, updates } from './step04.ts';
import { exact, stats } from './step05.ts';
import { base, trainingCase } from './step06.ts';

export const CHECKS: Record<string, CheckFn> = {
  '01.hidden': async ctx => {
    for (const a of [-745, -37, 37, 745, 1e6, -1e6]) await same(ctx, { module: '01_forward', fn: 'sigmoid', args: [a] }, `a=${a}`);
    await forwardCase(ctx, 11, 5, 1, 'identity');
    await forwardCase(ctx, 9, 7, 3, 'sigmoid');
    await forwardCase(ctx, 3, 8, 6);
    await lossCheck('squaredError')(ctx);
    await lossCheck('crossEntropy')(ctx);
  },
  '02.hidden': async ctx => {
    await fieldsCheck(['delta2', 'delta1', 'dW0', 'dW1'], [[9, 4, 1, 'identity'], [8, 5, 7, 'sigmoid'], [4, 6, 3, 'identity']])(ctx);
    await gradientCheck(ctx, 7, 2, 5, 'sigmoid');
    await gradientCheck(ctx, 4, 5, 1, 'identity');
  },
  '03.hidden': async ctx => {
    await steps(ctx, 9, 2, [0, 2.5]);
    await steps(ctx, 3, 6, [0.01, 0.1, 0.001]);
  },
  '04.hidden': async ctx => {
    await updates(ctx, 9, 5, { count: 6, hp: { alpha: 0.001, beta1: 0.95, beta2: 0.9999, eps: 1e-8 }, only: ['params', 'state'] });
    await updates(ctx, 3, 7, { count: 3, scale: 1e-9, only: ['params', 'state'] });
    await updates(ctx, 4, 2, { t0: 10, count: 2, state: randomState(ctx, randomParams(ctx.rng, 4, 2)), only: ['params', 'state'] });
  },
  '05.hidden': async ctx => {
    await exact(ctx, 1, 13, 0.05);
    await exact(ctx, 11, 2, 3);
    await stats(ctx, 30, 200, 0.1);
  },
  '06.hidden': async ctx => {
    await trainingCase(ctx, 'sgd, g=sigmoid', { ...base(ctx.entry.seed), optimizer: 'sgd', eta: 0.5, output: 'sigmoid', q: 12 });
    await trainingCase(ctx, 'adam, lecture α', { ...base(ctx.entry.seed + 1), adam: LECTURE_ADAM, q: 8, epochs: 3 });
  },
};
