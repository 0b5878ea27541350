// The reference solutions against computations that share no code with them: loop-based
// losses, finite differences, a per-element scalar Adam. If the reference is wrong, the
// grader is wrong for every student, so this is checked from first principles.
import { describe, expect, it } from 'vitest';
import { Matrix } from '../lib/matrix.ts';
import { initParams, LECTURE_ADAM, type AdamHyper, type OutputKind, type Params } from '../lib/model.ts';
import { Rng } from '../lib/random.ts';
import { crossEntropy, forward, sigmoid, squaredError } from '../solutions/01_forward.ts';
import { backward } from '../solutions/02_backward.ts';
import { sgdStep } from '../solutions/03_sgd.ts';
import { adamInit, adamStep } from '../solutions/04_adam.ts';
import { corrupt } from '../solutions/05_denoising.ts';

const d = 6, q = 3, n = 4;

/** Pixels in (0.05, 0.95), so cross entropy's targets are valid probabilities. */
function data(seed: number): Matrix {
  const rng = new Rng(seed);
  return new Matrix(d, n).map(() => 0.05 + 0.9 * rng.uniform());
}

function params(seed: number, std = 0.5): Params {
  return initParams(d, q, new Rng(seed), std);
}

/** The lecture's loss, written with scalar loops from the lecture's definition (independent of solutions/). */
function lossByLoops(p: Params, X: Matrix, output: OutputKind): number {
  const f = (a: number) => 1 / (1 + Math.exp(-a));
  let E = 0;
  for (let i = 0; i < n; i++) {
    const z = [1];
    for (let j = 0; j < q; j++) {
      let a = p.W0.get(j, 0);
      for (let k = 0; k < d; k++) a += p.W0.get(j, k + 1) * X.get(k, i);
      z.push(f(a));
    }
    for (let k = 0; k < d; k++) {
      let a = 0;
      for (let j = 0; j <= q; j++) a += p.W1.get(k, j) * z[j];
      const x = X.get(k, i);
      if (output === 'identity') E += 0.5 * (x - a) ** 2;
      else E -= x * Math.log(f(a)) + (1 - x) * Math.log(1 - f(a));
    }
  }
  return E / n;
}

function withEntry(p: Params, which: 'W0' | 'W1', idx: number, delta: number): Params {
  const W = p[which].clone();
  W.data[idx] += delta;
  return { ...p, [which]: W };
}

function snapshot(values: unknown[]): number[][] {
  const out: number[][] = [];
  const visit = (v: unknown) => {
    if (v instanceof Matrix) out.push(Array.from(v.data));
    else if (v && typeof v === 'object') Object.values(v).forEach(visit);
  };
  values.forEach(visit);
  return out;
}

/** Calls fn and checks that none of its Matrix arguments (at any depth) changed. */
function expectPure<T>(args: unknown[], fn: () => T): T {
  const before = snapshot(args);
  const out = fn();
  expect(snapshot(args)).toEqual(before);
  return out;
}

describe('reference forward and losses', () => {
  it('forward matches the loop-based loss for both outputs', () => {
    const p = params(1), X = data(2);
    const fi = forward(p, X, 'identity');
    expect(squaredError(X, fi.Xhat)).toBeCloseTo(lossByLoops(p, X, 'identity'), 12);
    const fs = forward(p, X, 'sigmoid');
    expect(crossEntropy(X, fs.Xhat)).toBeCloseTo(lossByLoops(p, X, 'sigmoid'), 12);
    expect(fi.Xb.shape).toEqual([d + 1, n]);
    expect(fi.A1.shape).toEqual([q, n]);
    expect(fi.Zb.shape).toEqual([q + 1, n]);
    expect(fi.Xhat.shape).toEqual([d, n]);
    expect(forward(p, X).Xhat.data).toEqual(fi.Xhat.data); // default output is identity
  });

  it('sigmoid is finite and saturates at ±1000; f(0) = 1/2', () => {
    expect(sigmoid(1000)).toBe(1);
    expect(sigmoid(-1000)).toBe(0);
    expect(Number.isFinite(sigmoid(-1000)) && Number.isFinite(sigmoid(1000))).toBe(true);
    expect(sigmoid(0)).toBe(0.5);
    expect(sigmoid(2)).toBeCloseTo(1 / (1 + Math.exp(-2)), 15);
  });
});

describe('reference backward: centred finite differences (h = 1e-5) of the loop-based loss', () => {
  for (const output of ['identity', 'sigmoid'] as const) {
    it(`${output}: every entry of ∂E/∂W0 and ∂E/∂W1, relative error < 1e-7`, () => {
      const p = params(3), X = data(4);
      const { dW0, dW1 } = backward(p, forward(p, X, output), X);
      const h = 1e-5;
      for (const [which, grad] of [['W0', dW0], ['W1', dW1]] as const) {
        expect(grad.shape).toEqual(p[which].shape);
        const numeric = new Float64Array(grad.data.length);
        for (let i = 0; i < numeric.length; i++) {
          numeric[i] = (lossByLoops(withEntry(p, which, i, h), X, output)
            - lossByLoops(withEntry(p, which, i, -h), X, output)) / (2 * h);
        }
        // ‖analytic − numeric‖ / max(‖analytic‖, ‖numeric‖): one number per matrix.
        let diff = 0, na = 0, nn = 0;
        for (let i = 0; i < numeric.length; i++) {
          diff += (grad.data[i] - numeric[i]) ** 2;
          na += grad.data[i] ** 2;
          nn += numeric[i] ** 2;
        }
        const rel = Math.sqrt(diff) / Math.max(Math.sqrt(na), Math.sqrt(nn));
        expect(rel, `${output} d${which}`).toBeLessThan(1e-7);
        expect(Math.sqrt(na), 'gradient should not vanish in this case').toBeGreaterThan(1e-3);
      }
    });
  }

  it('δ2 = X̃ − X and δ1 has the hidden layer\'s shape', () => {
    const p = params(5), X = data(6);
    const fwd = forward(p, X, 'sigmoid');
    const { delta1, delta2 } = backward(p, fwd, X);
    expect(Array.from(delta2.data)).toEqual(Array.from(fwd.Xhat.sub(X).data));
    expect(delta1.shape).toEqual([q, n]);
  });
});

