// grader/checks/load.ts — the course's check functions, keyed by rubric id, from the modules its
// manifest names. Hidden checks are a module of their own that the student release leaves out.
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { COURSE, importCourseModule, type Course } from '../course.ts';
import type { CheckFn } from './common.ts';

type Checks = Record<string, CheckFn>;

/** Public and, where this copy of the course has them, hidden checks. */
export async function loadChecks(withHidden: boolean, course: Course = COURSE): Promise<Checks> {
  const { checks } = course.manifest;
  const from = async (mods: readonly string[]) => {
    const all: Checks = {};
    for (const m of mods) {
      for (const [id, fn] of Object.entries((await importCourseModule<{ CHECKS: Checks }>(m, course)).CHECKS)) {
        if (id in all) throw new Error(`check ${id} is defined twice (${m})`);
        all[id] = fn;
      }
    }
    return all;
  };
  const pub = await from(checks.public);
  for (const id of Object.keys(pub)) {
    const e = course.rubric.find(x => x.id === id);
    if (!e || e.visibility !== 'public') throw new Error(`public check ${id} must be a public rubric entry`);
  }
  if (!withHidden) return pub;
  // A course may have no hidden checks; one that declares them must have them (the release has none).
  const hidden = checks.hidden ?? [];
  if (!hidden.every(m => existsSync(join(course.root, m)))) {
    throw new Error('hidden checks are not in this copy of the grader (the student release has none); run from the course repository');
  }
  const all = { ...pub, ...(await from(hidden)) };
  // The rubric and the checks must name the same ids: a typo would silently drop points.
  for (const e of course.rubric) if (!all[e.id]) throw new Error(`rubric entry ${e.id} has no check function`);
  for (const id of Object.keys(all)) if (!course.rubric.some(e => e.id === id)) throw new Error(`check ${id} is not in the rubric`);
  return all;
}
