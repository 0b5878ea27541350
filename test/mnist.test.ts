import { describe, it, expect, beforeAll, afterAll, vi } from 'vitest';
import { createRequire } from 'node:module';
import { copyFileSync, existsSync, mkdtempSync, readFileSync, rmSync, statSync, truncateSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { Matrix } from '../lib/matrix.ts';
import { Rng } from '../lib/random.ts';
import { imageColumn, loadMnist, MNIST_CACHE_FILE, SPLIT_SEED, takeColumns, type Digits, type MnistSplit } from '../lib/mnist.ts';

const PIXELS = 784;
const digitsDir = join(dirname(createRequire(import.meta.url).resolve('mnist/package.json')), 'src', 'digits');

// One temp cache for the file: the first load parses the JSON (≈1 s) and writes it.
let root: string;
let cacheDir: string;
let base: MnistSplit;
let json: number[][]; // json[d] = the flat pixel array of digit d, as the package ships it

function countsByDigit(d: Digits): number[] {
  const c = new Array<number>(10).fill(0);
  for (const l of d.labels) c[l]++;
  return c;
}

/** A key that is equal iff two images are bit-for-bit equal: the raw bytes of their doubles. */
function key(col: ArrayLike<number>): string {
  return Buffer.from(Float64Array.from(col).buffer).toString('latin1');
}

function sameDigits(a: Digits, b: Digits): boolean {
  return a.X.rows === b.X.rows && a.X.cols === b.X.cols
    && Buffer.from(a.X.data.buffer).equals(Buffer.from(b.X.data.buffer))
    && Buffer.from(a.labels).equals(Buffer.from(b.labels));
}

function quiet<T>(f: () => T): { value: T; stderr: string } {
  const spy = vi.spyOn(process.stderr, 'write').mockImplementation(() => true);
  try {
    const value = f();
    return { value, stderr: spy.mock.calls.map((c) => String(c[0])).join('') };
  } finally {
    spy.mockRestore();
  }
}

beforeAll(() => {
  root = mkdtempSync(join(tmpdir(), 'mnist-test-'));
  cacheDir = join(root, 'cache');
  base = quiet(() => loadMnist({ cacheDir })).value;
  json = Array.from({ length: 10 }, (_, d) => JSON.parse(readFileSync(join(digitsDir, `${d}.json`), 'utf8')).data);
});

afterAll(() => rmSync(root, { recursive: true, force: true }));

describe('loadMnist: the split', () => {
  it('has 8000 train and 2000 test images, 784 × n, values in [0,1]', () => {
    expect(base.train.X.shape).toEqual([PIXELS, 8000]);
    expect(base.test.X.shape).toEqual([PIXELS, 2000]);
    expect(base.train.labels.length).toBe(8000);
    expect(base.test.labels.length).toBe(2000);
    for (const d of [base.train, base.test]) {
      expect(d.X.data.every((v) => v >= 0 && v <= 1)).toBe(true);
      expect(d.labels.every((l) => l <= 9)).toBe(true);
    }
  });

  it('is stratified: each digit splits 80/20 (within one image)', () => {
    const tr = countsByDigit(base.train);
    const te = countsByDigit(base.test);
    for (let d = 0; d < 10; d++) {
      const n = json[d].length / PIXELS;
      expect(tr[d] + te[d]).toBe(n);
      expect(Math.abs(tr[d] - 0.8 * n)).toBeLessThan(1);
    }
  });

  it('holds exactly the JSON images, pixel for pixel (0.624 stays 0.624)', () => {
    for (let d = 0; d < 10; d++) {
      const fromJson: string[] = [];
      for (let s = 0; s < json[d].length; s += PIXELS) fromJson.push(key(json[d].slice(s, s + PIXELS)));
      const loaded: string[] = [];
      for (const part of [base.train, base.test]) {
        for (let j = 0; j < part.X.cols; j++) if (part.labels[j] === d) loaded.push(key(imageColumn(part.X, j)));
      }
      expect(loaded.sort()).toEqual(fromJson.sort());
    }
    expect(base.train.X.data.includes(0.624)).toBe(true);
  });

  it('shuffles: both parts mix the digits from the first columns on', () => {
    expect(new Set(base.train.labels.subarray(0, 100)).size).toBe(10);
    expect(new Set(base.test.labels.subarray(0, 100)).size).toBe(10);
  });
});

describe('loadMnist: determinism and the cache', () => {
  it('writes the cache on first use and gives identical data from it', () => {
    expect(existsSync(join(cacheDir, MNIST_CACHE_FILE))).toBe(true);
    const t = performance.now();
    const again = loadMnist({ cacheDir });
    const ms = performance.now() - t;
    expect(sameDigits(again.train, base.train)).toBe(true);
    expect(sameDigits(again.test, base.test)).toBe(true);
    expect(ms).toBeLessThan(1000); // typically ~100 ms; generous for slow CI machines
  });

  it('uses SPLIT_SEED by default; another seed gives another order and split', () => {
    const explicit = loadMnist({ cacheDir, seed: SPLIT_SEED });
    expect(sameDigits(explicit.train, base.train)).toBe(true);
    const other = loadMnist({ cacheDir, seed: 7 });
    expect(Buffer.from(other.train.labels).equals(Buffer.from(base.train.labels))).toBe(false);
    expect(sameDigits(other.test, base.test)).toBe(false);
    expect(countsByDigit(other.train)).toEqual(countsByDigit(base.train)); // same stratification
  });

  it('rejects a non-integer seed, naming it', () => {
    expect(() => loadMnist({ cacheDir, seed: 1.5 })).toThrow(/integer, got 1.5/);
  });

  const damages: [string, (file: string) => void][] = [
    ['flipped bytes in the pixels', (f) => {
      const b = readFileSync(f);
      for (const at of [b.length - 5000, b.length - 1]) b[at] ^= 0xff;
      writeFileSync(f, b);
    }],
    ['a flipped byte in the header', (f) => {
      const b = readFileSync(f);
      b[44] ^= 0x01; // the count field
      writeFileSync(f, b);
    }],
    ['truncation', (f) => truncateSync(f, Math.floor(statSync(f).size / 2))],
    ['an empty file', (f) => writeFileSync(f, '')],
    ['someone else\'s file', (f) => writeFileSync(f, 'not a cache at all, but long enough to have a header ...........')],
  ];
  for (const [what, damage] of damages) {
    it(`detects ${what}, rebuilds the cache and still returns the right data`, () => {
      const dir = mkdtempSync(join(root, 'damaged-'));
      const file = join(dir, MNIST_CACHE_FILE);
      copyFileSync(join(cacheDir, MNIST_CACHE_FILE), file);
      damage(file);
      const { value, stderr } = quiet(() => loadMnist({ cacheDir: dir }));
      expect(stderr).toMatch(/rebuilding/);
      expect(sameDigits(value.train, base.train)).toBe(true);
      expect(sameDigits(value.test, base.test)).toBe(true);
      // The rebuilt file is whole again (the cache bytes are deterministic).
      expect(readFileSync(file).equals(readFileSync(join(cacheDir, MNIST_CACHE_FILE)))).toBe(true);
    });
  }

  it('still loads when the cache folder cannot be created, and warns once', () => {
    const blocker = join(root, 'a-file');
    writeFileSync(blocker, 'x'); // a file where a folder should be: fails even for root
    const dir = join(blocker, 'cache');
    const first = quiet(() => loadMnist({ cacheDir: dir }));
    expect(first.stderr).toMatch(/cannot write the cache/);
    expect(sameDigits(first.value.train, base.train)).toBe(true);
    expect(quiet(() => loadMnist({ cacheDir: dir })).stderr).toBe('');
  });
});

describe('takeColumns and imageColumn', () => {
  it('takes the first n columns', () => {
    const s = takeColumns(base.train, 5);
    expect(s.X.shape).toEqual([PIXELS, 5]);
    for (let j = 0; j < 5; j++) {
      expect(imageColumn(s.X, j)).toEqual(imageColumn(base.train.X, j));
      expect(s.labels[j]).toBe(base.train.labels[j]);
    }
  });

  it('with an rng takes n distinct random columns, reproducibly', () => {
    const a = takeColumns(base.test, 50, new Rng(3));
    const b = takeColumns(base.test, 50, new Rng(3));
    expect(sameDigits(a, b)).toBe(true);
    const all = new Map<string, number>();
    for (let j = 0; j < base.test.X.cols; j++) all.set(key(imageColumn(base.test.X, j)), base.test.labels[j]);
    const picked = new Set<string>();
    for (let j = 0; j < 50; j++) {
      const k = key(imageColumn(a.X, j));
      expect(all.get(k)).toBe(a.labels[j]);
      picked.add(k);
    }
    expect(picked.size).toBe(50);
    expect(sameDigits(a, takeColumns(base.test, 50))).toBe(false);
  });

  it('returns fresh data: changing the subset leaves the source alone', () => {
    const s = takeColumns(base.train, 2);
    s.X.data.fill(0.5);
    expect(imageColumn(base.train.X, 0)).not.toEqual(imageColumn(s.X, 0));
  });

  it('rejects bad sizes and indices, saying what was allowed', () => {
    expect(() => takeColumns(base.test, 2001)).toThrow(/0…2000, got 2001/);
    expect(() => takeColumns(base.test, -1)).toThrow(/got -1/);
    expect(() => imageColumn(base.test.X, 2000)).toThrow(/0…1999, got 2000/);
    expect(imageColumn(new Matrix(2, 2, Float64Array.of(1, 2, 3, 4)), 1)).toEqual(Float64Array.of(2, 4));
  });
});
