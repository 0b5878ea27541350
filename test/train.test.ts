import { beforeAll, describe, expect, it } from 'vitest';
import { Matrix } from '../lib/matrix.ts';
import { loadMnist, takeColumns } from '../lib/mnist.ts';
import { initParams } from '../lib/model.ts';
import { pcaReconstructionError, principalComponents } from '../lib/pca.ts';
import { Rng } from '../lib/random.ts';
import { DEFAULT_TRAIN, EVAL_COLUMNS, gatherColumns, reconstructionError, SIGMOID_DEFAULTS, train, type Steps, type TrainOptions } from '../lib/train.ts';
import * as forwardStep from '../solutions/01_forward.ts';
import * as backwardStep from '../solutions/02_backward.ts';
import * as sgdStep from '../solutions/03_sgd.ts';
import * as adamStep from '../solutions/04_adam.ts';
import * as denoisingStep from '../solutions/05_denoising.ts';

const reference: Steps = { ...forwardStep, ...backwardStep, ...sgdStep, ...adamStep, ...denoisingStep };

let small: { train: Matrix; test: Matrix };
beforeAll(() => {
  const mnist = loadMnist();
  small = { train: takeColumns(mnist.train, 500).X, test: takeColumns(mnist.test, 200).X };
});

const SMALL: TrainOptions = { ...DEFAULT_TRAIN, q: 16, epochs: 3, batchSize: 50, seed: 7, adam: { ...DEFAULT_TRAIN.adam, alpha: 0.01 } };

const withoutTimes = (h: { seconds: number }[]) => h.map(r => ({ ...r, seconds: 0 }));

describe('train on an MNIST subset (500 train, 200 test, q = 16, 3 epochs)', () => {
  it('Adam: loss and test error fall, nothing is NaN', () => {
    const { params, history } = train(reference, small, SMALL);
    expect(history.map(r => r.epoch)).toEqual([1, 2, 3]);
    for (const r of history) {
      expect(Number.isFinite(r.trainLoss) && Number.isFinite(r.testError) && r.seconds >= 0).toBe(true);
    }
    expect(history[2].trainLoss).toBeLessThan(history[0].trainLoss);
    expect(history[2].testError).toBeLessThan(history[0].testError);
    expect(params.W0.shape).toEqual([16, 785]);
    expect(params.W1.shape).toEqual([784, 17]);
    expect(params.W0.data.every(Number.isFinite) && params.W1.data.every(Number.isFinite)).toBe(true);
  });

  it('SGD and the sigmoid / cross-entropy output also learn', () => {
    for (const o of [{ optimizer: 'sgd' as const }, { output: 'sigmoid' as const }]) {
      const { history } = train(reference, small, { ...SMALL, ...o });
      expect(history[2].trainLoss, JSON.stringify(o)).toBeLessThan(history[0].trainLoss);
      expect(history.every(r => Number.isFinite(r.testError))).toBe(true);
    }
  });

  it('is deterministic for a seed and changes with it', () => {
    const a = train(reference, small, { ...SMALL, epochs: 2 });
    const b = train(reference, small, { ...SMALL, epochs: 2 });
    expect(Array.from(b.params.W0.data)).toEqual(Array.from(a.params.W0.data));
    expect(withoutTimes(b.history)).toEqual(withoutTimes(a.history));
    const c = train(reference, small, { ...SMALL, epochs: 2, seed: 8 });
    expect(c.history[1].trainLoss).not.toBe(a.history[1].trainLoss);
  });

  it('denoising (σ = 0.3): learns and reconstructs noisy test digits better than the noisy input itself', () => {
    const sigma = 0.3;
    const { params, history } = train(reference, small, { ...SMALL, sigma });
    expect(history[2].trainLoss).toBeLessThan(history[0].trainLoss);
    const noisy = denoisingStep.corrupt(small.test, sigma, new Rng(99));
    const noisyError = reconstructionError({ forward: (_p, X) => ({ Xhat: X }) as never }, params, small.test, 'identity', noisy);
    expect(noisyError).toBeCloseTo(sigma ** 2, 2);
    const denoised = reconstructionError(reference, params, small.test, 'identity', noisy);
    expect(denoised).toBeLessThan(noisyError * 0.85); // 3 short epochs: ≈ 0.71 × the noisy input's error
  });

  it('the autoencoder is within a sane factor of PCA with the same q', () => {
    const { history } = train(reference, small, { ...SMALL, epochs: 10 });
    const pca = pcaReconstructionError(small.train, small.test, 16);
    const ae = history[history.length - 1].testError;
    expect(pca).toBeGreaterThan(0.01);
    expect(ae).toBeGreaterThan(pca * 0.8); // a tiny, briefly trained AE does not beat PCA by much
    expect(ae).toBeLessThan(pca * 2);
  });
});

