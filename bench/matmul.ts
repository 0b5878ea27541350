// bench/matmul.ts — GFLOP/s of the product kernels on the course's shapes.
//
//   npx tsx bench/matmul.ts               the table (naive loop, TS blocked, WASM 1 thread, WASM 2 threads,
//                                         Matrix.matmul's automatic choice, plain SIMD without FMA)
//   npx tsx bench/matmul.ts --thresholds  also the small-size sweeps behind WASM_MIN_MULADDS / THREAD_MIN_FLOPS
//
// Self-contained (no other bench file needed); bench/run.ts can import benchMatmul + formatMatmul.
// Each figure is the median of several timed reps after warm-up (which also lets V8 tier the
// wasm code up from its baseline compiler).
import { fileURLToPath } from 'node:url';
import { gemmBlocked, gemmNaive } from '../lib/matmul/blocked.ts';
import { gemmName } from '../lib/matmul/index.ts';
import { bestWasmGemm, loadWasmGemm, THREAD_MIN_FLOPS, WASM_MIN_MULADDS, type WasmGemm } from '../lib/matmul/wasm.ts';

export const SHAPES: readonly [number, number, number][] = [[128, 785, 256], [784, 65, 256], [64, 784, 100]];

export interface Row {
  /** e.g. 'naive loop', 'ts-blocked', 'wasm-simd-fma ×1', 'wasm-simd-fma ×2' */
  kernel: string;
  /** GFLOP/s per shape, in SHAPES order ('m×k·k×n' keys). */
  gflops: Record<string, number>;
  /** Anything the figure needs to be read with (e.g. products that ran on one thread only). */
  note?: string;
}

const shapeKey = ([m, k, n]: readonly number[]) => `${m}×${k}·${k}×${n}`;

function values(len: number): Float64Array {
  const out = new Float64Array(len);
  for (let i = 0; i < len; i++) out[i] = Math.sin(i * 0.7311) * 0.5;
  return out;
}

/** Median seconds of fn() over ~budget seconds (at least 5 reps), after warm-up. */
function timeMedian(fn: () => void, budget = 0.4): number {
  let t0 = performance.now();
  fn();
  let once = (performance.now() - t0) / 1000;
  for (let i = 0; i < 3 && once < 0.05; i++) { t0 = performance.now(); fn(); once = (performance.now() - t0) / 1000; }
  const reps = Math.max(5, Math.min(200, Math.ceil(budget / Math.max(once, 1e-6))));
  const ts: number[] = [];
  for (let i = 0; i < reps; i++) {
    t0 = performance.now();
    fn();
    ts.push((performance.now() - t0) / 1000);
  }
  ts.sort((a, b) => a - b);
  return ts[reps >> 1];
}

/** Starts the helper thread and waits (≤ 3 s) until it takes jobs; false if it never does. */
async function warmThreads(w: WasmGemm): Promise<boolean> {
  // Big enough (8 MFLOP) that a sleeping worker wakes before the main thread finishes its half.
  const m = 128, k = 256, a = new Float64Array(m * k), c = new Float64Array(m * m);
  for (let i = 0; i < 120; i++) {
    w.run(a, a, c, m, k, m, 2);
    if (w.lastThreads === 2) return true;
    await new Promise((r) => setTimeout(r, 25));
  }
  return false;
}

export async function benchMatmul(): Promise<Row[]> {
  const rows: Row[] = [];
  const data = SHAPES.map(([m, k, n]) => ({ m, k, n, a: values(m * k), b: values(k * n), c: new Float64Array(m * n) }));
  const gf = ({ m, k, n }: { m: number; k: number; n: number }, sec: number) => (2 * m * k * n) / sec / 1e9;
  const row = (kernel: string, f: (d: (typeof data)[number]) => void, note?: string): Row => {
    const gflops: Record<string, number> = {};
    for (const d of data) gflops[shapeKey([d.m, d.k, d.n])] = gf(d, timeMedian(() => f(d)));
    return note ? { kernel, gflops, note } : { kernel, gflops };
  };

  rows.push(row('naive loop', ({ a, b, c, m, k, n }) => gemmNaive(a, b, c, m, k, n)));
  rows.push(row('ts-blocked', ({ a, b, c, m, k, n }) => { c.fill(0); gemmBlocked(a, b, c, m, k, n); }));

  const best = bestWasmGemm();
  if (!best) return rows;
  const label = (w: WasmGemm, t: number) => `${w.name.replace(/ ×\d$/, '')} ×${t}`;
  rows.push(row(label(best, 1), ({ a, b, c, m, k, n }) => { best.run(a, b, c, m, k, n, 1); }));
  if (await warmThreads(best)) {
    let used = 0, runs = 0;
    const r = row(label(best, 2), ({ a, b, c, m, k, n }) => {
      best.run(a, b, c, m, k, n, 2);
      runs++;
      if (best.lastThreads === 2) used++;
    });
    if (used < 0.9 * runs) r.note = `worker helped in ${used}/${runs} products (other core busy?)`;
    rows.push(r);
  } else {
    rows.push({ kernel: label(best, 2), gflops: {}, note: 'no helper thread here' });
  }
  // What Matrix.matmul does: thresholds, and back-off to one thread while the other core is busy.
  rows.push(row('Matrix.matmul (auto)', ({ a, b, c, m, k, n }) => best.gemm(a, b, c, m, k, n)));
  // The plain-SIMD kernel for comparison, when FMA is the active one.
  const plain = best.variant === 'fma' ? loadWasmGemm('simd') : null;
  if (plain) rows.push(row(`${label(plain, 1)} (no FMA)`, ({ a, b, c, m, k, n }) => { plain.run(a, b, c, m, k, n, 1); }));
  return rows;
}

