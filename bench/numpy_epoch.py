# bench/numpy_epoch.py — the reference training epoch written with numpy, for `make bench`'s
# "≤ 3× numpy on one thread" row: q = 64, d = 784, n = 8,000, batch 100, Adam, identity output,
# the same operations per mini-batch as lib/train.ts with solutions/. Timing does not depend on
# the pixel values, so the data is seeded uniform noise of MNIST's shape. Prints seconds/epoch.
#   OPENBLAS_NUM_THREADS=1 python3 bench/numpy_epoch.py [epochs]
import sys, time
import numpy as np

def epoch_seconds(epochs=3, q=64, d=784, n=8000, batch=100, alpha=0.003, b1=0.9, b2=0.999, eps=1e-8):
    rng = np.random.default_rng(0)
    X = rng.random((d, n))
    W0 = rng.normal(0, 0.01, (q, d + 1)); W1 = rng.normal(0, 0.01, (d, q + 1))
    m = [np.zeros_like(W0), np.zeros_like(W1)]; v = [np.zeros_like(W0), np.zeros_like(W1)]
    t = 0; times = []
    for _ in range(epochs):
        t0 = time.perf_counter()
        order = rng.permutation(n)
        for s in range(0, n, batch):
            Xb0 = X[:, order[s:s + batch]]
            nb = Xb0.shape[1]
            Xb = np.vstack([np.ones((1, nb)), Xb0])
            A1 = W0 @ Xb; Z = 1 / (1 + np.exp(-A1))
            Zb = np.vstack([np.ones((1, nb)), Z])
            Xhat = W1 @ Zb
            d2 = Xhat - Xb0
            dW1 = d2 @ Zb.T / nb
            d1 = (W1[:, 1:].T @ d2) * Z * (1 - Z)
            dW0 = d1 @ Xb.T / nb
            t += 1
            for i, (W, g) in enumerate(((W0, dW0), (W1, dW1))):
                m[i] = b1 * m[i] + (1 - b1) * g
                v[i] = b2 * v[i] + (1 - b2) * g * g
                mh = m[i] / (1 - b1 ** t); vh = v[i] / (1 - b2 ** t)
                W -= alpha * mh / (np.sqrt(vh) + eps)
        times.append(time.perf_counter() - t0)
    return times

if __name__ == '__main__':
    ts = epoch_seconds(int(sys.argv[1]) if len(sys.argv) > 1 else 3)
    print(sorted(ts)[len(ts) // 2])
