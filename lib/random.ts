// lib/random.ts — seeded random numbers, the same sequence on every platform.
// 乱数: 同じシードなら、どの環境でも同じ列になります。
//
// The generator is pure-rand's xoroshiro128+ (pure 32-bit integer arithmetic, so it does not
// depend on the platform's Math.random or float quirks). pure-rand's own `xoroshiro128plus(seed)`
// puts a small seed almost verbatim into the state, so the first draws of seeds 0, 1, 2, … are
// all close to 1. We expand the seed with splitmix32 into the full 128-bit state instead.
import { xoroshiro128plusFromState } from 'pure-rand/generator/xoroshiro128plus';
import { uniformFloat64 } from 'pure-rand/distribution/uniformFloat64';

type Generator = ReturnType<typeof xoroshiro128plusFromState>;

function splitmix32(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (s + 0x9e3779b9) >>> 0;
    let z = s;
    z = Math.imul(z ^ (z >>> 16), 0x85ebca6b) >>> 0;
    z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35) >>> 0;
    return (z ^ (z >>> 16)) | 0;
  };
}

export class Rng {
  readonly seed: number;
  private readonly gen: Generator;

  constructor(seed: number) {
    if (!Number.isInteger(seed)) {
      throw new Error(`Rng: seed must be an integer, got ${seed}`);
    }
    this.seed = seed;
    const next = splitmix32(seed);
    // Fold seeds beyond 32 bits in too, so 2**32 and 0 differ.
    const high = Math.floor(seed / 2 ** 32) | 0;
    this.gen = xoroshiro128plusFromState([next() ^ high, next(), next(), next() | 1]);
  }

  /** A uniform number in [0, 1), 53 random bits. */
  uniform(): number {
    return uniformFloat64(this.gen);
  }

  /** A standard normal N(0, 1) draw (Box–Muller; uses two uniforms per call). */
  normal(): number {
    const u1 = 1 - this.uniform(); // (0, 1]: log never sees 0
    const u2 = this.uniform();
    return Math.sqrt(-2 * Math.log(u1)) * Math.cos(2 * Math.PI * u2);
  }

  /** An integer in [0, n). */
  int(n: number): number {
    return Math.floor(this.uniform() * n);
  }

  /** Fisher–Yates shuffle of 0 … n−1. */
  permutation(n: number): Int32Array {
    const p = new Int32Array(n);
    for (let i = 0; i < n; i++) p[i] = i;
    for (let i = n - 1; i > 0; i--) {
      const j = this.int(i + 1);
      const t = p[i]; p[i] = p[j]; p[j] = t;
    }
    return p;
  }
}
