// grader/types.ts — the grader's vocabulary: steps, messages, rubric entries, verdicts.

/** A step's id as the course manifest declares it ('01', …); the engine knows no fixed list. */
export type StepId = string;

/** Every student-facing text exists in Japanese and English. */
export interface Msg { ja: string; en: string }
export type Lang = keyof Msg;
export const msg = (ja: string, en: string): Msg => ({ ja, en });

export type Visibility = 'public' | 'hidden';

/**
 * What an untouched stub throws (`'<module>: <fn>() は未実装 / not implemented'`): the stub
 * generator writes it, the sandbox runner and `make train` recognise it.
 */
export const NOT_IMPLEMENTED = '未実装 / not implemented';

export interface RubricEntry {
  id: string;
  step: StepId;
  points: number;
  visibility: Visibility;
  title: Msg;
  /** Seeds of the random cases; hidden checks use other seeds and shapes than public ones. */
  seed: number;
  /** The student function the check is about, where it is one of several in its step. */
  fn?: string;
}

export type Status = 'passed' | 'failed' | 'error';

export interface FaultMatch { id: string; title: Msg; hint: Msg }

export interface Verdict {
  id: string;
  step: StepId;
  visibility: Visibility;
  title: Msg;
  status: Status;
  points: number;
  maxPoints: number;
  /** Why it failed: expected vs got, shapes, first NaN, largest error and where. */
  messages: Msg[];
  /**
   * Functions that still throw the stub's "not implemented", when that is the only reason
   * this check failed (an untouched stub: the report says so in one line).
   */
  missing?: string[];
  /** The diagnosed mistake, when the step's failures matched a known wrong variant. */
  fault?: FaultMatch;
  /** Two mistakes at once (a pair of catalogued faults explains the step): both, `fault` first. */
  faults?: FaultMatch[];
  /** Measured relations of wrong outputs to the expected ones (a factor, a transpose): never a diagnosis. */
  observations?: Msg[];
  seed: number;
  seconds: number;
}

// ── the fault catalogue: what a catalogued mistake is (the course's `faults` module lists them) ──
export interface Patch { find: string; replace: string }

export interface Fault {
  id: string;
  /** The step file's module name (`02_backward`) whose reference the patches change. */
  module: string;
  /** Form 0: the mistake as most students write it. */
  patches: Patch[];
  /** Forms 1, 2, …: other ways to write the same mistake, each instead of `patches`. */
  forms?: Patch[][];
  /** Every public check of its step that form 0 fails (rubric ids). */
  checks: string[];
  /** Form k's public checks where they differ from `checks` (a form that throws also fails the
   *  purity check; one whose shapes fit does not). */
  formChecks?: Record<number, string[]>;
  title: Msg;
  hint: Msg;
  /**
   * 'output' (default): recognised by its return values; 'mutation': by the arguments it
   * modifies; 'nondeterministic': by different answers to the same call (no output proof possible).
   */
  detect?: 'output' | 'mutation' | 'nondeterministic';
}
