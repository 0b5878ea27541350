// grader/diagnosis/relations.ts — measured facts about a wrong output, when it stands in a clean
// relation to the expected one: a constant factor (n, 1/d, 2, ½, −1, …), a transpose, exactly one
// row or column too many or too few. An observation is not a fault name: it never counts as a
// diagnosis (and never as a wrong one); it says what the relation most likely means, with the
// sizes named by the student function's own parameters (X: d × n, W0: q × (d+1)).
import { Matrix } from '../../lib/matrix.ts';
import { fmt } from '../compare.ts';
import { msg, type Msg } from '../types.ts';

/** Sizes the call's arguments define, by the names students know. */
export interface Sizes { n?: number; d?: number; q?: number }

/** n and d from a data matrix `X` (d × n), q from `params.W0` (q × (d+1)), where the call has them. */
export function sizesOf(names: readonly string[], args: readonly unknown[]): Sizes {
  const s: Sizes = {};
  names.forEach((name, i) => {
    const a = args[i];
    if (name === 'X' && a instanceof Matrix) { s.d = a.rows; s.n = a.cols; }
    const W0 = (a as { W0?: unknown } | null)?.W0;
    if (name === 'params' && W0 instanceof Matrix) s.q = W0.rows;
  });
  return s;
}

const REL = 1e-6;
const near = (a: number, b: number) => Math.abs(a - b) <= REL * Math.max(Math.abs(a), Math.abs(b), 1e-300);

/** got = k · expected for one k (within rounding), or undefined. */
function factorOf(expected: Float64Array, got: Float64Array): number | undefined {
  if (expected.length !== got.length || expected.length === 0) return undefined;
  let big = 0;
  for (let i = 1; i < expected.length; i++) if (Math.abs(expected[i]) > Math.abs(expected[big])) big = i;
  if (!(Math.abs(expected[big]) > 1e-12)) return undefined;
  const k = got[big] / expected[big];
  if (!Number.isFinite(k) || near(k, 1) || k === 0) return undefined;
  for (let i = 0; i < expected.length; i++) {
    if (Math.abs(got[i] - k * expected[i]) > 1e-6 * (Math.abs(k * expected[i]) + 1e-9 * Math.abs(k * expected[big]))) return undefined;
  }
  return k;
}

interface Meaning { test: (k: number) => boolean; say: Msg }

/** What a factor most likely means, in the lecture's notation; checked in this order. */
function meanings(s: Sizes): Meaning[] {
  const out: Meaning[] = [];
  const { n, d, q } = s;
  if (n !== undefined && d !== undefined && n * d !== n && d !== 1) {
    out.push({ test: k => near(k, 1 / (n * d)), say: msg(`1/(d·n) 倍 (d = ${d}, n = ${n}): 画素 d についても平均しています (numpy の .mean() の癖?)。E は列 (サンプル) の平均だけです`,
      `1/(d·n) × (d = ${d}, n = ${n}): averaged over the d pixels too (numpy's .mean() habit?); E averages over the n columns (samples) only`) });
    out.push({ test: k => near(k, 1 / d), say: msg(`1/d 倍 (d = ${d}): 画素 d についても平均していませんか`, `1/d × (d = ${d}): averaged over the d pixels too?`) });
  }
  if (n !== undefined && n !== 1) {
    out.push({ test: k => near(k, n), say: msg(`n 倍 (n = ${n}, X の列数): 1/n の平均を忘れていませんか`, `n × (n = ${n}, the columns of X): the 1/n average may be missing`) });
    out.push({ test: k => near(k, 1 / n), say: msg(`1/n 倍 (n = ${n}): n で 2 回割っていませんか`, `1/n × (n = ${n}): divided by n twice?`) });
  }
  if (q !== undefined && q !== 1 && q !== n) out.push({ test: k => near(k, q) || near(k, 1 / q), say: msg(`q (= ${q}) に関係する倍率です`, `a factor of q (= ${q}) or 1/q`) });
  out.push({ test: k => near(k, 2), say: msg('2 倍: ½ の扱いを確かめてください (E = ½‖x − x̃‖² なので δ2 = x̃ − x、2 は付きません)', '2 ×: check the ½ (E = ½‖x − x̃‖², so δ2 = x̃ − x with no factor 2)') });
  out.push({ test: k => near(k, 0.5), say: msg('½ 倍: ½ を 2 回掛けていませんか', '½ ×: the ½ applied twice?') });
  out.push({ test: k => near(k, -1), say: msg('符号が逆 (−1 倍): 引き算の順番 (x̃ − x か x − x̃ か) や W ← W − η… の符号を確かめてください', 'the sign is flipped (−1 ×): check the order of a subtraction (x̃ − x, not x − x̃) or the sign of W ← W − η…') });
  return out;
}

function factorSay(k: number, s: Sizes): Msg {
  const m = meanings(s).find(x => x.test(k));
  if (m) return msg(`結果が期待のちょうど ${m.say.ja}`, `the result is exactly ${m.say.en}`);
  return msg(`結果が期待のちょうど ${fmt(k)} 倍です (全成分で同じ倍率)`, `the result is exactly ${fmt(k)} × the expected one (the same factor everywhere)`);
}

