// course/faults.ts — the common mistakes, each the reference with exactly one patch.
// Course staff: a new fault is one entry here (the type is Fault in grader/types.ts). `find` must occur exactly once in the solution
// file (the test suite checks it, so an edit to solutions/ that breaks a patch is caught).
// `checks` lists every public check of the fault's step that the fault fails; test/faults.test.ts
// grades the patched reference and proves that exactly these fail, that each names this fault
// and no other (no other variant gives the same output there), and that the rest pass.
// A mistake that makes the code throw is recognised by its error message (a shape error names
// both shapes), so patches may throw. Hints use the lecture's symbols.
import type { Fault } from '../grader/types.ts';
import { msg } from '../grader/types.ts';

export const FAULTS: readonly Fault[] = [
  // ── 01 forward ──────────────────────────────────────────────────────────────────────────
  {
    id: 'sigmoid-sign', module: '01_forward',
    patches: [{ find: 'return 1 / (1 + Math.exp(-a));', replace: 'return 1 / (1 + Math.exp(a));' }],
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
    title: msg('中間層に切片の行 1 を足していない', 'no bias row on Z'),
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
  // ── 03 SGD ──────────────────────────────────────────────────────────────────────────────
  {
    id: 'sgd-sign', module: '03_sgd',
    patches: [
      { find: 'const W0 = params.W0.sub(grads.dW0.mul(eta));', replace: 'const W0 = params.W0.add(grads.dW0.mul(eta));' },
      { find: 'const W1 = params.W1.sub(grads.dW1.mul(eta));', replace: 'const W1 = params.W1.add(grads.dW1.mul(eta));' },
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
];
