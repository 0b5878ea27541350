// grader/budget.ts — a wall-clock budget for one submission, all steps together.
//
// The per-call limit stops a hang; it does not stop code that is merely slow on every call
// (3.5 s under a 4 s limit, a hundred calls). The budget does: every student call is refused
// once it has run out, and the calls in flight at that moment are stopped by killing the
// sandbox children. The check that was running and every check not yet run score 0 and say
// so; checks finished before the budget ran out keep their verdicts.
//
// What it counts is the wall time during which the submission's code runs: from the moment
// one of its calls (or training runs) is sent to a sandbox child until none is in flight, all
// steps together (two steps running side by side count once). The grader's own work between
// calls (reference answers, fault diagnosis, a cohort's first reference training) is not the
// student's and is not counted: a correct submission graded first in a batch, or beside a busy
// judge, must not run out of time for it.
import type { Prepared } from './sandbox/compile.ts';
import type { Limits } from './sandbox/child.ts';
import { StudentRunner, type Outcome } from './student.ts';
import { msg, type Msg, type RubricEntry, type StepId, type Verdict } from './types.ts';

/** Batch default: a correct submission needs about 10 s on a loaded 2-core machine. */
export const DEFAULT_BUDGET_MS = 60_000;

/** What grade() reports about the budget (GradeReport.budget). */
export interface BudgetReport {
  ms: number;
  /** Wall time the submission's code ran (what the budget counts), in ms. */
  usedMs: number;
  exhausted: boolean;
  /** The checks that were running when it ran out (steps run side by side: often two). */
  during: { step: StepId; check: string }[];
  /** Every check the budget cost points: stopped or never run. */
  checks: string[];
}

const seconds = (ms: number) => `${+(ms / 1000).toFixed(1)}`;

export class Budget {
  exhausted = false;
  private readonly running = new Map<StepId, string>();
  private readonly during: { step: StepId; check: string }[] = [];
  private readonly cut = new Set<string>();
  private timer?: NodeJS.Timeout;
  /** Calls in flight; `used` ms of finished busy spans; the current span began at `since`. */
  private active = 0;
  private used = 0;
  private since = 0;
  private ranOut!: () => void;
  /** Settles when the budget runs out: a call in flight is answered then, not at its own limit. */
  readonly gone = new Promise<void>(res => { this.ranOut = res; });
  /** Called once when the budget runs out: stops whatever is in flight. */
  onExhausted: () => void = () => {};

  constructor(readonly ms: number) {}

  /** A student call is sent: the clock runs while at least one is in flight. */
  begin(): void {
    if (this.active++ > 0) return;
    this.since = performance.now();
    this.timer = setTimeout(() => this.exhaust(), Math.max(0, this.ms - this.used));
    this.timer.unref();
  }

  /** A student call is answered (or stopped). */
  end(): void {
    if (--this.active > 0) return;
    this.used += performance.now() - this.since;
    clearTimeout(this.timer);
  }

  private usedMs(): number {
    return this.used + (this.active > 0 ? performance.now() - this.since : 0);
  }

  private exhaust(): void {
    if (this.exhausted) return;
    this.exhausted = true;
    for (const [step, check] of this.running) this.during.push({ step, check });
    this.onExhausted();
    this.ranOut();
  }

  stop(): void {
    clearTimeout(this.timer);
  }

  /** Where it ran out, e.g. "06.train (step 06), 02.delta (step 02)". */
  private where(lang: 'ja' | 'en'): string {
    if (this.during.length === 0) return lang === 'ja' ? '採点の準備中' : 'while preparing';
    return this.during.map(d => (lang === 'ja' ? `ステップ ${d.step} の ${d.check}` : `${d.check} (step ${d.step})`)).join(', ');
  }

  private message(stopped: boolean): Msg {
    const s = seconds(this.ms);
    return stopped
      ? msg(`時間切れ: 提出物全体の持ち時間 ${s} 秒を使い切ったので、このチェックの途中で止めました (${this.where('ja')} の実行中)。残りのチェックは実行していません。遅すぎる処理 (要素ごとに新しい Matrix を作るなど) がないか確認してください`,
        `time budget: the submission's total time budget of ${s} s ran out during this check (while running ${this.where('en')}); it was stopped and the remaining checks were not run. Look for code that is far too slow (a new Matrix per element, for instance)`)
      : msg(`実行しませんでした: 提出物全体の持ち時間 ${s} 秒を使い切りました (${this.where('ja')} の実行中)`,
        `not run: the submission's total time budget of ${s} s ran out (while running ${this.where('en')})`);
  }

  /** A student call refused (or stopped) because the budget ran out. */
  outcome(): Outcome {
    return { ok: false, error: { kind: 'skipped', message: `time budget of ${seconds(this.ms)} s ran out` }, explain: this.message(true) };
  }

  /** A check starts: true when it may run, false when the budget is gone (use notRun()). */
  enter(step: StepId, check: string): boolean {
    if (this.exhausted) return false;
    this.running.set(step, check);
    return true;
  }

  /** A check ended: its verdict, or a budget verdict when the budget ran out while it ran. */
  leave(step: StepId, verdict: Verdict): Verdict {
    this.running.delete(step);
    if (!this.exhausted) return verdict;
    this.cut.add(verdict.id);
    return { ...verdict, status: 'error', points: 0, messages: [this.message(true)], fault: undefined, missing: undefined };
  }

  /** The verdict of a check that never started. */
  notRun(entry: RubricEntry): Verdict {
    this.cut.add(entry.id);
    return {
      id: entry.id, step: entry.step, visibility: entry.visibility, title: entry.title, status: 'error',
      points: 0, maxPoints: entry.points, messages: [this.message(false)], seed: entry.seed, seconds: 0,
    };
  }

  report(): BudgetReport {
    return { ms: this.ms, usedMs: Math.round(this.usedMs()), exhausted: this.exhausted, during: [...this.during], checks: [...this.cut] };
  }
}

/**
 * A StudentRunner that refuses every call once the budget is gone, and whose in-flight call is
 * stopped (its sandbox children killed) and answered the moment it runs out. (A killed child
 * would otherwise answer only at its own per-call limit: close() does not settle its job.)
 */
export class BudgetedRunner extends StudentRunner {
  constructor(prepared: Prepared, limits: Limits, readonly budget: Budget) {
    super(prepared, limits);
    budget.onExhausted = () => this.close();
  }

  override call(...args: Parameters<StudentRunner['call']>): Promise<Outcome> {
    return this.timed(() => super.call(...args));
  }

  override program(...args: Parameters<StudentRunner['program']>): Promise<Outcome> {
    return this.timed(() => super.program(...args));
  }

  private async timed(run: () => Promise<Outcome>): Promise<Outcome> {
    if (this.budget.exhausted) return this.budget.outcome();
    this.budget.begin();
    try {
      const r = await Promise.race([run(), this.budget.gone]);
      return this.budget.exhausted || !r ? this.budget.outcome() : r;
    } finally {
      this.budget.end();
    }
  }
}
