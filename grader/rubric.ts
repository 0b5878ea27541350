// grader/rubric.ts — every check, its step, points and visibility, in one place. Total: 100.
// Public checks run in a student's `make grade`; hidden ones only in TA grading (--hidden),
// with other seeds and shapes. Order here is the order of the report.
import { msg, type RubricEntry, type StepId, type Msg } from './types.ts';

export const STEP_TITLES: Record<StepId, Msg> = {
  '01': msg('順伝播と誤差関数', 'forward pass and losses'),
  '02': msg('誤差逆伝播 (δ)', 'backpropagation (δ)'),
  '03': msg('確率的勾配降下法', 'SGD update'),
  '04': msg('adam (バイアス補正つき)', 'Adam with bias correction'),
  '05': msg('デノイジングの入力', 'denoising input'),
  '06': msg('学習 (自分のコードで)', 'training with your own steps'),
};

export const STEP_FILES: Record<StepId, string> = {
  '01': '01_forward.ts', '02': '02_backward.ts', '03': '03_sgd.ts', '04': '04_adam.ts',
  '05': '05_denoising.ts', '06': '01–05',
};

const P = 'public' as const;
const H = 'hidden' as const;

export const RUBRIC: readonly RubricEntry[] = [
  { id: '01.sigmoid', step: '01', points: 3, visibility: P, seed: 101, title: msg('sigmoid (大きな |a| も含む)', 'sigmoid, including large |a|') },
  { id: '01.forward.identity', step: '01', points: 5, visibility: P, seed: 102, title: msg('forward: g = 恒等写像, 全フィールド', 'forward, g = identity, every field') },
  { id: '01.forward.sigmoid', step: '01', points: 4, visibility: P, seed: 103, title: msg('forward: g = sigmoid', 'forward, g = sigmoid') },
  { id: '01.loss.squared', step: '01', points: 2, visibility: P, seed: 104, title: msg('二乗誤差 E = (1/n) Σ ½‖x − x̃‖²', 'squared error') },
  { id: '01.loss.cross', step: '01', points: 2, visibility: P, seed: 105, title: msg('交差エントロピー', 'cross entropy') },
  { id: '01.pure', step: '01', points: 1, visibility: P, seed: 106, title: msg('引数を書き換えない', 'arguments not modified') },
  { id: '01.hidden', step: '01', points: 3, visibility: H, seed: 9101, title: msg('別の形・シードでの順伝播と誤差', 'forward and losses on other shapes and seeds') },

  { id: '02.delta', step: '02', points: 6, visibility: P, seed: 201, title: msg('δ2 と δ1', 'δ2 and δ1') },
  { id: '02.grads', step: '02', points: 6, visibility: P, seed: 202, title: msg('∂E/∂W1 と ∂E/∂W0', '∂E/∂W1 and ∂E/∂W0') },
  { id: '02.gradcheck', step: '02', points: 6, visibility: P, seed: 203, title: msg('数値微分との比較 (中心差分, h = 1e-5)', 'finite-difference gradient check (centred, h = 1e-5)') },
  { id: '02.pure', step: '02', points: 1, visibility: P, seed: 204, title: msg('引数を書き換えない', 'arguments not modified') },
  { id: '02.hidden', step: '02', points: 6, visibility: H, seed: 9201, title: msg('別の形 (n = 1 を含む) での逆伝播と数値微分', 'backward and gradient check on other shapes, n = 1 included') },

  { id: '03.one', step: '03', points: 4, visibility: P, seed: 301, title: msg('1 ステップ', 'one step') },
  { id: '03.several', step: '03', points: 3, visibility: P, seed: 302, title: msg('続けて数ステップ', 'several steps in a row') },
  { id: '03.pure', step: '03', points: 2, visibility: P, seed: 303, title: msg('引数を書き換えない', 'arguments not modified') },
  { id: '03.hidden', step: '03', points: 1, visibility: H, seed: 9301, title: msg('別の形と学習率', 'other shapes and learning rates') },

  { id: '04.init', step: '04', points: 2, visibility: P, seed: 401, title: msg('adamInit: m = v = 0', 'adamInit: m = v = 0') },
  { id: '04.first', step: '04', points: 4, visibility: P, seed: 402, title: msg('初回の更新 (t = 1, 既定のハイパーパラメータ)', 'first update (t = 1, default hyperparameters)') },
  { id: '04.sequence', step: '04', points: 4, visibility: P, seed: 403, title: msg('t = 1…5 の連続更新', 'updates t = 1…5') },
  { id: '04.epsilon', step: '04', points: 3, visibility: P, seed: 404, title: msg('とても小さい勾配 (ε の位置)', 'tiny gradients (where ε goes)') },
  { id: '04.state', step: '04', points: 3, visibility: P, seed: 405, title: msg('返す状態 m, v', 'returned state m, v') },
  { id: '04.pure', step: '04', points: 2, visibility: P, seed: 406, title: msg('引数を書き換えない', 'arguments not modified') },
  { id: '04.hidden', step: '04', points: 2, visibility: H, seed: 9401, title: msg('別の形とハイパーパラメータ', 'other shapes and hyperparameters') },

  { id: '05.exact', step: '05', points: 4, visibility: P, seed: 501, title: msg('シード付き Rng と完全一致', 'exact match with a seeded Rng') },
  { id: '05.stats', step: '05', points: 2, visibility: P, seed: 502, title: msg('X† − X の平均 ≈ 0, 標準偏差 ≈ σ', 'X† − X has mean ≈ 0 and std ≈ σ') },
  { id: '05.zero', step: '05', points: 1, visibility: P, seed: 503, title: msg('σ = 0 なら X のまま', 'σ = 0 gives X') },
  { id: '05.pure', step: '05', points: 1, visibility: P, seed: 504, title: msg('X を書き換えない', 'X not modified') },
  { id: '05.hidden', step: '05', points: 2, visibility: H, seed: 9501, title: msg('別の形・σ・シード', 'other shapes, σ and seeds') },

  { id: '06.train', step: '06', points: 6, visibility: P, seed: 601, title: msg('MNIST で学習: 誤差が下がり、参照実装と同程度', 'MNIST training: loss falls and matches the reference') },
  { id: '06.denoise', step: '06', points: 4, visibility: P, seed: 602, title: msg('デノイジング: ノイズ入りの入力より良く復元', 'denoising beats the noisy input') },
  { id: '06.hidden', step: '06', points: 5, visibility: H, seed: 9601, title: msg('別のシード, SGD, g = sigmoid での学習', 'training with another seed, SGD and g = sigmoid') },
];

export const TOTAL_POINTS = RUBRIC.reduce((s, c) => s + c.points, 0);
