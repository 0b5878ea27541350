// test/helpers/submission.ts — submissions built at test time: the reference files from
// solutions/ with some files replaced (a fault's patched source, a hostile fixture), written to
// a temporary folder as `<dir>/assignments/0N_*.ts`. Fixtures keep only the file they change.
import { cpSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import type { Patch } from '../../grader/types.ts';
import { applyPatches } from '../../grader/faults/variants.ts';
import type { StepModule } from '../../grader/sandbox/protocol.ts';
import { join } from 'node:path';

export const ROOT = join(import.meta.dirname, '..', '..');
export const HOSTILE = join(ROOT, 'test', 'fixtures', 'hostile');

const made: string[] = [];

/** Reference files (or the stubs, with base 'assignments') with `overrides` (file name → source). */
export function submission(overrides: Record<string, string> = {}, base: 'solutions' | 'assignments' = 'solutions'): string {
  const dir = mkdtempSync(join(tmpdir(), 'lec4-test-sub-'));
  made.push(dir);
  mkdirSync(join(dir, 'assignments'));
  cpSync(join(ROOT, base), join(dir, 'assignments'), { recursive: true });
  for (const [file, text] of Object.entries(overrides)) writeFileSync(join(dir, 'assignments', file), text);
  return dir;
}

export const reference = (file: string): string => readFileSync(join(ROOT, 'solutions', file), 'utf8');

/**
 * The files of a hostile case (file name → source), never a stale copy of the reference:
 *   `0N_x.prelude.ts`  hostile code put in front of the current reference `0N_x.ts` (ESM
 *                      imports are hoisted: the prelude still runs after the reference's imports);
 *   `0N_x.patch.json`  `[{ find, replace }]` applied to the reference, as the fault catalogue does;
 *   `0N_x.ts`          a file of its own.
 * `vars` fills placeholders such as __PORT__ (written as-is into the student's source).
 */
export function hostileFiles(name: string, vars: Record<string, string> = {}): Record<string, string> {
  const from = join(HOSTILE, name, 'assignments');
  if (!existsSync(from)) throw new Error(`no hostile fixture ${name}`);
  const files: Record<string, string> = {};
  for (const file of readdirSync(from)) {
    let text = readFileSync(join(from, file), 'utf8');
    for (const [k, v] of Object.entries(vars)) text = text.split(k).join(v);
    const [, module, kind] = /^(0[1-5]_\w+)\.(prelude\.ts|patch\.json)$/.exec(file) ?? [];
    if (kind === 'prelude.ts') files[`${module}.ts`] = text + reference(`${module}.ts`);
    else if (kind === 'patch.json') {
      files[`${module}.ts`] = applyPatches(reference(`${module}.ts`), { id: `hostile ${name}`, module: module as StepModule, patches: JSON.parse(text) as Patch[] });
    } else files[file] = text;
  }
  return files;
}

/** A hostile case graded as a submission: its files over the reference. */
export const hostileCase = (name: string, vars: Record<string, string> = {}): string => submission(hostileFiles(name, vars));

/** The 1-based line of the first line of `source` that contains `needle`. */
export function lineOf(source: string, needle: string): number {
  const i = source.split('\n').findIndex(l => l.includes(needle));
  if (i < 0) throw new Error(`"${needle}" is not in the source`);
  return i + 1;
}

export function removeSubmissions(): void {
  for (const d of made.splice(0)) rmSync(d, { recursive: true, force: true });
}
