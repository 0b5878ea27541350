// grader/setup.ts — which oracle a grading run uses. In the course repo (solutions/ present)
// answers are computed live; in the student release they come from the shipped fixture.
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { COURSE, importCourseModule } from './course.ts';
import type { Fault } from './types.ts';
import { gradingFingerprint } from './fingerprint.ts';
import { FixtureOracle, LiveOracle, parseVariantKey, type FaultInfo, type Oracle } from './oracle.ts';

/** The course's folder (this repository for lecture 4). */
export const ROOT = COURSE.root;
export const FIXTURE_PATH = join(ROOT, 'data', 'fixtures', 'public.json');

export const hasSolutions = (root = ROOT) => COURSE.files.every(f => existsSync(join(root, 'solutions', f)));

/** The course's fault catalogue (staff only: the release has none). */
export async function loadFaults(): Promise<readonly Fault[]> {
  const rel = COURSE.manifest.faults;
  if (!rel || !existsSync(join(COURSE.root, rel))) return [];
  return (await importCourseModule<{ FAULTS: readonly Fault[] }>(rel)).FAULTS;
}

export async function liveOracle(root = ROOT): Promise<LiveOracle> {
  // The catalogue holds the faults' patches (answers in disguise): loaded only where solutions/ is.
  const FAULTS = await loadFaults();
  // Staff-only modules: imported here only, so the release (which has neither) never loads them.
  const { loadVariant, prepareVariants, variantModule } = await import('./faults/variants.ts');
  const { faultInfo, formPatches } = await import('./faults/forms.ts');
  const infos: FaultInfo[] = FAULTS.map(faultInfo);
  // Reference training runs are cached per version of everything that decides a grade.
  const cache = join(root, '.grader-cache', `oracle-${gradingFingerprint()}.json`);
  const fault = (id: string): Fault => {
    const f = FAULTS.find(x => x.id === id);
    if (!f) throw new Error(`no fault ${id} in the catalogue`);
    return f;
  };
  // A pair `a~0+b~0` (grader/diagnosis/step.ts) is the reference with both forms' patches.
  const pair = (key: string) => {
    const parts = key.split('+').map(parseVariantKey);
    return { key, module: fault(parts[0].id).module, patches: parts.flatMap(p => formPatches(fault(p.id), p.form)) };
  };
  return new LiveOracle(root, infos, key => {
    if (!key.includes('+')) {
      const { id, form } = parseVariantKey(key);
      return loadVariant(root, fault(id), form, FAULTS);
    }
    return variantModule(root, pair(key));
  }, cache, keys => prepareVariants(root, keys.filter(k => k.includes('+')).map(pair)));
}

export async function chooseOracle(opts: { hidden?: boolean; fixture?: string } = {}): Promise<Oracle> {
  if (opts.fixture && opts.hidden) throw new Error('--hidden cannot be answered from a fixture (it holds public answers only)');
  if (hasSolutions() && !opts.fixture) return liveOracle();
  if (opts.hidden) throw new Error('--hidden needs solutions/ (TA grading runs in the course repository)');
  const path = opts.fixture ?? FIXTURE_PATH;
  if (!existsSync(path)) throw new Error(`no solutions/ and no fixture at ${path}: run \`make fixtures\` in the course repository`);
  return FixtureOracle.load(path);
}