export function formatMatmul(rows: Row[]): string {
  const keys = SHAPES.map(shapeKey);
  const w0 = Math.max(...rows.map((r) => r.kernel.length), 6);
  const cols = keys.map((k) => Math.max(k.length, 6));
  const lines = [
    `matmul GFLOP/s (median), active kernel: ${gemmName()}`,
    ['kernel'.padEnd(w0), ...keys.map((k, i) => k.padStart(cols[i]))].join('  '),
  ];
  for (const r of rows) {
    const cells = keys.map((k, i) => (r.gflops[k] === undefined ? '—' : r.gflops[k].toFixed(2)).padStart(cols[i]));
    lines.push([r.kernel.padEnd(w0), ...cells].join('  ') + (r.note ? `   ${r.note}` : ''));
  }
  const best = bestWasmGemm();
  lines.push(best
    ? `wasm variant: ${best.variant === 'fma' ? 'relaxed-SIMD FMA (f64x2.relaxed_madd)' : 'plain SIMD (mul + add, no FMA)'}; `
      + `TS below ${WASM_MIN_MULADDS} mul-adds, 2 threads from ${THREAD_MIN_FLOPS / 1e6} MFLOP`
    : 'wasm: unavailable (WebAssembly SIMD missing), TS kernel in use');
  return lines.join('\n');
}

/** The sweeps the two thresholds in wasm.ts were read from (µs per product, median). */
export async function benchThresholds(): Promise<string> {
  const w = bestWasmGemm();
  if (!w) return 'wasm unavailable';
  const out: string[] = ['tiny products: µs  ts-blocked vs wasm ×1'];
  for (const s of [2, 4, 6, 8, 10, 12, 16, 24, 32]) {
    const a = values(s * s), c = new Float64Array(s * s);
    const ts = timeMedian(() => { c.fill(0); gemmBlocked(a, a, c, s, s, s); }, 0.1) * 1e6;
    const wa = timeMedian(() => { w.run(a, a, c, s, s, s, 1); }, 0.1) * 1e6;
    out.push(`  ${s}³ (${s ** 3} mul-adds): ${ts.toFixed(2)}  ${wa.toFixed(2)}`);
  }
  if (await warmThreads(w)) {
    out.push('threading: µs  ×1 vs ×2 (products the worker helped in)');
    for (const [m, k, n] of [[32, 32, 32], [48, 48, 48], [64, 64, 64], [64, 100, 100], [80, 100, 100], [100, 100, 100], [128, 128, 128], [128, 256, 128], [160, 256, 256]]) {
      const a = values(m * k), b = values(k * n), c = new Float64Array(m * n);
      const one = timeMedian(() => { w.run(a, b, c, m, k, n, 1); }, 0.2) * 1e6;
      let used = 0, runs = 0;
      const two = timeMedian(() => { w.run(a, b, c, m, k, n, 2); runs++; if (w.lastThreads === 2) used++; }, 0.2) * 1e6;
      out.push(`  ${m}×${k}·${k}×${n} (${(2 * m * k * n / 1e6).toFixed(2)} MFLOP): ${one.toFixed(1)}  ${two.toFixed(1)}  (${used}/${runs})`);
    }
  }
  return out.join('\n');
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  const rows = await benchMatmul();
  console.log(formatMatmul(rows));
  if (process.argv.includes('--thresholds')) console.log(await benchThresholds());
}