describe('train follows its contract (spied steps on a tiny data set)', () => {
  // d = 5, n = 13, batch 5 → batches of 5, 5, 3 (the partial batch is included).
  const rng = new Rng(1);
  const tiny = { train: new Matrix(5, 13).map(() => rng.uniform()), test: new Matrix(5, 4).map(() => rng.uniform()) };
  const opts: TrainOptions = { ...DEFAULT_TRAIN, q: 2, epochs: 2, batchSize: 5, seed: 11, sigma: 0.2 };

  function spy() {
    const log = { forwardInputs: [] as Matrix[], backwardTargets: [] as Matrix[], corrupted: [] as Matrix[], ts: [] as number[], losses: [] as number[], lossKind: new Set<string>() };
    const steps: Steps = {
      ...reference,
      forward: (p, X, o) => { log.forwardInputs.push(X); return reference.forward(p, X, o); },
      backward: (p, f, X) => { log.backwardTargets.push(X); return reference.backward(p, f, X); },
      squaredError: (X, Xh) => { const e = reference.squaredError(X, Xh); log.losses.push(e); log.lossKind.add('squared'); return e; },
      crossEntropy: (X, Xh) => { const e = reference.crossEntropy(X, Xh); log.losses.push(e); log.lossKind.add('cross'); return e; },
      adamStep: (p, g, s, t, hp) => { log.ts.push(t); return reference.adamStep(p, g, s, t, hp); },
      corrupt: (X, sigma, r) => { const out = reference.corrupt(X, sigma, r); log.corrupted.push(out); return out; },
    };
    return { steps, log };
  }

  it('batches: columns in the order of Rng(seed + 1).permutation, last partial batch included', () => {
    const { steps, log } = spy();
    train(steps, tiny, opts);
    const shuffle = new Rng(opts.seed + 1);
    const expected: Matrix[] = [];
    for (let e = 0; e < 2; e++) {
      const order = shuffle.permutation(13);
      for (const [s, t] of [[0, 5], [5, 10], [10, 13]]) expected.push(gatherColumns(tiny.train, order, s, t));
    }
    expect(log.backwardTargets.map(m => m.cols)).toEqual([5, 5, 3, 5, 5, 3]);
    log.backwardTargets.forEach((m, i) => expect(Array.from(m.data), `batch ${i}`).toEqual(Array.from(expected[i].data)));
  });

  it('denoising: forward sees corrupt(batch, σ, Rng(seed + 2)), backward the clean batch', () => {
    const { steps, log } = spy();
    train(steps, tiny, opts);
    const noise = new Rng(opts.seed + 2);
    const batchInputs = log.forwardInputs.filter(X => X !== tiny.test); // not the test-error forwards
    log.backwardTargets.forEach((clean, i) => {
      const expected = reference.corrupt(clean, opts.sigma, noise);
      expect(batchInputs[i]).toBe(log.corrupted[i]);
      expect(Array.from(log.corrupted[i].data)).toEqual(Array.from(expected.data));
    });
    expect(log.corrupted).toHaveLength(6);
    const plain = spy();
    train(plain.steps, tiny, { ...opts, sigma: 0 });
    expect(plain.log.corrupted).toHaveLength(0);
  });

  it('Adam\'s t counts updates from 1; initial weights come from Rng(seed) and initStd', () => {
    const { steps, log } = spy();
    train(steps, tiny, { ...opts, epochs: 0 });
    expect(log.ts).toEqual([]);
    const first = spy();
    let initial: Matrix | undefined;
    train({ ...first.steps, forward: (p, X, o) => { initial ??= p.W0; return reference.forward(p, X, o); } }, tiny, { ...opts, initStd: 0.5 });
    expect(Array.from(initial!.data)).toEqual(Array.from(initParams(5, 2, new Rng(opts.seed), 0.5).W0.data));
    expect(first.log.ts).toEqual([1, 2, 3, 4, 5, 6]);
  });

  it('trainLoss is the mean of the batch losses of the matching loss function; testError the clean test error', () => {
    for (const [output, kind] of [['identity', 'squared'], ['sigmoid', 'cross']] as const) {
      const { steps, log } = spy();
      const { params, history } = train(steps, tiny, { ...opts, epochs: 1, output });
      expect([...log.lossKind]).toEqual([kind]);
      expect(history[0].trainLoss).toBeCloseTo((log.losses[0] + log.losses[1] + log.losses[2]) / 3, 14);
      expect(history[0].testError).toBe(reconstructionError(reference, params, tiny.test, output));
    }
  });

  it('onEpoch gets each report as it happens', () => {
    const seen: number[] = [];
    const { history } = train(reference, tiny, opts, r => seen.push(r.epoch));
    expect(seen).toEqual([1, 2]);
    expect(history).toHaveLength(2);
  });

  it('refuses bad options, saying what came', () => {
    expect(() => train(reference, tiny, { ...opts, batchSize: 0 })).toThrow('train: batchSize must be a positive integer, got 0');
    expect(() => train(reference, tiny, { ...opts, q: 1.5 })).toThrow(/q must be a positive integer, got 1.5/);
    expect(() => train(reference, tiny, { ...opts, sigma: -1 })).toThrow(/sigma must be ≥ 0, got -1/);
    expect(() => train(reference, tiny, { ...opts, optimizer: 'rmsprop' as 'sgd' })).toThrow(/optimizer must be 'sgd' or 'adam', got rmsprop/);
    expect(() => train(reference, { train: tiny.train, test: new Matrix(4, 2) }, opts)).toThrow(/train has 5 rows, test has 4/);
  });
});

