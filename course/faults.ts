// course/faults.ts — the common mistakes, each the reference with one mistake.
// Course staff: a new fault is one entry here (the type is Fault in grader/types.ts). `find` must occur exactly once in the solution
// file (the test suite checks it, so an edit to solutions/ that breaks a patch is caught).
// `checks` lists every public check of the fault's step that the fault fails; test/faults.test.ts
// grades the patched reference and proves that exactly these fail, that each names this fault
// and no other (no other variant gives the same output there), and that the rest pass.
// A mistake that makes the code throw is recognised by its error message (a shape error names
// both shapes), so patches may throw. Hints use the lecture's symbols.
// Forms: students write one mistake in several ways (W1ᵀ with the bias column kept either throws
// or, with f' taken from Zb, returns a δ1 of q+1 rows). Each form is a full patch list applied
// to the reference; a student whose output equals any form's is named with the fault's id.
import { msg, type Fault } from '../grader/types.ts';

export const FAULTS: readonly Fault[] = [
  // ── 01 forward ──────────────────────────────────────────────────────────────────────────
  {
    id: 'sigmoid-sign', module: '01_forward',
    patches: [{ find: 'return 1 / (1 + Math.exp(-a));', replace: 'return 1 / (1 + Math.exp(a));' }],
    // e^{−a} / (1 + e^{−a}) = f(−a) too, but NaN (∞/∞) at a = −1000.
    forms: [[{ find: 'return 1 / (1 + Math.exp(-a));', replace: 'return Math.exp(-a) / (1 + Math.exp(-a));' }]],
    checks: ['01.sigmoid', '01.forward.identity', '01.forward.sigmoid', '01.pure'],
    title: msg('sigmoid の符号が逆', 'sigmoid has the wrong sign'),
    hint: msg('f(a) = 1 / (1 + e^{−a}) です。e の肩は −a。f(0) = 0.5, a が大きいと f(a) → 1。',
      'f(a) = 1 / (1 + e^{−a}): the exponent is −a. f(0) = 0.5 and f(a) → 1 for large a.'),
  },
  {
    id: 'sigmoid-overflow', module: '01_forward',
    patches: [{ find: 'return 1 / (1 + Math.exp(-a));', replace: 'return Math.exp(a) / (1 + Math.exp(a));' }],
    checks: ['01.sigmoid'],
    title: msg('sigmoid が大きな a で NaN になる', 'sigmoid gives NaN for large a'),
    hint: msg('e^a / (1 + e^a) は a = 1000 で ∞/∞ = NaN。1 / (1 + e^{−a}) の形なら e^{−a} → 0 で安全です。',
      'e^a / (1 + e^a) is ∞/∞ = NaN at a = 1000. The form 1 / (1 + e^{−a}) is safe: e^{−a} → 0.'),
  },
  {
    id: 'forward-no-bias-row', module: '01_forward',
    patches: [{ find: 'const Zb = addBiasRow(Z);       // (1, zᵀ)ᵀ', replace: 'const Zb = Z;' }],
    // W1 Z then throws "matmul: (d×(q+1))·(q×n) — inner sizes differ": recognised by that error.
    checks: ['01.forward.identity', '01.forward.sigmoid', '01.pure'],
    forms: [[
      // The shapes made to fit by dropping W1's bias column: no throw, no bias either.
      { find: 'const Zb = addBiasRow(Z);', replace: 'const Zb = Z;' },
      { find: 'const A2 = W1.matmul(Zb);', replace: 'const A2 = dropBiasColumn(W1).matmul(Zb);' },
      { find: "import { addBiasRow, type Matrix } from '../lib/matrix.ts';", replace: "import { addBiasRow, dropBiasColumn, type Matrix } from '../lib/matrix.ts';" },
    ], [
      // Zb built and returned, but the output layer takes W̃1 Z: only A2 and X̃ lose the bias.
      { find: 'const A2 = W1.matmul(Zb);', replace: 'const A2 = dropBiasColumn(W1).matmul(Z);' },
      { find: "import { addBiasRow, type Matrix } from '../lib/matrix.ts';", replace: "import { addBiasRow, dropBiasColumn, type Matrix } from '../lib/matrix.ts';" },
    ]],
    title: msg('出力層に切片がない (Zb = [1; Z] を使っていない)', 'no bias in the output layer (Zb = [1; Z] not used)'),
    hint: msg('W1 は d × (q+1) なので、Zb = [1; Z] と 1 の行を上に足してから A2 = W1 Zb を計算します。',
      'W1 is d × (q+1): stack a row of ones on top, Zb = [1; Z], before A2 = W1 Zb.'),
  },
  {
    id: 'forward-w0-transposed', module: '01_forward',
    patches: [{ find: 'const A1 = W0.matmul(Xb);', replace: 'const A1 = W0.transpose().matmul(Xb);' }],
    // Throws "matmul: ((d+1)×q)·((d+1)×n) — inner sizes differ": recognised by that error.
    checks: ['01.forward.identity', '01.forward.sigmoid', '01.pure'],
    title: msg('スライドどおり W0ᵀ を掛けている', 'multiplies by W0ᵀ, as the forward slide writes it'),
    hint: msg('この課題では W0 は q × (d+1) なので A1 = W0 Xb (転置しない)。スライドの f(W0ᵀx) との違いは講義の補足を参照。',
      'Here W0 is q × (d+1), so A1 = W0 Xb with no transpose; the slide\'s f(W0ᵀx) uses the other orientation (see the errata).'),
  },
  {
    id: 'output-kind-ignored', module: '01_forward',
    patches: [{ find: "const Xhat = output === 'sigmoid' ? A2.map(sigmoid) : A2.clone();", replace: 'const Xhat = A2.clone();' }],
    checks: ['01.forward.sigmoid', '01.pure'],
    title: msg("output = 'sigmoid' のとき g を適用していない", "g is not applied when output = 'sigmoid'"),
    hint: msg("X̃ = g(A2)。output が 'sigmoid' なら g = sigmoid (画素ごと)、'identity' なら X̃ = A2 です。",
      "X̃ = g(A2): with output 'sigmoid', apply sigmoid to every entry; with 'identity', X̃ = A2."),
  },
  {
    id: 'loss-no-half', module: '01_forward',
    patches: [{ find: 'return diff.mul(diff).sum() / 2 / n;', replace: 'return diff.mul(diff).sum() / n;' }],
    checks: ['01.loss.squared', '01.pure'],
    title: msg('二乗誤差に ½ がない', 'squared error without the ½'),
    hint: msg('E = (1/n) Σ ½‖x − x̃‖²。½ があるから δ2 = x̃ − x になります (講義の補足を参照)。',
      'E = (1/n) Σ ½‖x − x̃‖². The ½ is what makes δ2 = x̃ − x (see the errata).'),
  },
  {
    id: 'loss-no-mean', module: '01_forward',
    patches: [{ find: 'return diff.mul(diff).sum() / 2 / n;', replace: 'return diff.mul(diff).sum() / 2;' }],
    checks: ['01.loss.squared', '01.pure'],
    title: msg('二乗誤差を n で割っていない', 'squared error not averaged over n'),
    hint: msg('X は d × n (列がサンプル)。E はサンプルの平均: 合計を n = X.cols で割ります。',
      'X is d × n (columns are samples). E is the mean over samples: divide the sum by n = X.cols.'),
  },
  {
    id: 'cross-entropy-sign', module: '01_forward',
    patches: [{ find: 'return -(x * Math.log(y) + (1 - x) * Math.log(1 - y));', replace: 'return x * Math.log(y) + (1 - x) * Math.log(1 - y);' }],
    checks: ['01.loss.cross', '01.pure'],
    title: msg('交差エントロピーの符号 (−) がない', 'cross entropy without the minus sign'),
    hint: msg('E = −(1/n) Σ Σ [x log x̃ + (1 − x) log(1 − x̃)]。log は負なので E ≥ 0 になります。',
      'E = −(1/n) Σ Σ [x log x̃ + (1 − x) log(1 − x̃)]; the logs are negative, so E ≥ 0.'),
  },
  {
    id: 'cross-entropy-no-mean', module: '01_forward',
    patches: [{ find: 'return perPixel.sum() / n;', replace: 'return perPixel.sum();' }],
    checks: ['01.loss.cross', '01.pure'],
    title: msg('交差エントロピーを n で割っていない', 'cross entropy not averaged over n'),
    hint: msg('E はサンプル (X の列) の平均: 画素ごとの和を n = X.cols で割ります。',
      'E is the mean over samples (the columns of X): divide the sum over pixels and samples by n = X.cols.'),
  },
  {
    id: 'sigmoid-tanh-no-half', module: '01_forward',
    patches: [{ find: 'return 1 / (1 + Math.exp(-a));', replace: 'return 0.5 * (1 + Math.tanh(a));' }],
    checks: ['01.sigmoid', '01.forward.identity', '01.forward.sigmoid', '01.pure'],
    title: msg('tanh で書いた sigmoid で a/2 を忘れている', 'tanh form of the sigmoid without a/2'),
    hint: msg('f(a) = 1 / (1 + e^{−a}) = ½ (1 + tanh(a/2))。tanh(a) のままだと f(2a) になります。',
      'f(a) = 1 / (1 + e^{−a}) = ½ (1 + tanh(a/2)); with tanh(a) you get f(2a).'),
  },
  {
    id: 'forward-no-hidden-activation', module: '01_forward',
    patches: [{ find: 'const Z = A1.map(sigmoid);', replace: 'const Z = A1.clone();' }],
    checks: ['01.forward.identity', '01.forward.sigmoid', '01.pure'],
    title: msg('中間層で f を適用していない (Z = A1)', 'no activation in the hidden layer (Z = A1)'),
    hint: msg('Z = f(A1) = f(W0 Xb): 中間層の出力は sigmoid を成分ごとに通した値です。f がないと主成分分析と同じ線形モデルになります。',
      'Z = f(A1) = f(W0 Xb): apply the sigmoid to every entry. Without f the model is linear, like PCA.'),
  },
  {
    id: 'output-sigmoid-always', module: '01_forward',
    patches: [{ find: "const Xhat = output === 'sigmoid' ? A2.map(sigmoid) : A2.clone();", replace: 'const Xhat = A2.map(sigmoid);' }],
    checks: ['01.forward.identity'],
    title: msg("output = 'identity' でも g = sigmoid を適用している", "applies g = sigmoid even when output = 'identity'"),
    hint: msg("X̃ = g(A2): output が 'identity' (既定) なら g は恒等写像で X̃ = A2、'sigmoid' のときだけ sigmoid を通します。",
      "X̃ = g(A2): with output 'identity' (the default) g is the identity, X̃ = A2; apply the sigmoid only for 'sigmoid'."),
  },
  {
    id: 'output-softmax', module: '01_forward',
    patches: [{ find: "const Xhat = output === 'sigmoid' ? A2.map(sigmoid) : A2.clone();",
      replace: "const Xhat = output === 'sigmoid' ? A2.map((a, i, j) => { let s = 0; for (let k = 0; k < A2.rows; k++) s += Math.exp(A2.get(k, j)); return Math.exp(a) / s; }) : A2.clone();" }],
    checks: ['01.forward.sigmoid', '01.pure'],
    title: msg("output = 'sigmoid' で softmax を使っている (スライドの記述)", "softmax for output = 'sigmoid' (as the slide says)"),
    hint: msg("この課題では g = sigmoid を画素ごとに適用します: X̃ = f(A2)。スライドの softmax + クロスエントロピーとの違いは講義の補足を参照 (画素は独立なベルヌーイ変数)。",
      "Here g is the sigmoid, entry by entry: X̃ = f(A2). The slide's softmax + cross entropy differs: see the errata (pixels are independent Bernoulli variables)."),
  },
  {
    id: 'forward-no-bias-input', module: '01_forward',
    patches: [{ find: 'const Xb = addBiasRow(X);', replace: 'const Xb = X;' }],
    // W0 X then throws "matmul: (q×(d+1))·(d×n) — inner sizes differ": recognised by that error.
    checks: ['01.forward.identity', '01.forward.sigmoid', '01.pure'],
    forms: [[
      // The shapes made to fit by dropping W0's bias column: no throw, no bias either.
      { find: 'const Xb = addBiasRow(X);', replace: 'const Xb = X;' },
      { find: 'const A1 = W0.matmul(Xb);', replace: 'const A1 = dropBiasColumn(W0).matmul(Xb);' },
      { find: "import { addBiasRow, type Matrix } from '../lib/matrix.ts';", replace: "import { addBiasRow, dropBiasColumn, type Matrix } from '../lib/matrix.ts';" },
    ]],
    title: msg('入力に切片の行 1 を足していない (Xb = X)', 'no bias row on the input (Xb = X)'),
    hint: msg('W0 は q × (d+1): Xb = [1; X] と 1 の行を上に足してから A1 = W0 Xb。W0 の 1 列目が切片の重みです (落としません)。',
      'W0 is q × (d+1): stack a row of ones on top, Xb = [1; X], then A1 = W0 Xb. W0\'s first column holds the bias weights; keep it.'),
  },
  {
    id: 'bias-row-at-bottom', module: '01_forward',
    patches: [
      { find: 'const Xb = addBiasRow(X);', replace: 'const Xb = new Matrix(X.rows + 1, X.cols, Float64Array.from([...X.data, ...new Array(X.cols).fill(1)]));' },
      { find: 'const Zb = addBiasRow(Z);', replace: 'const Zb = new Matrix(Z.rows + 1, Z.cols, Float64Array.from([...Z.data, ...new Array(Z.cols).fill(1)]));' },
      { find: "import { addBiasRow, type Matrix } from '../lib/matrix.ts';", replace: "import { addBiasRow, Matrix } from '../lib/matrix.ts';" },
    ],
    forms: [[
      { find: 'const Xb = addBiasRow(X);', replace: 'const Xb = new Matrix(X.rows + 1, X.cols, Float64Array.from([...X.data, ...new Array(X.cols).fill(1)]));' },
      { find: "import { addBiasRow, type Matrix } from '../lib/matrix.ts';", replace: "import { addBiasRow, Matrix } from '../lib/matrix.ts';" },
    ], [
      { find: 'const Zb = addBiasRow(Z);', replace: 'const Zb = new Matrix(Z.rows + 1, Z.cols, Float64Array.from([...Z.data, ...new Array(Z.cols).fill(1)]));' },
      { find: "import { addBiasRow, type Matrix } from '../lib/matrix.ts';", replace: "import { addBiasRow, Matrix } from '../lib/matrix.ts';" },
    ]],
    checks: ['01.forward.identity', '01.forward.sigmoid', '01.pure'],
    title: msg('切片の 1 の行を下に足している', 'bias row of ones added at the bottom'),
    hint: msg('Xb = [1; X], Zb = [1; Z]: 1 の行は一番上 (講義の (1, xᵀ)ᵀ)。W0, W1 の 1 列目が切片の重みなので、下に足すと重みと入力がずれます。addBiasRow が使えます。',
      'Xb = [1; X] and Zb = [1; Z]: the row of ones goes on top (the lecture\'s (1, xᵀ)ᵀ), matching the bias weights in the first column of W0 and W1. addBiasRow does it.'),
  },
  {
    id: 'loss-mean-over-pixels', module: '01_forward',
    patches: [{ find: 'return diff.mul(diff).sum() / 2 / n;', replace: 'return diff.mul(diff).sum() / 2 / (X.rows * n);' }],
    // numpy's np.mean((x − x̃)**2), with or without the ½.
    forms: [[{ find: 'return diff.mul(diff).sum() / 2 / n;', replace: 'return diff.mul(diff).sum() / X.data.length;' }]],
    checks: ['01.loss.squared', '01.pure'],
    title: msg('二乗誤差を d·n (全成分の数) で割っている', 'squared error averaged over all d·n entries'),
    hint: msg('E = (1/n) Σ_i ½‖x_i − x̃_i‖²: 画素 (d 個) については和、サンプル (n = X.cols 個) について平均です。numpy の .mean() のように全成分 d·n で割ると d 分の 1 になります。',
      'E = (1/n) Σ_i ½‖x_i − x̃_i‖²: sum over the d pixels, average over the n = X.cols samples. Dividing by all d·n entries (numpy\'s .mean()) makes E d times too small.'),
  },
  {
    id: 'loss-n-is-rows', module: '01_forward',
    patches: [{ find: 'return diff.mul(diff).sum() / 2 / n;', replace: 'return diff.mul(diff).sum() / 2 / X.rows;' }],
    checks: ['01.loss.squared', '01.pure'],
    title: msg('二乗誤差を X.rows (= d) で割っている', 'squared error divided by X.rows (= d)'),
    hint: msg('この課題では列がサンプル: X は d × n で n = X.cols (numpy の行 = サンプルとは逆)。E = (1/n) Σ_i ½‖x_i − x̃_i‖²。',
      'Columns are samples here: X is d × n, so n = X.cols (not numpy\'s rows = samples). E = (1/n) Σ_i ½‖x_i − x̃_i‖².'),
  },
  {
    id: 'cross-entropy-mean-over-pixels', module: '01_forward',
    patches: [{ find: 'return perPixel.sum() / n;', replace: 'return perPixel.sum() / (X.rows * n);' }],
    checks: ['01.loss.cross', '01.pure'],
    title: msg('交差エントロピーを d·n (全成分の数) で割っている', 'cross entropy averaged over all d·n entries'),
    hint: msg('E = −(1/n) Σ_i Σ_k [x log x̃ + (1 − x) log(1 − x̃)]: 画素 k については和、サンプル i (n = X.cols 個) について平均。numpy の .mean() のように d·n で割りません。',
      'E = −(1/n) Σ_i Σ_k [x log x̃ + (1 − x) log(1 − x̃)]: sum over pixels k, average over the n = X.cols samples, not over all d·n entries (numpy\'s .mean()).'),
  },
  {
    id: 'cross-entropy-n-is-rows', module: '01_forward',
    patches: [{ find: 'return perPixel.sum() / n;', replace: 'return perPixel.sum() / X.rows;' }],
    checks: ['01.loss.cross', '01.pure'],
    title: msg('交差エントロピーを X.rows (= d) で割っている', 'cross entropy divided by X.rows (= d)'),
    hint: msg('この課題では列がサンプル: X は d × n で n = X.cols (numpy の行 = サンプルとは逆)。',
      'Columns are samples here: X is d × n, so n = X.cols (not numpy\'s rows = samples).'),
  },
  {
    id: 'cross-entropy-swapped-logs', module: '01_forward',
    patches: [{ find: 'return -(x * Math.log(y) + (1 - x) * Math.log(1 - y));', replace: 'return -(x * Math.log(1 - y) + (1 - x) * Math.log(y));' }],
    checks: ['01.loss.cross', '01.pure'],
    title: msg('交差エントロピーで log x̃ と log(1 − x̃) が入れ替わっている', 'cross entropy with log x̃ and log(1 − x̃) swapped'),
    hint: msg('E = −(1/n) Σ Σ [x log x̃ + (1 − x) log(1 − x̃)]: x に掛かるのは log x̃、(1 − x) に掛かるのは log(1 − x̃) です。',
      'E = −(1/n) Σ Σ [x log x̃ + (1 − x) log(1 − x̃)]: x goes with log x̃ and (1 − x) with log(1 − x̃).'),
  },
  {
    id: 'cross-entropy-no-complement', module: '01_forward',
    patches: [{ find: 'return -(x * Math.log(y) + (1 - x) * Math.log(1 - y));', replace: 'return -(x * Math.log(y));' }],
    checks: ['01.loss.cross', '01.pure'],
    title: msg('交差エントロピーが −Σ x log x̃ だけ (softmax 用の形)', 'cross entropy is only −Σ x log x̃ (the softmax form)'),
    hint: msg('g = sigmoid では画素ごとにベルヌーイ分布なので (1 − x) log(1 − x̃) の項も要ります: E = −(1/n) Σ Σ [x log x̃ + (1 − x) log(1 − x̃)] (講義の補足を参照)。',
      'With g = sigmoid every pixel is a Bernoulli variable, so the (1 − x) log(1 − x̃) term is needed: E = −(1/n) Σ Σ [x log x̃ + (1 − x) log(1 − x̃)] (see the errata).'),
  },
  {
    id: 'cross-entropy-args-swapped', module: '01_forward',
    patches: [{ find: 'return -(x * Math.log(y) + (1 - x) * Math.log(1 - y));', replace: 'return -(y * Math.log(x) + (1 - y) * Math.log(1 - x));' }],
    checks: ['01.loss.cross', '01.pure'],
    title: msg('交差エントロピーで x と x̃ を取り違えている', 'cross entropy with x and x̃ swapped'),
    hint: msg('crossEntropy(X, Xhat): 1 つ目が正解 x、2 つ目が出力 x̃。log を取るのは出力 x̃ の方です: −[x log x̃ + (1 − x) log(1 − x̃)]。',
      'crossEntropy(X, Xhat): the first argument is the target x, the second the output x̃; the logs are of x̃: −[x log x̃ + (1 − x) log(1 − x̃)].'),
  },
  {
    id: 'sigmoid-parentheses', module: '01_forward',
    patches: [{ find: 'return 1 / (1 + Math.exp(-a));', replace: 'return 1 / 1 + Math.exp(-a);' }],
    checks: ['01.sigmoid', '01.forward.identity', '01.forward.sigmoid', '01.pure'],
    title: msg('sigmoid の分母に括弧がない (1/1 + e^{−a})', 'sigmoid without parentheses round the denominator (1/1 + e^{−a})'),
    hint: msg('f(a) = 1 / (1 + e^{−a}): 分母 1 + e^{−a} 全体を括弧で囲みます。1 / 1 + Math.exp(-a) は 1 + e^{−a} です。f(0) = 0.5 で確かめられます。',
      'f(a) = 1 / (1 + e^{−a}): put the whole denominator 1 + e^{−a} in parentheses; 1 / 1 + Math.exp(-a) is 1 + e^{−a}. Check that f(0) = 0.5.'),
  },
  {
    id: 'bias-row-zero', module: '01_forward',
    // Xb built by hand, its first row never set to 1: the bias column of W0 multiplies 0.
    patches: [
      { find: 'const Xb = addBiasRow(X);', replace: 'const Xb = Matrix.zeros(X.rows + 1, X.cols);\n  for (let k = 0; k < X.rows; k++) for (let i = 0; i < X.cols; i++) Xb.set(k + 1, i, X.get(k, i));' },
      { find: "import { addBiasRow, type Matrix } from '../lib/matrix.ts';", replace: "import { addBiasRow, Matrix } from '../lib/matrix.ts';" },
    ],
    forms: [[
      // The same for Zb: the output layer's bias multiplies 0.
      { find: 'const Zb = addBiasRow(Z);', replace: 'const Zb = Matrix.zeros(Z.rows + 1, Z.cols);\n  for (let j = 0; j < Z.rows; j++) for (let i = 0; i < Z.cols; i++) Zb.set(j + 1, i, Z.get(j, i));' },
      { find: "import { addBiasRow, type Matrix } from '../lib/matrix.ts';", replace: "import { addBiasRow, Matrix } from '../lib/matrix.ts';" },
    ]],
    checks: ['01.forward.identity', '01.forward.sigmoid', '01.pure'],
    title: msg('切片の行が 0 のまま (1 を入れていない)', 'the bias row is left at 0 (never set to 1)'),
    hint: msg('Xb = [1; X], Zb = [1; Z]: 1 行目はすべて 1 です。Matrix.zeros で作ったら 1 行目に 1 を入れます (addBiasRow が使えます)。0 のままだと W0, W1 の 1 列目 (切片) が効きません。',
      'Xb = [1; X] and Zb = [1; Z]: the first row is all ones. A matrix made with Matrix.zeros needs its first row set to 1 (addBiasRow does it); left at 0, the bias column of W0 or W1 has no effect.'),
  },
  {
    id: 'forward-loop-short', module: '01_forward',
    // A hand-written product whose inner loop stops one term early (d instead of d+1).
    patches: [
      { find: 'const A1 = W0.matmul(Xb);', replace: 'const A1 = new Matrix(W0.rows, X.cols).map((_, j, i) => {\n    let s = 0;\n    for (let k = 0; k < X.rows; k++) s += W0.get(j, k) * Xb.get(k, i);\n    return s;\n  });' },
      { find: "import { addBiasRow, type Matrix } from '../lib/matrix.ts';", replace: "import { addBiasRow, Matrix } from '../lib/matrix.ts';" },
    ],
    forms: [[
      // The output layer's loop stops at q instead of q+1.
      { find: 'const A2 = W1.matmul(Zb);', replace: 'const A2 = new Matrix(W1.rows, X.cols).map((_, k, i) => {\n    let s = 0;\n    for (let j = 0; j < Z.rows; j++) s += W1.get(k, j) * Zb.get(j, i);\n    return s;\n  });' },
      { find: "import { addBiasRow, type Matrix } from '../lib/matrix.ts';", replace: "import { addBiasRow, Matrix } from '../lib/matrix.ts';" },
    ]],
    checks: ['01.forward.identity', '01.forward.sigmoid', '01.pure'],
    title: msg('行列積のループが 1 つ手前で終わっている (最後の項が抜ける)', 'the product\'s inner loop stops one term early'),
    hint: msg('A1 = W0 Xb の和は Xb の d+1 行すべて (k = 0…d)、A2 = W1 Zb は q+1 行すべてにわたります。切片の行を足したので 1 つ多くなっています。',
      'A1 = W0 Xb sums over all d+1 rows of Xb (k = 0…d), and A2 = W1 Zb over all q+1 rows of Zb: the bias row adds one term.'),
  },
  {
    id: 'bias-row-through-sigmoid', module: '01_forward',
    patches: [{ find: 'const Zb = addBiasRow(Z);', replace: 'const Zb = addBiasRow(A1).map(sigmoid);' }],
    checks: ['01.forward.identity', '01.forward.sigmoid', '01.pure'],
    title: msg('切片の行を足してから f を適用している (1 が f(1) になる)', 'f applied after the bias row is added (1 becomes f(1))'),
    hint: msg('Z = f(A1) を先に計算し、そのあと Zb = [1; Z] と 1 の行を足します。順番が逆だと切片の入力が f(1) ≈ 0.731 になります。',
      'First Z = f(A1), then Zb = [1; Z]. In the other order the bias input becomes f(1) ≈ 0.731 instead of 1.'),
  },
  {
    id: 'loss-norm-not-squared', module: '01_forward',
    patches: [{ find: 'return diff.mul(diff).sum() / 2 / n;', replace: 'let E = 0;\n  for (let i = 0; i < X.cols; i++) {\n    let s = 0;\n    for (let k = 0; k < X.rows; k++) s += diff.get(k, i) ** 2;\n    E += Math.sqrt(s) / 2; // ½‖x_i − x̃_i‖\n  }\n  return E / n;' }],
    // Or the root of the whole sum (‖X − X̃‖ of the matrix).
    forms: [[{ find: 'return diff.mul(diff).sum() / 2 / n;', replace: 'return Math.sqrt(diff.mul(diff).sum()) / 2 / n;' }]],
    checks: ['01.loss.squared', '01.pure'],
    title: msg('二乗誤差でノルムを 2 乗していない (½‖x − x̃‖)', 'squared error uses the norm, not its square (½‖x − x̃‖)'),
    hint: msg('E = (1/n) Σ_i ½‖x_i − x̃_i‖²: 成分の差の 2 乗の和そのもので、平方根は取りません。',
      'E = (1/n) Σ_i ½‖x_i − x̃_i‖²: the sum of squared differences itself, no square root.'),
  },
  // ── 02 backward ─────────────────────────────────────────────────────────────────────────
  {
    id: 'delta2-sign', module: '02_backward',
    patches: [{ find: 'const delta2 = Xhat.sub(X);', replace: 'const delta2 = X.sub(Xhat);' }],
    checks: ['02.delta', '02.grads', '02.gradcheck', '02.pure'],
    title: msg('δ2 の符号が逆 (x − x̃)', 'δ2 has the wrong sign (x − x̃)'),
    hint: msg('δ2 = x̃ − x (出力 − 正解) です。逆にすると勾配の向きが逆になり、学習で誤差が増えます。',
      'δ2 = x̃ − x (output minus target). Reversed, every gradient points the wrong way and training diverges.'),
  },
  {
    id: 'delta1-no-fprime', module: '02_backward',
    patches: [{ find: '.matmul(delta2).mul(fprime);', replace: '.matmul(delta2);' }],
    checks: ['02.delta', '02.grads', '02.gradcheck', '02.pure'],
    title: msg("δ1 に f'(A1) を掛けていない", "δ1 is missing the factor f'(A1)"),
    hint: msg("δ1 = (W̃1ᵀ δ2) ⊙ ∇f(W0 x)。sigmoid の微分 ∇f = Z ⊙ (1 − Z) を成分ごとに掛けます。",
      "δ1 = (W̃1ᵀ δ2) ⊙ ∇f(W0 x): multiply elementwise by the sigmoid's derivative Z ⊙ (1 − Z)."),
  },
  {
    id: 'delta1-fprime-of-z', module: '02_backward',
    patches: [
      { find: "import type { BackwardResult, ForwardResult, Params } from '../lib/model.ts';", replace: "import type { BackwardResult, ForwardResult, Params } from '../lib/model.ts';\nimport { sigmoid } from './01_forward.ts';" },
      { find: 'const fprime = Z.map(z => z * (1 - z));', replace: 'const fprime = Z.map(z => sigmoid(z) * (1 - sigmoid(z)));' },
    ],
    checks: ['02.delta', '02.grads', '02.gradcheck', '02.pure'],
    title: msg("f'(A1) ではなく σ'(Z) を使っている", "uses σ'(Z) instead of f'(A1) = Z ⊙ (1 − Z)"),
    hint: msg("Z はすでに f(A1)。f'(A1) = f(A1)(1 − f(A1)) = Z ⊙ (1 − Z) で、Z にもう一度 sigmoid をかけません。",
      "Z is already f(A1), so f'(A1) = Z ⊙ (1 − Z); do not apply sigmoid to Z again."),
  },
  {
    id: 'delta1-wrong-bias-column', module: '02_backward',
    patches: [{ find: 'const delta1 = dropBiasColumn(W1)', replace: 'const delta1 = new Matrix(W1.rows, W1.cols - 1, W1.data.filter((_, i) => i % W1.cols !== W1.cols - 1))' },
      { find: "import { dropBiasColumn, type Matrix } from '../lib/matrix.ts';", replace: "import { dropBiasColumn, Matrix } from '../lib/matrix.ts';" }],
    checks: ['02.delta', '02.grads', '02.gradcheck', '02.pure'],
    title: msg('W̃1 で最後の列を落としている', 'W̃1 drops the last column instead of the first'),
    hint: msg('切片 (bias) は Zb = [1; Z] の 1 行目なので、W1 の 1 列目 (列 0) が切片の重みです。W̃1 = dropBiasColumn(W1)。',
      'The bias is the first row of Zb = [1; Z], so the bias weights are the FIRST column of W1: W̃1 = dropBiasColumn(W1).'),
  },
  {
    id: 'delta1-bias-column-kept', module: '02_backward',
    patches: [{ find: 'const delta1 = dropBiasColumn(W1).transpose()', replace: 'const delta1 = W1.transpose()' }],
    // W1ᵀ δ2 has q+1 rows, f'(A1) has q: ".mul" throws "mul: shapes differ", recognised by that error.
    checks: ['02.delta', '02.grads', '02.gradcheck', '02.pure'],
    forms: [[
      // The shapes made to fit with f' taken from Zb: δ1 comes back with q+1 rows, ∂E/∂W0 too.
      { find: 'const delta1 = dropBiasColumn(W1).transpose()', replace: 'const delta1 = W1.transpose()' },
      { find: 'const fprime = Z.map(z => z * (1 - z));', replace: 'const fprime = Zb.map(z => z * (1 - z));' },
    ], [
      // The same δ1, its bias row dropped only for ∂E/∂W0: the gradients are right, δ1 is not.
      { find: 'const delta1 = dropBiasColumn(W1).transpose()', replace: 'const delta1 = W1.transpose()' },
      { find: 'const fprime = Z.map(z => z * (1 - z));', replace: 'const fprime = Zb.map(z => z * (1 - z));' },
      { find: 'const dW0 = delta1.matmul(Xb.transpose()).div(n);', replace: 'const dW0 = new Matrix(delta1.rows - 1, delta1.cols, delta1.data.slice(delta1.cols)).matmul(Xb.transpose()).div(n);' },
      { find: "import { dropBiasColumn, type Matrix } from '../lib/matrix.ts';", replace: "import { dropBiasColumn, Matrix } from '../lib/matrix.ts';" },
    ]],
    formChecks: { 2: ['02.delta', '02.pure'] },
    title: msg('W̃1 で切片の列を残している (δ1 が q+1 行)', 'bias column kept in W̃1 (δ1 has q+1 rows)'),
    hint: msg('δ1 は中間層の q 個のユニット分 (q × n)。切片の 1 には入力がないので、W1 の 1 列目を除いた W̃1 を使います。',
      'δ1 has one row per hidden unit (q × n). The constant 1 has no input, so use W̃1: W1 without its first column.'),
  },
  {
    id: 'grad-no-mean', module: '02_backward',
    patches: [
      { find: 'const dW1 = delta2.matmul(Zb.transpose()).div(n);', replace: 'const dW1 = delta2.matmul(Zb.transpose());' },
      { find: 'const dW0 = delta1.matmul(Xb.transpose()).div(n);', replace: 'const dW0 = delta1.matmul(Xb.transpose());' },
    ],
    // Or only one of the two.
    forms: [
      [{ find: 'const dW1 = delta2.matmul(Zb.transpose()).div(n);', replace: 'const dW1 = delta2.matmul(Zb.transpose());' }],
      [{ find: 'const dW0 = delta1.matmul(Xb.transpose()).div(n);', replace: 'const dW0 = delta1.matmul(Xb.transpose());' }],
    ],
    checks: ['02.grads', '02.gradcheck', '02.pure'],
    title: msg('勾配を n で割っていない', 'gradients not averaged over n'),
    hint: msg('E はサンプルの平均なので ∂E/∂W1 = δ2 Zbᵀ / n, ∂E/∂W0 = δ1 Xbᵀ / n。',
      'E is a mean over samples, so ∂E/∂W1 = δ2 Zbᵀ / n and ∂E/∂W0 = δ1 Xbᵀ / n.'),
  },
  {
    id: 'grad-factor-two', module: '02_backward',
    patches: [{ find: 'const delta2 = Xhat.sub(X);', replace: 'const delta2 = Xhat.sub(X).mul(2);' }],
    checks: ['02.delta', '02.grads', '02.gradcheck', '02.pure'],
    title: msg('δ2 が 2 倍 (½ のない ‖x − x̃‖² の微分)', 'δ2 doubled (derivative of ‖x − x̃‖² without ½)'),
    hint: msg('この課題の E は ½‖x − x̃‖² なので δ2 = x̃ − x (2 は付きません)。講義の補足を参照。',
      'Here E = ½‖x − x̃‖², so δ2 = x̃ − x with no factor 2 (see the errata).'),
  },
  {
    id: 'delta2-times-gprime', module: '02_backward',
    patches: [{ find: 'const delta2 = Xhat.sub(X);', replace: 'const delta2 = Xhat.sub(X).mul(Xhat.map(y => y * (1 - y)));' }],
    checks: ['02.delta', '02.grads', '02.gradcheck', '02.pure'],
    title: msg("δ2 に g'(A2) = x̃(1 − x̃) を掛けている", "δ2 multiplied by g'(A2) = x̃(1 − x̃)"),
    hint: msg("この課題の組 (恒等写像 + 二乗誤差, sigmoid + 交差エントロピー) ではどちらも δ2 = x̃ − x。g' は誤差関数の微分と打ち消し合います。",
      "For both pairings here (identity + squared error, sigmoid + cross entropy) δ2 = x̃ − x: g' cancels against the loss's derivative."),
  },
  {
    id: 'grad-w1-uses-xhat', module: '02_backward',
    patches: [{ find: 'const dW1 = delta2.matmul(Zb.transpose()).div(n);', replace: 'const dW1 = delta2.matmul(Xhat.transpose()).div(n);' }],
    checks: ['02.grads', '02.gradcheck', '02.pure'],
    title: msg('∂E/∂W1 に x̃ᵀ を使っている (講義スライドの誤植)', '∂E/∂W1 uses x̃ᵀ (the slide\'s typo)'),
    hint: msg('勾配はその層への入力を掛けます: ∂E/∂W1 = δ2 Zbᵀ / n (Zb = [1; Z])。スライドの δ2 x̃ᵀ は誤植です。',
      'A gradient takes the layer\'s input: ∂E/∂W1 = δ2 Zbᵀ / n with Zb = [1; Z]. The slide\'s δ2 x̃ᵀ is a typo.'),
  },
  {
    id: 'grad-w0-no-bias', module: '02_backward',
    patches: [
      { find: 'const dW0 = delta1.matmul(Xb.transpose()).div(n);', replace: 'const dW0 = delta1.matmul(addBiasRow(X).transpose()).div(n).map((v, i, j) => (j === 0 ? 0 : v));' },
      { find: "import { dropBiasColumn, type Matrix } from '../lib/matrix.ts';", replace: "import { addBiasRow, dropBiasColumn, type Matrix } from '../lib/matrix.ts';" },
    ],
    checks: ['02.grads', '02.gradcheck', '02.pure'],
    title: msg('切片の重みの勾配を 0 にしている', 'bias gradient set to zero'),
    hint: msg('∂E/∂W0 = δ1 Xbᵀ / n の 1 列目が切片の勾配です (Xb の 1 行目はすべて 1)。0 にしません。',
      'The first column of ∂E/∂W0 = δ1 Xbᵀ / n is the bias gradient (Xb\'s first row is all ones); keep it.'),
  },
  {
    id: 'delta1-fprime-of-a1', module: '02_backward',
    patches: [{ find: 'const fprime = Z.map(z => z * (1 - z));', replace: 'const fprime = fwd.A1.map(a => a * (1 - a));' }],
    checks: ['02.delta', '02.grads', '02.gradcheck', '02.pure'],
    title: msg("f'(A1) を A1 ⊙ (1 − A1) と書いている", "f'(A1) written as A1 ⊙ (1 − A1)"),
    hint: msg("f'(a) = f(a)(1 − f(a)) は sigmoid の値 Z = f(A1) で書く式です: f'(A1) = Z ⊙ (1 − Z)。A1 そのものには使えません。",
      "f'(a) = f(a)(1 − f(a)) is in terms of the sigmoid's value Z = f(A1): f'(A1) = Z ⊙ (1 − Z), not A1 ⊙ (1 − A1)."),
  },
  {
    id: 'delta1-fprime-tanh', module: '02_backward',
    patches: [{ find: 'const fprime = Z.map(z => z * (1 - z));', replace: 'const fprime = Z.map(z => 1 - z * z);' }],
    checks: ['02.delta', '02.grads', '02.gradcheck', '02.pure'],
    title: msg("f' に tanh の微分 1 − Z² を使っている", "f' taken as tanh's derivative 1 − Z²"),
    hint: msg("f は sigmoid なので f'(A1) = Z ⊙ (1 − Z)。1 − Z² は tanh の微分です。",
      "f is the sigmoid, so f'(A1) = Z ⊙ (1 − Z); 1 − Z² is the derivative of tanh."),
  },
  {
    id: 'delta1-w1-not-transposed', module: '02_backward',
    patches: [{ find: 'const delta1 = dropBiasColumn(W1).transpose()', replace: 'const delta1 = dropBiasColumn(W1)' }],
    // W̃1 δ2 throws "matmul: (d×q)·(d×n) — inner sizes differ": recognised by that error.
    checks: ['02.delta', '02.grads', '02.gradcheck', '02.pure'],
    title: msg('δ1 で W̃1 を転置していない', 'δ1 uses W̃1 without the transpose'),
    hint: msg('δ2 は d × n、W̃1 は d × q なので δ1 = (W̃1ᵀ δ2) ⊙ f\'(A1) (q × n)。誤差は重みの転置で逆向きに伝わります。',
      'δ2 is d × n and W̃1 is d × q, so δ1 = (W̃1ᵀ δ2) ⊙ f\'(A1), q × n: the error flows back through the transposed weights.'),
  },
  {
    id: 'delta1-fprime-of-output', module: '02_backward',
    patches: [{ find: 'const fprime = Z.map(z => z * (1 - z));', replace: 'const fprime = Xhat.map(y => y * (1 - y));' }],
    // (q×n) ⊙ (d×n) throws "mul: shapes differ": recognised by that error.
    checks: ['02.delta', '02.grads', '02.gradcheck', '02.pure'],
    title: msg("δ1 に出力層の微分 x̃(1 − x̃) を掛けている", "δ1 multiplied by the output layer's derivative x̃(1 − x̃)"),
    hint: msg("δ1 = (W̃1ᵀ δ2) ⊙ f'(A1): 中間層の微分 f'(A1) = Z ⊙ (1 − Z) (q × n) を掛けます。X̃ は出力層の値です。",
      "δ1 = (W̃1ᵀ δ2) ⊙ f'(A1): multiply by the hidden layer's derivative f'(A1) = Z ⊙ (1 − Z) (q × n); X̃ belongs to the output layer."),
  },
  {
    id: 'delta2-uses-a2', module: '02_backward',
    patches: [{ find: 'const delta2 = Xhat.sub(X);', replace: 'const delta2 = fwd.A2.sub(X);' }],
    checks: ['02.delta', '02.grads', '02.gradcheck'],
    title: msg('δ2 に X̃ ではなく A2 を使っている', 'δ2 uses A2 instead of X̃'),
    hint: msg("δ2 = X̃ − X = g(A2) − X。g = sigmoid のとき A2 と X̃ は違います (g = 恒等写像のときだけ同じ)。",
      'δ2 = X̃ − X = g(A2) − X. With g = sigmoid, A2 and X̃ differ (they agree only for the identity).'),
  },
  {
    id: 'grad-w1-uses-z', module: '02_backward',
    patches: [{ find: 'const dW1 = delta2.matmul(Zb.transpose()).div(n);', replace: 'const dW1 = delta2.matmul(Z.transpose()).div(n);' }],
    checks: ['02.grads', '02.gradcheck', '02.pure'],
    title: msg('∂E/∂W1 に Zb ではなく Z を使っている (切片の列がない)', '∂E/∂W1 uses Z instead of Zb (no bias column)'),
    hint: msg('W1 は d × (q+1) なので ∂E/∂W1 = δ2 Zbᵀ / n も d × (q+1)。Zb = [1; Z] の 1 の行が切片の勾配になります。',
      'W1 is d × (q+1), and so is ∂E/∂W1 = δ2 Zbᵀ / n: the row of ones of Zb = [1; Z] gives the bias gradient.'),
  },
  {
    id: 'grad-w0-uses-x', module: '02_backward',
    patches: [{ find: 'const dW0 = delta1.matmul(Xb.transpose()).div(n);', replace: 'const dW0 = delta1.matmul(X.transpose()).div(n);' }],
    checks: ['02.grads', '02.gradcheck', '02.pure'],
    title: msg('∂E/∂W0 に Xb ではなく X を使っている (切片の列がない)', '∂E/∂W0 uses X instead of Xb (no bias column)'),
    hint: msg('W0 は q × (d+1) なので ∂E/∂W0 = δ1 Xbᵀ / n も q × (d+1)。Xb = [1; X] の 1 の行が切片の勾配になります。',
      'W0 is q × (d+1), and so is ∂E/∂W0 = δ1 Xbᵀ / n: the row of ones of Xb = [1; X] gives the bias gradient.'),
  },
  {
    id: 'grad-w1-transposed', module: '02_backward',
    patches: [{ find: 'const dW1 = delta2.matmul(Zb.transpose()).div(n);', replace: 'const dW1 = Zb.matmul(delta2.transpose()).div(n);' }],
    checks: ['02.grads', '02.gradcheck', '02.pure'],
    title: msg('∂E/∂W1 が転置されている (Zb δ2ᵀ)', '∂E/∂W1 transposed (Zb δ2ᵀ)'),
    hint: msg('勾配は重みと同じ形です: W1 は d × (q+1) なので ∂E/∂W1 = δ2 Zbᵀ / n (Zb δ2ᵀ ではない)。',
      'A gradient has its weight\'s shape: W1 is d × (q+1), so ∂E/∂W1 = δ2 Zbᵀ / n, not Zb δ2ᵀ.'),
  },
  {
    id: 'grad-w0-transposed', module: '02_backward',
    patches: [{ find: 'const dW0 = delta1.matmul(Xb.transpose()).div(n);', replace: 'const dW0 = Xb.matmul(delta1.transpose()).div(n);' }],
    checks: ['02.grads', '02.gradcheck', '02.pure'],
    title: msg('∂E/∂W0 が転置されている (Xb δ1ᵀ)', '∂E/∂W0 transposed (Xb δ1ᵀ)'),
    hint: msg('勾配は重みと同じ形です: W0 は q × (d+1) なので ∂E/∂W0 = δ1 Xbᵀ / n (Xb δ1ᵀ ではない)。',
      'A gradient has its weight\'s shape: W0 is q × (d+1), so ∂E/∂W0 = δ1 Xbᵀ / n, not Xb δ1ᵀ.'),
  },
  {
    id: 'grad-mean-over-pixels', module: '02_backward',
    patches: [
      { find: 'const dW1 = delta2.matmul(Zb.transpose()).div(n);', replace: 'const dW1 = delta2.matmul(Zb.transpose()).div(X.rows * n);' },
      { find: 'const dW0 = delta1.matmul(Xb.transpose()).div(n);', replace: 'const dW0 = delta1.matmul(Xb.transpose()).div(X.rows * n);' },
    ],
    checks: ['02.grads', '02.gradcheck', '02.pure'],
    title: msg('勾配を d·n で割っている', 'gradients divided by d·n'),
    hint: msg('E はサンプル (n = X.cols 個) の平均で、画素については和です。∂E/∂W1 = δ2 Zbᵀ / n, ∂E/∂W0 = δ1 Xbᵀ / n (d·n では割りません)。',
      'E averages over the n = X.cols samples and sums over pixels: ∂E/∂W1 = δ2 Zbᵀ / n and ∂E/∂W0 = δ1 Xbᵀ / n, not divided by d·n.'),
  },
  {
    id: 'grad-n-is-rows', module: '02_backward',
    patches: [{ find: 'const n = X.cols;', replace: 'const n = X.rows;' }],
    checks: ['02.grads', '02.gradcheck', '02.pure'],
    title: msg('勾配を X.rows (= d) で割っている', 'gradients divided by X.rows (= d)'),
    hint: msg('この課題では列がサンプル: X は d × n で n = X.cols (numpy の行 = サンプルとは逆)。∂E/∂W1 = δ2 Zbᵀ / n, ∂E/∂W0 = δ1 Xbᵀ / n。',
      'Columns are samples here: X is d × n, so n = X.cols (not numpy\'s rows = samples). ∂E/∂W1 = δ2 Zbᵀ / n and ∂E/∂W0 = δ1 Xbᵀ / n.'),
  },
  // ── 03 SGD ──────────────────────────────────────────────────────────────────────────────
  {
    id: 'sgd-sign', module: '03_sgd',
    patches: [
      { find: 'const W0 = params.W0.sub(grads.dW0.mul(eta));', replace: 'const W0 = params.W0.add(grads.dW0.mul(eta));' },
      { find: 'const W1 = params.W1.sub(grads.dW1.mul(eta));', replace: 'const W1 = params.W1.add(grads.dW1.mul(eta));' },
    ],
    // Or only one of the two.
    forms: [
      [{ find: 'const W0 = params.W0.sub(grads.dW0.mul(eta));', replace: 'const W0 = params.W0.add(grads.dW0.mul(eta));' }],
      [{ find: 'const W1 = params.W1.sub(grads.dW1.mul(eta));', replace: 'const W1 = params.W1.add(grads.dW1.mul(eta));' }],
    ],
    checks: ['03.one', '03.several', '03.pure'],
    title: msg('勾配の向きに進んでいる (+η)', 'steps up the gradient (+η)'),
    hint: msg('勾配降下は W ← W − η ∂E/∂W。+ にすると誤差が増えます。', 'Gradient descent is W ← W − η ∂E/∂W; with + the loss grows.'),
  },
  {
    id: 'sgd-swapped-grads', module: '03_sgd',
    patches: [
      { find: 'const W0 = params.W0.sub(grads.dW0.mul(eta));', replace: 'const W0 = params.W0.sub(grads.dW1.mul(eta));' },
      { find: 'const W1 = params.W1.sub(grads.dW1.mul(eta));', replace: 'const W1 = params.W1.sub(grads.dW0.mul(eta));' },
    ],
    // W0 − η dW1 throws "sub: shapes differ" (q ≠ d): recognised by that error.
    // A copy-paste slip in one line only (W1 − η dW0, or W0 − η dW1) throws with other shapes.
    forms: [
      [{ find: 'const W1 = params.W1.sub(grads.dW1.mul(eta));', replace: 'const W1 = params.W1.sub(grads.dW0.mul(eta));' }],
      [{ find: 'const W0 = params.W0.sub(grads.dW0.mul(eta));', replace: 'const W0 = params.W0.sub(grads.dW1.mul(eta));' }],
    ],
    checks: ['03.one', '03.several', '03.pure'],
    title: msg('W0 と W1 の勾配を取り違えている', 'gradients of W0 and W1 swapped'),
    hint: msg('W0 は ∂E/∂W0 (dW0) で、W1 は ∂E/∂W1 (dW1) で更新します。', 'Update W0 with ∂E/∂W0 (dW0) and W1 with ∂E/∂W1 (dW1).'),
  },
  {
    id: 'mutates-arguments', module: '03_sgd', detect: 'mutation',
    patches: [
      { find: 'const W0 = params.W0.sub(grads.dW0.mul(eta));', replace: 'const W0 = params.W0; W0.data.set(params.W0.sub(grads.dW0.mul(eta)).data);' },
      { find: 'const W1 = params.W1.sub(grads.dW1.mul(eta));', replace: 'const W1 = params.W1; W1.data.set(params.W1.sub(grads.dW1.mul(eta)).data);' },
    ],
    checks: ['03.pure'],
    title: msg('引数を書き換えている', 'modifies its arguments'),
    hint: msg('課題の関数は純粋関数: 新しい Matrix を返し、params や grads の data を書き換えません (W.sub(…) は新しい行列を返します)。',
      'The step functions are pure: return new matrices and never write into params or grads (W.sub(…) already returns a new Matrix).'),
  },
  {
    id: 'sgd-eta-ignored', module: '03_sgd',
    patches: [
      { find: 'const W0 = params.W0.sub(grads.dW0.mul(eta));', replace: 'const W0 = params.W0.sub(grads.dW0);' },
      { find: 'const W1 = params.W1.sub(grads.dW1.mul(eta));', replace: 'const W1 = params.W1.sub(grads.dW1);' },
    ],
    checks: ['03.one', '03.several', '03.pure'],
    title: msg('学習率 η を掛けていない', 'the learning rate η is not applied'),
    hint: msg('W ← W − η ∂E/∂W: 勾配に η (引数 eta) を掛けてから引きます。', 'W ← W − η ∂E/∂W: multiply the gradient by η (the eta argument) before subtracting.'),
  },
  {
    id: 'sgd-returns-step', module: '03_sgd',
    patches: [{ find: 'return { W0, W1 };', replace: 'return { W0: grads.dW0.mul(eta), W1: grads.dW1.mul(eta) };' }],
    checks: ['03.one', '03.several', '03.pure'],
    title: msg('更新後の W ではなく η ∂E/∂W を返している', 'returns η ∂E/∂W instead of the updated W'),
    hint: msg('sgdStep は更新後のパラメータ W − η ∂E/∂W を返します (差分だけではない)。', 'sgdStep returns the updated parameters W − η ∂E/∂W, not only the step.'),
  },
  {
    id: 'sgd-one-weight-not-updated', module: '03_sgd',
    patches: [{ find: 'const W1 = params.W1.sub(grads.dW1.mul(eta));', replace: 'const W1 = params.W1;' }],
    forms: [[{ find: 'const W0 = params.W0.sub(grads.dW0.mul(eta));', replace: 'const W0 = params.W0;' }]],
    checks: ['03.one', '03.several', '03.pure'],
    title: msg('W0 か W1 の片方を更新していない', 'one of W0, W1 is not updated'),
    hint: msg('両方の重みを更新します: W1 ← W1 − η ∂E/∂W1, W0 ← W0 − η ∂E/∂W0。', 'Update both weights: W1 ← W1 − η ∂E/∂W1 and W0 ← W0 − η ∂E/∂W0.'),
  },
  {
    id: 'sgd-bias-not-updated', module: '03_sgd',
    patches: [
      { find: 'const W0 = params.W0.sub(grads.dW0.mul(eta));', replace: 'const W0 = params.W0.map((w, i, j) => (j === 0 ? w : w - eta * grads.dW0.get(i, j)));' },
      { find: 'const W1 = params.W1.sub(grads.dW1.mul(eta));', replace: 'const W1 = params.W1.map((w, i, j) => (j === 0 ? w : w - eta * grads.dW1.get(i, j)));' },
    ],
    // Or in one of the two weights only.
    forms: [
      [{ find: 'const W0 = params.W0.sub(grads.dW0.mul(eta));', replace: 'const W0 = params.W0.map((w, i, j) => (j === 0 ? w : w - eta * grads.dW0.get(i, j)));' }],
      [{ find: 'const W1 = params.W1.sub(grads.dW1.mul(eta));', replace: 'const W1 = params.W1.map((w, i, j) => (j === 0 ? w : w - eta * grads.dW1.get(i, j)));' }],
    ],
    checks: ['03.one', '03.several', '03.pure'],
    title: msg('切片の列 (列 0) を更新していない', 'the bias column (column 0) is not updated'),
    hint: msg('W0, W1 の 1 列目は切片の重みで、ほかの重みと同じく W ← W − η ∂E/∂W で更新します。',
      'The first column of W0 and W1 holds the bias weights; update it like every other weight, W ← W − η ∂E/∂W.'),
  },
  {
    id: 'sgd-grad-transposed', module: '03_sgd',
    // get(j, i) for get(i, j): on a non-square W the index runs out of range and get() throws.
    patches: [
      { find: 'const W0 = params.W0.sub(grads.dW0.mul(eta));', replace: 'const W0 = params.W0.map((w, i, j) => w - eta * grads.dW0.get(j, i));' },
      { find: 'const W1 = params.W1.sub(grads.dW1.mul(eta));', replace: 'const W1 = params.W1.map((w, i, j) => w - eta * grads.dW1.get(j, i));' },
    ],
    // The same with the matrix transposed: "sub: shapes differ".
    forms: [[
      { find: 'const W0 = params.W0.sub(grads.dW0.mul(eta));', replace: 'const W0 = params.W0.sub(grads.dW0.transpose().mul(eta));' },
      { find: 'const W1 = params.W1.sub(grads.dW1.mul(eta));', replace: 'const W1 = params.W1.sub(grads.dW1.transpose().mul(eta));' },
    ]],
    checks: ['03.one', '03.several', '03.pure'],
    title: msg('勾配を転置して (添字を入れ替えて) 使っている', 'the gradient is used transposed (indices swapped)'),
    hint: msg('∂E/∂W は W と同じ形で、(i, j) 成分どうしを対応させます: W_ij ← W_ij − η (∂E/∂W)_ij。map((w, i, j) => …) の中では grads.dW0.get(i, j)。',
      '∂E/∂W has W\'s shape and entry (i, j) goes with entry (i, j): W_ij ← W_ij − η (∂E/∂W)_ij. Inside map((w, i, j) => …) read grads.dW0.get(i, j).'),
  },
  {
    id: 'sgd-precedence', module: '03_sgd',
    patches: [
      { find: 'const W0 = params.W0.sub(grads.dW0.mul(eta));', replace: 'const W0 = params.W0.sub(grads.dW0).mul(eta);' },
      { find: 'const W1 = params.W1.sub(grads.dW1.mul(eta));', replace: 'const W1 = params.W1.sub(grads.dW1).mul(eta);' },
    ],
    // Or in one of the two lines only.
    forms: [
      [{ find: 'const W0 = params.W0.sub(grads.dW0.mul(eta));', replace: 'const W0 = params.W0.sub(grads.dW0).mul(eta);' }],
      [{ find: 'const W1 = params.W1.sub(grads.dW1.mul(eta));', replace: 'const W1 = params.W1.sub(grads.dW1).mul(eta);' }],
    ],
    checks: ['03.one', '03.several', '03.pure'],
    title: msg('η (W − ∂E/∂W) を計算している (掛ける順番の誤り)', 'computes η (W − ∂E/∂W) (the multiplication in the wrong place)'),
    hint: msg('W ← W − η ∂E/∂W: η を掛けるのは勾配だけです。W.sub(g).mul(eta) は (W − g) 全体に η を掛けます。W.sub(g.mul(eta)) と書きます。',
      'W ← W − η ∂E/∂W: η scales the gradient only. W.sub(g).mul(eta) scales all of (W − g); write W.sub(g.mul(eta)).'),
  },
  // ── 04 Adam ─────────────────────────────────────────────────────────────────────────────
  {
    id: 'adam-t-from-zero', module: '04_adam',
    patches: [
      { find: 'const mHat = m.div(1 - beta1 ** t);', replace: 'const mHat = m.div(1 - beta1 ** (t - 1));' },
      { find: 'const vHat = v.div(1 - beta2 ** t);', replace: 'const vHat = v.div(1 - beta2 ** (t - 1));' },
    ],
    checks: ['04.first', '04.sequence', '04.epsilon', '04.pure'],
    title: msg('t を 0 から数えている (β^(t−1))', 't counted from 0 (β^(t−1))'),
    hint: msg('t は更新の回数で t = 1, 2, …。最初の更新で 1 − β1ᵗ = 1 − β1 (0 ではない) になります。',
      't counts updates from 1: on the first update 1 − β1ᵗ = 1 − β1, not 0.'),
  },
  {
    id: 'adam-no-bias-correction', module: '04_adam',
    patches: [
      { find: 'const mHat = m.div(1 - beta1 ** t);', replace: 'const mHat = m;' },
      { find: 'const vHat = v.div(1 - beta2 ** t);', replace: 'const vHat = v;' },
    ],
    checks: ['04.first', '04.sequence', '04.epsilon', '04.pure'],
    title: msg('バイアス補正 (m̂, v̂) をしていない', 'no bias correction (m̂, v̂)'),
    hint: msg('m̂ = m / (1 − β1ᵗ), v̂ = v / (1 − β2ᵗ) で割ってから W ← W − α m̂ / (√v̂ + ε)。',
      'Divide first: m̂ = m / (1 − β1ᵗ), v̂ = v / (1 − β2ᵗ), then W ← W − α m̂ / (√v̂ + ε).'),
  },
  {
    id: 'adam-only-m-corrected', module: '04_adam',
    patches: [{ find: 'const vHat = v.div(1 - beta2 ** t);', replace: 'const vHat = v;' }],
    checks: ['04.first', '04.sequence', '04.epsilon', '04.pure'],
    title: msg('m だけ補正して v を補正していない', 'only m is bias-corrected, not v'),
    hint: msg('v̂ = v / (1 − β2ᵗ) も必要です。β2 = 0.999 なので補正しないと最初の数ステップで √v̂ がとても小さくなります。',
      'v̂ = v / (1 − β2ᵗ) is needed too; with β2 = 0.999, √v is far too small in the first updates without it.'),
  },
  {
    id: 'adam-only-v-corrected', module: '04_adam',
    patches: [{ find: 'const mHat = m.div(1 - beta1 ** t);', replace: 'const mHat = m;' }],
    checks: ['04.first', '04.sequence', '04.epsilon', '04.pure'],
    title: msg('v だけ補正して m を補正していない', 'only v is bias-corrected, not m'),
    hint: msg('m̂ = m / (1 − β1ᵗ) も必要です。β1 = 0.9 なので補正しないと最初の更新は 10 分の 1 ほどになります。',
      'm̂ = m / (1 − β1ᵗ) is needed too; with β1 = 0.9 the first updates are about ten times too small without it.'),
  },
  {
    id: 'adam-eps-inside-sqrt', module: '04_adam',
    patches: [{ find: 'const step = mHat.mul(alpha).div(vHat.map(Math.sqrt).add(eps));', replace: 'const step = mHat.mul(alpha).div(vHat.add(eps).map(Math.sqrt));' }],
    checks: ['04.first', '04.sequence', '04.epsilon'],
    title: msg('ε を平方根の中に入れている', 'ε inside the square root'),
    hint: msg('W ← W − α m̂ / (√v̂ + ε): ε は √ の外。√(v̂ + ε) だと勾配がとても小さいとき更新が 10⁴ 倍ほど小さくなります。',
      'W ← W − α m̂ / (√v̂ + ε): ε goes outside the root. √(v̂ + ε) shrinks tiny-gradient updates about 10⁴-fold.'),
  },
  {
    id: 'adam-v-not-squared', module: '04_adam',
    patches: [{ find: 'const v = v0.mul(beta2).add(g.mul(g).mul(1 - beta2));', replace: 'const v = v0.mul(beta2).add(g.mul(1 - beta2));' }],
    checks: ['04.first', '04.sequence', '04.epsilon', '04.state', '04.pure'],
    title: msg('v に勾配の 2 乗ではなく勾配を足している', 'v accumulates g instead of g ⊙ g'),
    hint: msg('v ← β2 v + (1 − β2) ∂E/∂W ⊙ ∂E/∂W (成分ごとの 2 乗) です。', 'v ← β2 v + (1 − β2) g ⊙ g: the elementwise square of the gradient.'),
  },
  {
    id: 'adam-hyper-ignored', module: '04_adam',
    patches: [{ find: 'const { alpha, beta1, beta2, eps } = hp;', replace: 'const { alpha, beta1, beta2, eps } = LECTURE_ADAM;' }],
    checks: ['04.sequence'],
    title: msg('引数 hp を無視して講義の既定値を使っている', 'ignores the hp argument and always uses the lecture defaults'),
    hint: msg('hp が渡されたらその α, β1, β2, ε を使います (省略時だけ LECTURE_ADAM)。', 'Use the α, β1, β2, ε passed in hp; LECTURE_ADAM is only the default.'),
  },
  {
    id: 'adam-t-plus-one', module: '04_adam',
    patches: [
      { find: 'const mHat = m.div(1 - beta1 ** t);', replace: 'const mHat = m.div(1 - beta1 ** (t + 1));' },
      { find: 'const vHat = v.div(1 - beta2 ** t);', replace: 'const vHat = v.div(1 - beta2 ** (t + 1));' },
    ],
    checks: ['04.first', '04.sequence', '04.epsilon', '04.pure'],
    title: msg('t に 1 を足している (スライドの「t = エポック番号 + 1」)', 't + 1 used (the slide\'s "t = epoch + 1")'),
    hint: msg('引数 t はすでに更新の回数 (1, 2, …) なので β1ᵗ, β2ᵗ にそのまま使います。スライドの「エポック番号 + 1」は 1 エポック 1 回の更新のときの数え方で、この課題はミニバッチごとに更新します (講義の補足を参照)。',
      'The argument t already counts updates (1, 2, …): use it as is in β1ᵗ and β2ᵗ. The slide\'s "epoch + 1" is the same count only with one update per epoch; here every mini-batch is an update (see the errata).'),
  },
  {
    id: 'adam-m-v-swapped', module: '04_adam',
    patches: [
      { find: 'const u0 = update(params.W0, grads.dW0, state.m.dW0, state.v.dW0);', replace: 'const u0 = update(params.W0, grads.dW0, state.v.dW0, state.m.dW0);' },
      { find: 'const u1 = update(params.W1, grads.dW1, state.m.dW1, state.v.dW1);', replace: 'const u1 = update(params.W1, grads.dW1, state.v.dW1, state.m.dW1);' },
    ],
    // Or the new m and v returned in each other's place: the update is right, the state is not.
    forms: [[{ find: 'state: { m: { dW0: u0.m, dW1: u1.m }, v: { dW0: u0.v, dW1: u1.v } },', replace: 'state: { m: { dW0: u0.v, dW1: u1.v }, v: { dW0: u0.m, dW1: u1.m } },' }]],
    checks: ['04.sequence', '04.epsilon', '04.state', '04.pure'],
    formChecks: { 1: ['04.state', '04.pure'] },
    title: msg('m と v を取り違えている', 'm and v swapped'),
    hint: msg('state.m は勾配の移動平均 m、state.v は 2 乗の移動平均 v: m ← β1 m + (1 − β1) ∂E/∂W, v ← β2 v + (1 − β2) ∂E/∂W ⊙ ∂E/∂W。読むときも返すときも同じ場所に。',
      'state.m holds m, the running mean of the gradient; state.v holds v, that of its square: m ← β1 m + (1 − β1) g, v ← β2 v + (1 − β2) g ⊙ g. Read and return each in its own place.'),
  },
  {
    id: 'adam-betas-swapped', module: '04_adam',
    patches: [
      { find: 'const m = m0.mul(beta1).add(g.mul(1 - beta1));', replace: 'const m = m0.mul(beta2).add(g.mul(1 - beta2));' },
      { find: 'const v = v0.mul(beta2).add(g.mul(g).mul(1 - beta2));', replace: 'const v = v0.mul(beta1).add(g.mul(g).mul(1 - beta1));' },
    ],
    // Swapped in the bias corrections too: the first update from m = v = 0 is then still right.
    forms: [[
      { find: 'const m = m0.mul(beta1).add(g.mul(1 - beta1));', replace: 'const m = m0.mul(beta2).add(g.mul(1 - beta2));' },
      { find: 'const v = v0.mul(beta2).add(g.mul(g).mul(1 - beta2));', replace: 'const v = v0.mul(beta1).add(g.mul(g).mul(1 - beta1));' },
      { find: 'const mHat = m.div(1 - beta1 ** t);', replace: 'const mHat = m.div(1 - beta2 ** t);' },
      { find: 'const vHat = v.div(1 - beta2 ** t);', replace: 'const vHat = v.div(1 - beta1 ** t);' },
    ]],
    checks: ['04.first', '04.sequence', '04.epsilon', '04.state', '04.pure'],
    formChecks: { 1: ['04.sequence', '04.epsilon', '04.state', '04.pure'] },
    title: msg('β1 と β2 を取り違えている', 'β1 and β2 swapped'),
    hint: msg('m (勾配) には β1 = 0.9、v (勾配の 2 乗) には β2 = 0.999: m ← β1 m + (1 − β1) ∂E/∂W, v ← β2 v + (1 − β2) ∂E/∂W ⊙ ∂E/∂W, m̂ = m / (1 − β1ᵗ), v̂ = v / (1 − β2ᵗ)。',
      'm (the gradient) goes with β1 = 0.9, v (its square) with β2 = 0.999: m ← β1 m + (1 − β1) g, v ← β2 v + (1 − β2) g ⊙ g, m̂ = m / (1 − β1ᵗ), v̂ = v / (1 − β2ᵗ).'),
  },
  {
    id: 'adam-no-one-minus-beta', module: '04_adam',
    patches: [
      { find: 'const m = m0.mul(beta1).add(g.mul(1 - beta1));', replace: 'const m = m0.mul(beta1).add(g);' },
      { find: 'const v = v0.mul(beta2).add(g.mul(g).mul(1 - beta2));', replace: 'const v = v0.mul(beta2).add(g.mul(g));' },
    ],
    checks: ['04.first', '04.sequence', '04.epsilon', '04.state', '04.pure'],
    title: msg('m, v の更新に (1 − β) を掛けていない', 'no (1 − β) factor in the m and v updates'),
    hint: msg('移動平均です: m ← β1 m + (1 − β1) ∂E/∂W, v ← β2 v + (1 − β2) ∂E/∂W ⊙ ∂E/∂W。(1 − β) がないと和になり、バイアス補正も合いません。',
      'These are running means: m ← β1 m + (1 − β1) g and v ← β2 v + (1 − β2) g ⊙ g. Without (1 − β) they are sums and the bias correction no longer fits.'),
  },
  {
    id: 'adam-correction-wrong-beta', module: '04_adam',
    patches: [{ find: 'const mHat = m.div(1 - beta1 ** t);', replace: 'const mHat = m.div(1 - beta2 ** t);' }],
    forms: [
      [{ find: 'const vHat = v.div(1 - beta2 ** t);', replace: 'const vHat = v.div(1 - beta1 ** t);' }],
      [{ find: 'const mHat = m.div(1 - beta1 ** t);', replace: 'const mHat = m.div(1 - beta2 ** t);' },
        { find: 'const vHat = v.div(1 - beta2 ** t);', replace: 'const vHat = v.div(1 - beta1 ** t);' }],
    ],
    checks: ['04.first', '04.sequence', '04.epsilon', '04.pure'],
    title: msg('バイアス補正の β が逆 (m̂ に β2 または v̂ に β1)', 'bias correction with the other β (β2 in m̂ or β1 in v̂)'),
    hint: msg('m̂ = m / (1 − β1ᵗ), v̂ = v / (1 − β2ᵗ): それぞれの移動平均に使った β で補正します。',
      'm̂ = m / (1 − β1ᵗ) and v̂ = v / (1 − β2ᵗ): correct each mean with the β it was built with.'),
  },
  {
    id: 'adam-correction-multiplied', module: '04_adam',
    patches: [
      { find: 'const mHat = m.div(1 - beta1 ** t);', replace: 'const mHat = m.mul(1 - beta1 ** t);' },
      { find: 'const vHat = v.div(1 - beta2 ** t);', replace: 'const vHat = v.mul(1 - beta2 ** t);' },
    ],
    checks: ['04.first', '04.sequence', '04.epsilon', '04.pure'],
    title: msg('バイアス補正で (1 − βᵗ) を掛けている', 'bias correction multiplies by (1 − βᵗ)'),
    hint: msg('m̂ = m / (1 − β1ᵗ), v̂ = v / (1 − β2ᵗ): 0 から始めた m, v は小さすぎるので、(1 − βᵗ) で割って大きくします。',
      'm̂ = m / (1 − β1ᵗ), v̂ = v / (1 − β2ᵗ): m and v start at 0 and are too small, so divide by (1 − βᵗ) to scale them up.'),
  },
  {
    id: 'adam-no-sqrt', module: '04_adam',
    patches: [{ find: 'const step = mHat.mul(alpha).div(vHat.map(Math.sqrt).add(eps));', replace: 'const step = mHat.mul(alpha).div(vHat.add(eps));' }],
    checks: ['04.first', '04.sequence', '04.epsilon', '04.pure'],
    title: msg('v̂ の平方根を取っていない', 'no square root of v̂'),
    hint: msg('W ← W − α m̂ / (√v̂ + ε): v̂ は 2 乗の平均なので √ を取って勾配と同じ大きさにします。',
      'W ← W − α m̂ / (√v̂ + ε): v̂ is a mean of squares; its square root has the gradient\'s scale.'),
  },
  {
    id: 'adam-sign', module: '04_adam',
    patches: [{ find: 'return { W: W.sub(step), m, v };', replace: 'return { W: W.add(step), m, v };' }],
    checks: ['04.first', '04.sequence', '04.epsilon', '04.pure'],
    title: msg('adam で勾配の向きに進んでいる (+α)', 'Adam steps up the gradient (+α)'),
    hint: msg('W ← W − α m̂ / (√v̂ + ε): 引きます。+ にすると誤差が増えます。', 'W ← W − α m̂ / (√v̂ + ε): subtract; with + the loss grows.'),
  },
  {
    id: 'adam-state-not-updated', module: '04_adam',
    patches: [{ find: 'state: { m: { dW0: u0.m, dW1: u1.m }, v: { dW0: u0.v, dW1: u1.v } },', replace: 'state,' }],
    checks: ['04.state', '04.pure'],
    title: msg('更新前の m, v (引数の state) を返している', 'returns the old m and v (the state argument)'),
    hint: msg('新しい m, v を返します: 次の更新は今回の m ← β1 m + (1 − β1) ∂E/∂W, v ← β2 v + … から続けます。',
      'Return the new m and v: the next update continues from this one\'s m ← β1 m + (1 − β1) g and v ← β2 v + (1 − β2) g ⊙ g.'),
  },
  {
    id: 'adam-init-transposed', module: '04_adam',
    patches: [{ find: 'const zeros = (W: Matrix) => Matrix.zeros(W.rows, W.cols);', replace: 'const zeros = (W: Matrix) => Matrix.zeros(W.cols, W.rows);' }],
    checks: ['04.init', '04.pure'],
    title: msg('m, v の初期値の形が Wᵀ になっている', 'm and v start with the shape of Wᵀ'),
    hint: msg('m, v は成分ごとの移動平均なので W と同じ形: W0 用は q × (d+1)、W1 用は d × (q+1) の零行列です。',
      'm and v are elementwise means, shaped like W: zeros of q × (d+1) for W0 and d × (q+1) for W1.'),
  },
  {
    id: 'adam-init-v-ones', module: '04_adam',
    patches: [{ find: 'v: { dW0: zeros(params.W0), dW1: zeros(params.W1) },', replace: 'v: { dW0: zeros(params.W0).add(1), dW1: zeros(params.W1).add(1) },' }],
    checks: ['04.init', '04.pure'],
    title: msg('v の初期値を 1 にしている', 'v starts at 1'),
    hint: msg('m と v の初期値はどちらも 0 です。√v̂ = 0 での 0 割りは ε が防ぎます。', 'm and v both start at 0; ε keeps √v̂ + ε away from zero.'),
  },
  {
    id: 'adam-eps-added-to-weight', module: '04_adam',
    // W − α m̂ / √v̂ + ε: ε lands on the weight, not in the denominator.
    patches: [{ find: 'const step = mHat.mul(alpha).div(vHat.map(Math.sqrt).add(eps));', replace: 'const step = mHat.mul(alpha).div(vHat.map(Math.sqrt)).sub(eps);' }],
    checks: ['04.first', '04.sequence', '04.epsilon', '04.pure'],
    title: msg('ε を分母ではなく重みに足している (括弧の位置)', 'ε added to the weight, not to the denominator (parentheses)'),
    hint: msg('W ← W − α m̂ / (√v̂ + ε): ε は分母 √v̂ + ε の中です。括弧がないと W − α m̂ / √v̂ + ε となり、ε が重みに足されます。',
      'W ← W − α m̂ / (√v̂ + ε): ε belongs to the denominator √v̂ + ε. Without the parentheses you get W − α m̂ / √v̂ + ε, which adds ε to the weight.'),
  },
  {
    id: 'adam-init-copies-weights', module: '04_adam',
    patches: [{ find: 'const zeros = (W: Matrix) => Matrix.zeros(W.rows, W.cols);', replace: 'const zeros = (W: Matrix) => W.clone();' }],
    checks: ['04.init', '04.pure'],
    title: msg('m, v の初期値を W のコピーにしている', 'm and v start as copies of W'),
    hint: msg('m と v の初期値は W と同じ形の零行列です: Matrix.zeros(W.rows, W.cols)。W.clone() は形だけでなく値もコピーします。',
      'm and v start as zero matrices of W\'s shape: Matrix.zeros(W.rows, W.cols). W.clone() copies the values, not only the shape.'),
  },
  {
    id: 'adam-own-counter', module: '04_adam', detect: 'nondeterministic',
    patches: [
      { find: "import { LECTURE_ADAM, type AdamHyper, type AdamState, type Grads, type Params } from '../lib/model.ts';",
        replace: "import { LECTURE_ADAM, type AdamHyper, type AdamState, type Grads, type Params } from '../lib/model.ts';\nlet epoch = 0;" },
      { find: 'const { alpha, beta1, beta2, eps } = hp;', replace: 'const { alpha, beta1, beta2, eps } = hp;\n  t = ++epoch; // t = エポック番号 + 1' },
    ],
    // Its own count of calls instead of the argument t: the answer depends on how often it was
    // called before, not on its inputs, so no output can be matched; the same inputs twice give
    // two answers. Graded in a fresh sandbox the count agrees with t for the first update only.
    checks: ['04.sequence', '04.epsilon', '04.pure'],
    title: msg('引数 t ではなく自分で数えた回数を使っている', 'counts updates itself instead of using the argument t'),
    hint: msg('t は引数で渡される更新の回数 (1, 2, …) です。関数の外に数を持つと、同じ入力でも呼ばれた回数で結果が変わります。スライドの「t = エポック番号 + 1」は 1 エポック 1 回の更新のときの数え方です (講義の補足を参照)。',
      'Use the argument t, the number of updates (1, 2, …). A count kept outside the function makes the result depend on earlier calls, not on the inputs. The slide\'s "t = epoch + 1" is the same count only with one update per epoch (see the errata).'),
  },
  // ── 05 denoising ────────────────────────────────────────────────────────────────────────
  {
    id: 'noise-multiplicative', module: '05_denoising',
    patches: [{ find: 'return X.map(x => x + sigma * rng.normal());', replace: 'return X.map(x => x + sigma * rng.normal() * x);' }],
    checks: ['05.exact', '05.stats', '05.pure'],
    title: msg('ノイズを x に掛けている (x + νx)', 'multiplicative noise (x + νx)'),
    hint: msg('スライドの x† = x + νx は誤植で、講義の本文どおり加法的ノイズ x† = x + ν にします (補足を参照)。',
      'The slide\'s x† = x + νx is a typo: the text says additive noise, x† = x + ν (see the errata).'),
  },
  {
    id: 'noise-variance', module: '05_denoising',
    patches: [{ find: 'return X.map(x => x + sigma * rng.normal());', replace: 'return X.map(x => x + sigma * sigma * rng.normal());' }],
    checks: ['05.exact', '05.stats', '05.pure'],
    title: msg('ノイズを σ² 倍している (分散と標準偏差の取り違え)', 'noise scaled by σ² (variance mistaken for std)'),
    hint: msg('ν ~ N(0, σ²) の σ² は分散。標準正規乱数に掛けるのは標準偏差 σ です: ν = σ · rng.normal()。',
      'In ν ~ N(0, σ²), σ² is the variance; scale the standard normal by the standard deviation: ν = σ · rng.normal().'),
  },
  {
    id: 'noise-order', module: '05_denoising',
    patches: [{ find: 'return X.map(x => x + sigma * rng.normal());', replace: 'return X.add(Matrix.randn(X.cols, X.rows, rng, sigma).transpose());' },
      { find: "import type { Matrix } from '../lib/matrix.ts';", replace: "import { Matrix } from '../lib/matrix.ts';" }],
    checks: ['05.exact', '05.pure'],
    title: msg('乱数を引く順番が違う (列ごと)', 'normals drawn in another order (column by column)'),
    hint: msg('rng.normal() は X.data の順 (行優先: 1 行目の左から右、次の行…) に 1 成分 1 回ずつ引きます。',
      'Draw one rng.normal() per element in the order of X.data: row-major, left to right, row after row.'),
  },
  {
    id: 'noise-uniform', module: '05_denoising',
    patches: [{ find: 'return X.map(x => x + sigma * rng.normal());', replace: 'return X.map(x => x + sigma * (2 * rng.uniform() - 1));' }],
    checks: ['05.exact', '05.stats', '05.pure'],
    title: msg('正規分布ではなく一様分布のノイズ', 'uniform noise instead of normal'),
    hint: msg('ν ~ N(0, σ²): rng.normal() を使います (rng.uniform() は [0, 1) の一様乱数)。', 'ν ~ N(0, σ²): use rng.normal(); rng.uniform() is uniform on [0, 1).'),
  },
  {
    id: 'noise-math-random', module: '05_denoising', detect: 'nondeterministic',
    patches: [{ find: 'return X.map(x => x + sigma * rng.normal());',
      replace: 'return X.map(x => x + sigma * Math.sqrt(-2 * Math.log(1 - Math.random())) * Math.cos(2 * Math.PI * Math.random()));' }],
    // Normal noise of the right σ, so only the seeded exact match fails; what names it is the
    // nondeterminism (two calls with the same Rng state answer differently), not an output.
    checks: ['05.exact', '05.pure'],
    title: msg('引数 rng ではなく Math.random を使っている', 'uses Math.random instead of the rng argument'),
    hint: msg('ν は引数の rng から rng.normal() で引きます: 同じ seed なら同じ X† (再現できる実験)。Math.random は呼ぶたびに違う値になります。',
      'Draw ν from the rng argument with rng.normal(): the same seed gives the same X† (reproducible runs). Math.random differs on every call.'),
  },
  {
    id: 'noise-abs', module: '05_denoising',
    patches: [{ find: 'return X.map(x => x + sigma * rng.normal());', replace: 'return X.map(x => x + sigma * Math.abs(rng.normal()));' }],
    checks: ['05.exact', '05.stats', '05.pure'],
    title: msg('ノイズの絶対値を足している (σ|ν|)', 'adds the noise\'s absolute value (σ|ν|)'),
    hint: msg('ν ~ N(0, σ²) は平均 0: 正にも負にもなります。X† = X + σ · rng.normal() (絶対値は取りません)。',
      'ν ~ N(0, σ²) has mean 0 and either sign: X† = X + σ · rng.normal(), no absolute value.'),
  },
  {
    id: 'noise-only', module: '05_denoising',
    patches: [{ find: 'return X.map(x => x + sigma * rng.normal());', replace: 'return X.map(() => sigma * rng.normal());' }],
    checks: ['05.exact', '05.stats', '05.zero', '05.pure'],
    title: msg('ノイズ ν だけを返している (X を足していない)', 'returns the noise ν alone, without X'),
    hint: msg('返すのは入力 X† = X + ν (ノイズを足した画像) で、ν だけではありません。σ = 0 なら X† = X です。',
      'Return the corrupted input X† = X + ν, not ν alone; with σ = 0, X† = X.'),
  },
  {
    id: 'noise-clipped', module: '05_denoising',
    patches: [{ find: 'return X.map(x => x + sigma * rng.normal());', replace: 'return X.map(x => Math.min(1, Math.max(0, x + sigma * rng.normal())));' }],
    checks: ['05.exact', '05.stats', '05.pure'],
    title: msg('X† を [0, 1] に切り詰めている', 'X† clipped to [0, 1]'),
    hint: msg('X† = X + ν をそのまま返します。[0, 1] に切り詰めるとノイズの平均と分散が N(0, σ²) でなくなります。',
      'Return X† = X + ν as it is: clipping to [0, 1] changes the noise\'s mean and variance away from N(0, σ²).'),
  },
  {
    id: 'noise-one-draw', module: '05_denoising',
    patches: [{ find: 'return X.map(x => x + sigma * rng.normal());', replace: 'const nu = sigma * rng.normal();\n  return X.map(x => x + nu);' }],
    checks: ['05.exact', '05.stats', '05.pure'],
    title: msg('ノイズを 1 回だけ引いて全成分に足している', 'one noise value drawn and added to every entry'),
    hint: msg('ν_ij ~ N(0, σ²) は成分ごとに独立: X.data の順に 1 成分 1 回ずつ rng.normal() を引きます。',
      'ν_ij ~ N(0, σ²) independently for every entry: one rng.normal() per element, in the order of X.data.'),
  },
  {
    id: 'noise-sqrt-sigma', module: '05_denoising',
    patches: [{ find: 'return X.map(x => x + sigma * rng.normal());', replace: 'return X.map(x => x + Math.sqrt(sigma) * rng.normal());' }],
    checks: ['05.exact', '05.stats', '05.pure'],
    title: msg('ノイズを √σ 倍している (σ を分散と読んだ)', 'noise scaled by √σ (σ read as the variance)'),
    hint: msg('引数 sigma は標準偏差 σ です (ν ~ N(0, σ²) の σ)。ν = σ · rng.normal()。',
      'The sigma argument is the standard deviation σ of ν ~ N(0, σ²): ν = σ · rng.normal().'),
  },
  {
    id: 'noise-sigma-ignored', module: '05_denoising',
    patches: [{ find: 'return X.map(x => x + sigma * rng.normal());', replace: 'return X.map(x => x + rng.normal());' }],
    checks: ['05.exact', '05.stats', '05.zero', '05.pure'],
    title: msg('ノイズに σ を掛けていない', 'noise not scaled by σ'),
    hint: msg('rng.normal() は N(0, 1) なので ν = σ · rng.normal() で N(0, σ²) になります。', 'rng.normal() is N(0, 1); ν = σ · rng.normal() is N(0, σ²).'),
  },
  {
    id: 'noise-one-vector', module: '05_denoising',
    // One d-vector of noise added to every column (numpy-style broadcasting).
    patches: [{ find: 'return X.map(x => x + sigma * rng.normal());', replace: 'const nu: number[] = [];\n  for (let k = 0; k < X.rows; k++) nu.push(sigma * rng.normal());\n  return X.map((x, k) => x + nu[k]);' }],
    // Or one value per sample (column), shared by its pixels.
    forms: [[{ find: 'return X.map(x => x + sigma * rng.normal());', replace: 'const nu: number[] = [];\n  for (let i = 0; i < X.cols; i++) nu.push(sigma * rng.normal());\n  return X.map((x, k, i) => x + nu[i]);' }]],
    checks: ['05.exact', '05.stats', '05.pure'],
    title: msg('ノイズを行または列で使い回している (成分ごとに引いていない)', 'noise shared along a row or a column (not drawn per entry)'),
    hint: msg('ν_ij ~ N(0, σ²) は成分ごとに独立です: X.data の順に 1 成分 1 回ずつ rng.normal() を引きます。1 本のベクトルを全列に足す (ブロードキャスト) と、どのサンプルにも同じノイズが乗ります。',
      'ν_ij ~ N(0, σ²) independently for every entry: one rng.normal() per element, in the order of X.data. One vector added to every column (broadcasting) puts the same noise on every sample.'),
  },
];
