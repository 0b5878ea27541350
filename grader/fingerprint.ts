// grader/fingerprint.ts — one answer to "did anything that decides a grade change?", used by the
// reference-answer cache, batch regrade detection, the public fixture's staleness and results.json.
// It hashes every local file in the import closure of the engine, the sandbox runner, the
// course's manifest, checks, faults and program, and the reference solutions: no hand-kept list.
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { COURSE, type Course } from './course.ts';
import { closureInputs, hashOfInputs } from './hash.ts';

const GRADER_ROOT = join(dirname(fileURLToPath(import.meta.url)), '..');

/** Entry points, relative to the grader's folder (a course elsewhere gives `../…` paths). */
export function gradingEntries(course: Course = COURSE): string[] {
  const m = course.manifest;
  const own = [...m.checks.public, ...(m.checks.hidden ?? []), m.faults, m.program, 'course/manifest.ts', ...course.files.map(f => `solutions/${f}`)]
    .filter((p): p is string => !!p).map(p => relative(GRADER_ROOT, join(course.root, p)));
  return ['grader/engine.ts', 'grader/sandbox/runner.ts', 'grader/faults/variants.ts', ...own];
}

const memo = new Map<Course, Record<string, string>>();

/** file → short hash, for every file that decides a grade. */
export function gradingInputs(course: Course = COURSE): Record<string, string> {
  let inputs = memo.get(course);
  if (!inputs) memo.set(course, (inputs = closureInputs(GRADER_ROOT, gradingEntries(course))));
  return inputs;
}

/** The fingerprint of what decides a grade (16 hex digits unless asked for more). */
export const gradingFingerprint = (course: Course = COURSE, digits = 16): string => hashOfInputs(gradingInputs(course), digits);

/** Forget the memo (tools that edit sources within one process, and tests). */
export const forgetFingerprint = (): void => memo.clear();
