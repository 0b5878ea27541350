// grader/cli-args.ts — argument parsers shared by the grader's commands (grade, batch, watch).
import { InvalidArgumentError } from 'commander';
import { COURSE } from './course.ts';
import type { StepId } from './types.ts';

/** A step as the user typed it (`2`, `02`), checked against the course's steps. */
export function parseStep(value: string): StepId {
  try {
    return COURSE.parseStep(value);
  } catch (err) {
    throw new InvalidArgumentError((err as Error).message);
  }
}
