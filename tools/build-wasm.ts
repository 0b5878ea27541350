// tools/build-wasm.ts — generates the WebAssembly SIMD float64 matrix-product kernel.
//
// Run:  npx tsx tools/build-wasm.ts   → rewrites lib/matmul/kernel-wasm.ts (base64-embedded modules)
//
// Why a generator and not a .wat file + wabt: we need two variants of the same kernel (relaxed-SIMD
// FMA and plain SIMD mul+add), a fully unrolled 4×4 register tile, and no extra npm dependency.
// A ~100-line assembler below covers the handful of instructions used; each function body is
// written as flat WAT-like instruction calls (`f.get('pa')`, `f.ins('f64x2.add')`, …), so it reads
// top to bottom like the stack code it emits. `WebAssembly.validate` and the tests check the output.
//
// Algorithm (GotoBLAS/BLIS style, row-major C = A·B):
//   gemm:   for pc (KC rows of B) · for jc (NC columns) · pack B panel · for ic (MC rows) · pack A block · macro
//   macro:  for each NR-column strip of packed B (kept in L1) · for each MR-row strip of packed A (L2) · micro
//   micro:  register blocking with a 4×4 tile of C = 4 rows × 2 f64x2 vectors = 8 accumulators.
//           Per k step: load 2 vectors of B and 4 broadcast A values, do 8 vector multiply-adds
//           (32 flops). With FMA, 8 independent accumulators just cover 2 FMA/cycle × 4 cycles latency.
// Packing copies A into MR-row strips (a[p*MR + r]) and B into NR-column strips (b[p*NR + c]) so the
// micro kernel reads both with unit stride; ragged edges are zero-padded in the packs and the edge
// tiles go through a small scratch tile, so the micro kernel itself never branches on shape.
//
// Why 4×(2 vectors) and not the classic 6×(2 vectors): V8's TurboFan (Node 20) issues all loads of
// a loop iteration first, so the live set is acc + B vectors + all MR broadcasts. 6×2 needs
// 12 + 2 + 6 = 20 xmm registers (V8 allocates 15), spills 4 accumulators to the stack every step
// and runs at 11–12 GFLOP/s; 4×2 needs 8 + 2 + 4 = 14 and runs at 18–20 (3×3 ties, 2×4 is close;
// unrolling k by 2 doubles the hoisted loads and is slower; KC/MC barely matter with a 2 MiB L2).
// Measured on the 2-core Xeon (Sapphire Rapids, 128-bit FMA peak ≈ 23 GFLOP/s per core).
import { writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

export const MR = 4; // rows of C per micro tile
export const NR = 4; // columns of C per micro tile (2 × f64x2)
export const KC = 256; // depth of a packed block: an A strip (4×256×8 = 8 KiB) + a B strip (8 KiB) fit L1
export const MC = 120; // rows of A per packed block: 120×256×8 = 240 KiB, stays in L2
export const NC = 1024; // columns of B per packed panel: 256×1024×8 = 2 MiB at most
/** Largest memory the module may import, in 64 KiB pages (2 GiB keeps every address a positive i32). */
export const MAX_PAGES = 32768;

// ---------------------------------------------------------------------------------------------
// A tiny wasm binary assembler.

type ValType = 'i32' | 'f64' | 'v128';
const VALTYPE: Record<ValType, number> = { i32: 0x7f, f64: 0x7c, v128: 0x7b };

function uleb(n: number): number[] {
  const out: number[] = [];
  do {
    let byte = n & 0x7f;
    n >>>= 7;
    if (n !== 0) byte |= 0x80;
    out.push(byte);
  } while (n !== 0);
  return out;
}

function sleb(n: number): number[] {
  const out: number[] = [];
  for (;;) {
    const byte = n & 0x7f;
    n >>= 7;
    if ((n === 0 && (byte & 0x40) === 0) || (n === -1 && (byte & 0x40) !== 0)) {
      out.push(byte);
      return out;
    }
    out.push(byte | 0x80);
  }
}

const utf8 = (s: string): number[] => { const b = [...Buffer.from(s, 'utf8')]; return [...uleb(b.length), ...b]; };
const vec = (items: number[][]): number[] => [...uleb(items.length), ...items.flat()];
const section = (id: number, body: number[]): number[] => [id, ...uleb(body.length), ...body];

/** Plain instructions by their WAT names. */
const OPS: Record<string, number[]> = {
  'i32.eqz': [0x45], 'i32.eq': [0x46], 'i32.ne': [0x47], 'i32.lt_s': [0x48], 'i32.gt_s': [0x4a],
  'i32.le_s': [0x4c], 'i32.ge_s': [0x4e], 'i32.and': [0x71],
  'i32.add': [0x6a], 'i32.sub': [0x6b], 'i32.mul': [0x6c], 'i32.shl': [0x74],
  'f64.add': [0xa0],
  'f64x2.add': [0xfd, ...uleb(0xf0)], 'f64x2.mul': [0xfd, ...uleb(0xf2)],
  'f64x2.relaxed_madd': [0xfd, ...uleb(0x107)], // a·b + c, fused where the CPU has FMA
};
/** Memory instructions: opcode bytes and log2 of the natural alignment. */
const MEMOPS: Record<string, [number[], number]> = {
  'f64.load': [[0x2b], 3], 'f64.store': [[0x39], 3],
  'v128.load': [[0xfd, 0x00], 4], 'v128.store': [[0xfd, 0x0b], 4],
  'v128.load64_splat': [[0xfd, 0x0a], 3],
};

class Fn {
  readonly code: number[] = [];
  readonly params: ValType[];
  private readonly vars = new Map<string, number>();
  private readonly localTypes: ValType[] = [];
  private readonly labels: string[] = [];

  constructor(
    readonly name: string, readonly index: number, params: [string, ValType][], readonly exported: boolean,
  ) {
    this.params = params.map(([, t]) => t);
    for (const [n] of params) this.vars.set(n, this.vars.size);
  }

  locals(type: ValType, ...names: string[]): void {
    for (const n of names) { this.vars.set(n, this.vars.size); this.localTypes.push(type); }
  }

  private idx(name: string): number[] {
    const i = this.vars.get(name);
    if (i === undefined) throw new Error(`${this.name}: unknown local ${name}`);
    return uleb(i);
  }
  private depth(label: string): number[] {
    const at = this.labels.lastIndexOf(label);
    if (at < 0) throw new Error(`${this.name}: unknown label ${label}`);
    return uleb(this.labels.length - 1 - at);
  }

  get(name: string): void { this.code.push(0x20, ...this.idx(name)); }
  set(name: string): void { this.code.push(0x21, ...this.idx(name)); }
  tee(name: string): void { this.code.push(0x22, ...this.idx(name)); }
  i32(v: number): void { this.code.push(0x41, ...sleb(v)); }
  ins(op: string): void {
    const b = OPS[op];
    if (!b) throw new Error(`unknown op ${op}`);
    this.code.push(...b);
  }
  mem(op: string, offset = 0): void {
    const [b, align] = MEMOPS[op];
    this.code.push(...b, ...uleb(align), ...uleb(offset));
  }
  v128zero(): void { this.code.push(0xfd, 0x0c, ...new Array(16).fill(0)); }
  call(f: Fn): void { this.code.push(0x10, ...uleb(f.index)); }
  block(label: string, body: () => void): void { this.structured(0x02, label, body); }
  loop(label: string, body: () => void): void { this.structured(0x03, label, body); }
  if(body: () => void, otherwise?: () => void): void {
    this.code.push(0x04, 0x40);
    this.labels.push('');
    body();
    if (otherwise) { this.code.push(0x05); otherwise(); }
    this.labels.pop();
    this.code.push(0x0b);
  }
  br(label: string): void { this.code.push(0x0c, ...this.depth(label)); }
  brIf(label: string): void { this.code.push(0x0d, ...this.depth(label)); }
  private structured(op: number, label: string, body: () => void): void {
    this.code.push(op, 0x40);
    this.labels.push(label);
    body();
    this.labels.pop();
    this.code.push(0x0b);
  }

  // Small conveniences for the common i32 patterns.
  /** x = x + c */
  addTo(x: string, c: number | string): void {
    this.get(x);
    if (typeof c === 'number') this.i32(c); else this.get(c);
    this.ins('i32.add');
    this.set(x);
  }
  /** x = min(x, c) for a constant c (signed). */
  minConst(x: string, c: number): void {
    this.get(x); this.i32(c); this.ins('i32.gt_s');
    this.if(() => { this.i32(c); this.set(x); });
  }
  /** for (x = start; x < end; x += step) body — with start/end/step as locals or constants. */
  forRange(x: string, start: number | string, end: string, step: number, body: () => void): void {
    if (typeof start === 'number') this.i32(start); else this.get(start);
    this.set(x);
    this.block(`${x}_done`, () => {
      this.loop(`${x}_loop`, () => {
        this.get(x); this.get(end); this.ins('i32.ge_s'); this.brIf(`${x}_done`);
        body();
        this.addTo(x, step);
        this.br(`${x}_loop`);
      });
    });
  }

  encode(): number[] {
    const locals = vec(this.localTypes.map((t) => [1, VALTYPE[t]]));
    const body = [...locals, ...this.code, 0x0b];
    return [...uleb(body.length), ...body];
  }
}

// ---------------------------------------------------------------------------------------------
// The kernel.

/** Tile and block sizes can be overridden to re-run the measurements above (mr·8 must be a multiple of 16). */
export interface KernelConfig { fma: boolean; mr?: number; nv?: number; kc?: number; mc?: number }

/** Builds one module. fma: use f64x2.relaxed_madd (needs --experimental-wasm-relaxed-simd on Node 20). */
export function buildModule({ fma, mr = MR, nv = NR / 2, kc: KC_ = KC, mc: MC_ = MC }: KernelConfig): Uint8Array {
  const MR = mr, NR = 2 * nv, KC = KC_, MC = MC_;
  if ((MR * 8) % 16 !== 0 || MC % MR !== 0) throw new Error('buildModule: MR must be even and divide MC');
  const fns: Fn[] = [];
  const fn = (name: string, params: [string, ValType][], exported = false): Fn => {
    const f = new Fn(name, fns.length, params, exported);
    fns.push(f);
    return f;
  };

  // micro(pa, pb, kc, c, ldcBytes, first): C tile (MR×NR at c, row stride ldcBytes)
  //   = (first ? 0 : C tile) + Apanel(MR×kc) · Bpanel(kc×NR), both packed.
  const micro = fn('micro', [['pa', 'i32'], ['pb', 'i32'], ['kc', 'i32'], ['c', 'i32'], ['ldc', 'i32'], ['first', 'i32']]);
  // packB(src, ldb, kc, nc, dst): kc×nc block of row-major B → NR-column strips, zero-padded.
  const packB = fn('packB', [['src', 'i32'], ['ldb', 'i32'], ['kc', 'i32'], ['nc', 'i32'], ['dst', 'i32']]);
  // packA(src, lda, mc, kc, dst): mc×kc block of row-major A → MR-row strips, zero-padded.
  const packA = fn('packA', [['src', 'i32'], ['lda', 'i32'], ['mc', 'i32'], ['kc', 'i32'], ['dst', 'i32']]);
  // macro(pa, pb, c, ldc, mc, nc, kc, first, tmp): C block (mc×nc) (+)= packed A block · packed B panel.
  const macro = fn('macro', [['pa', 'i32'], ['pb', 'i32'], ['c', 'i32'], ['ldc', 'i32'], ['mc', 'i32'], ['nc', 'i32'],
    ['kc', 'i32'], ['first', 'i32'], ['tmp', 'i32']]);
  // gemm(a, b, c, k, n, i0, i1, j0, j1, pa, pb, tmp): C[i0:i1, j0:j1] = A[i0:i1, :] · B[:, j0:j1]
  //   for row-major A (·×k), B (k×n), C (·×n) at byte addresses a, b, c; pa/pb/tmp are this
  //   thread's scratch areas (MC·KC, KC·roundup(NC,NR) and MR·NR doubles).
  const gemm = fn('gemm', [['a', 'i32'], ['b', 'i32'], ['c', 'i32'], ['k', 'i32'], ['n', 'i32'], ['i0', 'i32'],
    ['i1', 'i32'], ['j0', 'i32'], ['j1', 'i32'], ['pa', 'i32'], ['pb', 'i32'], ['tmp', 'i32']], true);

  // --- micro: the 4×4 register tile (4 rows × 2 vectors) ---------------------------------------
  {
    const f = micro;
    const acc = (r: number, h: number) => `acc${r}${h}`;
    const accs: string[] = [];
    for (let r = 0; r < MR; r++) for (let h = 0; h < nv; h++) accs.push(acc(r, h));
    const bv = (h: number) => `b${h}`;
    f.locals('v128', ...accs, ...Array.from({ length: nv }, (_, h) => bv(h)), 'av');
    f.locals('i32', 'row');
    // Locals start at zero, so the first k block needs no initialisation; later blocks add to C.
    f.get('first'); f.ins('i32.eqz');
    f.if(() => {
      f.get('c'); f.set('row');
      for (let r = 0; r < MR; r++) {
        for (let h = 0; h < nv; h++) { f.get('row'); f.mem('v128.load', 16 * h); f.set(acc(r, h)); }
        if (r < MR - 1) f.addTo('row', 'ldc');
      }
    });
    f.loop('k', () => {
      for (let h = 0; h < nv; h++) { f.get('pb'); f.mem('v128.load', 16 * h); f.set(bv(h)); }
      for (let r = 0; r < MR; r++) {
        f.get('pa'); f.mem('v128.load64_splat', 8 * r); f.set('av'); // broadcast a[p][r]
        for (let h = 0; h < nv; h++) {
          if (fma) {
            // acc += a·b as one fused op (vfmadd231pd on x86-64)
            f.get('av'); f.get(bv(h)); f.get(acc(r, h)); f.ins('f64x2.relaxed_madd');
          } else {
            // acc += a·b rounded twice — the same arithmetic as the TS kernels, so bit-identical results
            f.get(acc(r, h)); f.get('av'); f.get(bv(h)); f.ins('f64x2.mul'); f.ins('f64x2.add');
          }
          f.set(acc(r, h));
        }
      }
      f.addTo('pa', MR * 8);
      f.addTo('pb', NR * 8);
      f.get('kc'); f.i32(1); f.ins('i32.sub'); f.tee('kc'); f.brIf('k');
    });
    f.get('c'); f.set('row');
    for (let r = 0; r < MR; r++) {
      for (let h = 0; h < nv; h++) { f.get('row'); f.get(acc(r, h)); f.mem('v128.store', 16 * h); }
      if (r < MR - 1) f.addTo('row', 'ldc');
    }
  }

  // --- packB ----------------------------------------------------------------------------------
  {
    const f = packB;
    f.locals('i32', 'js', 'w', 's', 'p', 'q', 'ldbBytes');
    f.get('ldb'); f.i32(3); f.ins('i32.shl'); f.set('ldbBytes');
    f.forRange('js', 0, 'nc', NR, () => {
      f.get('src'); f.get('js'); f.i32(3); f.ins('i32.shl'); f.ins('i32.add'); f.set('s');
      f.get('kc'); f.set('p');
      f.get('nc'); f.get('js'); f.ins('i32.sub'); f.tee('w'); f.i32(NR); f.ins('i32.ge_s');
      f.if(() => {
        // Full strip: one row of 4 doubles = two v128 copies.
        f.loop('rows', () => {
          for (let o = 0; o < NR * 8; o += 16) { f.get('dst'); f.get('s'); f.mem('v128.load', o); f.mem('v128.store', o); }
          f.addTo('s', 'ldbBytes'); f.addTo('dst', NR * 8);
          f.get('p'); f.i32(1); f.ins('i32.sub'); f.tee('p'); f.brIf('rows');
        });
      }, () => {
        // Ragged last strip: zero the row, then copy the w < 4 real values.
        f.loop('rows', () => {
          for (let o = 0; o < NR * 8; o += 16) { f.get('dst'); f.v128zero(); f.mem('v128.store', o); }
          f.i32(0); f.set('q');
          f.loop('cols', () => {
            f.get('dst'); f.get('q'); f.i32(3); f.ins('i32.shl'); f.ins('i32.add');
            f.get('s'); f.get('q'); f.i32(3); f.ins('i32.shl'); f.ins('i32.add'); f.mem('f64.load');
            f.mem('f64.store');
            f.addTo('q', 1);
            f.get('q'); f.get('w'); f.ins('i32.lt_s'); f.brIf('cols');
          });
          f.addTo('s', 'ldbBytes'); f.addTo('dst', NR * 8);
          f.get('p'); f.i32(1); f.ins('i32.sub'); f.tee('p'); f.brIf('rows');
        });
      });
    });
  }

  // --- packA ----------------------------------------------------------------------------------
  {
    const f = packA;
    f.locals('i32', 'is', 's', 't', 'd', 'p', 'r', 'h', 'ldaBytes');
    for (let r = 2; r < MR; r++) f.locals('i32', `l${r}`);
    f.get('lda'); f.i32(3); f.ins('i32.shl'); f.set('ldaBytes');
    // Byte offsets of rows 2..5 of a strip, so the full-strip loop is pure load/store.
    for (let r = 2; r < MR; r++) { f.get('ldaBytes'); f.i32(r); f.ins('i32.mul'); f.set(`l${r}`); }
    const rowOff = (r: number) => (r === 0 ? null : r === 1 ? 'ldaBytes' : `l${r}`);
    f.forRange('is', 0, 'mc', MR, () => {
      f.get('src'); f.get('is'); f.get('ldaBytes'); f.ins('i32.mul'); f.ins('i32.add'); f.set('s');
      f.get('kc'); f.set('p');
      f.get('mc'); f.get('is'); f.ins('i32.sub'); f.tee('h'); f.i32(MR); f.ins('i32.ge_s');
      f.if(() => {
        f.loop('cols', () => {
          for (let r = 0; r < MR; r++) {
            f.get('dst');
            f.get('s'); const o = rowOff(r); if (o) { f.get(o); f.ins('i32.add'); }
            f.mem('f64.load');
            f.mem('f64.store', 8 * r);
          }
          f.addTo('s', 8); f.addTo('dst', MR * 8);
          f.get('p'); f.i32(1); f.ins('i32.sub'); f.tee('p'); f.brIf('cols');
        });
      }, () => {
        // Ragged last strip (h < MR rows): zero it, then copy the real rows one by one.
        f.get('dst'); f.set('d');
        f.loop('zero', () => {
          for (let o = 0; o < MR * 8; o += 16) { f.get('d'); f.v128zero(); f.mem('v128.store', o); }
          f.addTo('d', MR * 8);
          f.get('p'); f.i32(1); f.ins('i32.sub'); f.tee('p'); f.brIf('zero');
        });
        f.forRange('r', 0, 'h', 1, () => {
          f.get('dst'); f.get('r'); f.i32(3); f.ins('i32.shl'); f.ins('i32.add'); f.set('d');
          f.get('s'); f.get('r'); f.get('ldaBytes'); f.ins('i32.mul'); f.ins('i32.add'); f.set('t');
          f.get('kc'); f.set('p');
          f.loop('cols', () => {
            f.get('d'); f.get('t'); f.mem('f64.load'); f.mem('f64.store');
            f.addTo('t', 8); f.addTo('d', MR * 8);
            f.get('p'); f.i32(1); f.ins('i32.sub'); f.tee('p'); f.brIf('cols');
          });
        });
        f.get('dst'); f.get('kc'); f.i32(MR * 8); f.ins('i32.mul'); f.ins('i32.add'); f.set('dst');
      });
    });
  }

  // --- macro ----------------------------------------------------------------------------------
  {
    const f = macro;
    f.locals('i32', 'jr', 'ir', 'bs', 'ct', 'ldcBytes', 'h', 'w', 'r', 'q', 'addr', 't');
    f.get('ldc'); f.i32(3); f.ins('i32.shl'); f.set('ldcBytes');
    // j outer so one B strip (kc×4) stays in L1 while every A strip of the block streams past it.
    f.forRange('jr', 0, 'nc', NR, () => {
      f.get('pb'); f.get('jr'); f.get('kc'); f.ins('i32.mul'); f.i32(3); f.ins('i32.shl'); f.ins('i32.add'); f.set('bs');
      f.get('nc'); f.get('jr'); f.ins('i32.sub'); f.set('w'); f.minConst('w', NR);
      f.forRange('ir', 0, 'mc', MR, () => {
        f.get('mc'); f.get('ir'); f.ins('i32.sub'); f.set('h'); f.minConst('h', MR);
        // ct = c + (ir·ldc + jr)·8
        f.get('c'); f.get('ir'); f.get('ldc'); f.ins('i32.mul'); f.get('jr'); f.ins('i32.add');
        f.i32(3); f.ins('i32.shl'); f.ins('i32.add'); f.set('ct');
        // A strip address: pa + ir·kc·8 (each strip is MR·kc doubles, ir = MR·strip)
        const aStrip = () => { f.get('pa'); f.get('ir'); f.get('kc'); f.ins('i32.mul'); f.i32(3); f.ins('i32.shl'); f.ins('i32.add'); };
        f.get('h'); f.i32(MR); f.ins('i32.eq'); f.get('w'); f.i32(NR); f.ins('i32.eq'); f.ins('i32.and');
        f.if(() => {
          aStrip(); f.get('bs'); f.get('kc'); f.get('ct'); f.get('ldcBytes'); f.get('first'); f.call(micro);
        }, () => {
          // Edge tile: run the same micro kernel on an MR×NR scratch tile holding the real h×w part
          // of C, then copy that part back. Every element thus sees exactly the same operations as
          // in a full tile, so results do not depend on where tile edges (or thread splits) fall.
          const each = (body: () => void) => f.forRange('r', 0, 'h', 1, () => f.forRange('q', 0, 'w', 1, () => {
            f.get('ct'); f.get('r'); f.get('ldcBytes'); f.ins('i32.mul'); f.ins('i32.add');
            f.get('q'); f.i32(3); f.ins('i32.shl'); f.ins('i32.add'); f.set('addr');
            f.get('tmp'); f.get('r'); f.i32(NR); f.ins('i32.mul'); f.get('q'); f.ins('i32.add');
            f.i32(3); f.ins('i32.shl'); f.ins('i32.add'); f.set('t');
            body();
          }));
          f.get('first'); f.ins('i32.eqz');
          f.if(() => each(() => { f.get('t'); f.get('addr'); f.mem('f64.load'); f.mem('f64.store'); }));
          aStrip(); f.get('bs'); f.get('kc'); f.get('tmp'); f.i32(NR * 8); f.get('first'); f.call(micro);
          each(() => { f.get('addr'); f.get('t'); f.mem('f64.load'); f.mem('f64.store'); });
        });
      });
    });
  }

  // --- gemm: the blocking loops -----------------------------------------------------------------
  {
    const f = gemm;
    f.locals('i32', 'pc', 'kc', 'jc', 'nc', 'ic', 'mc');
    f.forRange('pc', 0, 'k', KC, () => {
      f.get('k'); f.get('pc'); f.ins('i32.sub'); f.set('kc'); f.minConst('kc', KC);
      f.forRange('jc', 'j0', 'j1', NC, () => {
        f.get('j1'); f.get('jc'); f.ins('i32.sub'); f.set('nc'); f.minConst('nc', NC);
        // packB(b + (pc·n + jc)·8, n, kc, nc, pb)
        f.get('b'); f.get('pc'); f.get('n'); f.ins('i32.mul'); f.get('jc'); f.ins('i32.add'); f.i32(3); f.ins('i32.shl'); f.ins('i32.add');
        f.get('n'); f.get('kc'); f.get('nc'); f.get('pb'); f.call(packB);
        f.forRange('ic', 'i0', 'i1', MC, () => {
          f.get('i1'); f.get('ic'); f.ins('i32.sub'); f.set('mc'); f.minConst('mc', MC);
          // packA(a + (ic·k + pc)·8, k, mc, kc, pa)
          f.get('a'); f.get('ic'); f.get('k'); f.ins('i32.mul'); f.get('pc'); f.ins('i32.add'); f.i32(3); f.ins('i32.shl'); f.ins('i32.add');
          f.get('k'); f.get('mc'); f.get('kc'); f.get('pa'); f.call(packA);
          // macro(pa, pb, c + (ic·n + jc)·8, n, mc, nc, kc, pc == 0, tmp)
          f.get('pa'); f.get('pb');
          f.get('c'); f.get('ic'); f.get('n'); f.ins('i32.mul'); f.get('jc'); f.ins('i32.add'); f.i32(3); f.ins('i32.shl'); f.ins('i32.add');
          f.get('n'); f.get('mc'); f.get('nc'); f.get('kc'); f.get('pc'); f.ins('i32.eqz'); f.get('tmp');
          f.call(macro);
        });
      });
    });
  }

  // --- module sections ----------------------------------------------------------------------------
  const types: string[] = [];
  const typeOf = (f: Fn) => {
    const key = f.params.join(',');
    if (!types.includes(key)) types.push(key);
    return types.indexOf(key);
  };
  const typeIdx = fns.map(typeOf);
  const typeSec = vec(types.map((key) => [0x60, ...vec(key.split(',').map((t) => [VALTYPE[t as ValType]])), 0]));
  // (import "env" "mem" (memory 1 MAX_PAGES shared)) — shared so a worker thread can run on the same data.
  const importSec = vec([[...utf8('env'), ...utf8('mem'), 0x02, 0x03, ...uleb(1), ...uleb(MAX_PAGES)]]);
  const funcSec = vec(typeIdx.map((t) => uleb(t)));
  const exportSec = vec(fns.filter((f) => f.exported).map((f) => [...utf8(f.name), 0x00, ...uleb(f.index)]));
  const codeSec = vec(fns.map((f) => f.encode()));
  return new Uint8Array([
    0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00,
    ...section(1, typeSec), ...section(2, importSec), ...section(3, funcSec),
    ...section(7, exportSec), ...section(10, codeSec),
  ]);
}

/** Both variants; exported so the tests can check that kernel-wasm.ts is up to date. */
export function buildKernels(): { fma: Uint8Array; simd: Uint8Array } {
  return { fma: buildModule({ fma: true }), simd: buildModule({ fma: false }) };
}

export function kernelSource(): string {
  const { fma, simd } = buildKernels();
  const b64 = (u: Uint8Array) => Buffer.from(u).toString('base64');
  return `// lib/matmul/kernel-wasm.ts — GENERATED by tools/build-wasm.ts; do not edit by hand.
// Regenerate after changing the generator:  npx tsx tools/build-wasm.ts
// The modules are embedded as base64 (not read from a .wasm file) because student code is bundled
// by esbuild into one file and run in a sandbox that may not read arbitrary files.
// Both import (memory "env" "mem" 1..${MAX_PAGES} pages, shared) and export
// gemm(a, b, c, k, n, i0, i1, j0, j1, pa, pb, tmp) — see tools/build-wasm.ts.

/** Register tile and cache-block sizes the kernel was generated with (scratch sizes depend on them). */
export const MR = ${MR}, NR = ${NR}, KC = ${KC}, MC = ${MC}, NC = ${NC}, MAX_PAGES = ${MAX_PAGES};

/** Relaxed-SIMD variant (f64x2.relaxed_madd), ${fma.length} bytes. */
export const KERNEL_FMA_BASE64 =
  '${b64(fma)}';

/** Plain SIMD variant (f64x2.mul + f64x2.add), ${simd.length} bytes. */
export const KERNEL_SIMD_BASE64 =
  '${b64(simd)}';
`;
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  const out = fileURLToPath(new URL('../lib/matmul/kernel-wasm.ts', import.meta.url));
  writeFileSync(out, kernelSource());
  const { fma, simd } = buildKernels();
  console.log(`wrote ${out} (fma ${fma.length} B, simd ${simd.length} B)`);
}