describe('reference optimisers', () => {
  it('sgdStep: W − η ∂E/∂W, entry by entry', () => {
    const p = params(7), g = { dW0: Matrix.randn(q, d + 1, new Rng(8)), dW1: Matrix.randn(d, q + 1, new Rng(9)) };
    const next = sgdStep(p, g, 0.3);
    for (const [W, dW, out] of [[p.W0, g.dW0, next.W0], [p.W1, g.dW1, next.W1]]) {
      for (let i = 0; i < W.data.length; i++) expect(out.data[i]).toBeCloseTo(W.data[i] - 0.3 * dW.data[i], 15);
    }
  });

  /** Kingma & Ba, Algorithm 1, one scalar at a time. */
  function scalarAdam(w: number, gs: number[], hp: AdamHyper): number {
    let m = 0, v = 0;
    gs.forEach((g, i) => {
      const t = i + 1;
      m = hp.beta1 * m + (1 - hp.beta1) * g;
      v = hp.beta2 * v + (1 - hp.beta2) * g * g;
      const mHat = m / (1 - hp.beta1 ** t);
      const vHat = v / (1 - hp.beta2 ** t);
      w -= hp.alpha * mHat / (Math.sqrt(vHat) + hp.eps);
    });
    return w;
  }

  for (const hp of [LECTURE_ADAM, { alpha: 0.003, beta1: 0.8, beta2: 0.99, eps: 1e-3 }]) {
    it(`adamStep t = 1…5 matches a per-element scalar Adam (α=${hp.alpha}, ε=${hp.eps})`, () => {
      const rng = new Rng(10);
      const p0 = params(11);
      const gradSeq = Array.from({ length: 5 }, () => ({
        dW0: Matrix.randn(q, d + 1, rng, 0.1), dW1: Matrix.randn(d, q + 1, rng, 0.1),
      }));
      let p = p0, state = adamInit(p0);
      expect(state.m.dW0.sum() + state.v.dW1.sum()).toBe(0);
      for (let t = 1; t <= 5; t++) ({ params: p, state } = adamStep(p, gradSeq[t - 1], state, t, hp));
      for (const [which, gw] of [['W0', 'dW0'], ['W1', 'dW1']] as const) {
        for (let i = 0; i < p0[which].data.length; i++) {
          const expected = scalarAdam(p0[which].data[i], gradSeq.map(g => g[gw].data[i]), hp);
          expect(Math.abs(p[which].data[i] - expected), `${which}[${i}]`).toBeLessThan(1e-14);
        }
      }
    });
  }

  it('adamStep defaults to the lecture\'s hyper-parameters', () => {
    const p = params(12), g = { dW0: Matrix.randn(q, d + 1, new Rng(13)), dW1: Matrix.randn(d, q + 1, new Rng(14)) };
    const a = adamStep(p, g, adamInit(p), 1);
    const b = adamStep(p, g, adamInit(p), 1, LECTURE_ADAM);
    expect(Array.from(a.params.W0.data)).toEqual(Array.from(b.params.W0.data));
  });
});

describe('reference corrupt', () => {
  it('is x + σ·normal() in data order, reproducible from the seed', () => {
    const X = data(15);
    const out = corrupt(X, 0.3, new Rng(16));
    const rng = new Rng(16);
    for (let i = 0; i < X.data.length; i++) expect(out.data[i]).toBe(X.data[i] + 0.3 * rng.normal());
    expect(Array.from(corrupt(X, 0.3, new Rng(16)).data)).toEqual(Array.from(out.data));
    expect(Array.from(corrupt(X, 0, new Rng(16)).data)).toEqual(Array.from(X.data));
  });
});

describe('reference purity: no argument modified', () => {
  it('forward, losses, backward, sgdStep, adamInit, adamStep, corrupt', () => {
    const p = params(17), X = data(18);
    for (const output of ['identity', 'sigmoid'] as const) {
      const fwd = expectPure([p, X], () => forward(p, X, output));
      expectPure([X, fwd], () => squaredError(X, fwd.Xhat));
      expectPure([X, fwd], () => crossEntropy(X, fwd.Xhat));
      const grads = expectPure([p, fwd, X], () => backward(p, fwd, X));
      expectPure([p, grads], () => sgdStep(p, grads, 0.1));
      const state = expectPure([p], () => adamInit(p));
      const step1 = expectPure([p, grads, state], () => adamStep(p, grads, state, 1));
      expectPure([step1, grads], () => adamStep(step1.params, grads, step1.state, 2));
    }
    expectPure([X], () => corrupt(X, 0.5, new Rng(19)));
  });
});
