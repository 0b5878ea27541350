// grader/watch/screen.ts — what `make watch` draws: a progress bar over the five steps, the
// training status, the current step's failures (the first step not fully passing), the next
// thing to do and the keys. One thing at a time, like rustlings; `a` shows every step.
import { Chalk } from 'chalk';
import { nextAction, renderStep } from '../report/terminal.ts';
import { STEP_IDS, msg, type Lang, type Msg, type StepId, type Verdict } from '../types.ts';

export type WatchMode = 'fs.watch' | 'poll';
export type TrainingStatus = 'waiting' | 'running' | 'graded';

/** Everything the screen shows; the loop owns it, tests read it. */
export interface WatchState {
  /** The latest verdicts of each step (01–05 always, 06 once it ran on the current files). */
  verdicts: Partial<Record<StepId, Verdict[]>>;
  /** Of the five lecture steps, how many pass every public check. */
  passed: number;
  /** The first step not fully passing (06 counts once 01–05 pass); undefined when all pass. */
  current?: StepId;
  score: number;
  maxScore: number;
  training: TrainingStatus;
  showHint: boolean;
  showAll: boolean;
  mode: WatchMode;
  /** Why polling was chosen, when it was. */
  modeReason?: string;
  runs: number;
  last?: { steps: StepId[]; seconds: number };
  busy: boolean;
  closed: boolean;
  /** What was drawn last, without the clear-screen codes. */
  screen: string;
  /** Keys are typed as lines (stdin is not a terminal). */
  lineInput: boolean;
  /** The grader itself failed on the last run (not the submission). */
  error?: string;
}

/** The lecture's formulas per step: the hint when no known mistake was recognised. */
export const STEP_HINTS: Record<StepId, Msg> = {
  '01': msg('Xb = [1; X], A1 = W0 Xb, Z = f(A1), Zb = [1; Z], A2 = W1 Zb, X̃ = g(A2)。f(a) = 1/(1 + e^{−a})。E = (1/n) Σ ½‖x − x̃‖²。式はファイル冒頭のコメントにもあります。',
    'Xb = [1; X], A1 = W0 Xb, Z = f(A1), Zb = [1; Z], A2 = W1 Zb, X̃ = g(A2); f(a) = 1/(1 + e^{−a}); E = (1/n) Σ ½‖x − x̃‖². The file\'s comments have the formulas too.'),
  '02': msg('δ2 = X̃ − X, δ1 = (W̃1ᵀ δ2) ⊙ Z ⊙ (1 − Z) (W̃1 は W1 から切片の列を除いたもの), ∂E/∂W1 = δ2 Zbᵀ / n, ∂E/∂W0 = δ1 Xbᵀ / n。',
    'δ2 = X̃ − X, δ1 = (W̃1ᵀ δ2) ⊙ Z ⊙ (1 − Z) (W̃1: W1 without its bias column), ∂E/∂W1 = δ2 Zbᵀ / n, ∂E/∂W0 = δ1 Xbᵀ / n.'),
  '03': msg('W ← W − η ∂E/∂W を W0 と W1 に。引数は書き換えず、新しい行列を返します。',
    'W ← W − η ∂E/∂W for W0 and W1; return new matrices, leave the arguments alone.'),
  '04': msg('m ← β1 m + (1−β1) g, v ← β2 v + (1−β2) g⊙g, m̂ = m/(1−β1ᵗ), v̂ = v/(1−β2ᵗ), W ← W − α m̂/(√v̂ + ε)。t は 1 から。',
    'm ← β1 m + (1−β1) g, v ← β2 v + (1−β2) g⊙g, m̂ = m/(1−β1ᵗ), v̂ = v/(1−β2ᵗ), W ← W − α m̂/(√v̂ + ε); t starts at 1.'),
  '05': msg('X† = X + ν, ν_ij = σ · rng.normal()。X.data の順に要素ごとに 1 回ずつ引きます。',
    'X† = X + ν with ν_ij = σ · rng.normal(), one draw per element in the order of X.data.'),
  '06': msg('学習は 01–05 のあなたの関数で行います。make train で誤差の推移と復元画像を見てみましょう。',
    'Training uses your functions from 01–05. make train shows the loss curve and the reconstructions.'),
};

