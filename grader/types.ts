// grader/types.ts — the grader's vocabulary: steps, messages, rubric entries, verdicts.

/** 01–05 are the lecture's steps; 06 is training with the student's own steps. */
export type StepId = '01' | '02' | '03' | '04' | '05' | '06';
export const STEP_IDS: readonly StepId[] = ['01', '02', '03', '04', '05', '06'];

/** Every student-facing text exists in Japanese and English. */
export interface Msg { ja: string; en: string }
export type Lang = keyof Msg;
export const msg = (ja: string, en: string): Msg => ({ ja, en });

export type Visibility = 'public' | 'hidden';

export interface RubricEntry {
  id: string;
  step: StepId;
  points: number;
  visibility: Visibility;
  title: Msg;
  /** Seeds of the random cases; hidden checks use other seeds and shapes than public ones. */
  seed: number;
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
  /** The diagnosed mistake, when the output matched a known wrong variant. */
  fault?: FaultMatch;
  seed: number;
  seconds: number;
}