describe('reconstructionError and gatherColumns', () => {
  it('is the mean over all d·n entries of (x̃ − x)², forwarding `input` when given', () => {
    const X = Matrix.fromRows([[0, 1], [1, 0], [0.5, 0.5]]);
    const Xhat = Matrix.fromRows([[0, 0], [1, 1], [0.5, 0]]);
    let given: Matrix | undefined;
    const fake = { forward: (_p: unknown, input: Matrix) => { given = input; return { Xhat } as never; } };
    const p = initParams(3, 1, new Rng(0));
    expect(reconstructionError(fake, p, X, 'identity')).toBeCloseTo((1 + 1 + 0.25) / 6, 15);
    expect(given).toBe(X);
    const noisy = X.add(1);
    reconstructionError(fake, p, X, 'identity', noisy);
    expect(given).toBe(noisy);
    const wrong = { forward: () => ({ Xhat: new Matrix(2, 2) }) as never };
    expect(() => reconstructionError(wrong, p, X, 'identity')).toThrow('reconstructionError: forward returned Xhat (2×2), expected (3×2)');
  });

  it('a test set wider than EVAL_COLUMNS goes through forward in slices, with the same result to the bit', () => {
    const rng = new Rng(12);
    const d = 20, n = 2 * EVAL_COLUMNS + 100;
    const X = Matrix.randn(d, n, rng), noisy = X.add(Matrix.randn(d, n, rng, 0.3));
    const p = initParams(d, 3, rng, 0.5);
    for (const [output, input] of [['identity', undefined], ['sigmoid', noisy]] as const) {
      // The unsliced computation: forward on all columns, then the mean in X's order.
      const Xhat = reference.forward(p, input ?? X, output).Xhat;
      let s = 0;
      for (let i = 0; i < X.data.length; i++) s += (Xhat.data[i] - X.data[i]) ** 2;
      const widths: number[] = [];
      const spy = { forward: (q: typeof p, A: Matrix, o: typeof output) => { widths.push(A.cols); return reference.forward(q, A, o); } };
      expect(reconstructionError(spy, p, X, output, input)).toBe(s / X.data.length);
      expect(widths.reduce((a, b) => a + b)).toBe(n);
      expect(widths.length).toBe(3);
      expect(Math.max(...widths)).toBeLessThanOrEqual(EVAL_COLUMNS);
    }
    const wrong = { forward: () => ({ Xhat: new Matrix(d, n) }) as never };
    expect(() => reconstructionError(wrong, p, X, 'identity')).toThrow(`reconstructionError: forward returned Xhat (${d}×${n}), expected (${d}×367)`);
  });

  it('sliced: a forward that throws, or that evaluates a wide set itself, changes no later or outer result', () => {
    const rng = new Rng(13);
    const d = 10, n = 3 * EVAL_COLUMNS;
    const X = Matrix.randn(d, n, rng), Y = Matrix.randn(d, n, rng);
    const p = initParams(d, 2, rng, 0.5);
    const want = reconstructionError(reference, p, X, 'identity');
    let calls = 0;
    const throwsOnce = { forward: (q: typeof p, A: Matrix, o: 'identity') => { if (calls++ === 1) throw new Error('boom'); return reference.forward(q, A, o); } };
    expect(() => reconstructionError(throwsOnce, p, X, 'identity')).toThrow('boom');
    expect(reconstructionError(reference, p, X, 'identity')).toBe(want);
    const nested = { forward: (q: typeof p, A: Matrix, o: 'identity') => { reconstructionError(reference, q, Y, o); return reference.forward(q, A, o); } };
    expect(reconstructionError(nested, p, X, 'identity')).toBe(want);
  });

  it('gatherColumns copies the chosen columns in order', () => {
    const X = Matrix.fromRows([[0, 1, 2, 3], [10, 11, 12, 13]]);
    const B = gatherColumns(X, [3, 0, 2, 1], 1, 3);
    expect(B.shape).toEqual([2, 2]);
    expect(Array.from(B.data)).toEqual([0, 2, 10, 12]);
    // The sample-major path (what train() uses) gives the same batch, also past its groups of 8.
    expect(Array.from(gatherColumns(X, [3, 0, 2, 1], 1, 3, X.transpose()).data)).toEqual([0, 2, 10, 12]);
    const Y = Matrix.randn(13, 40, new Rng(5));
    const order = new Rng(6).permutation(40);
    for (const [start, end] of [[0, 40], [3, 22], [39, 40]]) {
      const want = gatherColumns(Y, order, start, end);
      expect(Array.from(gatherColumns(Y, order, start, end, Y.transpose()).data)).toEqual(Array.from(want.data));
      for (let j = 0; j < end - start; j++) expect(want.get(12, j)).toBe(Y.get(12, order[start + j]));
    }
  });
});

