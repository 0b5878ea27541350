// test/matmul.test.ts — the WebAssembly product kernel against the textbook loop.
import { permissionFlag } from '../grader/sandbox/child.ts';
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Matrix } from '../lib/matrix.ts';
import { gemmBlocked, gemmNaive } from '../lib/matmul/blocked.ts';
import { gemmName, resetGemm, setGemm } from '../lib/matmul/index.ts';
import { loadWasmGemm, type WasmGemm } from '../lib/matmul/wasm.ts';
import { threadsPossible } from '../lib/matmul/threads.ts';
import { kernelSource } from '../tools/build-wasm.ts';

const root = fileURLToPath(new URL('..', import.meta.url));

/** Deterministic values in [-1, 1) (xorshift), so failures reproduce. */
function values(len: number, seed: number): Float64Array {
  let s = seed >>> 0 || 1;
  const out = new Float64Array(len);
  for (let i = 0; i < len; i++) {
    s ^= s << 13; s >>>= 0; s ^= s >>> 17; s ^= s << 5; s >>>= 0;
    out[i] = s / 2 ** 31 - 1;
  }
  return out;
}

function maxAbsDiff(x: Float64Array, y: Float64Array): number {
  let d = 0;
  for (let i = 0; i < x.length; i++) d = Math.max(d, Math.abs(x[i] - y[i]));
  return d;
}

// [m, k, n]: trivial, empty, odd, every block size missed (MR=4, NR=4, KC=256, MC=120, NC=1024),
// the course's products, tall/skinny, outer product.
const SHAPES: [number, number, number][] = [
  [1, 1, 1], [0, 5, 3], [4, 0, 3], [4, 5, 0], [7, 13, 5], [3, 2, 1], [5, 7, 6],
  [121, 257, 1025], [123, 513, 11], [9, 1000, 7],
  [128, 785, 256], [784, 65, 256], [64, 784, 100], [784, 100, 65],
  [1000, 3, 2], [2, 1000, 3], [1, 784, 1], [300, 1, 300], [1, 300, 500],
];

function check(w: WasmGemm, m: number, k: number, n: number, threads: number, seed: number): Float64Array {
  const a = values(m * k, seed), b = values(k * n, seed + 1);
  const want = new Float64Array(m * n);
  gemmNaive(a, b, want, m, k, n);
  const got = new Float64Array(m * n).fill(NaN); // the kernel must write every element
  if (k === 0) got.fill(0); // the Gemm contract: c arrives zero-filled, k = 0 leaves it so
  expect(w.run(a, b, got, m, k, n, threads)).toBe(true);
  expect(maxAbsDiff(got, want), `${m}×${k}·${k}×${n} on ${threads} thread(s)`).toBeLessThanOrEqual(1e-12 * Math.max(k, 1));
  return got;
}

it('lib/matmul/kernel-wasm.ts is what tools/build-wasm.ts generates', () => {
  const embedded = readFileSync(join(root, 'lib/matmul/kernel-wasm.ts'), 'utf8');
  expect(embedded === kernelSource(), 'run: npx tsx tools/build-wasm.ts').toBe(true);
});