const without = (m: Matrix, row: number | undefined, col: number | undefined): Matrix => {
  const rows = [...Array(m.rows).keys()].filter(i => i !== row), cols = [...Array(m.cols).keys()].filter(j => j !== col);
  return Matrix.fromRows(rows.map(i => cols.map(j => m.get(i, j))));
};

const sameValues = (a: Matrix, b: Matrix) => a.rows === b.rows && a.cols === b.cols && a.data.every((v, i) => near(v, b.data[i]));

function matrixRelation(e: Matrix, g: Matrix, s: Sizes): Msg | undefined {
  if (g.rows === e.rows && g.cols === e.cols) {
    const k = factorOf(e.data, g.data);
    return k === undefined ? undefined : factorSay(k, s);
  }
  if (g.rows === e.cols && g.cols === e.rows && e.rows !== e.cols) {
    const same = sameValues(g.transpose(), e);
    return same
      ? msg('結果が期待の転置 (行と列が入れ替わり) です。列がサンプル: X は d × n です', 'the result is the transpose of the expected one; columns are samples (X is d × n)')
      : msg(`形が転置 (${g.rows}×${g.cols} と ${e.rows}×${e.cols}) です。どこかで転置を忘れたか多すぎます`, `the shape is transposed (${g.rows}×${g.cols} for ${e.rows}×${e.cols}): a transpose missing or one too many`);
  }
  const extra = (axis: 'row' | 'col'): Msg | undefined => {
    const firstOk = axis === 'row' ? sameValues(without(g, 0, undefined), e) : sameValues(without(g, undefined, 0), e);
    const lastOk = axis === 'row' ? sameValues(without(g, g.rows - 1, undefined), e) : sameValues(without(g, undefined, g.cols - 1), e);
    const where = firstOk ? msg('1 つ目 (先頭) の', 'first ') : lastOk ? msg('最後の', 'last ') : msg('', '');
    const rest = firstOk || lastOk ? msg('。残りは期待どおりです', '; the rest is as expected') : msg('', '');
    return axis === 'row'
      ? msg(`${where.ja}行が 1 行多い (${g.rows} 行, 期待 ${e.rows} 行)${rest.ja}。切片 (bias) の行 (Xb, Zb の 1 の行) や W1 の切片の列 (W̃1 にするとき落とす列) が残っていませんか`,
        `one ${where.en}row too many (${g.rows} rows for ${e.rows})${rest.en}: the bias row of Xb/Zb, or W1's bias column that W̃1 drops, kept?`)
      : msg(`${where.ja}列が 1 列多い (${g.cols} 列, 期待 ${e.cols} 列)${rest.ja}。切片 (bias) の列が残っていませんか`,
        `one ${where.en}column too many (${g.cols} columns for ${e.cols})${rest.en}: a bias column kept?`);
  };
  if (g.cols === e.cols && g.rows === e.rows + 1) return extra('row');
  if (g.rows === e.rows && g.cols === e.cols + 1) return extra('col');
  if (g.cols === e.cols && g.rows + 1 === e.rows) {
    return msg(`行が 1 行足りません (${g.rows} 行, 期待 ${e.rows} 行): 切片 (bias) の 1 の行 (Xb = [1; X], Zb = [1; Z]) を足し忘れていませんか`,
      `one row short (${g.rows} rows for ${e.rows}): the bias row of ones (Xb = [1; X], Zb = [1; Z]) missing?`);
  }
  if (g.rows === e.rows && g.cols + 1 === e.cols) {
    return msg(`列が 1 列足りません (${g.cols} 列, 期待 ${e.cols} 列): 切片 (bias) の列を落としていませんか`, `one column short (${g.cols} columns for ${e.cols}): a bias column dropped?`);
  }
  return undefined;
}

/**
 * The observation for a wrong output, or undefined when it stands in no clean relation. For an
 * object (ForwardResult, Params, …) the first field (of `only`, if given) with a relation speaks.
 */
export function relate(expected: unknown, got: unknown, sizes: Sizes, only?: readonly string[], path = ''): Msg | undefined {
  const named = (m: Msg | undefined) => (m && path ? msg(`${path}: ${m.ja}`, `${path}: ${m.en}`) : m);
  if (typeof expected === 'number' && typeof got === 'number') {
    return named(factorOf(Float64Array.of(expected), Float64Array.of(got)) !== undefined ? factorSay(got / expected, sizes) : undefined);
  }
  if (expected instanceof Matrix && got instanceof Matrix) return named(matrixRelation(expected, got, sizes));
  if (expected && typeof expected === 'object' && got && typeof got === 'object' && !(got instanceof Matrix)) {
    for (const k of only ?? Object.keys(expected)) {
      const r = relate((expected as Record<string, unknown>)[k], (got as Record<string, unknown>)[k], sizes, undefined, path ? `${path}.${k}` : k);
      if (r) return r;
    }
  }
  return undefined;
}
