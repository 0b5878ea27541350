// Step 02: δ2, δ1, the gradients, and a finite-difference check against the lecture's loss.
// The forward result handed to backward() is the reference's (steps are graded on their own).
import { Matrix } from '../../lib/matrix.ts';
import type { ForwardResult, OutputKind, Params } from '../../lib/model.ts';
import { fmt, relativeError } from '../../grader/compare.ts';
import { callKey, type Call, type RefModules } from '../../grader/oracle.ts';
import { msg } from '../../grader/types.ts';
import { caseLabel, diagnose, fail, observe, pixels, pure, randomParams, run, same, type CheckContext, type CheckFn } from '../../grader/checks/common.ts';

const M = '02_backward' as const;
export const FD_STEP = 1e-5;
export const FD_TOLERANCE = 1e-7;

async function backwardCall(ctx: CheckContext, d: number, q: number, n: number, output: OutputKind): Promise<Call> {
  const params = randomParams(ctx.rng, d, q);
  const X = pixels(ctx.rng, d, n);
  const fwd = (await ctx.oracle.reference({ module: '01_forward', fn: 'forward', args: [params, X, output] })) as ForwardResult;
  return { module: M, fn: 'backward', args: [params, fwd, X] };
}

export function fieldsCheck(fields: readonly string[], shapes: [number, number, number, OutputKind][]): CheckFn {
  return async ctx => {
    for (const [d, q, n, output] of shapes) {
      await same(ctx, await backwardCall(ctx, d, q, n, output), caseLabel({ d, q, n, output }), { only: fields });
    }
  };
}

/** Centred differences of the lecture's loss E(W0, W1), computed with the reference. */
export function numericGradient(ref: RefModules, params: Params, X: Matrix, output: OutputKind): { dW0: Matrix; dW1: Matrix } {
  const loss = (p: Params) => {
    const Xhat = (ref['01_forward'].forward(p, X, output) as ForwardResult).Xhat;
    const E = output === 'sigmoid' ? ref['01_forward'].crossEntropy : ref['01_forward'].squaredError;
    return E(X, Xhat) as number;
  };
  const grad = (which: 'W0' | 'W1') => {
    const W = params[which];
    const g = new Matrix(W.rows, W.cols);
    for (let i = 0; i < W.data.length; i++) {
      const plus = W.clone(), minus = W.clone();
      plus.data[i] += FD_STEP;
      minus.data[i] -= FD_STEP;
      g.data[i] = (loss({ ...params, [which]: plus }) - loss({ ...params, [which]: minus })) / (2 * FD_STEP);
    }
    return g;
  };
  return { dW0: grad('W0'), dW1: grad('W1') };
}

export async function gradientCheck(ctx: CheckContext, d: number, q: number, n: number, output: OutputKind): Promise<void> {
  const call = await backwardCall(ctx, d, q, n, output);
  const [params, , X] = call.args as [Params, ForwardResult, Matrix];
  const label = caseLabel({ d, q, n, output });
  const [out, fd] = await Promise.all([
    run(ctx, call, label),
    ctx.oracle.derived(`fd:${output}:${callKey(call)}`, ref => numericGradient(ref, params, X, output)) as Promise<{ dW0: Matrix; dW1: Matrix }>,
  ]);
  if (!out.ok) return;
  const got = out.value as Record<string, unknown> | undefined;
  for (const name of ['dW0', 'dW1'] as const) {
    const g = got?.[name];
    const expected = fd[name];
    if (!(g instanceof Matrix) || g.rows !== expected.rows || g.cols !== expected.cols) {
      const shape = g instanceof Matrix ? `(${g.rows}×${g.cols})` : String(g);
      fail(ctx, msg(`[${label}] ${name}: 数値微分と比べられません。期待 (${expected.rows}×${expected.cols}), 実際 ${shape}`,
        `[${label}] ${name}: cannot compare with the numeric gradient, expected (${expected.rows}×${expected.cols}), got ${shape}`),
        await diagnose(ctx, call, out.value, { only: ['dW0', 'dW1'] }), observe(call, fd, out.value, { only: [name] }));
      return;
    }
    const rel = relativeError(g, expected);
    if (!(rel < FD_TOLERANCE)) {
      fail(ctx, msg(`[${label}] ${name}: 数値微分 (中心差分 h = ${FD_STEP}) との相対誤差 ${fmt(rel)} (許容 ${FD_TOLERANCE} 未満)。E = ${output === 'sigmoid' ? '交差エントロピー' : '½ 二乗誤差の平均'}`,
        `[${label}] ${name}: relative error ${fmt(rel)} against centred differences (h = ${FD_STEP}); must be below ${FD_TOLERANCE}. E = ${output === 'sigmoid' ? 'cross entropy' : 'mean ½ squared error'}`),
        await diagnose(ctx, call, out.value, { only: ['dW0', 'dW1'] }), observe(call, fd, out.value, { only: [name] }));
      return;
    }
  }
}

const gradcheck: CheckFn = async ctx => {
  await gradientCheck(ctx, 6, 3, 4, 'identity');
  await gradientCheck(ctx, 5, 4, 3, 'sigmoid');
};

const purity: CheckFn = async ctx => {
  await pure(ctx, await backwardCall(ctx, 6, 3, 4, 'identity'));
};

export const STEP02: Record<string, CheckFn> = {
  '02.delta': fieldsCheck(['delta2', 'delta1'], [[7, 3, 5, 'identity'], [6, 4, 3, 'sigmoid']]),
  '02.grads': fieldsCheck(['dW0', 'dW1'], [[7, 3, 5, 'identity'], [6, 4, 3, 'sigmoid']]),
  '02.gradcheck': gradcheck,
  '02.pure': purity,
};