describe('PCA baseline', () => {
  // Train points ±a·u1, ±b·u2, ±c·u3 around a mean m, for orthonormal u1, u2, u3 in R^6:
  // the covariance has eigenvalues ∝ a² > b² > c² on u1, u2, u3 and 0 elsewhere, exactly.
  const d = 6;
  const rng = new Rng(21);
  const basis = principalComponents(Matrix.randn(d, 40, rng), d, 3); // any orthonormal basis of R^6 (rows)
  const u = (k: number) => Array.from(basis.data.subarray(k * d, (k + 1) * d));
  const m = [0.3, -1, 2, 0, 0.5, 1];
  const scales = [3, 2, 1];
  const columns: number[][] = [];
  scales.forEach((s, k) => { for (const sign of [1, -1]) columns.push(m.map((mi, i) => mi + sign * s * u(k)[i])); });
  const train = Matrix.fromRows(columns).transpose();
  const test = Matrix.randn(d, 5, rng).map((v, i) => v + m[i]);

  /** Exact answer: the residual of (x − m) outside span(u1 … uq). */
  function exact(q: number): number {
    let s = 0;
    for (let j = 0; j < test.cols; j++) {
      const x = Array.from({ length: d }, (_, i) => test.get(i, j) - m[i]);
      for (let k = 0; k < q; k++) {
        const c = x.reduce((acc, xi, i) => acc + xi * u(k)[i], 0);
        for (let i = 0; i < d; i++) x[i] -= c * u(k)[i];
      }
      s += x.reduce((acc, xi) => acc + xi * xi, 0);
    }
    return s / (d * test.cols);
  }

  it('the basis used to build the case is orthonormal', () => {
    const G = basis.matmul(basis.transpose());
    for (let i = 0; i < d; i++) for (let j = 0; j < d; j++) expect(G.get(i, j)).toBeCloseTo(i === j ? 1 : 0, 12);
  });

  it('matches the exact projection error for q = 1, 2, 3, and is 0 at full rank', () => {
    for (const q of [1, 2, 3]) expect(pcaReconstructionError(train, test, q)).toBeCloseTo(exact(q), 12);
    expect(pcaReconstructionError(train, train, 3)).toBeLessThan(1e-24);
    expect(pcaReconstructionError(train, test, 6)).toBeLessThan(1e-24);
  });

  it('principal directions come out in order of variance and do not depend on the seed', () => {
    const U = principalComponents(train, 3, 5);
    for (let k = 0; k < 3; k++) {
      const dot = u(k).reduce((acc, v, i) => acc + v * U.get(k, i), 0);
      expect(Math.abs(dot)).toBeCloseTo(1, 12);
    }
    expect(pcaReconstructionError(train, test, 2, 1)).toBeCloseTo(pcaReconstructionError(train, test, 2, 2), 12);
  });

  it('on the MNIST subset: error falls with q and agrees with many more iterations', () => {
    const e8 = pcaReconstructionError(small.train, small.test, 8);
    const e16 = pcaReconstructionError(small.train, small.test, 16);
    expect(e16).toBeLessThan(e8);
    const tight = pcaReconstructionError(small.train, small.test, 16, 4, { power: 1, maxIterations: 300, tolerance: 0 });
    expect(Math.abs(e16 - tight) / tight).toBeLessThan(1e-8);
  });

  it('names both shapes when d differs', () => {
    expect(() => pcaReconstructionError(new Matrix(3, 4), new Matrix(2, 4), 1)).toThrow('pcaReconstructionError: train is (3×4), test is (2×4); rows (d) must agree');
  });
});

