// grader/setup.ts — which oracle a grading run uses. In the course repo (solutions/ present)
// answers are computed live; in the student release they come from the shipped fixture.
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { COURSE, importCourseModule } from './course.ts';
import type { Fault } from './types.ts';
import { gradingFingerprint } from './fingerprint.ts';
import { FixtureOracle, LiveOracle, type FaultInfo, type Oracle } from './oracle.ts';

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
  const { loadVariant } = await import('./faults/variants.ts');
  const infos: FaultInfo[] = FAULTS.map(f => ({ id: f.id, module: f.module, title: f.title, hint: f.hint, detect: f.detect ?? 'output', checks: f.checks }));
  // Reference training runs are cached per version of everything that decides a grade.
  const cache = join(root, '.grader-cache', `oracle-${gradingFingerprint()}.json`);
  // A pair `a+b` (grader/diagnosis/step.ts) is the reference with both faults' patches.
  const byId = (id: string): Fault => {
    const parts = id.split('+').map(p => FAULTS.find(f => f.id === p));
    if (parts.some(p => !p)) throw new Error(`no fault ${id} in the catalogue`);
    return parts.length === 1 ? parts[0]! : { ...parts[0]!, id, patches: parts.flatMap(p => p!.patches) };
  };
  return new LiveOracle(root, infos, id => loadVariant(root, byId(id)), cache);
}

export async function chooseOracle(opts: { hidden?: boolean; fixture?: string } = {}): Promise<Oracle> {
  if (opts.fixture && opts.hidden) throw new Error('--hidden cannot be answered from a fixture (it holds public answers only)');
  if (hasSolutions() && !opts.fixture) return liveOracle();
  if (opts.hidden) throw new Error('--hidden needs solutions/ (TA grading runs in the course repository)');
  const path = opts.fixture ?? FIXTURE_PATH;
  if (!existsSync(path)) throw new Error(`no solutions/ and no fixture at ${path}: run \`make fixtures\` in the course repository`);
  return FixtureOracle.load(path);
}