const T = {
  ja: {
    points: '点', training: '学習 (06)', waiting: '01–05 がすべて通ると確認します', running: '確認中… (数秒かかります)',
    hint: 'ヒント', next: '次にやること', done: '公開チェックはすべて通りました。make train で学習させてみましょう。',
    graded: (s: number, what: string) => `採点 ${s.toFixed(1)} s: ${what}`, grading: '採点中…',
    watching: (m: WatchMode, why?: string) => m === 'poll' ? `ポーリングで監視${why ? ` (${why})` : ''}` : '保存すると採点し直します',
    keys: (hint: boolean, all: boolean) => `r 再実行 · h ${hint ? 'ヒントを隠す' : 'ヒント'} · a ${all ? '今のステップだけ' : 'すべて表示'} · q 終了`,
    enter: ' (キーのあと Enter)', error: '採点プログラムのエラー (提出物のせいではありません)',
  },
  en: {
    points: 'points', training: 'training (06)', waiting: 'checked once 01–05 all pass', running: 'running… (takes a few seconds)',
    hint: 'hint', next: 'next', done: 'All public checks pass. Try make train.',
    graded: (s: number, what: string) => `graded in ${s.toFixed(1)} s: ${what}`, grading: 'grading…',
    watching: (m: WatchMode, why?: string) => m === 'poll' ? `polling for changes${why ? ` (${why})` : ''}` : 're-grades on every save',
    keys: (hint: boolean, all: boolean) => `r re-run · h ${hint ? 'hide hint' : 'hint'} · a ${all ? 'current step only' : 'all steps'} · q quit`,
    enter: ' (type the key, then Enter)', error: 'grader error (not your submission\'s fault)',
  },
};

/** `[#####>----]`: '#' for steps done, '>' where the student is. */
export function progressBar(done: number, total: number, width = 30): string {
  if (done >= total) return `[${'#'.repeat(width)}]`;
  const filled = Math.floor((width * done) / total);
  return `[${'#'.repeat(filled)}>${'-'.repeat(width - filled - 1)}]`;
}

const points = (vs: readonly Verdict[]) => `${vs.reduce((a, v) => a + v.points, 0)}/${vs.reduce((a, v) => a + v.maxPoints, 0)}`;

export function renderWatch(state: WatchState, opts: { lang: Lang; color?: boolean }): string {
  const L = opts.lang, t = T[L];
  const c = new Chalk({ level: opts.color ? 1 : 0 });
  const stepOpts = { lang: L, color: opts.color, hints: state.showHint };
  const lines: string[] = [];
  lines.push(`Progress: ${progressBar(state.passed, 5)} ${state.passed}/5  ·  ${state.score}/${state.maxScore} ${t.points}`);
  const six = state.verdicts['06'];
  const trainingLine = state.training === 'running' ? c.yellow(t.running)
    : state.training === 'graded' && six ? `${six.every(v => v.status === 'passed') ? c.green('✓') : c.red('✗')} ${points(six)}`
      : c.dim(t.waiting);
  lines.push(`${t.training}: ${trainingLine}`, '');

  const shown = (state.showAll ? STEP_IDS : state.current ? [state.current] : []).filter(s => state.verdicts[s]);
  for (const step of shown) {
    const vs = state.verdicts[step]!;
    lines.push(...renderStep(step, vs, stepOpts, c));
    // A recognised mistake brings its own hint (above); otherwise `h` gives the lecture's formula.
    if (state.showHint && step === state.current && !vs.some(v => v.status !== 'passed' && v.fault)) {
      lines.push(`    ${c.cyan(`${t.hint}: ${STEP_HINTS[step][L]}`)}`);
    }
  }
  if (shown.length > 0) lines.push('');

  const all = STEP_IDS.flatMap(s => state.verdicts[s] ?? []);
  if (state.current && state.verdicts[state.current]) {
    const next = nextAction(all.filter(v => v.step === state.current), L);
    lines.push(`${t.next}: ${next.text}`);
  } else if (all.length > 0 && !state.busy) {
    lines.push(c.green(t.done));
  }
  if (state.error) lines.push(c.red(`${t.error}: ${state.error}`));
  const status = state.busy ? t.grading
    : state.last ? t.graded(state.last.seconds, state.last.steps.map(s => `${s} ${points(state.verdicts[s] ?? [])}`).join(', ')) : '';
  lines.push(c.dim([status, t.watching(state.mode, state.modeReason)].filter(Boolean).join(' · ')));
  lines.push(c.bold(t.keys(state.showHint, state.showAll)) + (state.lineInput ? c.dim(t.enter) : ''));
  return lines.join('\n');
}

/** The step a student works on: the first of 01–05 not fully passing, then training. */
export function currentStep(verdicts: Partial<Record<StepId, Verdict[]>>): StepId | undefined {
  const passes = (s: StepId) => (verdicts[s] ?? []).every(v => v.status === 'passed') && !!verdicts[s];
  for (const s of STEP_IDS.slice(0, 5)) if (!passes(s)) return s;
  return verdicts['06'] && !passes('06') ? '06' : undefined;
}
