// grader/checks/index.ts — the check functions, keyed by rubric id.
// Hidden checks live in hidden.ts, which the student release does not contain.
import { existsSync } from 'node:fs';
import { RUBRIC } from '../rubric.ts';
import type { CheckFn } from './common.ts';
import { STEP01 } from './step01.ts';
import { STEP02 } from './step02.ts';
import { STEP03 } from './step03.ts';
import { STEP04 } from './step04.ts';
import { STEP05 } from './step05.ts';
import { STEP06 } from './step06.ts';

export const PUBLIC_CHECKS: Record<string, CheckFn> = { ...STEP01, ...STEP02, ...STEP03, ...STEP04, ...STEP05, ...STEP06 };

const hiddenFile = new URL('./hidden.ts', import.meta.url);

/** Public and, where this copy of the grader has them, hidden checks. */
export async function loadChecks(withHidden: boolean): Promise<Record<string, CheckFn>> {
  if (!withHidden) return PUBLIC_CHECKS;
  if (!existsSync(hiddenFile)) {
    throw new Error('hidden checks are not in this copy of the grader (the student release has none); run from the course repository');
  }
  const { HIDDEN } = (await import(hiddenFile.href)) as { HIDDEN: Record<string, CheckFn> };
  const all = { ...PUBLIC_CHECKS, ...HIDDEN };
  // The rubric and the checks must name the same ids: a typo would silently drop points.
  for (const e of RUBRIC) if (!all[e.id]) throw new Error(`rubric entry ${e.id} has no check function`);
  for (const id of Object.keys(all)) if (!RUBRIC.some(e => e.id === id)) throw new Error(`check ${id} is not in the rubric`);
  return all;
}

for (const id of Object.keys(PUBLIC_CHECKS)) {
  const e = RUBRIC.find(x => x.id === id);
  if (!e || e.visibility !== 'public') throw new Error(`public check ${id} must be a public rubric entry`);
}