for (const variant of ['fma', 'simd'] as const) {
  describe(`wasm kernel, ${variant}`, () => {
    const w = loadWasmGemm(variant);
    const maybe = w ? it : it.skip;

    beforeAll(async () => {
      if (!w || !threadsPossible()) return;
      // Start the helper thread and wait until it is ready (it starts asynchronously). The product
      // is big enough (8 MFLOP) that a sleeping worker wakes before the main thread's half is done.
      const [m, k, n] = [128, 256, 128];
      for (let i = 0; i < 200; i++) {
        w.run(new Float64Array(m * k), new Float64Array(k * n), new Float64Array(m * n), m, k, n, 2);
        if (w.lastThreads === 2) break;
        await new Promise((r) => setTimeout(r, 25));
      }
    });

    maybe('matches the naive loop on one thread', () => {
      SHAPES.forEach(([m, k, n], i) => check(w!, m, k, n, 1, 100 + i));
    });

    maybe('matches the naive loop on two threads, bit-identical to one thread', () => {
      let split = 0;
      SHAPES.forEach(([m, k, n], i) => {
        const one = check(w!, m, k, n, 1, 200 + i);
        // A few tries: when the other core is busy the main thread legitimately takes the
        // worker's half back (threads.ts), which gives the same bits but tests less.
        for (let t = 0; t < 5; t++) {
          const two = check(w!, m, k, n, 2, 200 + i);
          expect(Buffer.from(two.buffer).equals(Buffer.from(one.buffer)), `${m}×${k}·${k}×${n}`).toBe(true);
          if (w!.lastThreads === 2) { split++; break; }
        }
      });
      if (threadsPossible()) expect(split).toBeGreaterThan(0);
    });

    if (variant === 'simd') {
      maybe('without FMA it is bit-identical to the TS kernels (same rounding order)', () => {
        const [m, k, n] = [37, 300, 29];
        const a = values(m * k, 7), b = values(k * n, 8);
        const x = new Float64Array(m * n), y = new Float64Array(m * n), z = new Float64Array(m * n);
        w!.run(a, b, x, m, k, n, 1);
        gemmBlocked(a, b, y, m, k, n);
        gemmNaive(a, b, z, m, k, n);
        expect(Buffer.from(x.buffer).equals(Buffer.from(y.buffer))).toBe(true);
        expect(Buffer.from(x.buffer).equals(Buffer.from(z.buffer))).toBe(true);
      });
    }

    maybe('the installed Gemm handles tiny (TS path), empty and threaded sizes, and keeps Inf/NaN', () => {
      for (const [m, k, n] of [[2, 3, 4], [8, 8, 8], [0, 3, 3], [5, 0, 4], [100, 100, 100]] as const) {
        const a = values(m * k, 3), b = values(k * n, 4);
        if (a.length) a[0] = Infinity;
        // c arrives holding garbage: the installed Gemm overwrites it (Matrix.matmul does not zero it).
        const want = new Float64Array(m * n), got = new Float64Array(m * n).fill(12345);
        gemmNaive(a, b, want, m, k, n);
        w!.gemm(a, b, got, m, k, n);
        for (let i = 0; i < got.length; i++) {
          if (Number.isFinite(want[i])) expect(Math.abs(got[i] - want[i])).toBeLessThanOrEqual(1e-12 * k);
          else expect(got[i]).toBe(want[i]);
        }
      }
    });
  });
}

describe('kernel switch', () => {
  afterAll(() => resetGemm());

  it('Matrix.matmul uses the best kernel and names it', () => {
    const name = gemmName();
    if (loadWasmGemm('fma') || loadWasmGemm('simd')) expect(name).toMatch(/^wasm-simd(-fma)? ×[12]$/);
    else expect(name).toBe('ts-blocked');
    const a = new Matrix(128, 785, values(128 * 785, 1)), b = new Matrix(785, 256, values(785 * 256, 2));
    const want = new Float64Array(128 * 256);
    gemmNaive(a.data, b.data, want, 128, 785, 256);
    expect(maxAbsDiff(a.matmul(b).data, want)).toBeLessThanOrEqual(1e-12 * 785);
  });

  it('the TS fallback still works through setGemm', () => {
    setGemm(gemmBlocked, 'ts-blocked');
    expect(gemmName()).toBe('ts-blocked');
    for (const [m, k, n] of [[7, 13, 5], [64, 784, 100], [0, 3, 4]] as const) {
      const a = new Matrix(m, k, values(m * k, 5)), b = new Matrix(k, n, values(k * n, 6));
      const want = new Float64Array(m * n);
      gemmNaive(a.data, b.data, want, m, k, n);
      expect(maxAbsDiff(a.matmul(b).data, want)).toBeLessThanOrEqual(1e-12 * k);
    }
    resetGemm();
    expect(gemmName()).not.toBe('ts-blocked');
  });
});

