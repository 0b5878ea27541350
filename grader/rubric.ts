// grader/rubric.ts — the course's rubric (declared in its manifest) and the tables derived
// from its steps: titles and files by step id.
import { COURSE } from './course.ts';
import type { Msg, StepId } from './types.ts';

export const RUBRIC = COURSE.rubric;
export const TOTAL_POINTS = COURSE.totalPoints;
export const STEP_IDS: readonly StepId[] = COURSE.stepIds;
export const STEP_TITLES: Record<StepId, Msg> = Object.fromEntries(COURSE.steps.map(s => [s.id, s.title]));
/** The file a step's line names: its own file, or for a program step every code file's range. */
export const STEP_FILES: Record<StepId, string> = Object.fromEntries(COURSE.steps.map(s => [s.id,
  s.file ?? `${COURSE.codeSteps[0]?.id ?? ''}–${COURSE.codeSteps.at(-1)?.id ?? ''}`]));
