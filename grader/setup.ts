// grader/setup.ts — which oracle a grading run uses. In the course repo (solutions/ present)
// answers are computed live; in the student release they come from the shipped fixture.
import { hashFiles, tsFilesUnder } from './hash.ts';
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { rubricHash } from './engine.ts';
import { FixtureOracle, LiveOracle, parseVariantKey, type FaultInfo, type Oracle } from './oracle.ts';
import { STEP_FILES } from '../tools/stubs.ts';

export const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..');
export const FIXTURE_PATH = join(ROOT, 'data', 'fixtures', 'public.json');

export const hasSolutions = (root = ROOT) => STEP_FILES.every(f => existsSync(join(root, 'solutions', f)));

/** What the fixture depends on: the reference files and the grading code. */
export function solutionsHash(root = ROOT): string {
  return `${hashFiles(root, STEP_FILES.map(f => `solutions/${f}`))}-${rubricHash()}`;
}

const libHash = (root: string) => hashFiles(root, tsFilesUnder(root, 'lib'), 12);

export async function liveOracle(root = ROOT): Promise<LiveOracle> {
  // The catalogue holds the faults' patches (answers in disguise): loaded only where solutions/ is.
  const { FAULTS, faultInfo } = await import('./faults/catalogue.ts');
  const { loadVariant } = await import('./faults/variants.ts');
  const infos: FaultInfo[] = FAULTS.map(faultInfo);
  // Reference training runs are cached per version of solutions/, checks and lib/.
  const cache = join(root, '.grader-cache', `oracle-${solutionsHash(root)}-${libHash(root)}.json`);
  return new LiveOracle(root, infos, key => {
    const { id, form } = parseVariantKey(key);
    return loadVariant(root, FAULTS.find(f => f.id === id)!, form);
  }, cache);
}

export async function chooseOracle(opts: { hidden?: boolean; fixture?: string } = {}): Promise<Oracle> {
  if (opts.fixture && opts.hidden) throw new Error('--hidden cannot be answered from a fixture (it holds public answers only)');
  if (hasSolutions() && !opts.fixture) return liveOracle();
  if (opts.hidden) throw new Error('--hidden needs solutions/ (TA grading runs in the course repository)');
  const path = opts.fixture ?? FIXTURE_PATH;
  if (!existsSync(path)) throw new Error(`no solutions/ and no fixture at ${path}: run \`make fixtures\` in the course repository`);
  return FixtureOracle.load(path);
}
