// grader/watch/screen.ts — what `make watch` draws: a progress bar over the code steps, the
// training (program step) status, the current step's failures (the first step not fully
// passing), the next thing to do and the keys. One thing at a time, like rustlings; `a` shows
// every step. Step ids and ranges in the texts come from the course manifest.
import { Chalk } from 'chalk';
import { nextAction, renderStep } from '../report/terminal.ts';
import { COURSE } from '../course.ts';
import { STEP_IDS } from '../rubric.ts';
import { msg, type Lang, type Msg, type StepId, type Verdict } from '../types.ts';

export type WatchMode = 'fs.watch' | 'poll';
export type TrainingStatus = 'waiting' | 'running' | 'graded';

/** Everything the screen shows; the dispatcher (core.ts) updates it, tests read it. */
export interface WatchState {
  /** The latest verdicts of each step (code steps always, the program step once it ran on the current files). */
  verdicts: Partial<Record<StepId, Verdict[]>>;
  /** Of the code steps, how many pass every public check. */
  passed: number;
  /** The first step not fully passing (the program step counts once the code steps pass); undefined when all pass. */
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

/** The lecture's formulas per step (the manifest's hints): shown when no known mistake was recognised. */
export const STEP_HINTS: Record<StepId, Msg> = Object.fromEntries(COURSE.steps.map(s => [s.id, s.hint]));
/** The steps with files, counted by the progress bar, and the program step (training). */
const LESSONS = COURSE.codeSteps.map(s => s.id);
const PROGRAM = COURSE.steps.find(s => s.program)?.id;
/** The code steps as "first–last": they must all pass before the program step runs. */
const CODE_RANGE = `${LESSONS[0] ?? ''}–${LESSONS.at(-1) ?? ''}`;

const T = {
  ja: {
    points: '点', training: `学習 (${PROGRAM})`, waiting: `${CODE_RANGE} がすべて通ると確認します`, running: '確認中… (数秒かかります)',
    hint: 'ヒント', next: '次にやること', done: '公開チェックはすべて通りました。make train で学習させてみましょう。',
    graded: (s: number, what: string) => `採点 ${s.toFixed(1)} s: ${what}`, grading: '採点中…',
    watching: (m: WatchMode, why?: string) => m === 'poll' ? `ポーリングで監視${why ? ` (${why})` : ''}` : '保存すると採点し直します',
    keys: (hint: boolean, all: boolean) => `r 再実行 · h ${hint ? 'ヒントを隠す' : 'ヒント'} · a ${all ? '今のステップだけ' : 'すべて表示'} · q 終了`,
    enter: ' (キーのあと Enter)', error: '採点プログラムのエラー (提出物のせいではありません)',
  },
  en: {
    points: 'points', training: `training (${PROGRAM})`, waiting: `checked once ${CODE_RANGE} all pass`, running: 'running… (takes a few seconds)',
    hint: 'hint', next: 'next', done: 'All public checks pass. Try make train.',
    graded: (s: number, what: string) => `graded in ${s.toFixed(1)} s: ${what}`, grading: 'grading…',
    watching: (m: WatchMode, why?: string) => m === 'poll' ? `polling for changes${why ? ` (${why})` : ''}` : 're-grades on every save',
    keys: (hint: boolean, all: boolean) => `r re-run · h ${hint ? 'hide hint' : 'hint'} · a ${all ? 'current step only' : 'all steps'} · q quit`,
    enter: ' (type the key, then Enter)', error: 'grader error (not your submission\'s fault)',
  },
};

/** Said on `q` while a run is in flight. */
export const QUITTING: Msg = msg('採点の終了を待って終わります…', 'finishing the run in flight, then quitting…');

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
  lines.push(`Progress: ${progressBar(state.passed, LESSONS.length)} ${state.passed}/${LESSONS.length}  ·  ${state.score}/${state.maxScore} ${t.points}`);
  if (PROGRAM) {
    const program = state.verdicts[PROGRAM];
    const trainingLine = state.training === 'running' ? c.yellow(t.running)
      : state.training === 'graded' && program ? `${program.every(v => v.status === 'passed') ? c.green('✓') : c.red('✗')} ${points(program)}`
        : c.dim(t.waiting);
    lines.push(`${t.training}: ${trainingLine}`);
  }
  lines.push('');

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

/** The step a student works on: the first code step not fully passing, then the program step. */
export function currentStep(verdicts: Partial<Record<StepId, Verdict[]>>): StepId | undefined {
  const passes = (s: StepId) => (verdicts[s] ?? []).every(v => v.status === 'passed') && !!verdicts[s];
  for (const s of LESSONS) if (!passes(s)) return s;
  return PROGRAM && verdicts[PROGRAM] && !passes(PROGRAM) ? PROGRAM : undefined;
}