// Student code is bundled by esbuild into one file and run as
//   prlimit --data=… node --experimental-permission --allow-fs-read=<dir> bundle.mjs
// There the kernel must load from the embedded base64, `new Worker` throws ERR_ACCESS_DENIED,
// and everything must still work on one thread. Outside the sandbox the bundle must use both
// threads and still exit promptly (the worker is unref'd).
describe('bundled, as the sandbox runs it', () => {
  let dir = '';
  let bundle = '';
  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'matmul-bundle-'));
    const entry = join(dir, 'entry.ts');
    writeFileSync(entry, `
      import { Matrix } from ${JSON.stringify(join(root, 'lib/matrix.ts'))};
      import { gemmName } from ${JSON.stringify(join(root, 'lib/matmul/index.ts'))};
      import { bestWasmGemm } from ${JSON.stringify(join(root, 'lib/matmul/wasm.ts'))};
      import { gemmNaive } from ${JSON.stringify(join(root, 'lib/matmul/blocked.ts'))};
      const [m, k, n] = (process.argv[2] ?? '128,785,256').split(',').map(Number);
      const fill = (len) => Float64Array.from({ length: len }, (_, i) => Math.sin(i * 0.37));
      const a = new Matrix(m, k, fill(m * k)), b = new Matrix(k, n, fill(k * n));
      const want = new Float64Array(m * n);
      gemmNaive(a.data, b.data, want, m, k, n);
      let err = 0, threads = 0;
      const t0 = Date.now();
      // Keep multiplying (synchronously, with short pauses so the helper can start) for ≤ 2 s.
      while (Date.now() - t0 < 2000) {
        const c = a.matmul(b).data;
        for (let i = 0; i < c.length; i++) err = Math.max(err, Math.abs(c[i] - want[i]));
        threads = Math.max(threads, bestWasmGemm()?.lastThreads ?? 0);
        if (threads === 2 || gemmName().endsWith('×1') || gemmName() === 'ts-blocked') break;
        await new Promise((r) => setTimeout(r, 20));
      }
      console.log(JSON.stringify({ name: gemmName(), err, threads }));
    `);
    bundle = join(dir, 'bundle.mjs');
    await build({ entryPoints: [entry], bundle: true, platform: 'node', format: 'esm', outfile: bundle, logLevel: 'silent' });
  });
  afterAll(() => { if (dir) rmSync(dir, { recursive: true, force: true }); });

  const run = (args: string[]) => {
    const hasPrlimit = spawnSync('prlimit', ['--version']).status === 0;
    const cmd = hasPrlimit ? 'prlimit' : process.execPath;
    const argv = hasPrlimit ? [`--data=${2 * 1024 ** 3}`, process.execPath, ...args] : args;
    const t0 = Date.now();
    const out = execFileSync(cmd, argv, { cwd: dir, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'], timeout: 20_000 });
    return { ...JSON.parse(out.trim().split('\n').pop()!), ms: Date.now() - t0 };
  };

  it('runs on one thread under the permission model', () => {
    const r = run([permissionFlag(), `--allow-fs-read=${dir}`, bundle]);
    expect(r.err).toBeLessThanOrEqual(1e-12 * 785);
    if (r.name !== 'ts-blocked') {
      expect(r.name).toMatch(/ ×1$/);
      expect(r.threads).toBe(1);
    }
  });

  it('falls back to the TS kernel where there is no WebAssembly (node --jitless)', () => {
    const r = run(['--jitless', bundle, '20,30,40']);
    expect(r.name).toBe('ts-blocked');
    expect(r.err).toBeLessThanOrEqual(1e-12 * 30);
  });

  it('uses two threads outside the sandbox and still exits promptly', () => {
    const r = run([bundle]);
    expect(r.err).toBeLessThanOrEqual(1e-12 * 785);
    if (r.name !== 'ts-blocked' && threadsPossible()) {
      expect(r.name).toMatch(/ ×2$/);
      expect(r.threads).toBe(2);
    }
    expect(r.ms).toBeLessThan(10_000);
  });
});
