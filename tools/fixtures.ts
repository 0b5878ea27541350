// tools/fixtures.ts — the public fixture (data/fixtures/public.json): how it is made, written
// and checked for staleness. Used by tools/make-fixtures.ts, tools/release.ts and the tests.
//
// Staleness: the fixture stores, in `solutionsHash`, a hash of every file its answers depend
// on: the static import closure of solutions/, the public checks, the fault catalogue and the
// oracle (esbuild's metafile finds it). That is wider than setup.ts `solutionsHash()`, which
// misses lib/ (lib/train.ts computes the training answers, lib/matrix.ts every product), the
// catalogue (the variants' answers and the fault list) and oracle.ts (the answer keys); and it
// is narrower, since hidden.ts is not imported statically and cannot change a public answer.
import { buildSync } from 'esbuild';
import { createHash } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { FixtureFile } from '../grader/oracle.ts';
import { STEP_FILES } from './stubs.ts';

export const GENERATED_BY = 'tools/make-fixtures.ts';
export const FIXTURE_REL = 'data/fixtures/public.json';

/** What the committed file holds beyond FixtureFile: provenance, and the per-file hashes that
 *  let a stale fixture say which file changed. */
export interface GeneratedFixture extends FixtureFile {
  generatedBy: string;
  inputs: Record<string, string>;
}

const sha = (b: string | Buffer, n = 16) => createHash('sha256').update(b).digest('hex').slice(0, n);

/** Entry points whose import closure decides the public answers. */
const ENTRIES = [
  ...STEP_FILES.map(f => `solutions/${f}`),
  'grader/checks/index.ts', 'grader/faults/catalogue.ts', 'grader/faults/variants.ts', 'grader/oracle.ts',
];

/** file (relative to root) → short sha256 of its content, for every local file in the closure. */
export function fixtureInputs(root: string): Record<string, string> {
  const r = buildSync({
    absWorkingDir: root, entryPoints: ENTRIES, bundle: true, write: false, metafile: true,
    platform: 'node', format: 'esm', packages: 'external', outdir: join(root, '.fixture-hash-unused'), logLevel: 'silent',
  });
  const files = Object.keys(r.metafile.inputs).filter(f => !f.startsWith('node_modules/')).sort();
  return Object.fromEntries(files.map(f => [f, sha(readFileSync(join(root, f)))]));
}

export function hashOfInputs(inputs: Record<string, string>): string {
  return sha(JSON.stringify(Object.entries(inputs).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))), 32);
}

export const fixtureHash = (root: string): string => hashOfInputs(fixtureInputs(root));

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
  return `${headText},\n  "answers": {\n${answers}\n  }\n}\n`;
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

