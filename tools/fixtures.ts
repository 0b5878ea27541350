// tools/fixtures.ts — the public fixture (data/fixtures/public.json): how it is made, written
// and checked for staleness. Used by tools/make-fixtures.ts, tools/release.ts and the tests.
//
// Staleness: the fixture stores, in `solutionsHash`, the fingerprint of everything that decides
// a grade (grader/fingerprint.ts: the import closure of the engine, the course's checks, faults
// and program, and solutions/), and the per-file hashes that let a stale fixture say which file
// changed.
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { gradingEntries } from '../grader/fingerprint.ts';
import { closureInputs, hashOfInputs } from '../grader/hash.ts';
import type { FixtureFile } from '../grader/oracle.ts';

export const GENERATED_BY = 'tools/make-fixtures.ts';
export const FIXTURE_REL = 'data/fixtures/public.json';

/** What the committed file holds beyond FixtureFile: provenance, and the per-file hashes that
 *  let a stale fixture say which file changed. */
export interface GeneratedFixture extends FixtureFile {
  generatedBy: string;
  inputs: Record<string, string>;
}

/** file (relative to root) → short sha256, for every file that decides a grade (the one fingerprint). */
export const fixtureInputs = (root: string): Record<string, string> => closureInputs(root, gradingEntries());

export { hashOfInputs };

/**
 * The committed file's text. Deterministic: fixed field order, answers sorted by key, one
 * answer per line (a change shows as a few changed lines in a diff). Faults keep catalogue
 * order: diagnose() reports the first variant that matches.
 */
export function serializeFixture(f: GeneratedFixture): string {
  const keys = Object.keys(f.answers).sort();
  const head = {
    generatedBy: f.generatedBy,
    note: 'generated: do not edit by hand; run `make fixtures` after changing solutions/, grader/ or lib/',
    format: f.format,
    solutionsHash: f.solutionsHash,
    inputs: Object.fromEntries(Object.keys(f.inputs).sort().map(k => [k, f.inputs[k]])),
    faults: f.faults,
  };
  const headText = JSON.stringify(head, null, 2).replace(/\n}$/, '');
  const answers = keys.map(k => `    ${JSON.stringify(k)}: ${JSON.stringify(f.answers[k])}`).join(',\n');
  const pairs = Object.keys(f.pairs ?? {}).sort().map(k => `    ${JSON.stringify(k)}: ${JSON.stringify(f.pairs![k])}`).join(',\n');
  return `${headText},\n  "answers": {\n${answers}\n  },\n  "pairs": {\n${pairs}\n  }\n}\n`;
}

export function readFixture(path: string): GeneratedFixture | undefined {
  return existsSync(path) ? (JSON.parse(readFileSync(path, 'utf8')) as GeneratedFixture) : undefined;
}

/** Why the fixture at `path` does not match the current sources, or undefined when it does. */
export function staleness(root: string, path = join(root, FIXTURE_REL)): string | undefined {
  const f = readFixture(path);
  if (!f) return `${path} does not exist: run \`make fixtures\``;
  const now = fixtureInputs(root);
  if (f.solutionsHash === hashOfInputs(now)) return undefined;
  const old = f.inputs ?? {};
  const changed = [...new Set([...Object.keys(old), ...Object.keys(now)])].filter(k => old[k] !== now[k]).sort();
  return `the fixture ${path} is stale (changed since it was made: ${changed.join(', ') || 'unknown'}): run \`make fixtures\` and commit the result`;
}