describe('g = sigmoid defaults (SIGMOID_DEFAULTS)', () => {
  // The mean image is where N(0, 0.01²) weights get stuck with cross entropy; the sigmoid
  // defaults must get past it. 2,000 training images, q = 64, 8 epochs: a few seconds.
  it('get below the mean image, where the identity defaults stay on it', () => {
    const mnist = loadMnist();
    const data = { train: takeColumns(mnist.train, 2000).X, test: takeColumns(mnist.test, 400).X };
    const meanImage = data.train.matmul(new Matrix(data.train.cols, 1, new Float64Array(data.train.cols).fill(1 / data.train.cols)));
    const meanError = reconstructionError({ forward: (_p, X) => ({ Xhat: meanImage.matmul(new Matrix(1, X.cols, new Float64Array(X.cols).fill(1))) }) as never }, null as never, data.test, 'identity');
    const base: TrainOptions = { ...DEFAULT_TRAIN, q: 64, epochs: 8, output: 'sigmoid' };
    const stuck = train(reference, data, base).history.at(-1)!.testError;
    const tuned = train(reference, data, { ...base, initStd: SIGMOID_DEFAULTS.initStd, adam: { ...base.adam, alpha: SIGMOID_DEFAULTS.alpha } }).history.at(-1)!.testError;
    expect(stuck).toBeGreaterThan(0.9 * meanError);
    expect(tuned).toBeLessThan(0.8 * meanError);
  });
});
