// grader/course.ts — the course the engine grades: its manifest, and every table derived from it.
// The engine knows no lecture. A course is a folder with `course/manifest.ts` (steps, functions,
// titles, hints, rubric), `solutions/`, `assignments/`, `lib/`, and the check and fault modules
// the manifest names. This repository's own course (lecture 4) is the default; another one is
// chosen with GRADER_COURSE=<folder> (the CLI's --course sets it before anything else loads).
import { existsSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import type { Msg, RubricEntry } from './types.ts';

export interface FunctionDecl {
  name: string;
  /** The parameter names students see (messages say `params.W0`, never `arg0`). */
  params: readonly string[];
}

export interface StepDecl {
  /** What TAs see (rubric ids, report lines, CSV columns): never renumbered. */
  id: string;
  /** The step's file in assignments/ and solutions/; absent for a program step. */
  file?: string;
  /** The gradebook's column for this step. */
  csv: string;
  title: Msg;
  /** The lecture's formulas for the step: shown when no known mistake was recognised. */
  hint: Msg;
  functions: readonly FunctionDecl[];
  /** A step that runs the student's code steps together (lecture 4: training). */
  program?: boolean;
}

export interface CourseManifest {
  /** Short name: the release's zip and top folder (`Lec4.zip`). */
  name: string;
  title: Msg;
  /** Modules of lib/ that student files may import. */
  lib: readonly string[];
  steps: readonly StepDecl[];
  rubric: readonly RubricEntry[];
  /**
   * Modules (relative to the course folder) exporting `CHECKS: Record<rubricId, CheckFn>`: public
   * ones ship to students, hidden ones only run in TA grading. A new step may bring its own.
   */
  checks: { public: readonly string[]; hidden?: readonly string[] };
  /** Module exporting `FAULTS` (the catalogue of common mistakes); staff only. */
  faults?: string;
  /** Module bundled into the sandbox that runs a program step; exports `runProgram`. */
  program?: string;
}

export interface Course {
  root: string;
  manifest: CourseManifest;
  steps: readonly StepDecl[];
  stepIds: readonly string[];
  /** Steps with a file of their own, in order. */
  codeSteps: readonly (StepDecl & { file: string })[];
  /** File names (`01_forward.ts`), in order. */
  files: readonly string[];
  /** Module names (`01_forward`), in order. */
  modules: readonly string[];
  rubric: readonly RubricEntry[];
  totalPoints: number;
  step(id: string): StepDecl;
  /** The step of a file or module name, if it is one of the course's. */
  stepOfFile(fileOrModule: string): StepDecl | undefined;
  /** Parameter names of a student function, by function name. */
  paramsOf(fn: string): readonly string[] | undefined;
  /** The step id a user typed (`2`, `02`), or an error that lists the valid ones. */
  parseStep(value: string): string;
}

/** "1–6" for contiguous numeric ids, else the ids listed. */
function describeIds(ids: readonly string[]): string {
  const n = ids.map(Number);
  const contiguous = n.every((x, i) => Number.isInteger(x) && (i === 0 || x === n[i - 1] + 1));
  return contiguous && n.length > 1 ? `${n[0]}–${n.at(-1)}` : ids.join(', ');
}

export const moduleOf = (file: string): string => file.replace(/\.ts$/, '');

export function makeCourse(root: string, manifest: CourseManifest): Course {
  const codeSteps = manifest.steps.filter((s): s is StepDecl & { file: string } => !!s.file && !s.program);
  const byId = new Map(manifest.steps.map(s => [s.id, s]));
  const byFile = new Map(codeSteps.flatMap(s => [[s.file, s], [moduleOf(s.file), s]] as const));
  const params = new Map(manifest.steps.flatMap(s => s.functions.map(f => [f.name, f.params] as const)));
  for (const e of manifest.rubric) {
    if (!byId.has(e.step)) throw new Error(`course ${manifest.name}: rubric entry ${e.id} names step ${e.step}, which is not in steps`);
  }
  const stepIds = manifest.steps.map(s => s.id);
  return {
    root, manifest, steps: manifest.steps, stepIds, codeSteps,
    files: codeSteps.map(s => s.file),
    modules: codeSteps.map(s => moduleOf(s.file)),
    rubric: manifest.rubric,
    totalPoints: manifest.rubric.reduce((a, e) => a + e.points, 0),
    step(id) {
      const s = byId.get(id);
      if (!s) throw new Error(`no step ${id} in course ${manifest.name} (steps: ${stepIds.join(', ')})`);
      return s;
    },
    stepOfFile: f => byFile.get(f),
    paramsOf: fn => params.get(fn),
    parseStep(value) {
      const exact = stepIds.find(id => id === value) ?? stepIds.find(id => /^\d+$/.test(value) && Number(id) === Number(value));
      if (!exact) throw new Error(`expected a step ${describeIds(stepIds)}, got "${value}"`);
      return exact;
    },
  };
}

/** The folder of a course: GRADER_COURSE, else this repository. */
export const COURSE_ROOT = resolve(process.env.GRADER_COURSE || join(dirname(fileURLToPath(import.meta.url)), '..'));

async function load(root: string): Promise<Course> {
  const file = join(root, 'course', 'manifest.ts');
  if (!existsSync(file)) throw new Error(`no course manifest at ${file} (GRADER_COURSE names the folder that holds course/manifest.ts)`);
  const { MANIFEST } = (await import(pathToFileURL(file).href)) as { MANIFEST: CourseManifest };
  return makeCourse(root, MANIFEST);
}

/** The course of this process. */
export const COURSE: Course = await load(COURSE_ROOT);

/** A module of the course (checks, faults), imported by its manifest path. */
export function importCourseModule<T>(rel: string, course: Course = COURSE): Promise<T> {
  return import(pathToFileURL(join(course.root, rel)).href) as Promise<T>;
}
